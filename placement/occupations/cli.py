"""``flask occupations import FILE [FILE ...]``: the ESCO occupations and ISCO-08 groups, all or nothing."""

from pathlib import Path

import click
from flask.cli import AppGroup

from placement.audit.services import set_actor
from placement.extensions import db
from placement.occupations import services

occupations_cli = AppGroup("occupations", help="Import ESCO occupations.")

_KIND_NAMES = {services.OCCUPATIONS: "occupations", services.ISCO_GROUPS: "ISCO groups"}


@occupations_cli.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
def import_files(files: tuple[Path, ...]) -> None:
    """Import ESCO CSV files (occupations_da.csv and/or ISCOGroups_da.csv from the official download).

    Each file's kind is told by its header. Every row of every file is checked first: if any row is bad,
    every problem is listed and nothing is imported. Otherwise rows are added or updated (occupations by
    URI, groups by code), nothing is deleted, and all is committed at once.
    """
    set_actor(None, "cli")
    tables: list[services.CsvTable] = []
    failures: list[tuple[Path, list[tuple[int, str, str]]]] = []
    for path in files:
        try:
            table = services.read_table(path)
        except services.ImportFailed as exc:
            failures.append((path, exc.errors))
            continue
        errors = services.check_table(table)
        if errors:
            failures.append((path, errors))
        tables.append(table)
    if failures:
        for path, errors in failures:
            click.echo(f"{path}: {len(errors)} problem(s)", err=True)
            for error in errors:
                click.echo(services.format_error(error), err=True)
        click.echo("Nothing was imported.", err=True)
        click.get_current_context().exit(1)

    summaries = []
    try:
        for path, table in zip(files, tables, strict=True):
            kind_name = _KIND_NAMES[table.kind]
            with click.progressbar(length=len(table.rows), label=f"{path.name} ({kind_name})") as bar:
                _kind, counts = services.import_file(table, progress=bar.update)
            unchanged = len(table.rows) - counts.created - counts.updated
            summaries.append(f"{path.name}: {counts.created} {kind_name} created, {counts.updated} updated, "
                             f"{unchanged} unchanged.")
        db.session.commit()
    except services.ImportFailed as exc:  # pragma: no cover - the tables were checked above
        db.session.rollback()
        for error in exc.errors:
            click.echo(services.format_error(error), err=True)
        click.echo("Nothing was imported.", err=True)
        click.get_current_context().exit(1)
    except BaseException:
        db.session.rollback()
        raise
    for summary in summaries:
        click.echo(summary)
