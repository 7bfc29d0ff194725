"""``flask history import KIND FILE``: bring a partnership's progress measurements or internships in."""

from pathlib import Path

import click
from flask.cli import AppGroup

from placement.audit.services import set_actor
from placement.cli_tools import import_file, partnership_by_name
from placement.progress import csvio

history_cli = AppGroup("history", help="Import a partnership's history: progress measurements and internships.")


@history_cli.command("import")
@click.argument("kind", type=click.Choice(csvio.KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
def import_command(kind: str, file: Path, partnership_name: str) -> None:
    """Import measurements or internships from a CSV FILE: every row or, on any error, none."""
    set_actor(None, "cli")
    partnership = partnership_by_name(partnership_name)
    report = import_file(file, lambda data, progress: csvio.import_csv(kind, data, partnership, progress=progress))
    click.echo(f"Imported {report.imported} {kind} into {partnership.name}.")
