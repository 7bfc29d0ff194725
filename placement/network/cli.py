"""``flask network import|export``."""

from pathlib import Path

import click
from flask.cli import AppGroup

from placement.audit.services import set_actor
from placement.cli_tools import import_file, partnership_by_name
from placement.extensions import db
from placement.network import csvio
from placement.network.models import Company

network_cli = AppGroup("network", help="Import and export the company network as CSV.")


@network_cli.command("import")
@click.argument("kind", type=click.Choice(csvio.KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
def import_command(kind: str, file: Path, partnership_name: str) -> None:
    """Import companies, mentors or job functions from a CSV FILE: every row or, on any error, none."""
    set_actor(None, "cli")
    partnership = partnership_by_name(partnership_name)
    report = import_file(file, lambda data, progress: csvio.import_csv(kind, data, partnership, progress=progress))
    click.echo(f"Imported {report.imported} {kind.replace('_', ' ')} into {partnership.name}.")


@network_cli.command("export")
@click.argument("kind", type=click.Choice(csvio.KINDS))
@click.option("--partnership", "partnership_name", default=None,
              help="The partnership's name; all partnerships if left out.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def export_command(kind: str, partnership_name: str | None, output: Path | None) -> None:
    """Export companies, mentors or job functions as CSV (semicolons, UTF-8 with byte-order mark)."""
    set_actor(None, "cli")
    stmt = csvio.export_select()
    if partnership_name is not None:
        stmt = stmt.where(Company.partnership_id == partnership_by_name(partnership_name).id)
    data = csvio.export_csv(kind, db.session.scalars(stmt)).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
