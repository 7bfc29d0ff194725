"""Progress measurements: who records them, the development and the chart on the young person's page, and the
measurements that are due."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from placement.auth.models import Role
from placement.extensions import db
from placement.participants.services import local_today
from placement.progress import services
from placement.progress.chart import grouped_bar_chart
from placement.progress.models import Measurement
from tests import factories


def _measure(participant, day, scores, comment=""):
    motivation, work_identity, clarification, knowledge = scores
    db.session.add(Measurement(participant=participant, measured_on=day, motivation=motivation,
                               work_identity=work_identity, clarification=clarification, knowledge=knowledge,
                               comment=comment))
    db.session.commit()


def _form(**overrides) -> dict:
    data = {"measured_on": (local_today() - timedelta(days=1)).isoformat(), "motivation": "4",
            "work_identity": "3", "clarification": "5", "knowledge": "4", "comment": "Første måling"}
    data.update(overrides)
    return data


@pytest.fixture
def coordinator(partnership):
    return factories.user(Role.COORDINATOR, partnership)


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


@pytest.fixture
def young(partnership, consultant, coordinator):
    # The coordinator is named on the case: their reads are case work (no purpose asked).
    return factories.participant(partnership, name="Mikkel Dyrholm", consultant_id=consultant.id,
                                 coordinator_id=coordinator.id)


# Pure rules --------------------------------------------------------------------------------------------------

def test_development_is_written_as_in_the_report():
    first = {"motivation": 4, "work_identity": 4, "clarification": 4, "knowledge": 4}
    latest = {"motivation": 5, "work_identity": 4, "clarification": 6, "knowledge": 5}
    assert services.format_development(services.changes(first, latest)) == "+1, +0, +2, +1 = +4"
    assert services.format_development((-1, 0, 0, -2)) == "-1, +0, +0, -2 = -3"


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 6, date(2025, 7, 31)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2023, 8, 30), 6, date(2024, 2, 29)),
    (date(2025, 3, 15), -6, date(2024, 9, 15)),
    (date(2025, 12, 1), 1, date(2026, 1, 1)),
])
def test_add_months(day, months, expected):
    assert services.add_months(day, months) == expected


def test_the_chart_escapes_its_text_and_shows_every_number():
    svg = str(grouped_bar_chart([("Motivation", (4, 5)), ("<b>Viden</b>", (3, 7))], ["First", "Latest"],
                                title="Første & seneste", desc="Motivation: 4, then 5", ident="c1"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert '<title id="c1-title">Første &amp; seneste</title>' in svg and '<desc id="c1-desc">' in svg
    assert "<b>" not in svg and "&lt;b&gt;Viden&lt;/b&gt;" in svg
    assert "style=" not in svg
    assert svg.count("<rect") == 4 + 2  # four bars and two legend keys
    for value in ("4", "5", "3", "7"):
        assert f'fill="currentColor">{value}</text>' in svg


# Recording ---------------------------------------------------------------------------------------------------

def test_coordinator_records_a_measurement(client, login, coordinator, young):
    login(coordinator)
    page = client.get(f"/participants/{young.id}/measurements/new").get_data(as_text=True)
    assert 'type="radio"' in page and "Wish and belief in a future on the labour market" in page
    assert 'value="10"' in page
    response = client.post(f"/participants/{young.id}/measurements/new", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/participants/{young.id}#progress"
    measurement = db.session.scalar(select(Measurement))
    assert (measurement.motivation, measurement.work_identity, measurement.clarification, measurement.knowledge) \
        == (4, 3, 5, 4)
    assert measurement.recorded_by_id == coordinator.id and measurement.comment == "Første måling"


def test_admin_records_a_measurement(client, login, partnership, young):
    login(factories.user(Role.ADMIN, partnership))
    assert client.post(f"/participants/{young.id}/measurements/new", data=_form()).status_code == 302


@pytest.mark.parametrize(("field", "value", "message"), [
    ("measured_on", "2099-01-01", "The date cannot be in the future."),
    ("measured_on", "1999-12-31", "The date cannot be before January 1, 2000."),
    ("measured_on", "", "This field is required."),
    ("motivation", "11", "Choose a whole number from 1 to 10."),
    ("knowledge", "0", "Choose a whole number from 1 to 10."),
    ("clarification", "x", "Choose a whole number from 1 to 10."),
])
def test_bad_values_are_refused(client, login, coordinator, young, field, value, message):
    login(coordinator)
    response = client.post(f"/participants/{young.id}/measurements/new", data=_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Measurement)) is None


@pytest.mark.parametrize(("day", "message"), [
    # Born 2002-05-17, course from 2025-01-06 (the factory's defaults).
    ("2001-01-01", "The date cannot be before May 17, 2017: the young person turned 15 that day."),
    ("2017-05-16", "The date cannot be before May 17, 2017: the young person turned 15 that day."),
    ("2024-10-05",
     "The date cannot be before October 6, 2024, three months before the course started on January 6, 2025"),
    ("tomorrow", "The date cannot be in the future."),
])
def test_a_date_before_15_before_the_course_or_in_the_future_is_refused(client, login, coordinator, young, day,
                                                                         message):
    assert young.date_of_birth == date(2002, 5, 17) and young.course_start == date(2025, 1, 6)
    if day == "tomorrow":
        day = (local_today() + timedelta(days=1)).isoformat()
    login(coordinator)
    page = client.post(f"/participants/{young.id}/measurements/new", data=_form(measured_on=day)).get_data(
        as_text=True)
    error = re.search(r'<p class="error" id="measured_on-error">(.*?)</p>', page, re.S)
    assert error is not None and message in error.group(1)  # on the field itself
    assert db.session.scalar(select(Measurement)) is None


def test_the_earliest_day_of_a_measurement(app, partnership):
    later_course = factories.participant(partnership, date_of_birth=date(2002, 5, 17), course_start=date(2025, 1, 6))
    young_start = factories.participant(partnership, date_of_birth=date(2008, 2, 29), course_start=date(2023, 1, 2))
    today = date(2025, 6, 1)
    assert services.earliest_measurement_day(later_course) == (date(2017, 5, 17), date(2024, 10, 6))
    assert services.earliest_measurement_day(young_start) == (date(2023, 2, 28), date(2022, 10, 2))
    assert services.measurement_day_problem(later_course, date(2024, 10, 6), today) is None
    assert services.measurement_day_problem(young_start, date(2023, 2, 28), today) is None
    assert "turned 15" in str(services.measurement_day_problem(young_start, date(2023, 2, 27), today))
    assert "in the future" in str(services.measurement_day_problem(later_course, date(2025, 6, 2), today))


def test_a_score_left_out_is_refused(client, login, coordinator, young):
    login(coordinator)
    data = _form()
    del data["work_identity"]
    page = client.post(f"/participants/{young.id}/measurements/new", data=data).get_data(as_text=True)
    assert "This field is required." in page
    assert db.session.scalar(select(Measurement)) is None


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.CASEWORKER])
def test_consultants_and_caseworkers_see_but_do_not_record(client, login, partnership, young, role):
    user = factories.user(role, partnership)
    young.consultant_id = user.id if role is Role.CONSULTANT else young.consultant_id
    young.caseworker_id = user.id if role is Role.CASEWORKER else None
    db.session.commit()
    _measure(young, date(2024, 1, 10), (4, 4, 4, 4))
    _measure(young, date(2024, 7, 10), (5, 4, 6, 5))
    login(user)
    assert client.get(f"/participants/{young.id}/measurements/new").status_code == 403
    assert client.post(f"/participants/{young.id}/measurements/new", data=_form()).status_code == 403
    page = client.get(f"/participants/{young.id}").get_data(as_text=True)
    assert "+1, +0, +2, +1 = +4" in page
    assert f"/participants/{young.id}/measurements/new" not in page
    assert db.session.scalar(select(Measurement).where(Measurement.measured_on > date(2024, 7, 10))) is None


def test_mentor_may_not_record_nor_see_the_list(client, login, partnership, young):
    company = factories.company(partnership)
    mentor = factories.mentor(company)
    login(factories.user(Role.MENTOR, partnership, mentor=mentor))
    assert client.get(f"/participants/{young.id}/measurements/new").status_code == 403
    assert client.post(f"/participants/{young.id}/measurements/new", data=_form()).status_code == 403
    assert client.get("/progress/due").status_code == 403


def test_another_partnerships_young_person_answers_404(client, login, other_partnership, young):
    login(factories.user(Role.COORDINATOR, other_partnership))
    assert client.get(f"/participants/{young.id}/measurements/new").status_code == 404
    assert client.post(f"/participants/{young.id}/measurements/new", data=_form()).status_code == 404
    assert client.get("/participants/999999/measurements/new").status_code == 404
    assert db.session.scalar(select(Measurement)) is None


def test_anonymous_is_sent_to_the_login(client, young):
    response = client.get(f"/participants/{young.id}/measurements/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# The young person's page ---------------------------------------------------------------------------------------

def test_page_shows_development_chart_and_every_measurement(client, login, coordinator, young):
    _measure(young, date(2024, 1, 10), (4, 4, 4, 4), "Ved start")
    _measure(young, date(2024, 7, 10), (3, 3, 3, 3), "Et skridt tilbage")
    _measure(young, date(2025, 1, 10), (5, 4, 6, 5), "To frem")
    login(coordinator)
    page = client.get(f"/participants/{young.id}").get_data(as_text=True)
    # First against latest: the middle measurement does not count in the development.
    assert "+1, +0, +2, +1 = +4" in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "Motivation: 4, then 5" in svg and "Clarification: 4, then 6" in svg
    for label, first, latest in (("Motivation", 4, 5), ("Work identity", 4, 4), ("Clarification", 4, 6),
                                 ("Knowledge", 4, 5)):
        assert f"<title>{label}, First, " in svg
        assert re.search(rf"<tr><th scope=\"row\">{label}</th><td>{first}</td><td>{latest}</td>"
                         rf"<td>\+{latest - first}</td></tr>", page)
    assert "Ved start" in page and "Et skridt tilbage" in page and "To frem" in page
    assert "<td>16</td><td>20</td><td>+4</td>" in page  # the totals
    assert f"/participants/{young.id}/measurements/new" in page


def test_page_with_one_or_no_measurement(client, login, coordinator, young):
    login(coordinator)
    page = client.get(f"/participants/{young.id}").get_data(as_text=True)
    assert "No measurements yet." in page and "A first measurement is due." in page and "<svg" not in page
    _measure(young, local_today() - timedelta(days=30), (4, 4, 4, 4))
    page = client.get(f"/participants/{young.id}").get_data(as_text=True)
    assert "One measurement so far" in page and "<svg" not in page
    assert "Next measurement due by" in page


def test_a_recorded_measurement_shows_on_the_page(client, login, coordinator, young):
    _measure(young, date(2024, 1, 10), (4, 4, 4, 4))
    login(coordinator)
    client.post(f"/participants/{young.id}/measurements/new",
                data=_form(motivation="5", work_identity="4", clarification="6", knowledge="5"))
    page = client.get(f"/participants/{young.id}").get_data(as_text=True)
    assert "+1, +0, +2, +1 = +4" in page


# Due ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def cohort(partnership, other_partnership, consultant):
    today = local_today()
    people = {
        "never": factories.participant(partnership, name="Aldrig Målt", consultant_id=consultant.id),
        "old": factories.participant(partnership, name="Længe Siden"),
        "recent": factories.participant(partnership, name="For Nylig"),
        "inactive": factories.participant(partnership, name="Ikke Aktiv", active=False),
        "not_started": factories.participant(partnership, name="Ikke Startet",
                                             course_start=today + timedelta(days=30)),
        "elsewhere": factories.participant(other_partnership, name="Aarhus Ung", postcode="8543"),
    }
    _measure(people["old"], services.add_months(today, -6) - timedelta(days=1), (4, 4, 4, 4))
    _measure(people["old"], services.add_months(today, -12), (3, 3, 3, 3))
    _measure(people["recent"], services.add_months(today, -7), (4, 4, 4, 4))
    _measure(people["recent"], today - timedelta(days=60), (5, 5, 5, 5))
    return people


def test_due_lists_the_never_measured_and_those_measured_more_than_six_months_ago(client, login, coordinator,
                                                                                 cohort):
    login(coordinator)
    page = client.get("/progress/due").get_data(as_text=True)
    assert "Aldrig Målt" in page and "Længe Siden" in page
    for name in ("For Nylig", "Ikke Aktiv", "Ikke Startet", "Aarhus Ung"):
        assert name not in page
    assert page.index("Aldrig Målt") < page.index("Længe Siden")  # never measured first
    assert "never measured" in page and "2 young people are due for a measurement" in page


def test_exactly_six_months_is_not_yet_due(app, partnership):
    today = local_today()
    young = factories.participant(partnership, name="Præcis Seks")
    _measure(young, services.add_months(today, -6), (4, 4, 4, 4))
    assert not services.progress_of(young, today).is_due
    assert db.session.execute(services.due_select(today)).all() == []


def test_consultant_sees_only_their_own_cases_due_and_cannot_record_from_the_list(client, login, consultant,
                                                                                  cohort):
    login(consultant)
    page = client.get("/progress/due").get_data(as_text=True)
    assert "Aldrig Målt" in page and "Længe Siden" not in page
    assert "/measurements/new" not in page


def test_start_page_counts_the_due_measurements_for_the_coordinator(client, login, coordinator, consultant, cohort):
    login(coordinator)
    page = client.get("/").get_data(as_text=True)
    assert "Progress measurements due" in page and "2 young people have never been measured" in page
    assert "Aldrig Målt" in page and "/progress/due" in page
    client.post("/logout")
    login(consultant)
    assert "Progress measurements due" not in client.get("/").get_data(as_text=True)


# Withdrawing a measurement recorded by mistake ------------------------------------------------------------------

def _withdraw_url(participant_id, measurement_id):
    return f"/participants/{participant_id}/measurements/{measurement_id}/withdraw"


@pytest.fixture
def mistaken(young):
    """The reviewer's case: a first measurement dated 2001 turned "+4, closer" into "+0, not closer"."""
    _measure(young, date(2025, 1, 10), (4, 4, 4, 4))
    _measure(young, date(2025, 7, 10), (5, 4, 6, 5))
    _measure(young, date(2001, 1, 1), (5, 4, 6, 5), "Forkert dato")
    return db.session.scalar(select(Measurement).where(Measurement.measured_on == date(2001, 1, 1)))


def test_withdrawing_needs_a_reason_and_brings_the_development_back(client, login, coordinator, young, mistaken):
    from placement.audit.models import AuditEvent

    login(coordinator)
    page = client.get(f"/participants/{young.id}").get_data(as_text=True)
    assert "+0, +0, +0, +0 = +0" in page
    assert f'action="{_withdraw_url(young.id, mistaken.id)}"' in page and "data-confirm=" in page
    assert page.count("/withdraw") == 3  # one form per measurement

    for reason in ("", "   "):
        response = client.post(_withdraw_url(young.id, mistaken.id), data={"reason": reason})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/participants/{young.id}#progress"
        assert "Give the reason for withdrawing the measurement." in client.get(response.headers["Location"]) \
            .get_data(as_text=True)
        assert db.session.get(Measurement, mistaken.id) is not None

    measurement_id = mistaken.id
    response = client.post(_withdraw_url(young.id, measurement_id), data={"reason": " Forkert dato: 2001 "},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Measurement, measurement_id) is None
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 2
    assert "was withdrawn" in page and "+1, +0, +2, +1 = +4" in page
    assert services.progress_of(young, local_today()).total_change == 4

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "progress_measurements",
                                                         AuditEvent.entity_id == str(measurement_id),
                                                         AuditEvent.action.in_(("delete", "withdraw")))
                                .order_by(AuditEvent.id)).all()
    by_action = {event.action: event for event in events}
    assert set(by_action) == {"delete", "withdraw"}
    assert by_action["withdraw"].changes == {"reason": [None, "Forkert dato: 2001"]}
    deleted = by_action["delete"].changes
    assert deleted["measured_on"] == ["2001-01-01", None] and deleted["motivation"] == [5, None]
    assert deleted["comment"] == ["changed", None]  # a comment on a young person: its text stays out of the log
    assert all(e.actor_id == coordinator.id and e.partnership_id == young.partnership_id for e in events)


def test_admin_withdraws_a_measurement(client, login, partnership, young, mistaken):
    login(factories.user(Role.ADMIN, partnership))
    measurement_id = mistaken.id
    assert client.post(_withdraw_url(young.id, measurement_id), data={"reason": "Fejl"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Measurement, measurement_id) is None


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.CASEWORKER])
def test_consultants_and_caseworkers_may_not_withdraw(client, login, partnership, consultant, young, mistaken, role):
    user = consultant if role is Role.CONSULTANT else factories.user(role, partnership)
    young.caseworker_id = user.id if role is Role.CASEWORKER else None
    db.session.commit()
    login(user)
    assert "/withdraw" not in client.get(f"/participants/{young.id}").get_data(as_text=True)
    assert client.post(_withdraw_url(young.id, mistaken.id), data={"reason": "Fejl"}).status_code == 403
    assert db.session.get(Measurement, mistaken.id) is not None


def test_another_young_persons_measurement_answers_404(client, login, partnership, other_partnership, coordinator,
                                                      young, mistaken):
    other = factories.participant(partnership, name="Anden Ung")
    _measure(other, date(2025, 2, 1), (4, 4, 4, 4))
    others = db.session.scalar(select(Measurement).where(Measurement.participant_id == other.id))
    login(coordinator)
    assert client.post(_withdraw_url(young.id, others.id), data={"reason": "Fejl"}).status_code == 404
    assert client.post(_withdraw_url(other.id, mistaken.id), data={"reason": "Fejl"}).status_code == 404
    assert client.post(_withdraw_url(young.id, 999999), data={"reason": "Fejl"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 4
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, other_partnership))
    assert client.post(_withdraw_url(young.id, mistaken.id), data={"reason": "Fejl"}).status_code == 404
    assert db.session.get(Measurement, mistaken.id) is not None
