"""``flask history import KIND FILE``: bring a partnership's progress measurements or internships in."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from placement.audit.services import set_actor
from placement.extensions import db
from placement.network.cli import _line_count, _partnership
from placement.progress import csvio

history_cli = AppGroup("history", help="Import a partnership's history: progress measurements and internships.")


@history_cli.command("import")
@click.argument("kind", type=click.Choice(csvio.KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
def import_command(kind: str, file: Path, partnership_name: str) -> None:
    """Import measurements or internships from a CSV FILE: every row or, on any error, none."""
    set_actor(None, "cli")
    partnership = _partnership(partnership_name)
    data = file.read_bytes()
    with click.progressbar(length=_line_count(data), label=f"Reading {file.name}", show_pos=True,
                           file=sys.stderr) as bar:
        report = csvio.import_csv(kind, data, partnership, progress=bar.update)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.ok:
        db.session.rollback()
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(_("Nothing was imported."), err=True)
        click.get_current_context().exit(1)
    db.session.commit()
    click.echo(f"Imported {report.imported} {kind} into {partnership.name}.")
