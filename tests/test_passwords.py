"""Rules for a new password: long, not common, not made of the user's own e-mail or name."""

import pytest

from placement.auth import services
from placement.auth.models import Role
from tests import factories


@pytest.mark.parametrize("password", ["short pass", "elevenchars"])
def test_short_passwords_are_refused(app, password):
    assert "at least 12 characters" in services.password_problem(password)


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "123456789012", "iloveyou2020"])
def test_common_passwords_are_refused(app, password):
    assert "too easy to guess" in services.password_problem(password)


@pytest.mark.parametrize("password", ["anna.hansen@kommune.dk", "Anna Hansen 2024", "annahansen2024", "H4nsenAnna!!",
                                      "kommune.hansen"])
def test_passwords_built_from_email_or_name_are_refused(app, password):
    problem = services.password_problem(password, email="anna.hansen@kommune.dk", name="Anna Hansen")
    assert problem is not None
    assert "e-mail address or name" in problem or "too easy to guess" in problem


@pytest.mark.parametrize("password", ["correct horse battery", "demo-password-2019", "tåge over limfjorden kl 7"])
def test_good_passwords_pass(app, password):
    assert services.password_problem(password, email="anna.hansen@kommune.dk", name="Anna Hansen") is None


def test_the_test_and_demo_passwords_still_pass(app):
    assert services.password_problem(factories.PASSWORD, email="x@example.com", name="Test User") is None


def test_login_with_an_existing_weak_hash_still_works(app, partnership):
    """The rules apply when a password is set, never when logging in with a stored hash."""
    user = factories.user(Role.CONSULTANT, partnership)
    user.password_hash = services.hash_password("short")
    assert services.authenticate(user.email, "short") is user


def test_cli_refuses_a_weak_password_and_says_why(runner, partnership):
    result = runner.invoke(args=["users", "create", "--email", "ny@example.com", "--name", "Ny Konsulent",
                                 "--role", "consultant", "--partnership", "Randers"],
                           input="password1234\npassword1234\n")
    assert result.exit_code != 0 and "too easy to guess" in result.output
    result = runner.invoke(args=["users", "create", "--email", "ny@example.com", "--name", "Ny Konsulent",
                                 "--role", "consultant", "--partnership", "Randers"],
                           input="ny konsulent\nny konsulent\n")
    assert result.exit_code != 0 and "e-mail address or name" in result.output
