"""API tokens: an expiry chosen at creation, read-only or read-write scope, last use, revocation by owner and admin."""

import re
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from placement.audit.models import AuditEvent
from placement.auth import services as auth_services
from placement.auth.models import ApiToken, Role, TokenScope
from placement.database import utcnow
from placement.extensions import db
from placement.network.models import Company
from tests import factories

API = "/api/v1"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


def _company_body() -> dict:
    return {"cvr": factories.cvr(), "name": "Grøn Gård ApS", "postcode": "8900", "industry": "Landbrug"}


def _shown_token(response) -> str:
    match = re.search(r'id="new-token">(plc_[^<]+)<', response.get_data(as_text=True))
    assert match, "the new token is shown once on the page"
    return match.group(1)


# Creating a token on the page -------------------------------------------------------------------------------

def test_page_creates_a_read_only_token_with_the_chosen_expiry(client, login, consultant):
    login(consultant)
    before = utcnow()
    response = client.post("/account/tokens", data={"name": "Regneark", "days": "30", "scope": "read"})
    assert response.status_code == 200
    plain = _shown_token(response)
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == consultant.id)).one()
    assert token.scope is TokenScope.READ
    assert before + timedelta(days=30) <= token.expires_at <= utcnow() + timedelta(days=30)
    assert token.digest == ApiToken.digest_of(plain) and plain not in (token.prefix, token.digest)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Read only" in page and "Never" in page  # scope and last use are shown
    assert plain not in page  # shown only once


def test_page_defaults_to_90_days_and_offers_no_token_without_expiry(client, login, consultant):
    login(consultant)
    page = client.get("/account/tokens").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert options == ["30", "90", "180", "365"]
    assert re.search(r'<option selected value="90"|<option value="90" selected', page)


@pytest.mark.parametrize("days", ["0", "7", "1000", "never", ""])
def test_page_refuses_an_expiry_not_offered(client, login, consultant, days):
    login(consultant)
    response = client.post("/account/tokens", data={"name": "Evig", "days": days, "scope": "read"})
    assert response.status_code == 200
    assert 'id="days-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_page_refuses_an_unknown_scope(client, login, consultant):
    login(consultant)
    response = client.post("/account/tokens", data={"name": "Alt", "days": "90", "scope": "admin"})
    assert 'id="scope-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_service_refuses_a_lifetime_not_offered(consultant):
    with pytest.raises(ValueError, match="days"):
        auth_services.issue_api_token(consultant, "x", days=10_000)


# Scope ------------------------------------------------------------------------------------------------------

def test_read_only_token_reads_but_every_change_is_refused(client, partnership, consultant):
    company = factories.company(partnership, name="Hansen Maskinstation")
    _token, plain = auth_services.issue_api_token(consultant, "read", scope=TokenScope.READ)
    db.session.commit()

    assert client.get(f"{API}/companies", headers=_bearer(plain)).status_code == 200
    for method, url, body in (("POST", f"{API}/companies", _company_body()),
                              ("PATCH", f"{API}/companies/{company.id}", {"name": "Nyt navn ApS"}),
                              ("POST", f"{API}/mentors", {"company_id": company.id, "name": "Anne"})):
        response = client.open(url, method=method, json=body, headers=_bearer(plain))
        assert response.status_code == 403, (method, response.status_code)
        assert response.is_json
        assert "read-only" in response.get_json()["message"]
    db.session.expire_all()
    assert [c.name for c in db.session.scalars(select(Company))] == ["Hansen Maskinstation"]


def test_read_write_token_may_change(client, consultant):
    _token, plain = auth_services.issue_api_token(consultant, "rw", scope=TokenScope.READ_WRITE)
    db.session.commit()
    response = client.post(f"{API}/companies", json=_company_body(), headers=_bearer(plain))
    assert response.status_code == 201, response.get_json()


# Expiry and last use ----------------------------------------------------------------------------------------

def test_expired_token_is_refused_with_a_clear_message(client, consultant):
    token, plain = auth_services.issue_api_token(consultant, "old", days=30)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = client.get(f"{API}/companies", headers=_bearer(plain))

    assert response.status_code == 401
    assert "expired" in response.get_json()["message"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    db.session.refresh(token)
    assert token.last_used_at is None


def test_token_works_until_it_expires(client, consultant):
    token, plain = auth_services.issue_api_token(consultant, "soon", days=30)
    token.expires_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"{API}/companies", headers=_bearer(plain)).status_code == 200


def test_last_use_is_recorded_and_shown(client, login, consultant):
    token, plain = auth_services.issue_api_token(consultant, "sync")
    db.session.commit()
    client.get(f"{API}/companies", headers=_bearer(plain))
    db.session.refresh(token)
    assert token.last_used_at is not None
    login(consultant)
    row = re.search(r"<tr>\s*<td>sync</td>.*?</tr>", client.get("/account/tokens").get_data(as_text=True), re.S)
    assert row and "Never" not in row.group(0)


def test_expired_token_is_listed_as_expired_and_not_revocable(client, login, consultant):
    token, _plain = auth_services.issue_api_token(consultant, "gammel")
    token.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login(consultant)
    row = re.search(r"<tr>\s*<td>gammel</td>.*?</tr>", client.get("/account/tokens").get_data(as_text=True), re.S)
    assert "Expired" in row.group(0) and "Revoke" not in row.group(0)


# Revoking ---------------------------------------------------------------------------------------------------

def test_owner_revokes_their_token_and_it_stops(client, login, consultant):
    token, plain = auth_services.issue_api_token(consultant, "sync")
    db.session.commit()
    login(consultant)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get(f"{API}/companies", headers=_bearer(plain)).status_code == 401


def test_nobody_else_but_an_admin_revokes_a_token(client, login, partnership, consultant):
    token, plain = auth_services.issue_api_token(consultant, "sync")
    db.session.commit()
    login(factories.user(Role.COORDINATOR, partnership))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 403
    assert client.get("/admin/tokens").status_code == 403
    assert client.get(f"{API}/companies", headers=_bearer(plain)).status_code == 200


def test_admin_lists_every_users_tokens_and_revokes_one_audited(client, login, partnership, other_partnership,
                                                                consultant):
    stranger = factories.user(Role.CASEWORKER, other_partnership)
    mine, _ = auth_services.issue_api_token(consultant, "Randers-sync", scope=TokenScope.READ)
    theirs, plain = auth_services.issue_api_token(stranger, "Aarhus-sync")
    db.session.commit()
    admin = login(factories.user(Role.ADMIN, partnership))

    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "Randers-sync" in page and "Aarhus-sync" in page
    assert consultant.name in page and stranger.name in page and "Aarhus" in page
    one = client.get(f"/admin/tokens?user={stranger.id}").get_data(as_text=True)
    assert "Aarhus-sync" in one and "Randers-sync" not in one

    response = client.post(f"/admin/tokens/{theirs.id}/revoke", data={"user": stranger.id})
    assert response.status_code == 302 and f"user={stranger.id}" in response.headers["Location"]
    assert client.get(f"{API}/companies", headers=_bearer(plain)).status_code == 401
    db.session.expire_all()
    assert db.session.get(ApiToken, mine.id).revoked_at is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "api_tokens",
                                                        AuditEvent.entity_id == str(theirs.id),
                                                        AuditEvent.action == "update")).one()
    assert event.actor_id == admin.id and "revoked_at" in event.changes
    assert client.post("/admin/tokens/999999/revoke").status_code == 404


# The migration ----------------------------------------------------------------------------------------------

def test_migration_gives_existing_tokens_90_days_read_write(app, consultant):
    user_id = consultant.id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0009_second_factor")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO api_tokens (user_id, name, digest, prefix, created_at) "
                          "VALUES (:user, 'old', :digest, 'plc_old', :at)"),
                     {"user": user_id, "digest": "0" * 64, "at": utcnow().replace(tzinfo=None)})
    upgrade()
    token = db.session.scalars(select(ApiToken).where(ApiToken.name == "old")).one()
    assert token.scope is TokenScope.READ_WRITE
    assert abs(token.expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=5)
