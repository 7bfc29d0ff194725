"""``flask outbox send``: send what waits in the outbox (run it from cron or a systemd timer)."""

import time

import click
from flask.cli import AppGroup

from placement.mail import services

outbox_cli = AppGroup("outbox", help="Send the e-mails waiting in the outbox.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=30, show_default=True)
def send(loop: bool, interval: int) -> None:
    """Send every unsent e-mail; failures are retried on the next run."""
    if not services.sending_enabled():
        raise click.ClickException("PLACEMENT_MAIL_SERVER is not set: messages stay in the outbox.")
    while True:
        sent, failed = services.send_pending()
        click.echo(f"{sent} sent, {failed} failed (kept for the next attempt).")
        if not loop:
            break
        time.sleep(interval)
