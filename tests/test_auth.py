"""Logging in and out, sessions that end on the server, rate limits, CSRF, headers, secrets."""

import os

import pytest
from flask import Flask
from sqlalchemy import select, text

from placement import create_app
from placement.audit.models import Audited, AuditEvent
from placement.audit.views import ENTITIES
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
    assert create_app({"ENV": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "BASE_URL": "https://praktik.example.dk", "REDIS_URL": "redis://127.0.0.1:6379/15"})


def test_production_refuses_per_process_login_limits():
    with pytest.raises(RuntimeError, match="PLACEMENT_REDIS_URL"):
        create_app({"ENV": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "BASE_URL": "https://praktik.example.dk"})


def test_configuration_comes_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLACEMENT_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PLACEMENT_DATABASE_URL", "postgresql://someone@db.example.com/placement")
    monkeypatch.setenv("PLACEMENT_BASE_URL", "https://praktik.example.dk")
    monkeypatch.setenv("PLACEMENT_REDIS_URL", "redis://127.0.0.1:6379/15")
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


def test_a_request_translates_in_its_language_and_follows_a_forced_or_changed_one(app, partnership):
    """The request's translations are looked up once (``placement.extensions.RequestDomain``), yet follow a change."""
    from flask import render_template_string, session
    from flask_babel import force_locale, gettext, refresh

    with app.test_request_context("/"):
        assert gettext("Company") == "Company" == render_template_string("{{ _('Company') }}")
        with force_locale("da"):
            assert gettext("Company") == "Virksomhed" == render_template_string("{{ _('Company') }}")
        assert gettext("Company") == "Company"
        session["lang"] = "da"
        refresh()
        assert gettext("Company") == "Virksomhed" == render_template_string("{{ _('Company') }}")


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


def test_every_audited_record_type_has_a_name_on_the_audit_log(app):
    audited = {mapper.local_table.name for mapper in db.Model.registry.mappers if issubclass(mapper.class_, Audited)}
    assert {"participants", "job_checks", "meetings", "status_notes"} <= audited  # the app's models, all loaded
    assert audited - ENTITIES.keys() == set()  # a new audited table shows a name, not its table name


@pytest.mark.skipif(not os.environ.get("PLACEMENT_TEST_REDIS_URL"), reason="needs PLACEMENT_TEST_REDIS_URL")
def test_parallel_wrong_passwords_reach_the_hash_at_most_the_limit(app, partnership, monkeypatch):
    """40 wrong passwords at once on two workers: each is counted before its check, so at most 10 are checked."""
    import threading

    import redis
    from argon2 import PasswordHasher

    url = os.environ["PLACEMENT_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    email = factories.user(Role.CONSULTANT, partnership).email
    db.session.commit()
    checks, lock = [], threading.Lock()
    verify = PasswordHasher.verify

    def counting_verify(self, hash, password):
        with lock:
            checks.append(1)
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    config = {**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url,
              "LOGIN_RATE_LIMIT": "10 per minute", "LOGIN_SLOWDOWN_SECONDS": 0}
    workers: list[Flask] = [create_app(dict(config)), create_app(dict(config))]
    codes, start = [], threading.Barrier(40)

    def attempt(worker):
        start.wait()
        with worker.test_client() as c:
            code = c.post("/login", data={"email": email, "password": "nope nope"}).status_code
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=attempt, args=(workers[i % 2],)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
    assert 1 <= len(checks) <= 10
    assert codes.count(200) == len(checks) and codes.count(429) == 40 - len(checks)


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 30}])
def test_an_idle_session_is_ended(client, login, partnership, app_config):
    from datetime import timedelta

    from sqlalchemy import update

    from placement.auth.models import UserSession
    from placement.database import utcnow

    user = factories.user(Role.CONSULTANT, partnership)
    login(user)
    assert client.get("/").status_code == 200
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    response = client.get("/", follow_redirects=True)
    assert "logged out after 30 minutes without activity" in response.get_data(as_text=True)
    assert db.session.scalar(select(UserSession.ended_at)) is not None
    assert client.get("/").status_code == 302


def test_pages_carry_the_idle_limit_and_the_ping_keeps_the_session(client, login, partnership):
    from datetime import timedelta

    from sqlalchemy import update

    from placement.auth.models import UserSession
    from placement.database import utcnow

    user = factories.user(Role.CONSULTANT, partnership)
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert 'data-idle-minutes="30"' in page and "js/idle.js" in page
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    db.session.commit()
    assert client.get("/session/ping").status_code == 204
    db.session.expire_all()
    assert utcnow() - db.session.scalar(select(UserSession.last_seen_at)) < timedelta(minutes=1)
    assert client.get("/").status_code == 200
    assert f'data-user="{user.id}"' in page


def test_a_request_loads_its_session_user_and_partnership_in_one_query(client, login, partnership):
    """Every logged-in request pays for this: one statement, and no write while the session was seen just now."""
    from sqlalchemy import event

    from placement.auth.models import UserSession

    user = factories.user(Role.CONSULTANT, partnership)
    login(user)
    key, user_id, name = db.session.scalar(select(UserSession.key)), user.id, partnership.name
    db.session.remove()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        loaded = services.load_session_user(key)
        assert loaded.id == user_id and loaded.partnership.name == name
        assert loaded.partnership.data_revision >= 0  # the revisions come along (the results' cache key)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1, statements


# idle.js runs in node against a minimal stand-in for the page (no browser needed).
_IDLE_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const input = JSON.parse(process.argv[process.argv.length - 1]);
const store = new Map(Object.entries(input.storage));
const sessionStorage = {
  get length() { return store.size; }, key: (i) => Array.from(store.keys())[i] ?? null,
  getItem: (k) => (store.has(k) ? store.get(k) : null), setItem: (k, v) => store.set(k, String(v)),
  removeItem: (k) => store.delete(k), clear: () => store.clear(),
};
const timers = [];
const attrs = {"data-idle-minutes": "30", "data-user": input.user};
const body = {getAttribute: (n) => attrs[n] ?? null};
const window = {sessionStorage, location: {pathname: "/participants/7/edit", reload() {}},
                setTimeout: (f) => timers.push(f), clearTimeout() {}};
const document = {body, querySelectorAll: () => input.fields, addEventListener() {}};
vm.runInNewContext(fs.readFileSync(input.script, "utf8"), {window, document, JSON, Object, Array, Math, parseInt});
if (input.idle) { timers[timers.length - 1](); }  // the last timer: the session ends, the draft is saved
console.log(JSON.stringify({storage: Object.fromEntries(store), fields: input.fields}));
"""


def _run_idle(user, fields, storage, *, idle):
    import json
    import shutil
    import subprocess  # nosec B404 - runs node on the project's own script

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = os.path.join(os.path.dirname(__file__), "..", "placement", "static", "js", "idle.js")
    data = json.dumps({"user": user, "fields": fields, "storage": storage, "idle": idle, "script": script})
    done = subprocess.run([node, "-e", _IDLE_HARNESS, data], capture_output=True, text=True, check=True)  # noqa: S603  # nosec
    return json.loads(done.stdout)


def _form(version):
    return [{"name": "note", "type": "text", "value": ""}, {"name": "version", "type": "hidden", "value": version},
            {"name": "csrf_token", "type": "hidden", "value": "fresh-token"},
            {"name": "current_password", "type": "password", "value": ""},
            {"name": "attachment", "type": "file", "value": ""}]


def test_an_unsaved_draft_returns_only_to_its_own_user_with_its_old_version():
    typed = _form("3")
    typed[0]["value"], typed[3]["value"], typed[4]["value"] = "half-written note", "my secret", "C:\\cv.pdf"
    saved = _run_idle("1", typed, {}, idle=True)["storage"]
    (key,) = saved
    assert key == "placement-unsaved:1:/participants/7/edit"
    assert "half-written note" in saved[key] and '"version":["3"]' in saved[key]
    assert "my secret" not in saved[key] and "cv.pdf" not in saved[key] and "fresh-token" not in saved[key]

    # Another user logs in in the same tab: the draft is dropped, never shown to them.
    other = _run_idle("2", _form("4"), saved, idle=False)
    assert other["storage"] == {} and other["fields"][0]["value"] == ""

    # The same user gets it back, with the version it was typed against (so a stale draft meets the conflict page).
    own = _run_idle("1", _form("4"), saved, idle=False)
    note, version, csrf, _password, _file = own["fields"]
    assert note["value"] == "half-written note" and version["value"] == "3" and csrf["value"] == "fresh-token"
    assert own["storage"] == {}
