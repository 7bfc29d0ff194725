"""Hostile input never answers 500 (issue #10): control characters, integers beyond the database's range, dates
outside a sane window; the same rules for pages, the JSON API and the CSV imports (``placement/sanity.py``)."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from placement import sanity
from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.network.models import Company
from placement.participants.models import Participant
from tests import factories

API = "/api/v1"
TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr(agreement_services, "today", lambda: TODAY)


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


@pytest.fixture
def headers(consultant):
    _row, plain = auth_services.issue_api_token(consultant, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _participant_body(**fields) -> dict:
    body = {"name": "Oliver Testesen", "date_of_birth": "2001-09-30", "home_municipality": "Randers Kommune",
            "postcode": "8900", "course_start": "2024-08-01"}
    body.update(fields)
    return body


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


# The rules ------------------------------------------------------------------------------------------------------

def test_control_characters_are_found_and_stripped_but_tabs_and_line_breaks_stay():
    assert sanity.has_control_characters("a\x00b") and sanity.has_control_characters("\x1b[31m")
    assert sanity.has_control_characters("a\x7fb") and sanity.has_control_characters("a\x85b")
    assert not sanity.has_control_characters("Mandag\ttirsdag\r\nonsdag æøå – ✓")
    assert sanity.strip_control_characters("a\x00b\tc\x08") == "ab\tc"


def test_date_windows_follow_the_service_date(app):
    assert sanity.date_problem(date(2028, 12, 4), sanity.EARLIEST, sanity.ahead_latest) is None
    assert sanity.date_problem(date(2028, 12, 5), sanity.EARLIEST, sanity.ahead_latest)
    assert sanity.date_problem(date(1999, 12, 31), sanity.EARLIEST, sanity.ahead_latest)
    assert sanity.date_problem(date(2011, 12, 4), sanity.EARLIEST_BIRTH, sanity.birth_latest) is None
    assert sanity.date_problem(date(2011, 12, 5), sanity.EARLIEST_BIRTH, sanity.birth_latest)
    assert sanity.date_problem(date(1, 1, 1), sanity.EARLIEST_BIRTH, sanity.birth_latest)


def test_history_dates_lie_up_to_the_service_date_and_in_their_order(app):
    assert sanity.past_date_problem(TODAY) is None and sanity.past_date_problem(None) is None
    assert sanity.past_date_problem(date(2026, 12, 5)) == "The date cannot be in the future."
    assert sanity.past_date_problem(date(1999, 12, 31)) == "The date cannot be before January 1, 2000."
    assert sanity.past_date_problem(date(2026, 12, 5), date(2026, 12, 5)) is None
    assert sanity.job_start_problem(date(2025, 4, 7), date(2025, 4, 7)) is None
    assert sanity.job_start_problem(date(2025, 4, 7), date(2024, 2, 8)) == (
        "The job cannot start on February 8, 2024, before the internship started (April 7, 2025).")
    assert sanity.internship_course_problem(date(2024, 1, 8), date(2024, 1, 8)) is None
    assert sanity.internship_course_problem(date(2024, 1, 8), date(2023, 6, 5)) == (
        "The internship cannot start on June 5, 2023, before the young person's course started (January 8, 2024).")


# Text -----------------------------------------------------------------------------------------------------------

def test_api_refuses_nul_in_a_company_name_naming_the_field(client, partnership, headers):
    company = factories.company(partnership, name="Grøn Gård ApS")
    response = client.patch(f"{API}/companies/{company.id}", headers=headers, json={"name": "a\u0000b"})
    assert response.status_code == 422, response.get_json()
    assert "control characters" in response.get_json()["fields"]["name"][0]
    db.session.expire_all()
    assert db.session.get(Company, company.id).name == "Grøn Gård ApS"


def test_api_refuses_control_characters_in_a_young_persons_notes(client, partnership, headers):
    response = client.post(f"{API}/participants", headers=headers,
                           json=_participant_body(health_notes="træt\u001bom morgenen"))
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["health_notes"]
    assert _count(Participant) == 0


def test_page_form_refuses_nul_and_saves_nothing(client, partnership, consultant, login):
    login(consultant)
    company = factories.company(partnership, name="Grøn Gård ApS")
    response = client.post(f"/companies/{company.id}/edit", data={
        "cvr": company.cvr, "name": "Grøn\x00Gård", "kind": company.kind.value, "postcode": "8900",
        "version": getattr(company, "version", "") or ""})
    assert response.status_code == 200
    assert "Remove the control characters" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Company, company.id).name == "Grøn Gård ApS"


def test_tabs_and_line_breaks_are_kept(client, partnership, headers):
    response = client.post(f"{API}/participants", headers=headers,
                           json=_participant_body(interests="Heste\r\nDyr\tog natur"))
    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(select(Participant.interests)) == "Heste\r\nDyr\tog natur"


def test_search_with_nul_is_harmless(client, partnership, consultant, login, headers):
    factories.company(partnership, name="Grøn Gård ApS")
    assert client.get(f"{API}/companies?q=%00Gr%C3%B8n", headers=headers).status_code == 200
    login(consultant)
    assert client.get("/companies?q=%00").status_code == 200
    assert client.get("/participants?q=a%00b").status_code == 200


# Integers -------------------------------------------------------------------------------------------------------

def test_ids_beyond_the_integer_range_answer_404(client, partnership, consultant, login, headers):
    assert client.get(f"{API}/companies/99999999999", headers=headers).status_code == 404
    assert client.get(f"{API}/companies/{2**31}", headers=headers).status_code == 404
    assert client.patch(f"{API}/participants/99999999999", headers=headers, json={}).status_code == 404
    login(consultant)
    assert client.get("/companies/99999999999/edit").status_code == 404


def test_page_beyond_the_integer_range_is_refused_with_a_message(client, partnership, consultant, login, headers):
    response = client.get(f"{API}/companies?page=99999999999", headers=headers)
    assert response.status_code == 400
    assert "page" in response.get_data(as_text=True)
    login(consultant)
    assert client.get("/companies?page=99999999999").status_code == 400
    assert client.get("/companies?page=2").status_code == 200
    response = client.get("/participants?consultant=99999999999")
    assert response.status_code == 400 and "consultant" in response.get_data(as_text=True)


def test_numbers_beyond_the_integer_range_are_refused(client, partnership, headers):
    company = factories.company(partnership)
    response = client.patch(f"{API}/companies/{company.id}", headers=headers, json={"employees": 10**12})
    assert response.status_code == 422
    assert response.get_json()["fields"]["employees"] == ["Number must be between 0 and 1000000."]
    response = client.patch(f"{API}/companies/{company.id}", headers=headers, json={"version": 10**12})
    assert response.status_code in (409, 412, 422)


# Dates ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [("date_of_birth", "0001-01-01"), ("date_of_birth", "2020-01-01"),
                                              ("course_start", "9999-12-31"), ("course_start", "0001-01-01"),
                                              ("consent_date", "0001-01-01")])
def test_api_refuses_dates_outside_the_window(client, partnership, headers, field, value):
    body = _participant_body(**{field: value})
    if field == "consent_date":
        body["consent"] = "given"
    response = client.post(f"{API}/participants", headers=headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["fields"]) == [field]
    assert "Give a date from" in response.get_json()["fields"][field][0]
    assert _count(Participant) == 0


def test_page_refuses_a_course_start_far_ahead(client, partnership, consultant, login):
    login(consultant)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id)
    response = client.get(f"/participants/{young.id}/edit")
    assert response.status_code == 200
    start = young.course_start
    data = {"name": young.name, "date_of_birth": young.date_of_birth.isoformat(),
            "home_municipality": young.home_municipality, "postcode": young.postcode,
            "course_start": "9999-12-31", "course_years": 3, "hours_min": 10, "hours_max": 20, "max_km": 15,
            "transport": young.transport.value, "support_need": 3, "version": getattr(young, "version", "") or ""}
    response = client.post(f"/participants/{young.id}/edit", data=data)
    assert response.status_code == 200
    assert "Give a date from January 1, 2000 to December 4, 2028" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Participant, young.id).course_start == start


@pytest.fixture
def setting(partnership, consultant, headers):
    company = factories.company(partnership, name="Engholm Kvægbrug", employees=10)
    mentor = factories.mentor(company, name="Karen", email="karen@example.com", max_interns=2)
    job = factories.job_function(company, title="Staldmedhjælper", places=2, mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id)
    return {"mentor": mentor, "job": job, "young": young}


AGREEMENT = {"planned_weeks": 26, "weekly_hours": 15, "schedule": "Man–tor 8–12", "purpose": "Prøve arbejdet",
             "tasks": "Fodring", "works_with": "Karen", "meeting": "Ved stalden kl. 8", "support": "Korte beskeder",
             "follow_up_plan": "Hver 4. uge", "goals": ["Møde til tiden"], "follow_up_weeks": 4}


@pytest.mark.parametrize("start", ["9999-12-01", "0001-01-01"])
def test_api_refuses_an_agreement_start_outside_the_window(client, setting, headers, start):
    body = {**AGREEMENT, "start_date": start, "participant_id": setting["young"].id,
            "job_function_id": setting["job"].id, "mentor_id": setting["mentor"].id}
    response = client.post(f"{API}/agreements", headers=headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["fields"]) == ["start_date"]
    assert _count(Agreement) == 0
    body["start_date"] = "2027-01-04"
    assert client.post(f"{API}/agreements", headers=headers, json=body).status_code == 201


def test_api_refuses_nul_in_the_agreement_goals(client, setting, headers):
    body = {**AGREEMENT, "start_date": "2027-01-04", "goals": ["Møde\u0000til tiden"],
            "participant_id": setting["young"].id, "job_function_id": setting["job"].id,
            "mentor_id": setting["mentor"].id}
    response = client.post(f"{API}/agreements", headers=headers, json=body)
    assert response.status_code == 422
    assert "goals" in response.get_json()["fields"]
    assert _count(Agreement) == 0


# Random text ----------------------------------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(["a", "æ", " ", "\x00", "\x1b", "\t", "\n", "\ud7ff", "%", "'", "\\"]),
                max_size=12) | st.text(max_size=12)
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def test_random_text_in_api_bodies_never_answers_a_server_error(client, partnership, headers):
    company = factories.company(partnership)

    @_SETTINGS
    @given(name=_TEXT, notes=_TEXT, interests=_TEXT, q=_TEXT)
    def check(name, notes, interests, q):
        assert client.patch(f"{API}/companies/{company.id}", headers=headers,
                            json={"name": name, "notes": notes}).status_code < 500
        assert client.post(f"{API}/participants", headers=headers,
                           json=_participant_body(name=name, interests=interests)).status_code < 500
        assert client.get(f"{API}/companies", query_string={"q": q}, headers=headers).status_code < 500

    check()


# CSV imports ----------------------------------------------------------------------------------------------------

_CSV_HEADER = "name;date_of_birth;home_municipality;postcode;course_start;course_years\n"


def test_csv_cell_with_nul_is_an_error_with_line_and_column(app, partnership):
    from placement.participants.csvio import import_csv

    text = _CSV_HEADER + "Oliver Testesen;2001-09-30;Randers Kommune;8900;2024-08-01;3\n" \
        "Mik\x00kel;2001-09-30;Randers Kommune;8900;2024-08-01;3\n"
    report = import_csv(text, partnership)
    assert [(e.line, e.column) for e in report.errors] == [(3, "name")]
    assert "control characters" in str(report.errors[0])
    db.session.rollback()
    assert _count(Participant) == 0


def test_csv_date_outside_the_window_is_an_error(app, partnership):
    from placement.participants.csvio import import_csv

    report = import_csv(_CSV_HEADER + "Oliver Testesen;0001-01-01;Randers Kommune;8900;9999-12-31;3\n", partnership)
    assert {(e.line, e.column) for e in report.errors} == {(2, "date_of_birth"), (2, "course_start")}


# Unknown course length ------------------------------------------------------------------------------------------

def test_csv_empty_course_length_stays_unknown(app, partnership, consultant, login, client):
    from placement.participants.csvio import import_csv

    report = import_csv(_CSV_HEADER + "Oliver Testesen;2001-09-30;Randers Kommune;8900;2024-08-01;\n"
                        "Mikkel Sørensen;2001-09-30;Randers Kommune;8900;2024-08-01;2\n", partnership,
                        creator=consultant)
    assert not report.errors, [str(e) for e in report.errors]
    db.session.commit()
    years = dict(db.session.execute(select(Participant.name, Participant.course_years)).all())
    assert years == {"Oliver Testesen": None, "Mikkel Sørensen": 2}
    login(consultant)
    unknown = db.session.scalar(select(Participant.id).where(Participant.course_years.is_(None)))
    response = client.get(f"/participants/{unknown}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<dt>Length</dt><dd>unknown</dd>" in html and "<dt>End</dt><dd>unknown</dd>" in html
    assert "length unknown" in client.get("/participants").get_data(as_text=True)


def test_api_course_length_may_be_cleared(client, partnership, headers):
    response = client.post(f"{API}/participants", headers=headers, json=_participant_body(course_years=None))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["course_years"] is None
    ident = response.get_json()["id"]
    response = client.patch(f"{API}/participants/{ident}", headers=headers,
                            json={"course_years": 4, "version": response.get_json().get("version")})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["course_years"] == 4


def test_cohort_counts_an_unknown_course_length(app, partnership):
    from placement.reports import tables

    factories.participant(partnership, course_years=None)
    factories.participant(partnership, course_years=3)
    assert tables.course_years(None) == "unknown"


def test_agreement_page_refuses_a_start_far_ahead(client, login, consultant, setting):
    login(consultant)
    url = f"/agreements/new?participant_id={setting['young'].id}&job_function_id={setting['job'].id}"
    plan = {**AGREEMENT, "goals": "Møde til tiden", "mentor_id": setting["mentor"].id}
    response = client.post(url, data={**plan, "start_date": "9999-12-01"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="start_date-error"' in page and "Give a date from January 1, 2000 to December 4, 2028" in page
    assert _count(Agreement) == 0
    response = client.post(url, data={**plan, "schedule": "Man\x00tor", "start_date": "2027-01-04"})
    assert 'id="schedule-error"' in response.get_data(as_text=True)
    assert _count(Agreement) == 0
