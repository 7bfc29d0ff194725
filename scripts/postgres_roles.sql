-- Two PostgreSQL roles for the placement service (run once as a superuser, e.g. `psql -d placement -f
-- scripts/postgres_roles.sql`; set the passwords first). Change the names with care: the grants below use them.
--
--   placement_owner  owns the schema and runs the migrations (`flask db upgrade`).
--   placement_app    is what the service connects as: it reads and changes the records, but may only read and
--                    append to the audit log. Not owning the tables, it can neither TRUNCATE, ALTER (disable the
--                    trigger that refuses UPDATE and DELETE) nor DROP the audit log.
--
-- After each migration that adds tables, run as the owner: flask --app placement audit grant-role placement_app
-- (the default privileges below cover new tables created by placement_owner as well).

CREATE ROLE placement_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE placement_app LOGIN PASSWORD 'change-me-app';

ALTER SCHEMA public OWNER TO placement_owner;
GRANT USAGE ON SCHEMA public TO placement_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Tables created by the owner from now on: read and change, except the audit tables (below).
ALTER DEFAULT PRIVILEGES FOR ROLE placement_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO placement_app;
ALTER DEFAULT PRIVILEGES FOR ROLE placement_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO placement_app;

-- Tables that exist already (the migrations ran before): hand them to the owner, then grant.
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO placement_owner', t.tablename);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO placement_app', t.tablename);
    END LOOP;
    FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER SEQUENCE public.%I OWNER TO placement_owner', t.sequencename);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'audit_events_append_only') THEN
        ALTER FUNCTION audit_events_append_only() OWNER TO placement_owner;
    END IF;
END $$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO placement_app;

-- The audit log: read and append only.
DO $$
BEGIN
    IF to_regclass('public.audit_events') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_subjects FROM placement_app;
        GRANT SELECT, INSERT ON audit_events, audit_subjects TO placement_app;
    END IF;
END $$;
