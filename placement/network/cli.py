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
@click.option("--no-auto-link", "no_auto_link", is_flag=True,
              help="Job functions: do not link one without occupation_uri to the ESCO occupation its title names.")
def import_command(kind: str, file: Path, partnership_name: str, no_auto_link: bool) -> None:
    """Import companies, mentors or job functions from a CSV FILE: every row or, on any error, none.

    A job function without occupation_uri is linked to the ESCO occupation its title names when the title names
    exactly one occupation, or several and exactly one of them by its preferred label (not with --no-auto-link).
    """
    set_actor(None, "cli")
    partnership = partnership_by_name(partnership_name)
    report = import_file(file, lambda data, progress: csvio.import_csv(kind, data, partnership, progress=progress,
                                                                       auto_link=not no_auto_link))
    click.echo(f"Imported {report.imported} {kind.replace('_', ' ')} into {partnership.name}.")
    if isinstance(report, csvio.JobFunctionReport):
        if report.auto_link:
            click.echo(f"{report.auto_linked} job functions linked to an ESCO occupation from their title; "
                       f"{report.without_occupation} without.")
        else:
            click.echo(f"{report.without_occupation} job functions without an occupation (automatic linking off).")


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
