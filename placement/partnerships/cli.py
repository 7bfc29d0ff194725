"""``flask partnerships create|list|archive|restore``: the first partnership needs no page."""

import click
from flask.cli import AppGroup
from werkzeug.datastructures import MultiDict

from placement.audit.services import set_actor
from placement.cli_tools import partnership_by_name
from placement.extensions import db
from placement.partnerships import services
from placement.partnerships.forms import RETENTION_YEARS_DEFAULT, PartnershipForm

partnerships_cli = AppGroup("partnerships", help="Create, list, archive and restore partnerships.")

#: Form field -> command-line option, so an error names the option the user typed.
_OPTIONS = {"name": "--name", "municipality": "--municipality", "education_place": "--education-place",
            "postcode": "--postcode", "contact_email": "--contact-email", "contact_phone": "--contact-phone",
            "retention_years": "--retention-years"}


@partnerships_cli.command("create")
@click.option("--name", required=True, help="The name users see, e.g. Randers.")
@click.option("--municipality", required=True, help='The job centre\'s municipality, e.g. "Randers Kommune".')
@click.option("--education-place", required=True, help="The education place / social-economic enterprise.")
@click.option("--postcode", default="", help="Postcode of the education place, e.g. 8900.")
@click.option("--contact-email", default="", help="The service desk's e-mail address.")
@click.option("--contact-phone", default="", help="The service desk's phone number.")
@click.option("--retention-years", default=str(RETENTION_YEARS_DEFAULT), show_default=True,
              help="Years after a course's end before the record is anonymised.")
def create(**options: str) -> None:
    """Create a partnership, validated as on the page."""
    set_actor(None, "cli")
    form = PartnershipForm(formdata=MultiDict(options), meta={"csrf": False})
    if not form.validate():
        name, messages = next(iter(form.errors.items()))
        raise click.BadParameter(" ".join(str(m) for m in messages), param_hint=_OPTIONS.get(name, name))
    partnership = services.create_partnership(form.values())
    db.session.commit()
    click.echo(f"Created partnership {partnership.name} ({partnership.municipality}, "
               f"{partnership.education_place}).")


@partnerships_cli.command("list")
def list_partnerships() -> None:
    """List the partnerships, active ones first."""
    partnerships = services.all_partnerships()
    users = services.user_count(p.id for p in partnerships)
    for p in partnerships:
        state = "archived" if p.archived else "active"
        click.echo(f"{p.name:30} {p.municipality:30} {p.education_place:40} {users.get(p.id, 0):4} users  {state}")


@partnerships_cli.command("archive")
@click.argument("name")
def archive(name: str) -> None:
    """Archive the partnership NAME: its users can no longer log in; its data stays."""
    set_actor(None, "cli")
    partnership = partnership_by_name(name)
    services.archive(partnership, None)
    db.session.commit()
    click.echo(f"Archived {partnership.name}: its users can no longer log in.")


@partnerships_cli.command("restore")
@click.argument("name")
def restore(name: str) -> None:
    """Take the partnership NAME out of the archive."""
    set_actor(None, "cli")
    partnership = partnership_by_name(name)
    services.restore(partnership)
    db.session.commit()
    click.echo(f"{partnership.name} is active again.")
