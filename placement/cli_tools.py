"""What the ``flask … import`` commands share: finding the partnership and running an import with a progress bar."""

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask_babel import gettext as _
from sqlalchemy import select

from placement.auth.models import Partnership
from placement.csvtools import ImportReport
from placement.extensions import db


def partnership_by_name(name: str) -> Partnership:
    """Return the partnership of that name, or refuse the ``--partnership`` option naming the known ones."""
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == name))
    if partnership is None:
        names = ", ".join(db.session.scalars(select(Partnership.name).order_by(Partnership.name)))
        raise click.BadParameter(f"no partnership named {name!r}; known: {names or 'none'}",
                                 param_hint="--partnership")
    return partnership


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def import_file(file: Path, run: Callable[[bytes, Callable[[int], object]], ImportReport]) -> ImportReport:
    """Import a file all or nothing: ``run(data, progress)`` imports its bytes, reporting progress in lines.

    A progress bar, the warnings and any errors go to standard error. On any error nothing is kept and the
    command exits with status 1; otherwise the import is committed and its report returned.
    """
    data = file.read_bytes()
    with click.progressbar(length=_line_count(data), label=f"Reading {file.name}", show_pos=True,
                           file=sys.stderr) as bar:
        report = run(data, bar.update)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.ok:
        db.session.rollback()
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(_("Nothing was imported."), err=True)
        click.get_current_context().exit(1)
    db.session.commit()
    return report
