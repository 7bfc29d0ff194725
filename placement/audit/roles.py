"""PostgreSQL roles: the application connects as a role that can append to the audit log but not undo it.

The owner role (runs the migrations) owns every table; the application's role may only SELECT and INSERT on the
audit tables (and use their id sequence) and SELECT/INSERT/UPDATE/DELETE the rest. Without ownership it can
neither ALTER (disable the trigger that refuses UPDATE and DELETE) nor TRUNCATE nor DROP the audit log.
"""

import re

#: Tables the application may only read and append to.
APPEND_ONLY_TABLES = ("audit_events", "audit_subjects")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_role_name(role: str) -> str:
    """Return the role name if it is a plain lower-case SQL identifier; refuse anything else (it is interpolated)."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"not a plain role name (lower-case letters, digits, _): {role!r}")
    return role


def grant_statements(role: str, tables: list[str]) -> list[str]:
    """Return the GRANT statements that give the application's ``role`` its rights on ``tables``, run as owner."""
    role = check_role_name(role)
    statements = [f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                  f"GRANT USAGE ON SCHEMA public TO {role}"]
    for table in tables:
        if not re.match(r"^[a-z_][a-z0-9_]*$", table):
            raise ValueError(f"unexpected table name {table!r}")
        rights = "SELECT, INSERT" if table in APPEND_ONLY_TABLES else "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON {table} TO {role}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    return statements
