"""Young people through the JSON API: the same rules, roles and visibility as the pages."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from placement.api.participants import PARTICIPANT_DETAIL_KEYS, PARTICIPANT_KEYS
from placement.audit.models import AuditEvent
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.occupations.models import Occupation
from placement.participants.models import Consent, Participant
from placement.profile import DIMENSION_KEYS
from tests import factories

API = "/api/v1"


@pytest.fixture
def token_for():
    def _token_for(user) -> dict:
        _token, plain = auth_services.issue_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return _token_for


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


@pytest.fixture
def headers(consultant, token_for):
    return token_for(consultant)


def _body(**fields) -> dict:
    body = {"name": "Oliver Testesen", "date_of_birth": "2001-09-30", "home_municipality": "Randers Kommune",
            "postcode": "8900", "course_start": "2024-08-01"}
    body.update(fields)
    return body


def test_create_read_update_and_list(client, partnership, consultant, headers):
    db.session.add(Occupation(uri="http://data.europa.eu/esco/occupation/t1", isco_group="5164",
                              label="dyrepasser"))
    db.session.commit()
    occupation = db.session.scalar(select(Occupation))
    response = client.post(f"{API}/participants", headers=headers, json=_body(
        cognitive=True, disruptions=["anxiety"], occupation_ids=[occupation.id], profile={"structure": 5, "pace": 1},
        support_need=4, consent="given", consent_date="2024-08-01", health_notes="Hemmelig note"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"] == f"{API}/participants/{created['id']}"
    assert set(created) == {*PARTICIPANT_DETAIL_KEYS, "occupations", "profile"}
    assert created["consultant_id"] == consultant.id  # the creator, named in their empty slot
    assert (created["town"], created["date_of_birth"], created["disruptions"]) == ("Randers C", "2001-09-30",
                                                                                   ["anxiety"])
    assert created["occupations"] == [{"id": occupation.id, "uri": occupation.uri, "label": "dyrepasser"}]
    assert created["profile"] == {**dict.fromkeys(DIMENSION_KEYS, 3), "structure": 5, "pace": 1}
    assert (created["consent"], created["transport"], created["support_need"]) == ("given", "public", 4)

    url = f"{API}/participants/{created['id']}"
    patched = client.patch(url, headers=headers, json={"hours_max": 30, "disruptions": None,
                                                       "profile": {"pace": 2}, "occupation_ids": []})
    assert patched.status_code == 200, patched.get_json()
    data = patched.get_json()
    assert (data["hours_max"], data["disruptions"], data["occupations"]) == (30, [], [])
    assert data["profile"]["pace"] == 2 and data["profile"]["structure"] == 5  # the rest keep their values
    assert (data["name"], data["cognitive"], data["consent_date"]) == ("Oliver Testesen", True, "2024-08-01")

    assert client.get(url, headers=headers).get_json() == data
    listing = client.get(f"{API}/participants", headers=headers).get_json()
    assert listing["total"] == 1 and set(listing["items"][0]) == set(PARTICIPANT_KEYS)
    assert "health_notes" not in listing["items"][0]


def test_reading_is_logged_as_a_view(client, partnership, consultant, headers):
    participant = factories.participant(partnership, consultant_id=consultant.id, health_notes="Hemmelig")
    client.get(f"{API}/participants/{participant.id}", headers=headers)
    [view] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert (view.entity, view.entity_id, view.actor_id, view.changes) == ("participants", str(participant.id),
                                                                          consultant.id, {})


def test_only_visible_young_people_are_listed_and_others_answer_404(client, partnership, other_partnership,
                                                                    consultant, headers):
    mine = factories.participant(partnership, name="Min", consultant_id=consultant.id)
    theirs = factories.participant(partnership, name="Ikke Min")
    elsewhere = factories.participant(other_partnership, name="Aarhus", postcode="8543")
    names = [item["name"] for item in client.get(f"{API}/participants", headers=headers).get_json()["items"]]
    assert names == ["Min"]
    assert client.get(f"{API}/participants/{mine.id}", headers=headers).status_code == 200
    for participant in (theirs, elsewhere):
        url = f"{API}/participants/{participant.id}"
        assert client.get(url, headers=headers).status_code == 404
        assert client.patch(url, headers=headers, json={"name": "X"}).status_code == 404
    assert client.get(f"{API}/participants/99999", headers=headers).get_json()["error"] == "Not Found"


def test_list_filters(client, partnership, token_for):
    consultant = factories.user(Role.CONSULTANT, partnership)
    factories.participant(partnership, name="A", consultant_id=consultant.id)
    factories.participant(partnership, name="B", active=False)
    headers = token_for(factories.user(Role.COORDINATOR, partnership))

    def names(**params):
        data = client.get(f"{API}/participants", query_string=params, headers=headers).get_json()
        return [item["name"] for item in data["items"]]

    assert names() == ["A", "B"]
    assert names(active="false") == ["B"]
    assert names(consultant_id=consultant.id) == ["A"]
    assert names(per_page=1, page=2) == ["B"]
    assert client.get(f"{API}/participants?active=maybe", headers=headers).status_code == 400


def test_roles(client, partnership, token_for):
    participant = factories.participant(partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    participant.caseworker_id = caseworker.id
    db.session.commit()
    headers = token_for(caseworker)
    assert client.get(f"{API}/participants/{participant.id}", headers=headers).status_code == 200
    assert client.post(f"{API}/participants", headers=headers, json=_body()).status_code == 403
    assert client.patch(f"{API}/participants/{participant.id}", headers=headers, json={}).status_code == 403
    company = factories.company(partnership)
    mentor = factories.user(Role.MENTOR, partnership, mentor=factories.mentor(company))
    assert client.get(f"{API}/participants", headers=token_for(mentor)).status_code == 403
    assert client.get(f"{API}/participants").status_code == 401


@pytest.mark.parametrize(("body", "bad"), [
    ({"postcode": "0001"}, {"postcode"}),
    ({"date_of_birth": "30-09-2001x"}, {"date_of_birth"}),
    ({"name": None, "course_start": None}, {"name", "course_start"}),
    ({"consent": "given"}, {"consent_date"}),
    ({"consent": "perhaps", "consent_date": "2024-08-01"}, {"consent"}),
    ({"hours_min": 25, "hours_max": 20}, {"hours_max"}),
    ({"max_km": 500, "course_years": 0}, {"max_km", "course_years"}),
    ({"profile": {"pace": 9, "mood": 3}}, {"profile.pace", "profile.mood"}),
    ({"structure": 4}, {"structure"}),  # a profile value belongs inside "profile"
    ({"disruptions": "anxiety"}, {"disruptions"}),
    ({"disruptions": ["anxiety", "boredom"]}, {"disruptions"}),
    ({"occupation_ids": [12345]}, {"occupation_ids"}),
    ({"add_occupations": "ukendt titel"}, {"add_occupations"}),
    ({"consultant_id": 99999}, {"consultant_id"}),
    ({"id": 5, "town": "Aalborg", "colour": "blå"}, {"id", "town", "colour"}),
    ({"partnership_id": 12345}, {"partnership_id"}),
])
def test_invalid_bodies_answer_422_naming_the_fields(client, headers, body, bad):
    response = client.post(f"{API}/participants", headers=headers, json=_body(**body))
    assert response.status_code == 422
    data = response.get_json()
    assert data["error"] == "Validation failed"
    assert set(data["fields"]) == bad
    assert db.session.scalar(select(Participant)) is None


def test_read_only_and_unknown_fields_are_named_so(client, partnership, consultant, headers):
    participant = factories.participant(partnership, consultant_id=consultant.id, consent=Consent.GIVEN,
                                        consent_date=date(2024, 8, 1))
    response = client.patch(f"{API}/participants/{participant.id}", headers=headers,
                            json={"town": "Aalborg", "occupations": [], "hobby": "x"})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"town": ["Read-only field."], "occupations": ["Read-only field."],
                                             "hobby": ["Unknown field."]}


def test_the_openapi_document_describes_young_people(client, partnership, consultant, headers):
    document = json.loads(client.get(f"{API}/openapi.json").get_data(as_text=True))
    paths = document["paths"]
    assert {paths["/participants"]["get"]["operationId"], paths["/participants"]["post"]["operationId"],
            paths["/participants/{participant_id}"]["get"]["operationId"],
            paths["/participants/{participant_id}"]["patch"]["operationId"]} == {
        "list_participants", "create_participant", "get_participant", "update_participant"}
    components = document["components"]["schemas"]
    create = components["ParticipantCreate"]
    assert set(create["required"]) == {"name", "date_of_birth", "home_municipality", "postcode", "course_start"}
    assert create["properties"]["disruptions"]["type"] == ["array", "null"]  # null: none
    assert "social_phobia" in create["properties"]["disruptions"]["items"]["enum"]
    assert create["properties"]["occupation_ids"]["items"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert create["properties"]["date_of_birth"]["format"] == "date"
    assert set(create["properties"]["profile"]["properties"]) == set(DIMENSION_KEYS)
    assert create["properties"]["consent"]["enum"][:1] == [""]
    participant = factories.participant(partnership, consultant_id=consultant.id)
    detail = client.get(f"{API}/participants/{participant.id}", headers=headers).get_json()
    assert set(components["ParticipantDetail"]["properties"]) == set(detail)
    assert set(components["Participant"]["properties"]) == set(PARTICIPANT_KEYS)
    assert "Needs" in components and "calm" in components["Needs"]["properties"]["pace"]["description"]
