"""``flask participants import|export``."""

from pathlib import Path

import click
from flask.cli import AppGroup

from placement.audit.reads import BASE, CHOOSABLE, HEALTH, check_purpose, write_read
from placement.audit.services import set_actor
from placement.cli_tools import import_file, partnership_by_name
from placement.extensions import db
from placement.participants import csvio
from placement.participants.models import Participant

participants_cli = AppGroup("participants", help="Import and export young people as CSV.")


@participants_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
def import_command(file: Path, partnership_name: str) -> None:
    """Import young people from a CSV FILE: every row or, on any error, none."""
    set_actor(None, "cli")
    partnership = partnership_by_name(partnership_name)
    report = import_file(file, lambda data, progress: csvio.import_csv(data, partnership, progress=progress))
    click.echo(f"Imported {report.imported} young people into {partnership.name}.")


@participants_cli.command("export")
@click.option("--partnership", "partnership_name", default=None,
              help="The partnership's name; all partnerships if left out.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--purpose", required=True, type=click.Choice([p.value for p in CHOOSABLE]),
              help="Why the export is made; written to the audit log.")
@click.option("--purpose-note", default="", help='The purpose in your own words (required for "other").')
def export_command(partnership_name: str | None, output: Path | None, purpose: str, purpose_note: str) -> None:
    """Export young people as CSV (semicolons, UTF-8 with byte-order mark); one read entry in the audit log."""
    set_actor(None, "cli")
    problem = check_purpose(purpose, purpose_note)
    if problem:
        raise click.UsageError(problem)
    stmt = csvio.export_select()
    if partnership_name is not None:
        stmt = stmt.where(Participant.partnership_id == partnership_by_name(partnership_name).id)
    participants = db.session.scalars(stmt).all()
    write_read(db.session, participants, (BASE, HEALTH), purpose, purpose_note.strip(), entity_id="export")
    data = csvio.export_csv(participants).encode("utf-8")
    db.session.commit()
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
