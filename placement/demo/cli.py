"""``flask demo seed``: fill an empty database with the synthetic demo data."""

import click
from flask.cli import AppGroup

from placement.demo.data import COMPANY_TOTAL, DEMO_LOGINS, DEMO_PASSWORD, has_data, seed_demo

demo_cli = AppGroup("demo", help="Synthetic demo data.")


@demo_cli.command("seed")
def seed() -> None:
    """Create the four demo partnerships, their company networks, young people and demo logins, with targets,
    progress measurements and internship history (empty database only)."""
    if has_data():
        click.echo("Database already has data; demo seed skipped.")
        _print_logins()
        return
    with click.progressbar(length=COMPANY_TOTAL, label="Seeding demo companies") as bar:
        counts = seed_demo(progress=lambda done, _total: bar.update(done - bar.pos))
    for name, companies in counts["companies_per_partnership"].items():
        click.echo(f"{name}: {companies} companies, {counts['participants_per_partnership'][name]} young people")
    click.echo(f"In all: {counts['partnerships']} partnerships, {counts['companies']} companies, "
               f"{counts['mentors']} mentors, {counts['job_functions']} job functions, "
               f"{counts['participants']} young people, {counts['users']} users.")
    click.echo(f"History: targets for {counts['targets']} partnerships, {counts['measurements']} progress "
               f"measurements, {counts['agreements']} internships ({counts['agreements_active']} active, "
               f"{counts['agreements_sent']} sent to the mentor, the rest ended), {counts['job_checks']} job checks "
               f"after a hire ({counts['job_checks_recorded']} answered).")
    _print_logins()


def _print_logins() -> None:
    click.echo("")
    click.echo("Demo logins (if the demo data is loaded):")
    for email, role, partnership in DEMO_LOGINS:
        click.echo(f"  {email:32} {role.value:12} {partnership}")
    click.echo(f"Password for all demo logins: {DEMO_PASSWORD}")
