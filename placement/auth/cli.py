"""``flask users create|deactivate|list``."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from placement.audit.services import set_actor
from placement.auth import services
from placement.auth.models import Role, User
from placement.cli_tools import partnership_by_name
from placement.extensions import db

users_cli = AppGroup("users", help="Create, deactivate and list user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--partnership", "partnership_name", required=True, help="The partnership's name.")
@click.option("--mentor-id", type=int, default=None, help="For role mentor: the mentor record to act as.")
@click.password_option(prompt="Password", help="At least 12 characters, not common, not built from e-mail or name.")
def create(email: str, name: str, role: str, partnership_name: str, mentor_id: int | None, password: str) -> None:
    """Create a user account."""
    set_actor(None, "cli")
    partnership = partnership_by_name(partnership_name)
    if services.find_user_by_email(email):
        raise click.BadParameter(f"a user with e-mail {email} exists already", param_hint="--email")
    problem = services.password_problem(password, email=email, name=name)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if (Role(role) is Role.MENTOR) != (mentor_id is not None):
        raise click.BadParameter("a mentor account needs --mentor-id, and only a mentor account takes it",
                                 param_hint="--mentor-id")
    if mentor_id is not None:
        from placement.network.models import Mentor

        mentor = db.session.get(Mentor, mentor_id)
        if mentor is None or mentor.company.partnership_id != partnership.id:
            raise click.BadParameter("no such mentor in that partnership", param_hint="--mentor-id")
    user = services.create_user(email=email, name=name, password=password, role=Role(role),
                                partnership=partnership, mentor_id=mentor_id)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} in {partnership.name}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Deactivate a user: their sessions and API tokens end at once."""
    set_actor(None, "cli")
    user = services.find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no user with e-mail {email}", param_hint="EMAIL")
    services.deactivate_user(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}.")


@users_cli.command("list")
def list_users() -> None:
    """List user accounts."""
    users = db.session.scalars(select(User).order_by(User.partnership_id, User.role, User.email))
    for user in users:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email:40} {user.role.value:12} {user.partnership.name:30} {state}")
