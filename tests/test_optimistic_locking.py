"""Nothing lost under concurrent edits: every edited record is versioned, and every conflict is a 409, never a 500."""

import re
import threading
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement, AgreementEvent, State
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.network.models import Company, JobFunction
from placement.participants.models import Participant
from tests import factories
from tests.conftest import PG_URL
from tests.test_network_pages import _company_form
from tests.test_participants import _form as _participant_form

API = "/api/v1"
ROUNDS = 50


def _headers(user) -> dict:
    _row, plain = auth_services.issue_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _client_for(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


@pytest.fixture
def young(partnership, consultant):
    return factories.participant(partnership, name="Emil Testesen", consultant_id=consultant.id,
                                 health_notes="Gammel note", interests="heste")


def test_two_people_editing_a_young_person_the_second_gets_the_conflict_and_nothing_is_lost(app, young, consultant):
    anna, bo = _client_for(app, consultant), _client_for(app, consultant)
    url = f"/participants/{young.id}/edit"
    for client in (anna, bo):  # both open the form on version 1
        page = client.get(url, query_string={"purpose": "coordination"}).get_data(as_text=True)
        assert 'name="version" type="hidden" value="1"' in page
    base = {"consultant_id": str(consultant.id), "version": "1"}
    saved = anna.post(url, data=_participant_form(health_notes="Ny note: tåler ikke støj", interests="heste",
                                                  **base))
    assert saved.status_code == 302
    clash = bo.post(url, data=_participant_form(health_notes="Gammel note", interests="heste, traktorer", **base))
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "Someone else saved this record while you were editing it" in page
    assert "Ny note: tåler ikke støj" in page  # Anna's saved value, beside Bo's
    assert "heste, traktorer" in page  # Bo's input is kept
    # Exactly the two fields saved differently are listed (not every field of the form).
    assert re.findall(r'<th scope="row">([^<]*)</th>', page) == ["Health notes", "Interests"]
    assert 'name="version" type="hidden" value="2"' in page  # a re-submit goes against the new version
    db.session.expire_all()
    found = db.session.get(Participant, young.id)
    assert found.health_notes == "Ny note: tåler ikke støj" and found.interests == "heste" and found.version == 2

    # Bo takes Anna's note over and sends again: now both changes are saved.
    again = bo.post(url, data=_participant_form(health_notes="Ny note: tåler ikke støj",
                                                interests="heste, traktorer", consultant_id=str(consultant.id),
                                                version="2"))
    assert again.status_code == 302
    db.session.expire_all()
    found = db.session.get(Participant, young.id)
    assert (found.health_notes, found.interests, found.version) == ("Ny note: tåler ikke støj", "heste, traktorer", 3)


def test_a_page_form_without_version_is_refused_as_a_conflict(app, young, consultant):
    client = _client_for(app, consultant)
    response = client.post(f"/participants/{young.id}/edit",
                           data=_participant_form(interests="overskrevet", consultant_id=str(consultant.id)))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Participant, young.id).interests == "heste"


def test_the_api_checks_the_version_in_the_body_and_if_match(app, young, consultant):
    client, headers = app.test_client(), _headers(consultant)
    url = f"{API}/participants/{young.id}"
    read = client.get(url, headers=headers)
    assert read.status_code == 200 and read.headers["ETag"] == '"1"' and read.get_json()["version"] == 1

    first = client.patch(url, headers=headers, json={"health_notes": "Ny note", "version": 1})
    assert first.status_code == 200 and first.get_json()["version"] == 2 and first.headers["ETag"] == '"2"'
    second = client.patch(url, headers=headers, json={"interests": "traktorer", "version": 1})
    assert second.status_code == 409 and second.get_json()["current_version"] == 2
    matched = client.patch(url, headers={**headers, "If-Match": '"1"'}, json={"interests": "traktorer"})
    assert matched.status_code == 412 and matched.get_json()["current_version"] == 2
    bad = client.patch(url, headers=headers, json={"interests": "traktorer", "version": "1"})
    assert bad.status_code == 422 and "version" in bad.get_json()["fields"]
    db.session.expire_all()
    found = db.session.get(Participant, young.id)
    assert (found.health_notes, found.interests, found.version) == ("Ny note", "heste", 2)

    ok = client.patch(url, headers={**headers, "If-Match": '"2"'}, json={"interests": "traktorer"})
    assert ok.status_code == 200 and ok.get_json()["version"] == 3
    legacy = client.patch(url, headers=headers, json={"support_notes": "Kort snak"})  # no version: accepted
    assert legacy.status_code == 200 and legacy.get_json()["version"] == 4
    assert legacy.get_json()["health_notes"] == "Ny note" and legacy.get_json()["interests"] == "traktorer"


def test_two_people_editing_a_company(app, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    company = factories.company(partnership, name="Lager Nord")
    anna, bo = _client_for(app, coordinator), _client_for(app, coordinator)
    url = f"/companies/{company.id}/edit"
    saved = anna.post(url, data=_company_form(cvr=company.cvr, name="Lager Nord", notes="Ring før kl. 10",
                                              version="1"))
    assert saved.status_code == 302
    clash = bo.post(url, data=_company_form(cvr=company.cvr, name="Lager Nord A/S", version="1"))
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "Ring før kl. 10" in page and "Lager Nord A/S" in page
    assert re.findall(r'<th scope="row">([^<]*)</th>', page) == ["Name", "Notes on the relationship"]
    db.session.expire_all()
    found = db.session.get(Company, company.id)
    assert (found.name, found.notes, found.version) == ("Lager Nord", "Ring før kl. 10", 2)

    client, headers = app.test_client(), _headers(coordinator)
    stale = client.patch(f"{API}/companies/{company.id}", headers=headers, json={"name": "X", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["current_version"] == 2
    assert client.get(f"{API}/companies/{company.id}", headers=headers).headers["ETag"] == '"2"'


def test_mentors_job_functions_weights_and_targets_are_versioned_too(app, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    company = factories.company(partnership, name="Lager Nord")
    mentor = factories.mentor(company, name="Karen")
    anna, bo = _client_for(app, coordinator), _client_for(app, coordinator)
    mentor_form = {"name": "Karen", "email": "", "phone": "", "experience_level": "2", "experience_notes": "",
                   "max_interns": "1", "active": "y", "version": "1"}
    assert anna.post(f"/mentors/{mentor.id}/edit", data={**mentor_form, "phone": "12345678"}).status_code == 302
    clash = bo.post(f"/mentors/{mentor.id}/edit", data={**mentor_form, "max_interns": "3"})
    assert clash.status_code == 409 and "12345678" in clash.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(type(mentor), mentor.id).phone, db.session.get(type(mentor), mentor.id).max_interns) \
        == ("12345678", 1)

    job = {"title": "Pakker", "tasks": "Pakning", "hours_min": "15", "hours_max": "25", "places": "2",
           "mentor_id": str(mentor.id), "active": "y", "structure": "5", "predictability": "4", "pace": "2",
           "social_contact": "2", "physical_load": "4", "sensory_load": "3", "independence": "2",
           "location_postcode": "8543"}
    assert anna.post(f"/companies/{company.id}/job-functions/new", data=job).status_code == 302
    ident = db.session.scalar(select(JobFunction.id))
    edit = f"/job-functions/{ident}/edit"
    assert anna.post(edit, data={**job, "places": "4", "version": "1"}).status_code == 302
    clash = bo.post(edit, data={**job, "tasks": "Pakning og lager", "version": "1"})
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409
    assert re.findall(r'<th scope="row">([^<]*)</th>', page) == ["Tasks", "Internship places"]

    # Targets exist only once saved (version 0 before): the second of two first saves gets the conflict.
    targets = {"enrolled": "12", "closer_share": "80", "ordinary_or_flex_share": "75", "version": "0"}
    assert anna.post("/reports/targets", data=targets).status_code == 302
    clash = bo.post("/reports/targets", data={**targets, "enrolled": "30"})
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409 and "Someone else saved" in page
    assert 'name="version" type="hidden" value="1"' in page
    assert bo.post("/reports/targets", data={**targets, "enrolled": "30", "version": "1"}).status_code == 302

    weights = dict.fromkeys(("interests", "structure", "demands", "social", "support", "hours", "distance",
                             "track_record"), "0")
    assert anna.post("/matching/weights", data={**weights, "distance": "1", "version": "0"}).status_code == 302
    clash = bo.post("/matching/weights", data={**weights, "hours": "1", "version": "0"})
    assert clash.status_code == 409 and "Someone else saved" in clash.get_data(as_text=True)


def test_a_lost_race_no_view_caught_is_a_409_not_a_500(app):
    def lost_race():
        raise StaleDataError("UPDATE statement on table 'x' expected to update 1 row(s); 0 were matched.")

    app.add_url_rule("/api/v1/test-lost-race", "api_lost_race", lost_race)
    app.add_url_rule("/test-lost-race", "page_lost_race", lost_race)
    client = app.test_client()
    api = client.get("/api/v1/test-lost-race")
    assert api.status_code == 409 and api.get_json()["error"] == "Conflict"
    page = client.get("/test-lost-race")
    assert page.status_code == 409 and "Someone else changed this record meanwhile" in page.get_data(as_text=True)


# Races of real transactions (PostgreSQL) ------------------------------------------------------------------------

def _race(*calls) -> list:
    """Run the calls at the same moment, each in its own thread (and request, app context and session)."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def after_the_internships(monkeypatch):
    monkeypatch.setattr(agreement_services, "today", lambda: date(2027, 6, 1))


@pytest.mark.skipif(not PG_URL, reason="races two real transactions on PostgreSQL")
def test_racing_agreement_steps_answer_409_never_500(app, partnership, consultant, young, after_the_internships):
    from tests.test_agreements_api import BODY

    company = factories.company(partnership, name="Engholm Kvægbrug", employees=10)
    mentor = factories.mentor(company, name="Karen", email="karen@example.com", max_interns=ROUNDS)
    job = factories.job_function(company, title="Staldmedhjælper", places=ROUNDS, mentor=mentor)
    headers = _headers(consultant)
    client = app.test_client()
    ids = []
    for _ in range(ROUNDS):
        created = client.post(f"{API}/agreements", headers=headers, json={
            **BODY, "participant_id": young.id, "job_function_id": job.id, "mentor_id": mentor.id})
        assert created.status_code == 201, created.get_json()
        ids.append(created.get_json()["id"])
    page_client = _client_for(app, consultant)
    db.session.remove()

    for ident in ids:
        step, state = ("send", State.SENT) if ident % 2 else ("cancel", State.CANCELLED)

        def by_api(ident=ident, step=step):
            return app.test_client().post(f"{API}/agreements/{ident}/transitions", headers=headers,
                                          json={"step": step, "version": 1, "comment": "api"}).status_code

        def by_page(ident=ident, step=step):
            return page_client.post(f"/agreements/{ident}/steps/{step}",
                                    data={"version": "1", "comment": "page"}).status_code

        with_page = ident % 4 < 2
        results = _race(by_api, by_page if with_page else by_api)
        assert 500 not in results and None not in results, results
        if with_page:  # the page shows the agreement again (a redirect), with the refusal as its message
            assert results[1] == 302 and results[0] in (200, 409), results
        else:
            assert sorted(results) == [200, 409], results  # one wins, the other is told the current version
        events = db.session.scalars(select(AgreementEvent).where(
            AgreementEvent.agreement_id == ident, AgreementEvent.to_state == state)).all()
        assert len(events) == 1 and db.session.get(Agreement, ident).state is state
        db.session.remove()


@pytest.mark.skipif(not PG_URL, reason="races two real transactions on PostgreSQL")
def test_racing_creations_of_one_cvr_answer_422_never_500(app, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    headers = _headers(coordinator)
    pages = [_client_for(app, coordinator), _client_for(app, coordinator)]
    db.session.remove()
    # Different names, each confirmed as no duplicate, so only the CVR can clash.
    names = ("Alfa Tømrerfirma", "Zulu Bageri og Konditori")
    for round_ in range(ROUNDS):
        cvr = factories.cvr()

        def by_api(which: int, cvr: str = cvr):
            body = {key: value for key, value in _company_form(cvr=cvr, name=names[which]).items()
                    if key not in ("town", "employees", "active")} | {"confirm_not_duplicate": True}
            response = app.test_client().post(f"{API}/companies", headers=headers, json=body)
            return response.status_code, response.get_json()

        def by_page(which: int, cvr: str = cvr):
            response = pages[which].post("/companies/new", data=_company_form(cvr=cvr, name=names[which],
                                                                           confirm_not_duplicate="y"))
            return response.status_code, response.get_data(as_text=True)

        first, second = ((by_api, by_api), (by_page, by_page), (by_api, by_page))[round_ % 3]
        calls = (lambda first=first: first(0), lambda second=second: second(1))
        results = _race(*calls)
        statuses = [status for status, _body in results]
        assert sum(status in (201, 302) for status in statuses) == 1, statuses
        # The other is told on the CVR field: 422 (the API; a page that lost at the database), or the page's
        # form shown again (200) when its validation already saw the other company.
        refused = [(status, answer) for status, answer in results if status not in (201, 302)]
        assert refused[0][0] in (422, 200), statuses
        assert "A company with this CVR number is already registered." in str(refused[0][1])
        assert len(db.session.scalars(select(Company).where(Company.cvr == cvr)).all()) == 1
        db.session.remove()
