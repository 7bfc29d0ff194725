"""``flask network import|export``."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from placement.audit.services import set_actor
from placement.auth.models import Partnership
from placement.extensions import db
from placement.network import csvio
from placement.network.models import Company

network_cli = AppGroup("network", help="Import and export the company network as CSV.")


def _partnership(name: str) -> Partnership:
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == name))
    if partnership is None:
        names = ", ".join(db.session.scalars(select(Partnership.name).order_by(Partnership.name)))
        raise click.BadParameter(f"no partnership named {name!r}; known: {names or 'none'}",
                                 param_hint="--partnership")
    return partnership


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


@network_cli.command("import")
@click.argument("kind", type=click.Choice(csvio.KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
def import_command(kind: str, file: Path, partnership_name: str) -> None:
    """Import companies, mentors or job functions from a CSV FILE: every row or, on any error, none."""
    set_actor(None, "cli")
    partnership = _partnership(partnership_name)
    data = file.read_bytes()
    with click.progressbar(length=_line_count(data), label=f"Reading {file.name}", show_pos=True,
                           file=sys.stderr) as bar:
        report = csvio.import_csv(kind, data, partnership, progress=bar.update)
    nothing = _("Nothing was imported.")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.ok:
        db.session.rollback()
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(nothing, err=True)
        click.get_current_context().exit(1)
    db.session.commit()
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
        stmt = stmt.where(Company.partnership_id == _partnership(partnership_name).id)
    data = csvio.export_csv(kind, db.session.scalars(stmt)).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
