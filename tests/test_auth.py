"""Logging in and out, sessions that end on the server, rate limits, CSRF, headers, secrets."""

import os

import pytest
from flask import Flask
from sqlalchemy import select, text

from placement import create_app
from placement.audit.models import AuditEvent
from placement.auth import services
from placement.auth.models import Role
from placement.extensions import db
from tests import factories


def test_login_with_wrong_password_is_refused(client, partnership):
    user = factories.user(Role.CONSULTANT, partnership)
    response = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert response.status_code == 200
    assert "Wrong e-mail or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_argon2id(partnership):
    user = factories.user(Role.CONSULTANT, partnership)
    assert user.password_hash.startswith("$argon2id$")


def test_a_cookie_replayed_after_logout_is_refused(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    assert client.get("/").status_code == 200
    cookie = client.get_cookie("session")
    client.post("/logout")
    assert client.get("/").status_code == 302
    client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_session_at_once(client, login, partnership, runner):
    user = login(factories.user(Role.CONSULTANT, partnership))
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200


def test_users_cli_create_and_list(runner, partnership):
    result = runner.invoke(args=["users", "create", "--email", "Ny@Example.com", "--name", "Ny Konsulent",
                                 "--role", "consultant", "--partnership", "Randers"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert services.authenticate("ny@example.com", "a long enough password") is not None
    listing = runner.invoke(args=["users", "list"])
    assert "ny@example.com" in listing.output and "consultant" in listing.output
    again = runner.invoke(args=["users", "create", "--email", "ny@example.com", "--name", "X", "--role",
                                "consultant", "--partnership", "Randers"], input="a long enough password\n" * 2)
    assert again.exit_code != 0 and "exists already" in again.output
    unknown = runner.invoke(args=["users", "create", "--email", "b@example.com", "--name", "X", "--role",
                                  "consultant", "--partnership", "Nowhere"], input="a long enough password\n" * 2)
    assert unknown.exit_code != 0 and "no partnership named" in unknown.output


def test_safe_redirect_after_login(client, partnership):
    user = factories.user(Role.CONSULTANT, partnership)
    response = client.post("/login?next=https://evil.example.com/", data={"email": user.email,
                                                                           "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}])
def test_login_attempts_are_rate_limited(client, partnership, app_config):
    user = factories.user(Role.CONSULTANT, partnership)
    for _ in range(3):
        assert client.post("/login", data={"email": user.email, "password": "nope nope"}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 429


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}])
def test_successful_logins_do_not_use_up_the_allowance(client, partnership, app_config):
    """A job centre behind one address logs in many times in the morning; only failures count."""
    users = [factories.user(Role.CONSULTANT, partnership) for _ in range(5)]
    for user in users:
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302
        client.post("/logout")


@pytest.mark.parametrize("app_config", [{"PROXY_COUNT": 1}])
def test_behind_a_proxy_the_forwarded_client_address_counts(app, app_config):
    from flask import request

    @app.get("/whoami")
    def whoami():
        return request.remote_addr

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.get_data(as_text=True) == "203.0.113.7"


@pytest.mark.skipif(not os.environ.get("PLACEMENT_TEST_REDIS_URL"), reason="needs PLACEMENT_TEST_REDIS_URL")
def test_rate_limit_state_is_shared_between_workers_through_redis(app, partnership, migrated_database):
    import redis

    url = os.environ["PLACEMENT_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    user = factories.user(Role.CONSULTANT, partnership)
    config = {**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url,
              "LOGIN_RATE_LIMIT": "2 per minute"}
    workers: list[Flask] = [create_app(dict(config)), create_app(dict(config))]
    codes = []
    for worker in workers * 2:
        with worker.test_client() as c:
            codes.append(c.post("/login", data={"email": user.email, "password": "nope nope"}).status_code)
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
    assert codes == [200, 200, 429, 429]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_without_a_csrf_token_are_refused(client, partnership, app_config):
    user = factories.user(Role.CONSULTANT, partnership)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400


def test_security_headers(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.get("/companies")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True)
    assert "style=" not in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
def test_a_server_error_shows_no_traceback(app, client, login, partnership, app_config):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "secret internals" not in body


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="PLACEMENT_SECRET_KEY"):
        create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert create_app({"ENV": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_configuration_comes_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLACEMENT_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PLACEMENT_DATABASE_URL", "postgresql://someone@db.example.com/placement")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "da"}])
def test_danish_by_default_english_on_request(client, partnership, app_config):
    from placement.config import Config

    assert Config.BABEL_DEFAULT_LOCALE == "da"
    assert '<html lang="da">' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_the_audit_log_records_who_changed_what_and_refuses_changes(client, login, partnership):
    company = factories.company(partnership, name="Før ApS")
    user = login(factories.user(Role.CONSULTANT, partnership))
    client.post(f"/companies/{company.id}/active", data={"active": "0"})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "companies",
                                                        AuditEvent.action == "update")).one()
    assert event.actor_id == user.id and event.changes == {"active": [True, False]}
    assert event.partnership_id == partnership.id
    password_events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "users")).all()
    assert all("password_hash" not in e.changes for e in password_events)
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_events SET action = 'x'"))
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()


def test_admin_reads_the_audit_log_others_cannot(client, login, partnership):
    factories.company(partnership, name="Logget ApS")
    login(factories.user(Role.ADMIN, partnership))
    page = client.get("/audit/?entity=companies").get_data(as_text=True)
    assert "Logget ApS" in page
    assert "<td>Created</td>" in page and "<td>Company #" in page  # labels, not table names
