"""``flask matching warm``: build every partnership's matching network and search index before the workers serve.

A worker with nothing in memory loads a partnership's network and search index from their snapshots
(``placement.snapshots``) and brings them up to date row by row; it builds them only when there is no snapshot. Run
after ``flask db upgrade`` on a deploy (and after a large import, if the first page view should not wait for the
build): the first request of every worker then loads instead of building.
"""

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from placement.auth.models import Partnership
from placement.extensions import db
from placement.matches import services
from placement.network import services as network_services

matching_cli = AppGroup("matching", help="Matching networks and search indexes: build them ahead of the first request.")


@matching_cli.command("warm")
def warm() -> None:
    """Build (or bring up to date) each active partnership's matching network and search index, and keep their
    snapshots."""
    partnerships = db.session.scalars(select(Partnership).where(Partnership.archived_at.is_(None))
                                      .order_by(Partnership.name)).all()
    with click.progressbar(partnerships, label="Matching networks", item_show_func=lambda p: p and p.name) as bar:
        timings = []
        for partnership in bar:
            started = time.perf_counter()
            index = services.network(partnership.id)
            searchable = len(network_services.search_index(partnership.id))
            timings.append((partnership.name, index.offered, searchable, time.perf_counter() - started))
    for name, offered, searchable, seconds in timings:
        click.echo(f"{name}: {offered} job functions offered, {searchable} entries searchable, "
                   f"ready in {seconds:.1f} s")
