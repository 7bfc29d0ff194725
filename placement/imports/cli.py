"""``flask --app placement worker``: the RQ worker that runs import jobs (needs ``PLACEMENT_REDIS_URL``)."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@with_appcontext
def worker_cli(burst: bool) -> None:
    """Run the background worker for CSV imports (RQ queue placement-imports)."""
    from redis import Redis
    from rq import Worker

    from placement.imports.services import QUEUE_NAME

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("Set PLACEMENT_REDIS_URL: the worker reads its jobs from Redis.")
    connection = Redis.from_url(url)
    Worker([QUEUE_NAME], connection=connection).work(burst=burst, with_scheduler=False)
