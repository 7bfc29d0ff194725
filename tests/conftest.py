"""Fixtures: an app on a database built by the migrations, on SQLite or on PostgreSQL.

``PLACEMENT_TEST_DATABASE_URL`` picks the database (default: a SQLite file per test). On PostgreSQL the schema is
migrated once and every table is emptied after each test.
"""

import os
import shutil

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from placement import create_app
from placement.extensions import db
from tests import factories

PG_URL = os.environ.get("PLACEMENT_TEST_DATABASE_URL", "")


def _config(url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_CHEAP": True,
        # No matching networks on disk between tests (tests/test_snapshots.py turns them on in a folder of its own).
        "NETWORK_SNAPSHOTS": False,
        # One-step login for the tests in general; tests/test_second_factor.py turns it on.
        "TOTP_REQUIRED": False,
        # Tests read English messages; test_auth checks that Danish is the service's default.
        "BABEL_DEFAULT_LOCALE": "en",
    }
    config.update(overrides)
    return config


def _migrate(url: str) -> None:
    app = create_app(_config(url))
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """Return the URL of a database built by running every migration."""
    if PG_URL:
        url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        _migrate(url)
        return url
    template = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrate(f"sqlite:///{template}")
    return str(template)


class IsolatedClient(FlaskClient):
    """A test client whose requests each run in their own app context, as in production.

    The test itself holds an app context for its factories; without this, requests would share its ``g``
    (the logged-in user, the audit actor, the locale) and its database session.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for one test (override in a test module)."""
    return {}


@pytest.fixture
def app(migrated_database, tmp_path, app_config):
    if PG_URL:
        url = migrated_database
    else:
        copy = tmp_path / "test.sqlite"
        shutil.copy(migrated_database, copy)
        url = f"sqlite:///{copy}"
    app = create_app(_config(url, **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        if PG_URL:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def partnership(app):
    return factories.partnership("Randers")


@pytest.fixture
def other_partnership(app):
    return factories.partnership("Aarhus")


@pytest.fixture
def login(client):
    """Log the test client in as a user."""

    def _login(user, password: str = factories.PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


@pytest.fixture
def calls(monkeypatch):
    """``calls(module, "name")``: the first argument of every call of the module's function from now on (the
    function still runs), e.g. which partnerships' networks were built again."""

    def record(module, name: str) -> list:
        made, original = [], getattr(module, name)
        monkeypatch.setattr(module, name, lambda first, *rest: made.append(first) or original(first, *rest))
        return made

    return record


def live_search(client, query: str) -> list[tuple[str, str]]:
    """The live search box's results for ``query``: (title, context) pairs, best first."""
    response = client.post("/search/live", data={"q": query})
    assert response.status_code == 200
    return [(r["title"], r["context"]) for r in response.get_json()["results"]]
