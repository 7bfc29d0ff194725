"""Production serving: gunicorn's access log, PLACEMENT_BASE_URL for every e-mailed or calendar link, HSTS,
/healthz, and the demo's links following the address `make run` serves on."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from placement import create_app
from placement.agreements import services as agreement_services
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.extensions import db
from placement.mail.models import OutboxMessage
from placement.serving import RedactingLogger, gunicorn_settings, redact_path, redact_url
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://praktik.example.dk"
PLAN = {"purpose": "Prøve arbejdet", "tasks": "Fodring", "works_with": "Karen", "meeting": "Kl. 8 ved stalden",
        "support": "Korte beskeder", "follow_up_plan": "Hver 4. uge", "goals": ["Møde til tiden"]}
PRODUCTION = {"ENV": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "BASE_URL": BASE,
              "RATELIMIT_STORAGE_URI": "memory://"}


# 1. gunicorn and its access log -----------------------------------------------------------------------------

def test_log_paths_lose_query_strings_and_the_secrets_of_mentor_links_and_feeds():
    assert redact_path("/m/eyJsaW5rIjo.secret") == "/m/…"
    assert redact_path("/m/eyJsaW5rIjo.secret?a=b") == "/m/…"
    assert redact_path("/calendar/k3y-s3cret.ics") == "/calendar/…"
    assert redact_path("/companies?q=hansen") == "/companies"
    assert redact_path("/m/agreements") == "/m/…"
    assert redact_url("https://praktik.example.dk/m/s3cret?x=1") == "https://praktik.example.dk/m/…"
    assert redact_url(None) == "-"


def test_logger_atoms_carry_no_secret():
    from gunicorn.config import Config

    class Response:
        status, sent, headers = "200 OK", 10, [("Set-Cookie", "session=s3cret"), ("Location", "/m/s3cret")]

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/m/s3cret?q=Mikkel", "PATH_INFO": "/m/s3cret",
               "QUERY_STRING": "q=Mikkel", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": "https://praktik.example.dk/m/s3cret", "HTTP_COOKIE": "session=s3cret",
               "HTTP_AUTHORIZATION": "Bearer plc_s3cret"}
    headers = [("Cookie", "session=s3cret"), ("Authorization", "Bearer plc_s3cret"),
               ("Referer", "https://praktik.example.dk/m/s3cret")]
    request = type("Request", (), {"headers": headers})()
    from datetime import timedelta

    atoms = RedactingLogger(Config()).atoms(Response(), request, environ, timedelta(milliseconds=5))
    text = repr(atoms)
    assert "s3cret" not in text and "Mikkel" not in text
    assert atoms["r"] == "GET /m/… HTTP/1.1" and atoms["U"] == "/m/…" and atoms["q"] == ""


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PLACEMENT_WORKERS", "3")
    monkeypatch.setenv("PLACEMENT_THREADS", "4")
    monkeypatch.setenv("PLACEMENT_TIMEOUT", "60")
    monkeypatch.setenv("PLACEMENT_BIND", "0.0.0.0:9000")
    settings = gunicorn_settings()
    assert (settings["workers"], settings["threads"], settings["timeout"], settings["bind"]) == (3, 4, 60,
                                                                                                  ["0.0.0.0:9000"])
    for name in ("PLACEMENT_WORKERS", "PLACEMENT_THREADS", "PLACEMENT_TIMEOUT", "PLACEMENT_BIND"):
        monkeypatch.delenv(name)
    settings = gunicorn_settings()
    assert settings["workers"] == 2 * os.cpu_count() and settings["bind"] == ["127.0.0.1:8000"]
    monkeypatch.setenv("PLACEMENT_WORKERS", "many")
    with pytest.raises(SystemExit, match="PLACEMENT_WORKERS"):
        gunicorn_settings()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_access_log_keeps_mentor_link_and_feed_secrets_out(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "PLACEMENT_ENV": "production", "PLACEMENT_SECRET_KEY": "s" * 40,
           "PLACEMENT_BASE_URL": BASE, "PLACEMENT_RATELIMIT_STORAGE_URI": "memory://",
           "PLACEMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}",
           "PLACEMENT_BIND": f"127.0.0.1:{port}", "PLACEMENT_WORKERS": "1", "PLACEMENT_ACCESS_LOG": str(log),
           "PLACEMENT_ERROR_LOG": str(tmp_path / "error.log")}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",  # noqa: S603
                               "placement:create_app()"], cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        assert _get(f"http://127.0.0.1:{port}/m/MENTORTOKEN-s3cret.abc") in (404, 410)
        _get(f"http://127.0.0.1:{port}/calendar/FEEDKEY-s3cret.ics")  # no tables here: 500, logged all the same
        assert _get(f"http://127.0.0.1:{port}/login?next=/participants/Mikkel") == 200
        deadline = time.monotonic() + 5
        while log.read_text().count("\n") < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    text = log.read_text()
    assert '"GET /m/… HTTP/1.1" 40' in text, text
    assert '"GET /calendar/… HTTP/1.1"' in text and '"GET /login HTTP/1.1" 200' in text, text
    assert "s3cret" not in text and "MENTORTOKEN" not in text and "FEEDKEY" not in text and "Mikkel" not in text
    errors = (tmp_path / "error.log").read_text()
    assert "Exception on /calendar/… [GET]" in errors, errors  # the feed failed here (no tables): logged, redacted
    assert "FEEDKEY" not in errors and "s3cret" not in errors


# 2. PLACEMENT_BASE_URL -------------------------------------------------------------------------------------

def test_production_refuses_to_start_without_a_usable_base_url():
    config = {k: v for k, v in PRODUCTION.items() if k != "BASE_URL"}
    with pytest.raises(RuntimeError, match="PLACEMENT_BASE_URL"):
        create_app(config)
    for bad in ("praktik.randers.dk", "ftp://praktik.randers.dk", "https://", "https://x.dk/?a=1",
                "https://user:pw@x.dk"):
        with pytest.raises(RuntimeError, match="PLACEMENT_BASE_URL"):
            create_app({**config, "BASE_URL": bad})
    assert create_app({**config, "BASE_URL": BASE})
    assert create_app({**config, "ENV": "development"})  # development builds links from the request


@pytest.fixture
def sent_setting(partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug")
    mentor = factories.mentor(company, email="karen@example.com", max_interns=5)
    job = factories.job_function(company, title="Staldmedhjælper", places=5, mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id)
    agreement = agreement_services.new_agreement(
        participant=young, job_function=job, mentor=mentor, consultant=consultant, start_date=date(2026, 9, 1),
        actor=Actor(consultant, consultant.name, False), planned_weeks=12, weekly_hours=15, follow_up_weeks=4, **PLAN)
    db.session.commit()
    return {"consultant": consultant, "agreement": agreement}


@pytest.mark.parametrize("app_config", [{"BASE_URL": BASE + "/"}])
def test_mentor_link_and_calendar_feed_use_the_base_url_whatever_the_host(client, sent_setting, app_config):
    evil = {"base_url": "http://evil.example"}  # every request comes with "Host: evil.example"
    login = client.post("/login", data={"email": sent_setting["consultant"].email, "password": factories.PASSWORD},
                        **evil)
    assert login.status_code == 302
    agreement = sent_setting["agreement"]
    response = client.post(f"/agreements/{agreement.id}/steps/send", data={"version": agreement.version}, **evil)
    assert response.headers["Location"] == f"/agreements/{agreement.id}"
    assert response.status_code == 302
    body = db.session.scalars(select(OutboxMessage.body)).one()
    assert re.search(rf"{BASE}/m/[\w.-]+", body), body
    assert "evil.example" not in body

    page = client.post("/account/calendar", data={"action": "create"}, **evil).get_data(as_text=True)
    feed = re.search(r'id="feed-url">([^<]+)</code>', page).group(1)
    assert feed.startswith(f"{BASE}/calendar/") and feed.endswith(".ics")
    ics = client.get(f"/agreements/{agreement.id}/calendar.ics", **evil).get_data(as_text=True)
    assert "evil.example" not in ics and "@praktik.example.dk" in ics


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://praktik.example.dk/placement"}])
def test_a_base_url_with_a_path_prefix_is_kept(app, app_config):
    from placement.urls import external_url

    assert external_url("calendar.feed", key="abc") == "https://praktik.example.dk/placement/calendar/abc.ics"


def test_without_base_url_tests_and_development_use_the_request(app):
    from placement.urls import external_url

    with app.test_request_context(base_url="http://127.0.0.1:5123"):
        assert external_url("calendar.feed", key="abc") == "http://127.0.0.1:5123/calendar/abc.ics"


# 3. HSTS ---------------------------------------------------------------------------------------------------

def test_production_sends_hsts_on_every_response():
    app = create_app(PRODUCTION)
    client = app.test_client()
    for url in ("/login", "/healthz", "/static/css/app.css", "/no-such-page"):
        with client.get(url) as response:
            assert response.headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    short = create_app({**PRODUCTION, "HSTS_SECONDS": 300}).test_client().get("/login")
    assert short.headers["Strict-Transport-Security"] == "max-age=300; includeSubDomains"
    off = create_app({**PRODUCTION, "HSTS_SECONDS": 0}).test_client().get("/login")
    assert "Strict-Transport-Security" not in off.headers
    with pytest.raises(RuntimeError, match="HSTS"):
        create_app({**PRODUCTION, "HSTS_SECONDS": -1})


def test_no_hsts_in_tests_and_development_unless_configured(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    development = create_app({**PRODUCTION, "ENV": "development"}).test_client().get("/login")
    assert "Strict-Transport-Security" not in development.headers
    configured = create_app({**PRODUCTION, "ENV": "development", "HSTS_SECONDS": 60}).test_client().get("/login")
    assert configured.headers["Strict-Transport-Security"] == "max-age=60; includeSubDomains"


# 4. /healthz -----------------------------------------------------------------------------------------------

def test_healthz_answers_ok_without_session_or_audit(client, partnership):
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


@pytest.mark.parametrize("app_config", [{"REDIS_URL": "redis://127.0.0.1:6379/14"}])
def test_healthz_checks_redis_when_configured(client, app_config):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(app_config["REDIS_URL"], socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.parametrize("app_config", [{"REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0"}])
def test_healthz_names_an_unreachable_redis(client, app_config):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failed", "checks": {"database": "ok", "redis": "failed"},
                                   "failed": ["redis"]}


def test_healthz_names_an_unreachable_database(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from placement.health import views

    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused to db.internal"))

    monkeypatch.setattr(views.db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]
    assert "db.internal" not in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}])
def test_healthz_is_not_rate_limited(client, app_config):
    assert all(client.get("/healthz").status_code == 200 for _ in range(30))


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "2 per minute"}])
def test_a_configured_default_rate_limit_holds_on_every_page_but_health(client, app_config):
    """Without one, the limiter's check before each request is skipped (``placement.extensions.Limiter``)."""
    from placement.extensions import limiter

    try:
        assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 429]
        assert all(client.get("/healthz").status_code == 200 for _ in range(5))
    finally:
        limiter.limit_manager.set_default_limits([])  # one limiter per process: the next app's tests have none


@pytest.mark.skipif(not os.environ.get("PLACEMENT_TEST_DATABASE_URL"), reason="a PostgreSQL server to close it")
def test_a_connection_the_server_closed_is_replaced_before_a_request_uses_it(client, login, partnership):
    """No round trip checks a pooled connection before each request (``pool_pre_ping``); the socket tells."""
    import psycopg

    assert db.engine.pool._pre_ping is False
    name = login(factories.user(Role.CONSULTANT, partnership)).name
    db.session.remove()
    assert client.get("/").status_code == 200
    url = os.environ["PLACEMENT_TEST_DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as admin:
        others = "datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        assert admin.execute(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"  # noqa: S608
                             ).fetchone()[0] >= 1
        deadline = time.monotonic() + 10
        while admin.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {others}").fetchone()[0]:  # noqa: S608
            assert time.monotonic() < deadline
            time.sleep(0.05)
    page = client.get("/")
    assert page.status_code == 200 and name in page.get_data(as_text=True)
    assert client.get("/healthz").get_json()["checks"]["database"] == "ok"


# 5. make run: the demo's links follow the served address ---------------------------------------------------

@pytest.mark.parametrize("app_config", [{"BASE_URL": "http://127.0.0.1:8123"}])
def test_demo_seed_builds_outbox_links_from_the_base_url(runner, app_config):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    bodies = db.session.scalars(select(OutboxMessage.body)).all()
    links = [link for body in bodies for link in re.findall(r"https?://\S+", body)]
    assert links and all(link.startswith("http://127.0.0.1:8123/m/") for link in links), links


def test_make_run_takes_port_and_host_and_sets_the_base_url():
    dry = subprocess.run(["make", "-n", "run", "PORT=8123", "HOST=127.0.0.2"], cwd=ROOT, capture_output=True,  # noqa: S607
                         text=True, check=True).stdout
    seed = next(line for line in dry.splitlines() if "demo seed" in line)
    serve = next(line for line in dry.splitlines() if " run " in line)
    assert "PLACEMENT_BASE_URL=http://127.0.0.2:8123" in seed and "PLACEMENT_BASE_URL=http://127.0.0.2:8123" in serve
    assert "--host 127.0.0.2 --port 8123" in serve
    default = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True,  # noqa: S607
                             env={k: v for k, v in os.environ.items() if k not in ("PORT", "HOST")}).stdout
    assert "--port 5000" in default and "PLACEMENT_BASE_URL=http://127.0.0.1:5000" in default
