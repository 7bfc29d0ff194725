"""Retention in the results dashboard: still employed 3, 6 and 12 months after the job's start, by outcome, company
and consultant, in the services, the page, the CSV files and the API, against a hand-computed example."""

import csv
import io
from datetime import date

import pytest

from placement.agreements import services as agreements
from placement.agreements.models import Decision, NotHiredReason, Outcome
from placement.agreements.services import Actor
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.participants.models import Consent
from placement.reports import disclosure, services, tables
from placement.retention import services as retention
from placement.retention.models import Employment
from tests import factories

#: The service's today and the reference date of the figures.
TODAY = date(2027, 9, 1)
PERIOD = {"from": "2026-06-01", "to": "2027-09-01"}
URL = "/reports?from=2026-06-01&to=2027-09-01"
E, NE, U = Employment.EMPLOYED, Employment.NOT_EMPLOYED, Employment.UNKNOWN


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(agreements, "today", lambda: TODAY)


def _scope(partnership):
    return services.Scope((partnership.id,), date(2026, 6, 1), TODAY)


def _answer(hire, month, status):
    check = next(c for c in retention.checks_of(hire) if c.month == month)
    extra = {"hours": 25} if status is E else {"reason": "Stoppede"} if status is NE else {}
    retention.record(check, status=status, checked_on=min(check.due_on, TODAY), label="test", today=TODAY, **extra)


@pytest.fixture
def hires(partnership):
    """Six followed hires, the reference date 1 September 2027 (each through the agreement workflow):

    ====  ============  =========  ==========  ==========  ====================  at 3 / 6 / 12 months
    H1    ordinary job  Gården     Anna        3 Aug 2026  1 E, 3 E, 6 E, 12 E   E / E / E
    H2    ordinary job  Gården     Anna        3 Aug 2026  1 E, 3 NE             NE / NE / NE (stays ended)
    H3    flex-job      Butikken   Bent        3 Aug 2026  3 E, 6 unknown        E / U / U
    H4    wage subsidy  Butikken   Bent        3 Aug 2026  1 NE, 3 E, 12 NE      E / U (employed at 3) / NE
    H5    ordinary job  Butikken   Anna        31 Jan 2027 none                  U / U / to come (31 Jan 2028)
    H6    ordinary job  Gården     Anna        1 Jul 2027  none                  to come / to come / to come
    ====  ============  =========  ==========  ==========  ====================

    Left out: a flex-job the job centre rejected (Gården, Anna), a hire of a young person who declined consent
    (Gården, Anna, still employed at 3 months), an internship without a hire.
    """
    anna, bent = factories.user(Role.CONSULTANT, partnership), factories.user(Role.CONSULTANT, partnership)
    anna.name, bent.name = "Anna", "Bent"
    db.session.commit()
    farm, shop = factories.company(partnership, name="Gården"), factories.company(partnership, name="Butikken")
    jobs = {}
    for company in (farm, shop):
        mentor = factories.mentor(company, email="mentor@example.com")
        jobs[company.name] = (factories.job_function(company, mentor=mentor), mentor)

    def hire(company, consultant, outcome, job_start, *, consent=Consent.GIVEN, decision=None):
        actor = Actor(consultant, consultant.name, False)
        job, mentor = jobs[company]
        person = factories.participant(partnership, consent=consent, consent_date=date(2025, 1, 6))
        agreement = agreements.new_agreement(
            participant=person, job_function=job, mentor=mentor, consultant=consultant, start_date=date(2026, 3, 2),
            actor=actor, planned_weeks=20, weekly_hours=15, purpose="p", tasks="t", works_with="w", meeting="m",
            support="s", follow_up_plan="f", goals=["Møde til tiden"])
        for step, by in (("send", actor), ("confirm", Actor(None, "mentor (link)", True)), ("start", actor)):
            agreements.transition(agreement, step, by)
        ended_on = min(job_start, date(2027, 6, 30))
        if outcome.is_hire:
            agreements.record_outcome(agreement, actor, outcome=outcome, ended_on=ended_on, hours=20,
                                      job_start=job_start)
        else:
            agreements.record_outcome(agreement, actor, outcome=outcome, ended_on=ended_on,
                                      reason=NotHiredReason.HEALTH)
        if decision is not None:
            agreements.record_decision(agreement, actor, decision, ended_on)
        db.session.commit()
        return agreement

    summer, winter = date(2026, 8, 3), date(2027, 1, 31)
    made = {
        "H1": hire("Gården", anna, Outcome.ORDINARY_JOB, summer),
        "H2": hire("Gården", anna, Outcome.ORDINARY_JOB, summer),
        "H3": hire("Butikken", bent, Outcome.FLEX_JOB, summer, decision=Decision.APPROVED),
        "H4": hire("Butikken", bent, Outcome.WAGE_SUBSIDY, summer),
        "H5": hire("Butikken", anna, Outcome.ORDINARY_JOB, winter),
        "H6": hire("Gården", anna, Outcome.ORDINARY_JOB, date(2027, 7, 1)),
        "rejected": hire("Gården", anna, Outcome.FLEX_JOB, summer),
        "declined": hire("Gården", anna, Outcome.ORDINARY_JOB, summer, consent=Consent.DECLINED),
        "not hired": hire("Gården", anna, Outcome.NOT_HIRED, summer),
    }
    for name, answers in {"H1": {1: E, 3: E, 6: E, 12: E}, "H2": {1: E, 3: NE}, "H3": {3: E, 6: U},
                          "H4": {1: NE, 3: E, 12: NE}, "declined": {3: E}, "rejected": {3: NE}}.items():
        for month, status in answers.items():
            _answer(made[name], month, status)
    db.session.commit()
    # The job centre rejects the flex-job after its first check: it is no longer followed.
    agreements.record_decision(made["rejected"], Actor(anna, anna.name, False), Decision.REJECTED, date(2027, 1, 4))
    db.session.commit()
    return made


def _figures(groups) -> dict:
    """{label: {month: (due, employed, not employed, unknown, to come)}} of a grouping's rows."""
    return {group.label: {m: (f.due, f.employed, f.not_employed, f.unknown, f.coming) for m, f in group.months.items()}
            for group in groups}


#: The hand-computed figures (see ``hires``): (due, employed, not employed, unknown, to come) at 3, 6, 12 months.
OVERALL = {3: (5, 3, 1, 1, 1), 6: (5, 1, 1, 3, 1), 12: (4, 1, 2, 1, 2)}
ORDINARY = {3: (3, 1, 1, 1, 1), 6: (3, 1, 1, 1, 1), 12: (2, 1, 1, 0, 2)}
BY_OUTCOME = {"ordinary_job": ORDINARY, "flex_job": {3: (1, 1, 0, 0, 0), 6: (1, 0, 0, 1, 0), 12: (1, 0, 0, 1, 0)},
              "wage_subsidy": {3: (1, 1, 0, 0, 0), 6: (1, 0, 0, 1, 0), 12: (1, 0, 1, 0, 0)}}
BY_COMPANY = {"Gården": {3: (2, 1, 1, 0, 1), 6: (2, 1, 1, 0, 1), 12: (2, 1, 1, 0, 1)},
              "Butikken": {3: (3, 2, 0, 1, 0), 6: (3, 0, 0, 3, 0), 12: (2, 0, 1, 1, 1)}}
BY_CONSULTANT = {"Anna": ORDINARY, "Bent": {3: (2, 2, 0, 0, 0), 6: (2, 0, 0, 2, 0), 12: (2, 0, 1, 1, 0)}}


def test_retention_against_the_hand_computed_example(hires, partnership):
    scope = _scope(partnership)
    [overall] = services.retention(scope)
    assert overall.hires == 6 and _figures([overall]) == {"": OVERALL}
    three, six, twelve = (overall.months[m] for m in (3, 6, 12))
    assert (three.known, three.share, three.unknown_share) == (4, 3 / 4, 1 / 5)
    assert (six.known, six.share, six.unknown_share) == (2, 1 / 2, 3 / 5)
    assert (twelve.known, twelve.share, twelve.unknown_share) == (3, 1 / 3, 1 / 4)
    by_outcome = services.retention(scope, "outcome")
    assert [g.key for g in by_outcome] == [Outcome.ORDINARY_JOB, Outcome.FLEX_JOB, Outcome.WAGE_SUBSIDY]
    assert _figures(by_outcome) == BY_OUTCOME and [g.hires for g in by_outcome] == [4, 1, 1]
    by_company = services.retention(scope, "company")
    assert _figures(by_company) == BY_COMPANY and [(g.label, g.hires) for g in by_company] == [
        ("Butikken", 3), ("Gården", 3)]
    by_consultant = services.retention(scope, "consultant")
    assert _figures(by_consultant) == BY_CONSULTANT and [(g.label, g.hires) for g in by_consultant] == [
        ("Anna", 4), ("Bent", 2)]
    # The groupings add up to all followed hires.
    for grouping in services.RETENTION_GROUPINGS:
        for month in (3, 6, 12):
            assert sum(g.months[month].due for g in services.retention(scope, grouping)) == overall.months[month].due


def test_recording_still_employed_at_3_and_6_months_moves_the_figures(hires, partnership):
    scope = _scope(partnership)
    _answer(hires["H5"], 3, E)
    _answer(hires["H5"], 6, E)
    db.session.commit()
    [overall] = services.retention(scope)
    assert _figures([overall])[""] == {3: (5, 4, 1, 0, 1), 6: (5, 2, 1, 2, 1), 12: (4, 1, 2, 1, 2)}
    assert (overall.months[3].share, overall.months[3].unknown_share) == (4 / 5, 0)
    assert (overall.months[6].share, overall.months[6].unknown_share) == (2 / 3, 2 / 5)
    assert _figures(services.retention(scope, "company"))["Butikken"] == {
        3: (3, 3, 0, 0, 0), 6: (3, 1, 0, 2, 0), 12: (2, 0, 1, 1, 1)}


def test_a_hire_whose_date_is_still_to_come_is_no_failure(hires, partnership, monkeypatch):
    """H5's 12-month date (31 January 2028) is after the reference date; on that day, it is due (unknown)."""
    [overall] = services.retention(_scope(partnership))
    assert overall.months[12].coming == 2 and overall.months[12].not_employed == 2
    later = services.Scope((partnership.id,), date(2026, 6, 1), date(2028, 1, 31))
    [ahead] = services.retention(later)  # a period that ends after today: nothing is due before its day
    assert (ahead.months[12].due, ahead.months[12].coming) == (4, 2)
    monkeypatch.setattr(agreements, "today", lambda: date(2028, 1, 31))
    [then] = services.retention(later)
    assert (then.months[12].due, then.months[12].unknown, then.months[12].coming) == (5, 2, 1)
    # Before any 3-month date, every hire is still to come, and nothing is lost.
    early = services.Scope((partnership.id,), date(2026, 6, 1), date(2026, 11, 2))
    [first] = services.retention(early)
    assert first.hires == 4 and {m: (f.due, f.coming) for m, f in first.months.items()} == {
        3: (0, 4), 6: (0, 4), 12: (0, 4)} and first.months[3].share is None


def test_rejected_flex_jobs_and_young_people_without_consent_are_left_out(hires, partnership, other_partnership):
    [overall] = services.retention(_scope(partnership))
    assert overall.hires == 6  # not the rejected flex-job, not the young person who declined consent
    [elsewhere] = services.retention(services.Scope((other_partnership.id,), date(2026, 6, 1), TODAY))
    assert elsewhere.hires == 0 and elsewhere.months[3].share is None
    [everyone] = services.retention(services.Scope(None, date(2026, 6, 1), TODAY))
    assert _figures([everyone])[""] == OVERALL
    # Withdrawing consent takes a hire out at once.
    hires["H1"].participant.consent = Consent.WITHDRAWN
    db.session.commit()
    [without] = services.retention(_scope(partnership))
    assert without.hires == 5 and without.months[3].employed == 2


def test_the_cells_add_up_and_nothing_small_is_shown(hires, partnership):
    cells = disclosure.dashboard_cells(tables.figures(_scope(partnership)))
    for line in cells.lines:
        assert cells.values[line.total] == sum(cells.values[part] for part in line.parts), line
    shown = cells.shown(5)
    assert not [key for key, value in cells.values.items() if 0 < value < 5 and key not in shown.hidden]
    retention_cells = [key for key in cells.values if key[0] == "retention"]
    assert len(retention_cells) > 60


# The page, the CSV files and the API -------------------------------------------------------------------------------

@pytest.fixture
def coordinator(partnership):
    return factories.user(Role.COORDINATOR, partnership)


def _page(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index('<section id="retention"'):html.index("</main>")]


def _row(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start:html.index("</tr>", start)]


def test_the_page_shows_retention_and_moves_when_a_check_is_recorded(client, login, hires, coordinator):
    login(coordinator)
    html = _page(client)
    assert "Hires followed up: 6." in html and "September 1, 2027" in html and "To come" in html
    for grouping in services.RETENTION_GROUPINGS:
        assert f'id="retention-{grouping}"' in html and f"/reports/retention_{grouping}.csv?" in html
    assert "/reports/retention.csv?" in html and html.count("<svg ") == 1
    three = _row(html, "3 months")
    assert '<td class="num">5</td><td class="num">3</td><td class="num">1</td><td class="num">1</td>' in three
    assert "3 of 4 (75 %)" in three and "1 of 5 (20 %)" in three
    assert "3 months · unknown: 1 of 5 (20 %)" in html  # the chart's label
    assert "Wage-subsidy job (early-retirement pensioners)" in html and "Gården" in html and "Bent" in html

    # Recording "still employed" at 3 and 6 months for H5 moves the figures at once (the kept page is not stale).
    _answer(hires["H5"], 3, E)
    _answer(hires["H5"], 6, E)
    db.session.commit()
    html = _page(client)
    assert "4 of 5 (80 %)" in _row(html, "3 months") and "0 of 5 (0 %)" in _row(html, "3 months")
    assert "2 of 3 (67 %)" in _row(html, "6 months") and "2 of 5 (40 %)" in _row(html, "6 months")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.CONSULTANT])
def test_small_counts_are_hidden_from_caseworkers_and_consultants(client, login, hires, partnership, role):
    login(factories.user(role, partnership))
    html = _page(client)
    assert "&lt; 5" in html and not [n for n in ("3 of 4", "1 of 5") if n in html]
    assert '<td class="num">1</td>' not in html and '<td class="num">3</td>' not in html
    response = client.get("/reports/retention_company.csv?from=2026-06-01&to=2027-09-01")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:-2]:
        assert not [cell for cell in row[2:6] + row[8:] if cell in ("1", "2", "3", "4")], row


def _csv(client, table):
    response = client.get(f"/reports/{table}.csv?from=2026-06-01&to=2027-09-01")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    assert f"filename={tables.FILE_NAMES[table]}-2026-06-01-2027-09-01.csv" in response.headers[
        "Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def test_the_csv_files_carry_the_figures(client, login, hires, coordinator):
    login(coordinator)
    rows = _csv(client, "retention")
    assert rows[0] == ["Months after the job's start", "Date reached", "Still employed", "No longer employed",
                       "Unknown", "Still employed of the known (%)", "Unknown of the date reached (%)", "To come"]
    assert rows[1:4] == [["3", "5", "3", "1", "1", "75.0", "20.0", "1"], ["6", "5", "1", "1", "3", "50.0", "60.0", "1"],
                         ["12", "4", "1", "2", "1", "33.3", "25.0", "2"]]
    assert rows[-2] == [] and rows[-1][0].startswith("Randers · period")
    by_consultant = _csv(client, "retention_consultant")
    assert by_consultant[0][:2] == ["Job consultant", "Months after the job's start"]
    assert ["Bent", "12", "2", "0", "1", "1", "0.0", "50.0", "0"] in by_consultant
    by_outcome = _csv(client, "retention_outcome")
    assert [row[0] for row in by_outcome[1:-2]] == [
        "Ordinary job"] * 3 + ["Flex-job"] * 3 + ["Wage-subsidy job (early-retirement pensioners)"] * 3
    assert not [row for row in by_outcome if "Id" in row]


def test_the_api_gives_the_same_figures(client, hires, coordinator, partnership):
    _token, plain = auth_services.issue_api_token(coordinator, "test")
    db.session.commit()

    def get(status=200, **params):
        response = client.get("/api/v1/reports/retention", query_string={**PERIOD, **params},
                              headers={"Authorization": f"Bearer {plain}"})
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    body = get()
    assert body["by"] is None and body["period"] == {"from": "2026-06-01", "to": "2027-09-01"}
    [overall] = body["groups"]
    assert (overall["key"], overall["label"], overall["hires"]) == (None, None, 6)
    assert {m["month"]: (m["due"], m["employed"], m["not_employed"], m["unknown"], m["coming"])
            for m in overall["months"]} == OVERALL
    assert [(m["share"], m["unknown_share"]) for m in overall["months"]] == [(0.75, 0.2), (0.5, 0.6), (0.3333, 0.25)]
    for by, expected in (("outcome", BY_OUTCOME), ("company", BY_COMPANY), ("consultant", BY_CONSULTANT)):
        groups = get(by=by)["groups"]
        key = "key" if by == "outcome" else "label"
        assert {g[key]: {m["month"]: (m["due"], m["employed"], m["not_employed"], m["unknown"], m["coming"])
                         for m in g["months"]} for g in groups} == expected
    assert get(by="outcome")["groups"][1]["label"] == "Flex-job"
    assert get(400, by="mentor")["message"].startswith("The query parameter by")
    caseworker = factories.user(Role.CASEWORKER, partnership)
    _token, plain = auth_services.issue_api_token(caseworker, "test")
    db.session.commit()
    hidden = get()["groups"][0]["months"][0]
    assert hidden["employed"] is None and "employed" in hidden["suppressed"] and hidden["share"] is None
