"""the audit chain's tip in one round trip

Revision ID: 0020_audit_chain_tip
Revises: 0019_job_checks
Create Date: 2026-12-04 11:00:00

PostgreSQL only: ``audit_chain_tip(key)`` takes the chain's transaction-level advisory lock and then returns the
last entry's hash. A VOLATILE PL/pgSQL function reads with a fresh snapshot per statement, so the hash is read
after the lock is held (a single SELECT of both would read with a snapshot taken before waiting for the lock).
Every audited request saves a round trip.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020_audit_chain_tip'
down_revision = '0019_job_checks'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION audit_chain_tip(lock_key bigint) RETURNS text
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(lock_key);
            RETURN (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1);
        END
        $$
    """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION audit_chain_tip(bigint)")
