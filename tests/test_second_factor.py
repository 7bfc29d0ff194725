"""The second factor (TOTP): forced setup at the first login, the code at later logins, replay and rate limits,
recovery codes, one's own settings, and the reset an administrator or coordinator does."""

import json
import os
import re
import time
from types import SimpleNamespace

import pyotp
import pytest
from flask import Config, Flask
from sqlalchemy import func, select

from placement import create_app
from placement.audit.models import AuditEvent
from placement.auth import second_factor
from placement.auth import services as auth_services
from placement.auth.models import RecoveryCode, Role, User, UserSession
from placement.config import Config as DefaultConfig
from placement.extensions import db
from tests import factories


@pytest.fixture
def app_config(request):
    return {"TOTP_REQUIRED": True, **getattr(request, "param", {})}


def _password(client, user):
    return client.post("/login", data={"email": user.email, "password": factories.PASSWORD})


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _enrol(client, user) -> tuple[pyotp.TOTP, list[str]]:
    """Log in with the password and complete the forced setup; return the authenticator and recovery codes."""
    assert _password(client, user).headers["Location"].endswith("/login/second-factor")
    page = client.get("/login/second-factor/setup")
    assert page.status_code == 200
    secret = _fresh(user.id).totp_secret
    totp = pyotp.TOTP(secret)
    done = client.post("/login/second-factor/setup", data={"code": totp.now()})
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", done.get_data(as_text=True))
    return totp, codes


def _wrong_code(totp: pyotp.TOTP) -> str:
    now = time.time()
    valid = {totp.at(now + step * 30) for step in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(1000, 1000000, 7919)) if code not in valid)


def _next_code(totp: pyotp.TOTP) -> str:
    """A code of the next time step (accepted within the window), so it was not used by the setup."""
    return totp.at(time.time() + 30)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_first_login_forces_the_setup_before_any_page(app, client, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    response = _password(client, consultant)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/second-factor")
    # No page opens before the second step; every one leads back to it.
    blocked = client.get("/participants")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/login/second-factor")
    assert client.get("/account/").headers["Location"].endswith("/login/second-factor")
    assert client.get("/login/second-factor").headers["Location"].endswith("/login/second-factor/setup")

    page = client.get("/login/second-factor/setup")
    html = page.get_data(as_text=True)
    secret = _fresh(consultant.id).totp_secret
    assert _fresh(consultant.id).totp_enabled_at is None  # not on before it is confirmed
    assert "<svg" in html and re.search(r"<script(?![^>]*\bsrc=)", html) is None  # the CSP allows no inline script
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/login/second-factor/setup").get_data(as_text=True).count(secret[:4]) >= 1
    assert _fresh(consultant.id).totp_secret == secret  # a reload keeps the secret the app may have scanned

    wrong = client.post("/login/second-factor/setup", data={"code": _wrong_code(pyotp.TOTP(secret))})
    assert wrong.status_code == 400 and "The code is wrong" in wrong.get_data(as_text=True)
    assert client.get("/participants").status_code == 302

    done = client.post("/login/second-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.digest).where(RecoveryCode.user_id == consultant.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only digests are kept
    assert client.get("/participants").status_code == 200
    assert _fresh(consultant.id).totp_enabled_at is not None
    # Audited, without the secret or any code.
    assert [e.entity_id for e in _events("mfa_enrolled")] == [str(consultant.id)]
    logged = json.dumps([e.changes for e in db.session.scalars(select(AuditEvent))])
    assert secret not in logged and not any(code in logged for code in codes)


def test_next_login_asks_for_the_code_and_refuses_wrong_and_replayed_codes(app, client, partnership):
    caseworker = factories.user(Role.CASEWORKER, partnership)
    totp, _codes = _enrol(client, caseworker)
    used_at_setup = totp.now()

    other = app.test_client()
    assert _password(other, caseworker).headers["Location"].endswith("/login/second-factor")
    assert other.get("/participants").headers["Location"].endswith("/login/second-factor")
    page = other.get("/login/second-factor")
    assert page.status_code == 200 and "authenticator app" in page.get_data(as_text=True)
    wrong = other.post("/login/second-factor", data={"code": _wrong_code(totp)})
    assert wrong.status_code == 400 and "The code is wrong" in wrong.get_data(as_text=True)
    replay = other.post("/login/second-factor", data={"code": used_at_setup})
    assert replay.status_code == 400 and "used already" in replay.get_data(as_text=True)
    assert other.get("/participants").status_code == 302

    code = _next_code(totp)
    ok = other.post("/login/second-factor?ignored=1", data={"code": code})
    assert ok.status_code == 302
    assert other.get("/participants").status_code == 200
    assert len(_events("mfa_failed")) == 2

    third = app.test_client()
    _password(third, caseworker)
    assert third.post("/login/second-factor", data={"code": code}).status_code == 400  # the same code, again


def test_the_page_asked_for_before_the_login_is_reached_after_the_second_step(app, client, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    totp, _codes = _enrol(client, consultant)
    other = app.test_client()
    other.post("/login?next=/participants", data={"email": consultant.email, "password": factories.PASSWORD})
    response = other.post("/login/second-factor", data={"code": _next_code(totp)})
    assert response.headers["Location"].endswith("/participants")


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_wrong_codes_are_rate_limited(app, client, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    totp, _codes = _enrol(client, consultant)
    other = app.test_client()
    _password(other, consultant)
    for _attempt in range(5):
        assert other.post("/login/second-factor", data={"code": _wrong_code(totp)}).status_code == 400
    assert other.post("/login/second-factor", data={"code": _wrong_code(totp)}).status_code == 429
    # Even the right code waits now: guessing stops at the limit.
    assert other.post("/login/second-factor", data={"code": _next_code(totp)}).status_code == 429
    assert other.get("/participants").status_code == 302
    assert len(_events("mfa_rate_limited")) == 2


def test_a_recovery_code_works_once(app, client, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    _totp, codes = _enrol(client, coordinator)
    first = app.test_client()
    _password(first, coordinator)
    response = first.post("/login/second-factor", data={"code": codes[0]}, follow_redirects=True)
    assert response.status_code == 200 and "9 are left" in response.get_data(as_text=True)
    assert first.get("/participants").status_code == 200

    second = app.test_client()
    _password(second, coordinator)
    again = second.post("/login/second-factor", data={"code": codes[0]})
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)
    # Written without the dashes and in small letters, another code is fine.
    assert second.post("/login/second-factor", data={"code": codes[1].replace("-", "").lower()}).status_code == 302
    assert [e.changes["method"][1] for e in _events("mfa_login")] == ["enrolment", "recovery", "recovery"]


def test_new_recovery_codes_need_a_current_code(app, client, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    totp, old_codes = _enrol(client, consultant)
    page = client.get("/account/second-factor")
    assert page.status_code == 200 and "Recovery codes left" in page.get_data(as_text=True)
    assert client.post("/account/second-factor", data={"code": _wrong_code(totp)}).status_code == 400
    renewed = client.post("/account/second-factor", data={"code": _next_code(totp)})
    new_codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", renewed.get_data(as_text=True))
    assert renewed.status_code == 200 and len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    other = app.test_client()
    _password(other, consultant)
    assert other.post("/login/second-factor", data={"code": old_codes[2]}).status_code == 400
    assert other.post("/login/second-factor", data={"code": new_codes[2]}).status_code == 302
    assert len(_events("mfa_codes_renewed")) == 1


def test_admin_reset_ends_sessions_and_forces_a_new_setup(app, client, partnership, other_partnership):
    admin = factories.user(Role.ADMIN, partnership)
    consultant = factories.user(Role.CONSULTANT, partnership)
    _enrol(client, admin)
    theirs = app.test_client()
    _enrol(theirs, consultant)
    assert theirs.get("/participants").status_code == 200

    detail = client.get(f"/users/{consultant.id}")
    assert f"/users/{consultant.id}/second-factor/reset" in detail.get_data(as_text=True)
    confirm = client.get(f"/users/{consultant.id}/second-factor/reset")
    assert confirm.status_code == 200 and "Reset the second factor" in confirm.get_data(as_text=True)
    assert _fresh(consultant.id).totp_enabled_at is not None  # the GET only asks
    assert client.post(f"/users/{consultant.id}/second-factor/reset").status_code == 302

    user = _fresh(consultant.id)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == consultant.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == consultant.id, UserSession.ended_at.is_(None))) == 0
    assert theirs.get("/participants").headers["Location"].startswith("/login")
    [event] = _events("mfa_reset")
    assert event.actor_id == admin.id and event.entity_id == str(consultant.id)

    again = app.test_client()
    _password(again, consultant)
    assert again.get("/login/second-factor").headers["Location"].endswith("/login/second-factor/setup")


def test_a_coordinator_resets_their_partnerships_users_but_no_admin(app, client, partnership, other_partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    admin = factories.user(Role.ADMIN, partnership)
    stranger = factories.user(Role.CASEWORKER, other_partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    _enrol(client, coordinator)
    assert client.post(f"/users/{admin.id}/second-factor/reset").status_code == 403
    assert client.post(f"/users/{stranger.id}/second-factor/reset").status_code == 404
    assert client.post(f"/users/{caseworker.id}/second-factor/reset").status_code == 302
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
    assert [e.entity_id for e in refused] == [str(admin.id)]


def test_a_mentor_is_not_required_but_may_turn_it_on(app, client, partnership):
    company = factories.company(partnership)
    mentor = factories.user(Role.MENTOR, partnership, mentor=factories.mentor(company))
    response = _password(client, mentor)
    assert response.status_code == 302 and "second-factor" not in response.headers["Location"]
    assert client.get("/account/").status_code == 200

    page = client.get("/account/second-factor")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    totp = pyotp.TOTP(_fresh(mentor.id).totp_secret)
    assert client.post("/account/second-factor", data={"code": totp.now()}).status_code == 200
    other = app.test_client()
    assert _password(other, mentor).headers["Location"].endswith("/login/second-factor")


def test_without_totp_required_the_login_is_one_step(app, client, partnership):
    app.config["TOTP_REQUIRED"] = False
    consultant = factories.user(Role.CONSULTANT, partnership)
    assert "second-factor" not in _password(client, consultant).headers["Location"]
    assert client.get("/participants").status_code == 200


def test_totp_required_is_read_from_the_environment(monkeypatch):
    assert DefaultConfig.TOTP_REQUIRED is True
    monkeypatch.setenv("PLACEMENT_TOTP_REQUIRED", "false")
    config = Config(".")
    config.from_object(DefaultConfig)
    config.from_prefixed_env("PLACEMENT")
    assert config["TOTP_REQUIRED"] is False


def test_a_pending_login_expires(app, client, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    _password(client, consultant)
    pending = db.session.scalar(select(UserSession).where(UserSession.user_id == consultant.id))
    assert pending.second_factor_pending
    assert auth_services.load_session_user(pending.key) is None  # no ordinary page opens with it
    pending.expires_at = pending.created_at
    db.session.commit()
    response = client.get("/login/second-factor/setup")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


@pytest.mark.skipif(not os.environ.get("PLACEMENT_TEST_REDIS_URL"), reason="needs PLACEMENT_TEST_REDIS_URL")
def test_the_code_budget_is_shared_between_workers_through_redis(app, partnership):
    import redis

    url = os.environ["PLACEMENT_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    user = SimpleNamespace(id=factories.user(Role.CONSULTANT, partnership).id)  # the budget needs only the id
    config = {**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url, "TOTP_RATE_LIMIT": "2 per minute"}
    workers: list[Flask] = [create_app(dict(config)), create_app(dict(config))]
    allowed = []
    for worker in workers * 2:
        with worker.test_request_context("/login/second-factor", method="POST"):
            allowed.append(second_factor.budget(user)[0])
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
    assert allowed == [True, True, False, False]


def _mails_to(email: str) -> list:
    from placement.mail.models import OutboxMessage

    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                   .order_by(OutboxMessage.id)))


def test_the_user_is_told_by_e_mail_when_their_second_factor_is_set_up_or_reset(app, client, partnership):
    admin = factories.user(Role.ADMIN, partnership)
    consultant = factories.user(Role.CONSULTANT, partnership)
    _enrol(app.test_client(), consultant)
    (enrolled,) = _mails_to(consultant.email)
    assert enrolled.partnership_id == partnership.id and "set up" in enrolled.subject
    assert "If this was not you, contact your youth coordinator or administrator" in enrolled.body
    _enrol(client, admin)
    assert client.post(f"/users/{consultant.id}/second-factor/reset").status_code == 302
    _enrolled, reset = _mails_to(consultant.email)
    assert "turned off" in reset.subject and "If this was not you" in reset.body


def test_codes_of_non_ascii_digits_are_refused_not_a_server_error(app, client, partnership):
    caseworker = factories.user(Role.CASEWORKER, partnership)
    assert _password(client, caseworker).headers["Location"].endswith("/login/second-factor")
    client.get("/login/second-factor/setup")
    arabic_indic = "١٢٣٤٥٦"  # isdigit() is true for these
    setup = client.post("/login/second-factor/setup", data={"code": arabic_indic})
    assert setup.status_code == 400 and "Enter the 6 digits" in setup.get_data(as_text=True)
    totp = pyotp.TOTP(_fresh(caseworker.id).totp_secret)
    assert client.post("/login/second-factor/setup", data={"code": totp.now()}).status_code == 200
    other = app.test_client()
    _password(other, caseworker)
    login = other.post("/login/second-factor", data={"code": arabic_indic})
    assert login.status_code == 400 and other.get("/participants").status_code == 302
