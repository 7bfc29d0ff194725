"""``flask participants import|export``."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from placement.audit.services import set_actor
from placement.extensions import db
from placement.network.cli import _line_count, _partnership
from placement.participants import csvio
from placement.participants.models import Participant

participants_cli = AppGroup("participants", help="Import and export young people as CSV.")


@participants_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
def import_command(file: Path, partnership_name: str) -> None:
    """Import young people from a CSV FILE: every row or, on any error, none."""
    set_actor(None, "cli")
    partnership = _partnership(partnership_name)
    data = file.read_bytes()
    with click.progressbar(length=_line_count(data), label=f"Reading {file.name}", show_pos=True,
                           file=sys.stderr) as bar:
        report = csvio.import_csv(data, partnership, progress=bar.update)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.ok:
        db.session.rollback()
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(_("Nothing was imported."), err=True)
        click.get_current_context().exit(1)
    db.session.commit()
    click.echo(f"Imported {report.imported} young people into {partnership.name}.")


@participants_cli.command("export")
@click.option("--partnership", "partnership_name", default=None,
              help="The partnership's name; all partnerships if left out.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def export_command(partnership_name: str | None, output: Path | None) -> None:
    """Export young people as CSV (semicolons, UTF-8 with byte-order mark); logged as views in the audit log."""
    set_actor(None, "cli")
    stmt = csvio.export_select()
    if partnership_name is not None:
        stmt = stmt.where(Participant.partnership_id == _partnership(partnership_name).id)
    data = csvio.export_csv(db.session.scalars(stmt)).encode("utf-8")
    db.session.commit()
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
