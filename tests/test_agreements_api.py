"""Agreements in the JSON API: the same workflow and rules as the pages, with 409 for refused steps."""

from datetime import date

import pytest
from sqlalchemy import select

from placement.agreements import services
from placement.agreements.models import Agreement, State
from placement.agreements.services import Actor
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.mail.models import OutboxMessage
from tests import factories


@pytest.fixture(autouse=True)
def after_the_internships(monkeypatch):
    """The tests' internships run into 2027: let 'today' be after them, so their end dates are not in the future."""
    monkeypatch.setattr(services, "today", lambda: date(2027, 6, 1))

API = "/api/v1"
BODY = {"start_date": "2026-09-01", "planned_weeks": 26, "weekly_hours": 15, "schedule": "Man–tor 8–12",
        "purpose": "Prøve arbejdet i stalden", "tasks": "Fodring og rengøring", "works_with": "Karen og Bo",
        "meeting": "Ved stalden kl. 8", "support": "Korte beskeder", "follow_up_plan": "Hver 4. uge",
        "goals": ["Møde til tiden", "Fodre kalvene selv"], "follow_up_weeks": 4}


def _headers(user) -> dict:
    _row, plain = auth_services.issue_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def setting(partnership, other_partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug", employees=10)
    mentor = factories.mentor(company, name="Karen", email="karen@example.com", max_interns=2)
    job = factories.job_function(company, title="Staldmedhjælper", places=2, mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id,
                                  caseworker_id=caseworker.id, health_notes="Angst")
    return {"consultant": consultant, "caseworker": caseworker, "company": company, "mentor": mentor, "job": job,
            "young": young, "other": other_partnership, "partnership": partnership,
            "headers": _headers(consultant)}


def _create(client, setting, **changes):
    body = {**BODY, "participant_id": setting["young"].id, "job_function_id": setting["job"].id,
            "mentor_id": setting["mentor"].id, **changes}
    return client.post(f"{API}/agreements", json=body, headers=setting["headers"])


def _step(client, setting, ident: int, step: str, version: int, comment: str = ""):
    return client.post(f"{API}/agreements/{ident}/transitions", headers=setting["headers"],
                       json={"step": step, "version": version, "comment": comment})


def test_create_send_and_read_an_agreement(client, setting):
    response = _create(client, setting)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/agreements/{data['id']}")
    assert data["state"] == "draft" and data["version"] == 1
    assert data["consultant_id"] == setting["consultant"].id
    assert [g["text"] for g in data["goals"]] == BODY["goals"]
    assert data["allowed_steps"] == ["send", "cancel"]
    assert data["follow_up_dates"][0] == "2026-09-29" and data["planned_end"] == "2027-03-01"
    assert "Angst" not in str(data) and "Mikkel" not in str(data)

    response = _step(client, setting, data["id"], "send", data["version"], "Klar til Karen")
    assert response.status_code == 200, response.get_json()
    sent = response.get_json()
    assert sent["state"] == "sent" and sent["version"] == 2
    assert [e["to_state"] for e in sent["events"]] == ["draft", "sent"] and sent["events"][1]["comment"] == \
        "Klar til Karen"
    assert "/m/" not in str(sent)  # the mentor's link is in their e-mail only
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "karen@example.com")).one()
    assert "/m/" in mail.body

    listed = client.get(f"{API}/agreements?state=sent", headers=setting["headers"]).get_json()
    assert [a["id"] for a in listed["items"]] == [data["id"]] and listed["total"] == 1
    assert client.get(f"{API}/agreements?state=draft", headers=setting["headers"]).get_json()["total"] == 0
    other_young = client.get(f"{API}/agreements?participant_id={setting['young'].id + 100}",
                             headers=setting["headers"]).get_json()
    assert other_young["total"] == 0
    assert client.get(f"{API}/agreements?state=nonsense", headers=setting["headers"]).status_code == 400
    assert client.get(f"{API}/agreements/{data['id']}", headers=setting["headers"]).get_json() == sent


def test_a_stale_version_and_an_invalid_step_are_409_and_change_nothing(client, setting):
    data = _create(client, setting).get_json()
    sent = _step(client, setting, data["id"], "send", data["version"]).get_json()

    response = _step(client, setting, data["id"], "cancel", data["version"])  # the version before sending
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "Conflict" and body["stale"] is True and body["version"] == sent["version"]
    assert "changed by someone else" in body["message"]

    response = _step(client, setting, data["id"], "start", sent["version"])
    assert response.status_code == 409
    assert response.get_json()["error"] == "Conflict" and "stale" not in response.get_json()
    assert "cannot take this step" in response.get_json()["message"]
    response = _step(client, setting, data["id"], "confirm", sent["version"])  # the mentor's step
    assert response.status_code == 409 and "Only the mentor" in response.get_json()["message"]
    response = _step(client, setting, data["id"], "jump", sent["version"])
    assert response.status_code == 422 and "step" in response.get_json()["fields"]
    response = _step(client, setting, data["id"], "fly", sent["version"])
    assert response.status_code == 422
    assert response.get_json()["fields"]["step"] == ["Unknown step. Allowed now: withdraw, cancel."]
    assert client.post(f"{API}/agreements/{data['id']}/transitions", headers=setting["headers"],
                       json={"step": "cancel"}).status_code == 422  # the version is required

    found = db.session.get(Agreement, data["id"])
    assert found.state is State.SENT and found.version == sent["version"]


def test_an_incomplete_plan_is_not_sent(client, setting):
    data = _create(client, setting, purpose="", goals=[]).get_json()
    response = _step(client, setting, data["id"], "send", data["version"])
    assert response.status_code == 409 and "purpose" in response.get_json()["message"]


def test_follow_up_outcome_and_decision(client, setting):
    data = _create(client, setting).get_json()
    version = _step(client, setting, data["id"], "send", data["version"]).get_json()["version"]
    agreement = db.session.get(Agreement, data["id"])
    services.transition(agreement, "confirm", Actor(None, "Karen (link)", True))
    db.session.commit()
    response = client.post(f"{API}/agreements/{data['id']}/follow-ups", headers=setting["headers"],
                           json={"held_on": "2026-09-29", "note": "Godt i gang"})
    assert response.status_code == 409  # not started yet
    started = _step(client, setting, data["id"], "start", agreement.version)
    assert started.status_code == 200 and started.get_json()["state"] == "active"
    version = started.get_json()["version"]
    assert started.get_json()["allowed_steps"] == ["end"]

    response = client.post(f"{API}/agreements/{data['id']}/follow-ups", headers=setting["headers"],
                           json={"held_on": "2026-09-29", "note": "Godt i gang", "next_step": "Flere timer"})
    assert response.status_code == 201
    assert response.get_json()["follow_ups"][0]["next_step"] == "Flere timer"
    assert client.post(f"{API}/agreements/{data['id']}/follow-ups", headers=setting["headers"],
                       json={"held_on": "2026-09-29"}).status_code == 422

    outcome = {"outcome": "flex_job", "ended_on": "2027-02-26", "version": version}
    response = client.post(f"{API}/agreements/{data['id']}/outcome", headers=setting["headers"], json=outcome)
    assert response.status_code == 409 and "weekly hours" in response.get_json()["message"]
    response = client.post(f"{API}/agreements/{data['id']}/outcome", headers=setting["headers"],
                           json={**outcome, "hours": 20, "job_start": "2027-03-01"})
    assert response.status_code == 200, response.get_json()
    ended = response.get_json()
    assert (ended["state"], ended["outcome"], ended["outcome_hours"], ended["decision"]) == (
        "ended", "flex_job", 20, "pending")

    decision = {"decision": "approved", "decided_on": "2027-03-10", "version": ended["version"]}
    response = client.post(f"{API}/agreements/{data['id']}/decision", headers=setting["headers"],
                           json={**decision, "decision": "pending"})
    assert response.status_code == 422
    response = client.post(f"{API}/agreements/{data['id']}/decision", headers=setting["headers"], json=decision)
    assert response.status_code == 200
    assert response.get_json()["decision"] == "approved" and response.get_json()["decision_date"] == "2027-03-10"
    assert [e["kind"] for e in response.get_json()["events"]][-3:] == ["follow_up", "transition", "decision"]


def test_not_hired_needs_a_reason(client, setting):
    data = _create(client, setting).get_json()
    _step(client, setting, data["id"], "send", data["version"])
    agreement = db.session.get(Agreement, data["id"])
    services.transition(agreement, "confirm", Actor(None, "Karen (link)", True))
    services.transition(agreement, "start", Actor(setting["consultant"], "Konsulent", False))
    db.session.commit()
    body = {"outcome": "not_hired", "ended_on": "2027-01-04", "version": agreement.version}
    url = f"{API}/agreements/{data['id']}/outcome"
    assert client.post(url, headers=setting["headers"], json=body).status_code == 409
    assert client.post(url, headers=setting["headers"], json={**body, "reason": "why"}).status_code == 422
    response = client.post(url, headers=setting["headers"], json={**body, "reason": "another_course"})
    assert response.status_code == 200 and response.get_json()["not_hired_reason"] == "another_course"
    assert response.get_json()["decision"] is None


def test_creating_checks_the_young_person_job_function_and_mentor(client, setting):
    other_company = factories.company(setting["partnership"])
    stranger = factories.mentor(other_company)
    elsewhere = factories.job_function(factories.company(setting["other"]))
    response = _create(client, setting, mentor_id=stranger.id)
    assert response.status_code == 422 and "mentor_id" in response.get_json()["fields"]
    response = _create(client, setting, job_function_id=elsewhere.id, participant_id=None, weekly_hours=50)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) >= {"job_function_id", "participant_id", "weekly_hours"}
    not_mine = factories.participant(setting["partnership"])
    response = _create(client, setting, participant_id=not_mine.id)
    assert response.status_code == 422 and "participant_id" in response.get_json()["fields"]
    response = _create(client, setting, goals="one goal", colour="blue")
    assert response.status_code == 422 and set(response.get_json()["fields"]) == {"goals", "colour"}
    assert db.session.scalar(select(db.func.count(Agreement.id))) == 0


def test_invisible_agreements_are_404_and_caseworkers_only_read(client, setting):
    data = _create(client, setting).get_json()
    url = f"{API}/agreements/{data['id']}"
    for user in (factories.user(Role.CONSULTANT, setting["partnership"]),  # not on the case
                 factories.user(Role.CONSULTANT, setting["other"]), factories.user(Role.ADMIN, setting["other"])):
        headers = _headers(user)
        status = 200 if user.role is Role.ADMIN else 404
        # An admin is not named on the case: the API asks for the purpose of reading it.
        purpose = "?purpose=supervision" if status == 200 else ""
        assert client.get(url + purpose, headers=headers).status_code == status
        if status == 404:
            assert client.post(f"{url}/transitions", headers=headers,
                               json={"step": "cancel", "version": 1}).status_code == 404
            assert client.get(f"{API}/agreements", headers=headers).get_json()["total"] == 0

    caseworker = _headers(setting["caseworker"])
    read = client.get(url, headers=caseworker)
    assert read.status_code == 200 and read.get_json()["allowed_steps"] == []
    assert client.get(f"{API}/agreements", headers=caseworker).get_json()["total"] == 1
    assert client.post(f"{url}/transitions", headers=caseworker,
                       json={"step": "cancel", "version": 1}).status_code == 403
    assert client.post(f"{API}/agreements", headers=caseworker, json=BODY).status_code == 403
    mentor = _headers(factories.user(Role.MENTOR, setting["partnership"], mentor=setting["mentor"]))
    assert client.get(url, headers=mentor).status_code == 403
    assert client.get(url).status_code == 401


def test_the_openapi_document_describes_what_the_agreement_endpoints_answer(client, setting):
    schemas = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]
    data = _create(client, setting).get_json()
    assert set(schemas["AgreementDetail"]["properties"]) == set(data)
    listed = client.get(f"{API}/agreements", headers=setting["headers"]).get_json()["items"][0]
    assert set(schemas["Agreement"]["properties"]) == set(listed)
    assert set(schemas["AgreementCreate"]["required"]) == {"participant_id", "job_function_id", "mentor_id",
                                                           "start_date"}
    assert schemas["AgreementCreate"]["properties"]["goals"]["type"] == ["array", "null"]  # null: none
    conflict = client.post(f"{API}/agreements/{data['id']}/transitions", headers=setting["headers"],
                           json={"step": "start", "version": data["version"]}).get_json()
    assert set(conflict) <= set(schemas["AgreementConflict"]["properties"])


def test_reading_an_agreement_is_recorded_as_a_view(client, setting):
    from placement.audit.models import AuditEvent

    agreement_id = _create(client, setting).get_json()["id"]
    assert client.get(f"{API}/agreements/{agreement_id}", headers=setting["headers"]).status_code == 200
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view",
                                                        AuditEvent.entity == "agreements")).all()
    assert [(v.entity_id, v.actor_id) for v in views] == [(str(agreement_id), setting["consultant"].id)]
