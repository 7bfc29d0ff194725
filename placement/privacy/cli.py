"""``flask retention run [--dry-run]``: anonymise the records past their retention period, delete old e-mails."""

import click
from flask.cli import AppGroup

from placement.privacy import services

retention_cli = AppGroup("retention", help="Anonymise records past their retention period; delete old e-mails.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what is due; change nothing.")
def run_command(dry_run: bool) -> None:
    """Anonymise every young person whose course end plus the partnership's retention period lies before today.

    One transaction per young person: an interrupted run is finished by the next. Safe to run daily.
    """
    report = services.run_retention(dry_run=dry_run)
    verb = "Due" if dry_run else "Anonymised"
    for item in report.anonymised:
        click.echo(f"{verb}: record {item.participant_id} (partnership {item.partnership_id}), course ended "
                   f"{item.course_end.isoformat()}, due {item.due_on.isoformat()}")
    click.echo(f"{verb}: {len(report.anonymised)} record(s). "
               f"E-mails past retention {'to delete' if dry_run else 'deleted'}: {report.emails_deleted}.")
