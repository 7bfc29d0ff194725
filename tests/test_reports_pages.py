"""The results dashboard: its page, CSV files, targets form and JSON API, and the funnel's "suggested" events."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from placement.agreements.models import Agreement, Decision, NotHiredReason, Outcome, State
from placement.audit.models import AuditEvent
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.participants.models import Consent
from placement.participants.services import local_today
from placement.progress.models import Measurement
from placement.reports import services, tables
from placement.reports.models import Targets
from tests import factories

PERIOD = {"from": "2018-01-01", "to": "2019-06-30"}
LONG, SHORT = date(2018, 1, 15), date(2018, 11, 1)


def _measure(person, day, parts):
    db.session.add(Measurement(participant=person, measured_on=day, motivation=parts[0], work_identity=parts[1],
                               clarification=parts[2], knowledge=parts[3]))


def _internship(partnership, person, job, mentor, consultant, outcome, *, ended_on, days=100, decision=None):
    db.session.add(Agreement(
        partnership_id=partnership.id, participant=person, job_function=job, mentor=mentor, consultant=consultant,
        start_date=ended_on - timedelta(days=days), state=State.ENDED, ended_on=ended_on, outcome=outcome,
        decision=decision, outcome_start=ended_on if outcome.is_hire else None,
        outcome_hours=20 if outcome.is_hire else None,
        not_hired_reason=None if outcome.is_hire else NotHiredReason.OTHER))


@pytest.fixture
def world(partnership, other_partnership):
    """Six enrolled in Randers (one declined consent), four internships there, one in Aarhus."""
    db.session.add(Targets(partnership_id=partnership.id, enrolled=40, closer_share=0.87, ordinary_or_flex_share=0.8))
    consultant = factories.user(Role.CONSULTANT, partnership)
    people = []
    for n in range(6):
        start = LONG if n < 4 else SHORT
        person = factories.participant(
            partnership, name=f"Ung {n}", course_start=start, consent=Consent.DECLINED if n == 0 else Consent.GIVEN,
            consent_date=start, cognitive=n % 2 == 1, psychological=True, date_of_birth=date(1996, 3, 1),
            course_years=3 if n < 5 else 2, consultant_id=consultant.id)
        _measure(person, start, (4, 4, 4, 4))
        if n < 4:
            _measure(person, start + timedelta(days=300), (5, 5, 6, 5) if n in (0, 1, 2) else (4, 4, 4, 3))
        people.append(person)
    farm = factories.company(partnership, name="Gården")
    shop = factories.company(partnership, name="Butikken")
    farm_mentor, shop_mentor = factories.mentor(farm, name="Karen"), factories.mentor(shop, name="Bo")
    farm_job = factories.job_function(farm, title="Staldhjælp", mentor=farm_mentor)
    shop_job = factories.job_function(shop, title="Varepåfyldning", mentor=shop_mentor)
    spring = date(2019, 3, 1)
    _internship(partnership, people[1], farm_job, farm_mentor, consultant, Outcome.ORDINARY_JOB, ended_on=spring,
                days=90)
    _internship(partnership, people[2], farm_job, farm_mentor, consultant, Outcome.FLEX_JOB, ended_on=spring,
                days=120, decision=Decision.PENDING)
    _internship(partnership, people[3], farm_job, farm_mentor, consultant, Outcome.NOT_HIRED, ended_on=spring)
    _internship(partnership, people[3], shop_job, shop_mentor, consultant, Outcome.PROTECTED,
                ended_on=date(2018, 6, 1), days=60, decision=Decision.REJECTED)
    _internship(partnership, people[0], shop_job, shop_mentor, consultant, Outcome.ORDINARY_JOB, ended_on=spring)
    elsewhere = factories.company(other_partnership, name="Bageriet")
    baker = factories.mentor(elsewhere, name="Ib")
    bakery = factories.job_function(elsewhere, title="Bagerhjælp", mentor=baker)
    _internship(other_partnership, factories.participant(other_partnership, course_start=LONG,
                                                         consent=Consent.GIVEN, consent_date=LONG), bakery, baker, None,
                Outcome.ORDINARY_JOB, ended_on=date(2019, 2, 1))
    db.session.commit()
    return {"people": people, "consultant": consultant, "farm": farm}


@pytest.fixture
def coordinator(partnership):
    return factories.user(Role.COORDINATOR, partnership)


@pytest.fixture
def admin(partnership):
    return factories.user(Role.ADMIN, partnership)


def _scope(partnership, start="2018-01-01", end="2019-06-30"):
    ids = None if partnership is None else (partnership.id,)
    return services.Scope(ids, date.fromisoformat(start), date.fromisoformat(end))


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


# The page --------------------------------------------------------------------------------------------------

def test_the_dashboard_shows_every_section_with_tables_charts_and_csv_links(client, login, world, coordinator):
    login(coordinator)
    html = _page(client, "/reports?from=2018-01-01&to=2019-06-30")
    for section in ("success", "rates", "outcomes", "funnel", "cohort"):
        assert f'id="{section}"' in html
    for grouping in services.GROUPINGS:
        assert f'id="rates-{grouping}"' in html
    assert "6 enrolled, 1 declined consent: the figures cover 5" in html
    # Every table has its chart beside it, each an accessible image with a title.
    charts = html.count("<svg ")
    assert charts == 13 and html.count('role="img"') == charts and html.count("<title>") >= charts
    assert html.count("aria-label=") >= charts and html.count('<table class="table">') == 16
    assert "style=" not in html and "<script>" not in html
    for table in tables.TABLES:
        assert f"/reports/{table}.csv?" in html, table
    # Success criteria: 5 counted, 3 of them a year or more, 2 of those closer; targets 40 and 87 %.
    assert "3 of 5 (60 %)" in html and "2 of 3 (67 %)" in html and "87 %" in html and ">40 ·" in html
    # Placement to hire: 4 ended (the one of the young person who declined consent left out), 3 hired.
    assert "3 of 4 (75 %)" in html and "Gården" in html and "Karen" in html
    assert "not recorded" in html  # the job functions have no occupation: no occupation group
    assert "Median days from internship start to hire" in html
    # Outcomes with the pending and rejected decisions; the funnel; the cohort's combinations.
    assert "Ordinary job or flex-job: 2 of 3 (67 %) of the hires; the goal is 80 %." in html
    assert "cognitive + psychological" in html and "4 of 5 (80 %)" in html and "21–23" in html
    assert "Hired" in html and "Suggested" in html


def test_the_default_period_starts_at_the_first_course_start(client, login, world, coordinator):
    login(coordinator)
    html = _page(client, "/reports")
    assert 'value="2018-01-15"' in html and f'value="{local_today().isoformat()}"' in html


def test_the_default_period_without_anyone_enrolled_starts_two_years_back(client, login, coordinator):
    login(coordinator)
    html = _page(client, "/reports")
    assert f'value="{local_today().year - 2}-01-01"' in html
    assert "0 enrolled, 0 declined consent: the figures cover 0" in html


def test_the_period_changes_the_figures(client, login, world, coordinator, partnership):
    login(coordinator)
    whole = _page(client, "/reports?from=2018-01-01&to=2019-06-30")
    spring = _page(client, "/reports?from=2019-01-01&to=2019-06-30")
    assert "3 of 4 (75 %)" in whole and "3 of 4 (75 %)" not in spring
    [rate] = services.hire_rates(_scope(partnership, "2019-01-01"))
    assert (rate.ended, rate.hired) == (3, 2) and "2 of 3 (67 %)" in spring
    early = _page(client, "/reports?from=2018-01-01&to=2018-06-30")
    assert "4 enrolled, 1 declined consent: the figures cover 3" in early  # two started in November


def test_an_admin_sees_all_partnerships_or_one(client, login, world, admin, partnership, other_partnership):
    login(admin)
    everyone = _page(client, "/reports?from=2018-01-01&to=2019-06-30")
    assert "Results: All partnerships" in everyone and "4 of 5 (80 %)" in everyone and "Bageriet" in everyone
    assert _page(client, "/reports?partnership=all&from=2018-01-01&to=2019-06-30") == everyone
    one = _page(client, f"/reports?partnership={partnership.id}&from=2018-01-01&to=2019-06-30")
    assert "Results: Randers" in one and "3 of 4 (75 %)" in one and "Bageriet" not in one
    other = _page(client, f"/reports?partnership={other_partnership.id}&from=2018-01-01&to=2019-06-30")
    assert "1 of 1 (100 %)" in other and "Gården" not in other
    assert client.get("/reports?partnership=999").status_code == 404


def test_roles(client, login, world, partnership, other_partnership):
    company = world["farm"]
    mentor = factories.user(Role.MENTOR, partnership, mentor=factories.mentor(company))
    login(mentor)
    for url in ("/reports", "/reports/success.csv", "/reports/targets"):
        assert client.get(url).status_code == 403, url
    client.post("/logout")
    caseworker = factories.user(Role.CASEWORKER, partnership)
    login(caseworker)
    assert "6 enrolled" in _page(client, "/reports?to=2019-06-30")
    assert client.get("/reports/targets").status_code == 403
    assert client.get(f"/reports?partnership={other_partnership.id}").status_code == 404
    assert client.get("/reports?partnership=all").status_code == 404
    assert client.get(f"/reports?partnership={partnership.id}").status_code == 200


@pytest.mark.parametrize(("query", "message"), [
    ("from=2019-13-01", "from: Not a valid date value."),
    ("from=1.1.2019&to=2019-06-30", "from: Not a valid date value."),
    ("to=yesterday", "to: Not a valid date value."),
    ("from=2019-07-01&to=2019-06-30", "to: The period must end on or after its first day (July 1, 2019)."),
    ("from=0001-01-01", "from: Choose a date from January 1, 2000 to December 31, 2100."),
])
def test_bad_dates_answer_400_with_the_reason(client, login, world, coordinator, query, message):
    login(coordinator)
    html = _page(client, f"/reports?{query}", status=400)
    assert message in html and 'aria-invalid="true"' in html and "<svg" not in html
    assert client.get(f"/reports/success.csv?{query}").status_code == 400


# CSV -------------------------------------------------------------------------------------------------------

def _csv(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.content_type.startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_every_table_downloads_as_csv_with_the_consent_note(client, login, world, coordinator):
    login(coordinator)
    for table in tables.TABLES:
        rows = _csv(client, f"/reports/{table}.csv?from=2018-01-01&to=2019-06-30")
        # The header comes first (Danish Excel reads row 1 as the header); the note after the table and a blank line.
        header, table_rows, blank, note = rows[0], rows[1:-2], rows[-2], rows[-1]
        assert not header[0].startswith("#") and "Id" not in header and len(header) >= 2, table
        assert all(len(row) == len(header) for row in table_rows), table
        assert blank == [] and note[0].startswith("Randers · period 1/1/18 – 6/30/19"), table
        assert note[0].endswith("6 enrolled, 1 declined consent: the figures cover 5"), table
    rates = _csv(client, "/reports/rates.csv?from=2018-01-01&to=2019-06-30")
    assert rates[1][:3] == ["4", "3", "75.0"]
    companies = _csv(client, "/reports/rates_company.csv?from=2018-01-01&to=2019-06-30")
    assert {row[0]: row[1:] for row in companies[1:-2]} == {"Gården": ["3", "2", "66.7"],
                                                            "Butikken": ["1", "1", "100.0"]}
    cohort = _csv(client, "/reports/cohort_disabilities.csv?from=2018-01-01&to=2019-06-30")
    assert ["1", "1", "0", "cognitive + psychological", "3", "60.0"] in cohort
    raw = client.get("/reports/success.csv?from=2018-01-01&to=2019-06-30").get_data(as_text=True)
    assert raw.splitlines()[0].count(";") == 5 and "\r\n" in raw


def test_the_csv_uses_the_danish_decimal_comma(client, login, world, coordinator):
    login(coordinator)
    client.post("/language", data={"lang": "da"})
    rates = _csv(client, "/reports/rates.csv?from=2018-01-01&to=2019-06-30")
    assert rates[1][:3] == ["4", "3", "75,0"]


def test_an_unknown_table_is_404(client, login, coordinator):
    login(coordinator)
    assert client.get("/reports/people.csv").status_code == 404


# JSON --------------------------------------------------------------------------------------------------------

@pytest.fixture
def api(client, coordinator):
    _token, plain = auth_services.issue_api_token(coordinator, "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}

    def get(path, status=200, **params):
        response = client.get(f"/api/v1/reports/{path}", query_string={**PERIOD, **params}, headers=headers)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    return get


def test_the_json_endpoints_give_the_services_and_the_pages_numbers(api, client, login, world, coordinator,
                                                                    partnership):
    scope = _scope(partnership)
    success = api("success-criteria")
    assert success["scope"] == {"partnership_id": partnership.id, "partnership": "Randers"}
    assert success["period"] == {"from": "2018-01-01", "to": "2019-06-30"}
    assert success["left_out"] == {"enrolled": 6, "declined": 1, "counted": 5}
    table = services.success_criteria(scope)
    assert success["success_criteria"] == {
        "enrolled": table.enrolled, "enrolled_target": table.enrolled_target, "declined": table.declined,
        "counted": table.counted, "at_least_a_year": table.at_least_a_year, "closer": table.closer,
        "closer_share": round(table.closer_share, 4), "closer_target": round(table.closer_target, 4),
        "without_two_measurements": table.without_two_measurements}
    # Shares to 4 decimals: the target 0.87 of the fixture, not a float sum's 0.8699999999999999.
    assert success["success_criteria"]["closer_target"] == 0.87

    overall = api("hire-rates")
    [rate] = services.hire_rates(scope)
    assert overall["by"] is None and [(r["ended"], r["hired"]) for r in overall["rates"]] == [(4, 3)]
    assert overall["rates"][0]["rate"] == round(rate.rate, 4) == 0.75
    assert overall["median_days_to_hire"] == services.median_days_to_hire(scope) == 90
    for grouping in services.GROUPINGS:
        body = api("hire-rates", by=grouping)
        assert [(r["key"], r["label"], r["ended"], r["hired"]) for r in body["rates"]] == [
            (r.key, r.label, r.ended, r.hired) for r in services.hire_rates(scope, grouping)]
    assert api("hire-rates", status=400, by="name")["message"].startswith("The query parameter by")

    outcomes = api("outcomes")
    result = services.outcomes(scope)
    assert outcomes["outcomes"] == [{"outcome": r.outcome.value, "count": r.count, "pending": r.pending,
                                     "approved": r.approved, "rejected": r.rejected} for r in result.rows]
    assert (outcomes["hires"], outcomes["ordinary_or_flex"]) == (3, 2)
    assert outcomes["ordinary_or_flex_target"] == 0.8

    funnel = api("funnel")
    assert {s["step"]: s["young_people"] for s in funnel["steps"]} == services.funnel(scope)
    assert [s["step"] for s in funnel["steps"]] == list(services.FUNNEL)

    cohort = api("cohort")
    expected = services.cohort(scope)
    assert {c["years"]: c["young_people"] for c in cohort["course_years"]} == expected.course_years == {3: 4, 2: 1}
    assert {a["band"]: a["young_people"] for a in cohort["ages"]} == expected.ages
    assert {(d["cognitive"], d["psychological"], d["physical"]): d["young_people"]
            for d in cohort["disabilities"]} == expected.disabilities

    # The page reads the same numbers.
    login(coordinator)
    html = _page(client, "/reports?from=2018-01-01&to=2019-06-30")
    s = success["success_criteria"]
    assert tables.of(s["closer"], s["at_least_a_year"]) in html
    assert tables.of(overall["rates"][0]["hired"], overall["rates"][0]["ended"]) in html
    assert tables.of(outcomes["ordinary_or_flex"], outcomes["hires"]) in html


def test_the_json_endpoints_validate_and_check_roles(api, client, world, partnership, other_partnership):
    assert "from: Not a valid date value." in api("funnel", status=400, **{"from": "2019-02-30"})["message"]
    assert api("funnel", status=404, partnership=str(other_partnership.id))["error"] == "Not Found"
    mentor = factories.user(Role.MENTOR, partnership, mentor=factories.mentor(world["farm"]))
    _token, plain = auth_services.issue_api_token(mentor, "test")
    db.session.commit()
    response = client.get("/api/v1/reports/cohort", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 403


def test_an_admin_asks_the_api_for_all_partnerships(client, world, admin, other_partnership):
    _token, plain = auth_services.issue_api_token(admin, "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    body = client.get("/api/v1/reports/hire-rates", query_string={**PERIOD, "partnership": "all"},
                      headers=headers).get_json()
    assert body["scope"] == {"partnership_id": None, "partnership": "all"}
    assert (body["rates"][0]["ended"], body["rates"][0]["hired"]) == (5, 4)
    one = client.get("/api/v1/reports/hire-rates", query_string={**PERIOD, "partnership": other_partnership.id},
                     headers=headers).get_json()
    assert (one["rates"][0]["ended"], one["left_out"]["enrolled"]) == (1, 1)


# Targets -----------------------------------------------------------------------------------------------------

def test_the_targets_form_validates_and_changes_the_success_table(client, login, world, coordinator, partnership):
    login(coordinator)
    form = _page(client, "/reports/targets")
    assert 'value="40"' in form and 'value="87"' in form and 'value="80"' in form
    refused = client.post("/reports/targets", data={"enrolled": "-1", "closer_share": "150",
                                                    "ordinary_or_flex_share": "lots"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and html.count('class="error"') == 3
    assert "Enter a percentage from 0 to 100" in html
    assert db.session.get(Targets, partnership.id).enrolled == 40

    saved = client.post("/reports/targets", data={"enrolled": "12", "closer_share": "75,5",
                                                  "ordinary_or_flex_share": "70 %", "version": "1"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"partnership={partnership.id}#success")
    db.session.expire_all()
    targets = db.session.get(Targets, partnership.id)
    assert (targets.enrolled, targets.closer_share, targets.ordinary_or_flex_share) == (12, 0.755, 0.7)
    html = _page(client, "/reports?from=2018-01-01&to=2019-06-30")
    assert ">12 ·" in html and "76 %" in html and "the goal is 70 %" in html
    success = _csv(client, "/reports/success.csv?from=2018-01-01&to=2019-06-30")
    assert success[1][4] == "12" and success[5][5] == "75.5"


def test_targets_per_partnership(client, login, partnership, other_partnership, coordinator, admin):
    login(coordinator)
    assert client.get(f"/reports/targets?partnership={other_partnership.id}").status_code == 404
    assert "uses the default targets" in _page(client, "/reports/targets")
    client.post("/logout")
    login(admin)
    assert "Targets: Aarhus" in _page(client, f"/reports/targets?partnership={other_partnership.id}")
    response = client.post(f"/reports/targets?partnership={other_partnership.id}",
                           data={"enrolled": "10", "closer_share": "80", "ordinary_or_flex_share": "75",
                                 "version": "0"})
    assert response.status_code == 302
    assert db.session.get(Targets, other_partnership.id).enrolled == 10
    assert db.session.get(Targets, partnership.id) is None
    consultant = factories.user(Role.CONSULTANT, partnership)
    client.post("/logout")
    login(consultant)
    assert client.get("/reports/targets").status_code == 403


# The funnel's "suggested" step ---------------------------------------------------------------------------------

def _suggest_events(participant_id=None):
    stmt = select(func.count(AuditEvent.id)).where(AuditEvent.action == "suggest", AuditEvent.entity == "participants")
    if participant_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == str(participant_id))
    return db.session.scalar(stmt)


def test_opening_the_suggestions_is_recorded_once_a_day(client, login, partnership, coordinator):
    young = factories.participant(partnership, name="Mikkel", course_start=date(2024, 1, 1),
                                  consent=Consent.GIVEN, consent_date=date(2024, 1, 1),
                                  coordinator_id=coordinator.id)  # named on the case: no purpose asked
    login(coordinator)
    for _ in range(2):
        assert client.get(f"/participants/{young.id}/internships").status_code == 200
    assert _suggest_events(young.id) == 1
    _token, plain = auth_services.issue_api_token(coordinator, "test")
    db.session.commit()
    response = client.get(f"/api/v1/participants/{young.id}/matches", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200 and _suggest_events(young.id) == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "suggest")).one()
    assert (event.actor_id, event.partnership_id, event.changes) == (coordinator.id, partnership.id, {})
    today = event.at.date()
    funnel = services.funnel(services.Scope((partnership.id,), today - timedelta(days=1), today))
    assert funnel["suggested"] == 1


def test_a_new_day_records_again_and_the_api_records_too(client, partnership, coordinator):
    young = factories.participant(partnership, course_start=date(2024, 1, 1), coordinator_id=coordinator.id)
    yesterday = utcnow() - timedelta(days=1)
    db.session.add(AuditEvent(at=yesterday, actor_label="test", action="suggest", entity="participants",
                              entity_id=str(young.id), partnership_id=partnership.id, changes={}))
    db.session.commit()
    _token, plain = auth_services.issue_api_token(coordinator, "test")
    db.session.commit()
    client.get(f"/api/v1/participants/{young.id}/matches", headers={"Authorization": f"Bearer {plain}"})
    assert _suggest_events(young.id) == 2
    assert isinstance(yesterday, datetime)


def test_the_targets_are_in_the_menu_of_those_who_set_them(client, login, partnership, coordinator):
    login(coordinator)
    assert 'href="/reports/targets"' in client.get("/").get_data(as_text=True).split("</nav>")[0]
    client.post("/logout")
    login(factories.user(Role.CONSULTANT, partnership))
    assert 'href="/reports/targets"' not in client.get("/").get_data(as_text=True)
