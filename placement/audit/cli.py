"""``flask audit verify|grant-role``."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, inspect, select, text

from placement.audit import chain
from placement.audit.models import AuditEvent
from placement.audit.roles import grant_statements
from placement.extensions import db

audit_cli = AppGroup("audit", help="Check the audit log's hash chain; set up the application's database role.")

_BATCH = 1000


def _entries():
    table = AuditEvent.__table__
    columns = [table.c.id, table.c.prev_hash, table.c.hash] + [table.c[name] for name in chain.HASHED_COLUMNS]
    # Streamed in batches (a server-side cursor on PostgreSQL): a log of millions of entries is never held whole.
    result = db.session.execute(select(*columns).order_by(table.c.id), execution_options={"yield_per": _BATCH})
    try:
        for row in result.mappings():
            yield dict(row)
    finally:
        result.close()


@audit_cli.command("verify")
def verify_command() -> None:
    """Walk the audit log's hash chain in id order; report "OK" or the first broken link (exit code 1)."""
    total = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    checked = 0
    broken = None
    entries = _entries()
    with click.progressbar(length=total, label="Checking the audit log", show_pos=True) as bar:
        for result in chain.first_break(entries):
            if result is not None:
                broken = result
                break
            checked += 1
            bar.update(1)
    entries.close()
    db.session.rollback()
    if broken is not None:
        click.echo(f"BROKEN at entry {broken.entry_id}: {broken.problem} ({checked} entries before it are sound).")
        raise SystemExit(1)
    click.echo(f"OK, {checked} entries")


@audit_cli.command("grant-role")
@click.argument("role")
def grant_role_command(role: str) -> None:
    """Give an existing PostgreSQL ROLE the application's rights: append-only on the audit log (run as owner)."""
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Database roles apply to PostgreSQL only.")
    try:
        statements = grant_statements(role, inspect(db.engine).get_table_names())
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    click.echo(f"{role} may now read and append to the audit log, and read and change the other tables.")
