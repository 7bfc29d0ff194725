"""Bringing a partnership's history in: progress measurements and internships with their outcomes, from CSV
(service, page and CLI), all or nothing, line by line."""

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement, AgreementEvent, Decision, NotHiredReason, Outcome, State
from placement.auth.models import Role
from placement.extensions import db
from placement.network import csvio as network_csvio
from placement.participants import csvio as participants_csvio
from placement.participants.models import Consent
from placement.progress import csvio
from placement.progress.models import Measurement
from placement.reports import services as reports
from placement.retention import services as retention
from placement.retention.models import Employment, JobCheck
from tests import factories

BORN = "2001-05-17"
REFERENCE = date(2025, 12, 31)
#: The service's today in these tests: history may reach it, never pass it.
TODAY = date(2026, 1, 15)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(agreement_services, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English; outside a request the locale would otherwise be looked up in the session."""
    with force_locale("en"):
        yield


def make_csv(rows, *, columns=None, delimiter=";") -> str:
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def where(report) -> set[tuple[int, str]]:
    return {(e.line, e.column) for e in report.errors}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def measurement(**fields) -> dict:
    data = {"participant_name": "Ida Testesen", "participant_birth_date": BORN, "measured_on": "2024-02-01",
            "motivation": "4", "work_identity": "4", "clarification": "4", "knowledge": "4", "comment": ""}
    data.update(fields)
    return data


def internship(**fields) -> dict:
    data = {"participant_name": "Ida Testesen", "participant_birth_date": BORN, "company_cvr": "",
            "job_function_title": "Lagermedarbejder", "mentor_email": "anne@lager.dk", "start_date": "2024-03-04",
            "planned_weeks": "26", "weekly_hours": "15", "state": "ended", "ended_on": "2024-08-30",
            "outcome": "ordinary_job", "outcome_hours": "25", "outcome_start": "2024-09-02"}
    data.update(fields)
    return data


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


@pytest.fixture
def coordinator(partnership):
    return factories.user(Role.COORDINATOR, partnership)


@pytest.fixture
def ida(partnership, consultant):
    return factories.participant(partnership, name="Ida Testesen", date_of_birth=date(2001, 5, 17),
                                 course_start=date(2024, 1, 8), consent=Consent.GIVEN,
                                 consent_date=date(2024, 1, 8), consultant_id=consultant.id)


@pytest.fixture
def workplace(partnership):
    company = factories.company(partnership, name="Lager ApS")
    anne = factories.mentor(company, name="Anne Jensen", email="anne@lager.dk")
    bo = factories.mentor(company, name="Bo Hansen", email="bo@lager.dk")
    job = factories.job_function(company, title="Lagermedarbejder", mentor=anne)
    return company, job, anne, bo


# Measurements ------------------------------------------------------------------------------------------------

def test_measurements_import_and_the_success_criteria_follow(partnership, ida):
    scope = reports.Scope((partnership.id,), date(2024, 1, 1), REFERENCE)
    before = reports.success_criteria(scope)
    assert (before.at_least_a_year, before.closer, before.without_two_measurements) == (1, 0, 1)
    text = make_csv([measurement(comment="Ved start"),
                     measurement(participant_name="ida  TESTESEN", measured_on="01-08-2024", motivation="5",
                                 clarification="6", knowledge="5")])
    report = csvio.import_csv(csvio.MEASUREMENTS, text.encode(), partnership)
    assert report.ok, report.errors
    assert (report.rows, report.imported) == (2, 2)
    db.session.commit()
    rows = db.session.scalars(select(Measurement).order_by(Measurement.measured_on)).all()
    assert [(m.measured_on, m.motivation, m.clarification, m.comment) for m in rows] == [
        (date(2024, 2, 1), 4, 4, "Ved start"), (date(2024, 8, 1), 5, 6, "")]
    assert all(m.participant_id == ida.id and m.recorded_by_id is None for m in rows)
    after = reports.success_criteria(scope)
    assert (after.at_least_a_year, after.closer, after.without_two_measurements) == (1, 1, 0)


def test_one_bad_line_imports_nothing_and_names_line_and_column(partnership, ida):
    text = make_csv([measurement(), measurement(measured_on="2024-08-01", motivation="11"),
                     measurement(measured_on="2099-01-01"), measurement(measured_on="2024-09-01", knowledge="")])
    report = csvio.import_csv(csvio.MEASUREMENTS, text, partnership)
    assert not report.ok and report.imported == 0
    assert where(report) == {(3, "motivation"), (4, "measured_on"), (5, "knowledge")}
    assert "Choose a whole number from 1 to 10." in {e.message for e in report.errors}
    assert count(Measurement) == 0


def test_a_date_before_15_or_long_before_the_course_is_reported_with_line_and_column(partnership, ida):
    # Ida turned 15 on 2016-05-17; her course started 2024-01-08, so nothing before 2023-10-08.
    text = make_csv([measurement(measured_on="2023-10-08"), measurement(measured_on="2016-05-16"),
                     measurement(measured_on="2023-10-07"), measurement(measured_on="2099-01-01")])
    report = csvio.import_csv(csvio.MEASUREMENTS, text, partnership)
    assert not report.ok and report.imported == 0
    assert where(report) == {(3, "measured_on"), (4, "measured_on"), (5, "measured_on")}
    messages = {e.line: e.message for e in report.errors}
    assert messages[3] == "The date cannot be before May 17, 2016: the young person turned 15 that day."
    assert messages[4].startswith("The date cannot be before October 8, 2023, three months before the course started "
                                  "on January 8, 2024")
    assert messages[5] == "The date cannot be in the future."
    assert count(Measurement) == 0


def test_unknown_and_ambiguous_young_people_are_reported(partnership, ida):
    factories.participant(partnership, name="Søren Ærø", date_of_birth=date(2000, 1, 1))
    factories.participant(partnership, name="Soeren Aeroe", date_of_birth=date(2000, 1, 1))
    text = make_csv([measurement(), measurement(participant_name="Ida Testesen", participant_birth_date="2001-05-18"),
                     measurement(participant_name="Søren Ærø", participant_birth_date="2000-01-01"),
                     measurement(participant_name="", participant_birth_date="someday")])
    report = csvio.import_csv(csvio.MEASUREMENTS, text, partnership)
    assert where(report) == {(3, "participant_name"), (4, "participant_name"), (5, "participant_name"),
                             (5, "participant_birth_date")}
    messages = {e.line: e.message for e in report.errors if e.column == "participant_name"}
    assert "No young person named Ida Testesen and born May 18, 2001" in messages[3]
    assert messages[4].startswith("2 young people are named Søren Ærø and born January 1, 2000")
    assert count(Measurement) == 0


def test_a_young_person_of_another_partnership_is_not_found(partnership, other_partnership):
    factories.participant(other_partnership, name="Ida Testesen", date_of_birth=date(2001, 5, 17), postcode="8543")
    report = csvio.import_csv(csvio.MEASUREMENTS, make_csv([measurement()]), partnership)
    assert where(report) == {(2, "participant_name")}


def test_a_measurement_already_registered_or_repeated_is_refused(partnership, ida):
    assert csvio.import_csv(csvio.MEASUREMENTS, make_csv([measurement()]), partnership).ok
    db.session.commit()
    report = csvio.import_csv(csvio.MEASUREMENTS, make_csv([measurement(), measurement(measured_on="2024-03-01"),
                                                            measurement(measured_on="2024-03-01")]), partnership)
    assert where(report) == {(2, "measured_on"), (4, "measured_on")}
    assert count(Measurement) == 1


def test_bad_header_is_reported(partnership, ida):
    report = csvio.import_csv(csvio.MEASUREMENTS, "participant_name;measured_on;colour\r\nIda;2024-01-01;red\r\n",
                              partnership)
    assert not report.ok and {e.line for e in report.errors} == {1}
    assert any("colour" in e.column for e in report.errors)
    assert any("participant_birth_date" in e.column for e in report.errors)


# Internships -------------------------------------------------------------------------------------------------

def test_internships_import_in_their_state_and_the_hire_rates_follow(partnership, ida, workplace):
    company, job, anne, bo = workplace
    scope = reports.Scope((partnership.id,), date(2024, 1, 1), REFERENCE)
    assert reports.hire_rates(scope)[0].ended == 0
    text = make_csv([
        internship(company_cvr=company.cvr, mentor_email="ANNE@lager.dk"),
        internship(company_cvr=company.cvr, mentor_email="", mentor_name="bo hansen", start_date="2024-09-02",
                   ended_on="2025-01-31", outcome="flex_job", outcome_hours="20", outcome_start="2025-02-03"),
        internship(company_cvr=company.cvr, mentor_email="", start_date="2025-02-03", ended_on="2025-06-27",
                   outcome="Not_Hired", outcome_hours="", outcome_start="", not_hired_reason="health"),
        internship(company_cvr=company.cvr, start_date="2025-08-04", state="active", ended_on="", outcome="",
                   outcome_hours="", outcome_start="", planned_weeks="", weekly_hours=""),
    ])
    report = csvio.import_csv(csvio.INTERNSHIPS, text.encode(), partnership)
    assert report.ok, report.errors
    assert report.imported == 4
    db.session.commit()
    agreements = db.session.scalars(select(Agreement).order_by(Agreement.start_date)).all()
    hired, flex, not_hired, active = agreements
    assert (hired.state, hired.outcome, hired.outcome_hours, hired.decision, hired.mentor_id) == (
        State.ENDED, Outcome.ORDINARY_JOB, 25, None, anne.id)
    assert (flex.outcome, flex.decision, flex.mentor_id) == (Outcome.FLEX_JOB, Decision.PENDING, bo.id)
    assert (not_hired.outcome, not_hired.not_hired_reason, not_hired.outcome_hours, not_hired.mentor_id) == (
        Outcome.NOT_HIRED, NotHiredReason.HEALTH, None, anne.id)  # no mentor given: the job function's
    assert (active.state, active.ended_on, active.outcome, active.planned_weeks, active.weekly_hours) == (
        State.ACTIVE, None, None, 26, 15)
    assert all(a.partnership_id == partnership.id and a.participant_id == ida.id and a.job_function_id == job.id
               and a.consultant_id == ida.consultant_id for a in agreements)
    events = db.session.scalars(select(AgreementEvent)).all()
    assert len(events) == 4
    assert {(e.kind, e.comment, e.from_state) for e in events} == {("import", "imported", None)}
    assert [e.to_state for e in sorted(events, key=lambda e: e.agreement.start_date)] == [
        State.ENDED, State.ENDED, State.ENDED, State.ACTIVE]
    [overall] = reports.hire_rates(scope)
    assert (overall.ended, overall.hired) == (3, 2)
    outcomes = {row.outcome: row for row in reports.outcomes(scope).rows}
    assert outcomes[Outcome.FLEX_JOB].pending == 1 and outcomes[Outcome.ORDINARY_JOB].count == 1


def test_decisions_import_with_their_date(partnership, ida, workplace):
    company = workplace[0]
    text = make_csv([internship(company_cvr=company.cvr, outcome="protected", decision="approved",
                                decision_date="2024-08-20"),
                     internship(company_cvr=company.cvr, start_date="2024-09-02", ended_on="2024-12-20",
                                outcome="wage_subsidy", decision="pending")])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert report.ok, report.errors
    decisions = db.session.execute(select(Agreement.outcome, Agreement.decision, Agreement.decision_date)
                                   .order_by(Agreement.start_date)).all()
    assert decisions == [(Outcome.PROTECTED, Decision.APPROVED, date(2024, 8, 20)),
                         (Outcome.WAGE_SUBSIDY, Decision.PENDING, None)]


@pytest.mark.parametrize(("fields", "columns"), [
    ({"outcome_hours": ""}, {"outcome_hours"}),
    ({"outcome_hours": "", "outcome_start": ""}, {"outcome_hours", "outcome_start"}),
    ({"outcome": "not_hired"}, {"not_hired_reason", "outcome_hours", "outcome_start"}),
    ({"outcome": "", "outcome_hours": "", "outcome_start": ""}, {"outcome"}),
    ({"ended_on": ""}, {"ended_on"}),
    ({"ended_on": "2024-01-31"}, {"ended_on"}),
    ({"not_hired_reason": "health"}, {"not_hired_reason"}),
    ({"decision": "approved", "decision_date": "2024-09-01"}, {"decision", "decision_date"}),
    ({"outcome": "flex_job", "decision": "rejected"}, {"decision_date"}),
    ({"outcome": "flex_job", "decision_date": "2024-09-01"}, {"decision"}),
    ({"state": "active"}, {"ended_on", "outcome", "outcome_hours", "outcome_start"}),
    ({"state": "draft"}, {"state"}),
    ({"outcome": "promoted"}, {"outcome"}),
    ({"weekly_hours": "41"}, {"weekly_hours"}),
    ({"start_date": "2099-01-01", "ended_on": "2099-02-01"}, {"start_date", "ended_on", "outcome_start"}),
    ({"outcome_start": "2024-03-01"}, {"outcome_start"}),
    ({"outcome_start": "2026-01-16"}, {"outcome_start"}),
    ({"start_date": "2023-12-04"}, {"start_date"}),
    ({"ended_on": "1999-12-31"}, {"ended_on"}),
    ({"outcome": "not_hired", "not_hired_reason": "moved", "outcome_hours": "", "outcome_start": "",
      "place_after_hire": "reopened"}, {"place_after_hire"}),
])
def test_outcome_and_decision_combinations_are_checked(partnership, ida, workplace, fields, columns):
    company = workplace[0]
    text = make_csv([internship(company_cvr=company.cvr, start_date="2024-01-08", ended_on="2024-02-23",
                                outcome_start="2024-02-26"),
                     internship(company_cvr=company.cvr, **fields)],
                    columns=[*csvio.COLUMNS[csvio.INTERNSHIPS]])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert where(report) == {(3, column) for column in columns}
    assert count(Agreement) == 0 and count(AgreementEvent) == 0


def test_the_issues_impossible_histories_are_refused_and_the_dashboard_keeps_its_figures(partnership, ida,
                                                                                           workplace):
    """Issue #10: a job before its internship (a median time to hire of -424 days), a job years ahead, an
    internship before the course (a funnel reading "1 of 0"): each refused on its line and field, nothing imported."""
    company = workplace[0]
    assert csvio.import_csv(csvio.INTERNSHIPS, make_csv([internship(company_cvr=company.cvr)]), partnership).ok
    db.session.commit()
    year, before_course = (reports.Scope((partnership.id,), date(2024, 1, 1), REFERENCE),
                           reports.Scope((partnership.id,), date(2023, 1, 1), date(2023, 12, 31)))
    figures = (reports.median_days_to_hire(year), reports.funnel(year), reports.hire_rates(year))
    assert figures[0] == 182 and figures[1]["hired"] == 1
    flex = {"outcome": "flex_job", "decision": "approved"}
    text = make_csv([
        internship(company_cvr=company.cvr, start_date="2025-01-06", ended_on="2025-03-28", outcome="not_hired",
                   not_hired_reason="health", outcome_hours="", outcome_start=""),
        internship(company_cvr=company.cvr, start_date="2025-04-07", ended_on="2025-06-27",
                   outcome_start="2024-02-08"),
        internship(company_cvr=company.cvr, start_date="2025-05-05", ended_on="2025-09-26",
                   outcome_start="2029-01-01"),
        internship(company_cvr=company.cvr, start_date="2023-06-05", ended_on="2023-12-01",
                   outcome_start="2023-12-04"),
        internship(company_cvr=company.cvr, start_date="2025-10-06", ended_on="2025-09-01",
                   outcome_start="2025-10-06"),
        internship(company_cvr=company.cvr, start_date="2025-06-02", ended_on="2025-11-28",
                   outcome_start="2025-12-01", decision_date="2026-02-01", **flex),
        internship(company_cvr=company.cvr, start_date="2025-07-07", ended_on="2025-12-19",
                   outcome_start="2026-01-05", decision_date="2025-07-01", **flex),
    ])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert not report.ok and report.imported == 0
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert messages == {
        (3, "outcome_start"): "The job cannot start on February 8, 2024, before the internship started "
                              "(April 7, 2025).",
        (4, "outcome_start"): "The date cannot be in the future.",
        (5, "start_date"): "The internship cannot start on June 5, 2023, before the young person's course started "
                           "(January 8, 2024).",
        (6, "ended_on"): "The internship cannot end before it started.",
        (7, "decision_date"): "The date cannot be in the future.",
        (8, "decision_date"): "The decision date July 1, 2025 cannot be before the internship started (July 7, 2025).",
    }
    db.session.rollback()
    assert count(Agreement) == 1
    assert (reports.median_days_to_hire(year), reports.funnel(year), reports.hire_rates(year)) == figures
    assert reports.left_out(before_course).counted == 0
    assert set(reports.funnel(before_course).values()) == {0}


def test_unknown_workplace_mentor_and_young_person_are_reported(partnership, ida, workplace):
    company, _job, _anne, _bo = workplace
    factories.mentor(company, name="Bo Hansen", email="bo2@lager.dk")
    text = make_csv([
        internship(company_cvr="11111111"),
        internship(company_cvr=company.cvr, job_function_title="Kok"),
        internship(company_cvr=company.cvr, mentor_email="nobody@lager.dk"),
        internship(company_cvr=company.cvr, mentor_email="", mentor_name="Bo Hansen"),
        internship(company_cvr=company.cvr, mentor_name="Bo Hansen"),
        internship(company_cvr=company.cvr, participant_name="Ukendt Person"),
    ])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert where(report) == {(2, "company_cvr"), (3, "job_function_title"), (4, "mentor_email"),
                             (5, "mentor_name"), (6, "mentor_name"), (7, "participant_name")}
    assert count(Agreement) == 0


def test_an_internship_already_registered_is_refused(partnership, ida, workplace):
    text = make_csv([internship(company_cvr=workplace[0].cvr)])
    assert csvio.import_csv(csvio.INTERNSHIPS, text, partnership).ok
    db.session.commit()
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert where(report) == {(2, "start_date")}
    assert count(Agreement) == 1


# Job checks after a hire --------------------------------------------------------------------------------------

def _checks() -> list[tuple]:
    return [(c.month, c.due_on, c.status, c.checked_on, c.hours, c.reason, c.recorded_label, c.recorded_by_id)
            for c in db.session.scalars(select(JobCheck).order_by(JobCheck.month))]


def test_an_imported_hire_gets_its_four_checks_with_the_answers_the_file_gives(partnership, ida, workplace,
                                                                              consultant):
    company = workplace[0]
    text = make_csv([
        internship(company_cvr=company.cvr, employed_after_1_month="ja", employed_after_3_months="yes",
                   hours_after_3_months="30", employed_after_6_months="Nej",
                   reason_after_6_months="Virksomheden lukkede afdelingen", employed_after_12_months="ukendt"),
        internship(company_cvr=company.cvr, start_date="2025-01-06", ended_on="2025-03-28", outcome="not_hired",
                   not_hired_reason="health", outcome_hours="", outcome_start=""),
    ], columns=[*csvio.COLUMNS[csvio.INTERNSHIPS]])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership, user=consultant)
    assert report.ok, report.errors
    db.session.commit()
    hire = db.session.scalars(select(Agreement).where(Agreement.outcome == Outcome.ORDINARY_JOB)).one()
    label = retention.BY_IMPORT
    # The job started 2024-09-02: every check is due; hours left empty are the job's (25); recorded on the due day.
    assert _checks() == [
        (1, date(2024, 10, 2), Employment.EMPLOYED, date(2024, 10, 2), 25, "", label, None),
        (3, date(2024, 12, 2), Employment.EMPLOYED, date(2024, 12, 2), 30, "", label, None),
        (6, date(2025, 3, 2), Employment.NOT_EMPLOYED, date(2025, 3, 2), None, "Virksomheden lukkede afdelingen",
         label, None),
        (12, date(2025, 9, 2), Employment.UNKNOWN, date(2025, 9, 2), None, "", label, None)]
    assert {c.agreement_id for c in db.session.scalars(select(JobCheck))} == {hire.id}
    assert all(c.recorded_at is not None for c in db.session.scalars(select(JobCheck)))
    kinds = [e.kind for e in db.session.scalars(select(AgreementEvent).where(AgreementEvent.agreement_id == hire.id)
                                                .order_by(AgreementEvent.id))]
    assert kinds == ["import", "job_check", "job_check", "job_check", "job_check"]
    assert retention.due((partnership.id,), TODAY) == []


def test_an_imported_hire_without_answers_has_its_checks_due(partnership, ida, workplace):
    company = workplace[0]
    text = make_csv([internship(company_cvr=company.cvr, start_date="2025-03-03", ended_on="2025-08-29",
                                outcome_start="2025-09-01", employed_after_1_month="ja")])
    assert csvio.import_csv(csvio.INTERNSHIPS, text, partnership).ok
    db.session.commit()
    assert [(c.month, c.due_on, c.status) for c in db.session.scalars(select(JobCheck).order_by(JobCheck.month))] \
        == [(1, date(2025, 10, 1), Employment.EMPLOYED), (3, date(2025, 12, 1), None), (6, date(2026, 3, 1), None),
            (12, date(2026, 9, 1), None)]
    assert [c.month for c in retention.due((partnership.id,), TODAY)] == [3]


@pytest.mark.parametrize(("fields", "column", "message"), [
    ({"employed_after_3_months": "måske"}, "employed_after_3_months", "Use yes, no or unknown."),
    ({"hours_after_3_months": "20"}, "employed_after_3_months",
     "Say whether the young person was still in the job: yes, no or unknown."),
    ({"reason_after_6_months": "Flyttede"}, "employed_after_6_months",
     "Say whether the young person was still in the job: yes, no or unknown."),
    ({"employed_after_3_months": "ja", "hours_after_3_months": "mange"}, "hours_after_3_months",
     "Give the weekly hours as a whole number from 1 to 40."),
    ({"employed_after_3_months": "ja", "hours_after_3_months": "41"}, "hours_after_3_months",
     "The weekly hours must be between 1 and 40."),
    ({"employed_after_3_months": "nej"}, "reason_after_3_months", "Say why the job ended."),
    ({"employed_after_3_months": "ukendt", "hours_after_3_months": "20"}, "hours_after_3_months",
     "Only a young person still employed has weekly hours in the job."),
    ({"employed_after_3_months": "ja", "reason_after_3_months": "Flyttede"}, "reason_after_3_months",
     "Only a job that ended has a reason why."),
    ({"employed_after_12_months": "ja"}, "employed_after_12_months",
     "The 12-month check is due on September 1, 2026 and cannot be recorded before then."),
    ({"employed_after_6_months": "ja"}, "employed_after_6_months",
     "The 6-month check is due on March 1, 2026 and cannot be recorded before then."),
    ({"state": "active", "ended_on": "", "outcome": "", "outcome_hours": "", "outcome_start": "",
      "employed_after_1_month": "ja"}, "employed_after_1_month",
     "Only an ended internship that led to a job with a start date has job checks."),
    ({"outcome": "not_hired", "not_hired_reason": "moved", "outcome_hours": "", "outcome_start": "",
      "employed_after_1_month": "nej", "reason_after_1_month": "Flyttede"}, "employed_after_1_month",
     "Only an ended internship that led to a job with a start date has job checks."),
    ({"outcome": "flex_job", "decision": "rejected", "decision_date": "2025-09-15",
      "employed_after_1_month": "ja"}, "employed_after_1_month",
     "The job centre rejected the job, so it is not followed up."),
])
def test_bad_job_check_answers_are_refused_on_their_line_and_column(partnership, ida, workplace, fields, column,
                                                                     message):
    """The job started 2025-09-01; today is 2026-01-15: the 1- and 3-month checks are due, 6 and 12 are not."""
    company = workplace[0]
    text = make_csv([internship(company_cvr=company.cvr, start_date="2024-03-04", ended_on="2024-08-30",
                                outcome_start="2024-09-02", employed_after_12_months="ja"),
                     internship(**{"company_cvr": company.cvr, "start_date": "2025-03-03", "ended_on": "2025-08-29",
                                   "outcome_start": "2025-09-01", **fields})],
                    columns=[*csvio.COLUMNS[csvio.INTERNSHIPS]])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert [(e.line, e.column, e.message) for e in report.errors] == [(3, column, message)]
    assert report.imported == 0
    db.session.rollback()
    assert count(Agreement) == 0 and count(JobCheck) == 0


def test_job_checks_in_danish_columns_and_words(partnership, ida, workplace):
    company = workplace[0]
    header = ["Den unges navn", "Den unges fødselsdato", "Virksomhedens CVR-nummer", "Arbejdsfunktion", "Startdato",
              "Status", "Sidste praktikdag", "Resultat", "Timer om ugen i jobbet", "Jobbet starter",
              "I job efter 1 måned", "I job efter 3 måneder", "Timer om ugen efter 3 måneder",
              "I job efter 6 måneder", "Hvorfor stoppet efter 6 måneder"]
    text = make_csv([dict(zip(header, ["Ida Testesen", BORN, company.cvr, "Lagermedarbejder", "2024-03-04",
                                       "afsluttet", "2024-08-30", "ordinært job", "25", "2024-09-02", "ja", "ja",
                                       "18", "nej", "Ville hellere i uddannelse"], strict=True))])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert report.ok, report.errors
    assert [(c.month, c.status, c.hours, c.reason) for c in db.session.scalars(
        select(JobCheck).order_by(JobCheck.month))] == [
        (1, Employment.EMPLOYED, 25, ""), (3, Employment.EMPLOYED, 18, ""),
        (6, Employment.NOT_EMPLOYED, None, "Ville hellere i uddannelse"), (12, None, None, "")]
    db.session.rollback()
    bad = make_csv([dict(zip(header, ["Ida Testesen", BORN, company.cvr, "Lagermedarbejder", "2025-03-03",
                                      "afsluttet", "2025-08-29", "ordinært job", "25", "2025-09-01", "ja", "ja",
                                      "", "ja", ""], strict=True))])
    with force_locale("da"):
        report = csvio.import_csv(csvio.INTERNSHIPS, bad, partnership)
    [error] = report.errors
    assert (error.line, error.column) == (2, "I job efter 6 måneder")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_example_files_import_after_the_network_and_young_people_examples(partnership, language):
    for kind in network_csvio.KINDS:
        assert network_csvio.import_csv(kind, network_csvio.example_csv(kind, language), partnership).ok
    assert participants_csvio.import_csv(participants_csvio.example_csv(language), partnership).ok
    for kind in csvio.KINDS:
        report = csvio.import_csv(kind, csvio.example_csv(kind, language), partnership)
        assert report.ok, report.errors
    assert (count(Measurement), count(Agreement)) == (2, 2)
    assert [(c.month, c.status, c.hours) for c in db.session.scalars(select(JobCheck).order_by(JobCheck.month))] \
        == [(1, Employment.EMPLOYED, 20), (3, Employment.EMPLOYED, 25), (6, Employment.UNKNOWN, None), (12, None, None)]
    internships = csvio.example_csv(csvio.INTERNSHIPS, language)
    assert (";afsluttet;" in internships and ";fleksjob;" in internships) == (language == "da")


def test_danish_column_names_and_words_import_and_errors_name_the_file_s_column(partnership, ida, workplace):
    company = workplace[0]
    header = ["Den unges navn", "Den unges fødselsdato", "Virksomhedens CVR-nummer", "Arbejdsfunktion", "Startdato",
              "Status", "Sidste praktikdag", "Resultat", "Timer om ugen i jobbet", "Jobbet starter",
              "Jobcentrets afgørelse", "Dato for afgørelsen", "Hvorfor ikke ansat"]
    text = make_csv([dict(zip(header, ["Ida Testesen", BORN, company.cvr, "Lagermedarbejder", "2024-03-04",
                                       "Afsluttet", "2024-08-30", "fleksjob", "20", "2024-09-02", "bevilget",
                                       "2024-08-20", ""], strict=True)),
                     dict(zip(header, ["Ida Testesen", BORN, company.cvr, "Lagermedarbejder", "2024-09-09",
                                       "afsluttet", "2024-12-20", "ikke ansat", "", "", "", "", "anden praktik"],
                              strict=True))])
    report = csvio.import_csv(csvio.INTERNSHIPS, text, partnership)
    assert report.ok, report.errors
    db.session.commit()
    flex, other = db.session.scalars(select(Agreement).order_by(Agreement.start_date)).all()
    assert (flex.outcome, flex.decision, other.outcome, other.not_hired_reason) == (
        Outcome.FLEX_JOB, Decision.APPROVED, Outcome.NOT_HIRED, NotHiredReason.ANOTHER_INTERNSHIP)

    bad = make_csv([{"Den unges navn": "Ida Testesen", "Den unges fødselsdato": BORN,
                     "Virksomhedens CVR-nummer": company.cvr, "Arbejdsfunktion": "Lagermedarbejder",
                     "Startdato": "2025-03-03", "Status": "færdig"}])
    with force_locale("da"):
        report = csvio.import_csv(csvio.INTERNSHIPS, bad, partnership)
    assert [(e.line, e.column) for e in report.errors] == [(2, "Status")]  # once: the form does not refuse it again
    assert "aktiv" in report.errors[0].message and "afsluttet" in report.errors[0].message


# The page ----------------------------------------------------------------------------------------------------

def upload(client, kind: str, text: str):
    return client.post("/history/import", data={"kind": kind, "file": (io.BytesIO(text.encode()), "history.csv")},
                       content_type="multipart/form-data")


def test_page_documents_the_columns_and_offers_examples(client, login, coordinator):
    login(coordinator)
    page = client.get("/history/import").get_data(as_text=True)
    for kind in csvio.KINDS:
        for column in csvio.COLUMNS[kind]:
            assert f"<code>{column}</code>" in page
        assert f"/history/import/example/{kind}.csv" in page
    assert "/participants/import" in page
    response = client.get("/history/import/example/measurements.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith(";".join(csvio.COLUMNS["measurements"]))
    assert client.get("/history/import/example/people.csv").status_code == 404

    client.post("/language", data={"lang": "da"})  # in Danish: Danish column names and words
    page = client.get("/history/import").get_data(as_text=True)
    for name in ("Den unges navn", "Dato for målingen", "Arbejdsfunktion", "Resultat"):
        assert f"<code>{name}</code>" in page
    assert "<code>participant_name</code>" not in page and "not_hired" not in page and "fleksjob" in page
    example = client.get("/history/import/example/internships.csv").get_data(as_text=True)
    assert example.lstrip("\ufeff").startswith("Den unges navn;Den unges fødselsdato;") and ";afsluttet;" in example


def test_coordinator_uploads_measurements(client, login, coordinator, ida):
    login(coordinator)
    page = upload(client, "measurements", make_csv([measurement(), measurement(measured_on="2024-08-01")]))
    assert "2 lines were imported." in page.get_data(as_text=True)
    db.session.rollback()
    assert count(Measurement) == 2
    assert set(db.session.scalars(select(Measurement.recorded_by_id))) == {coordinator.id}


def test_upload_with_an_error_shows_line_and_column_and_commits_nothing(client, login, coordinator, ida):
    login(coordinator)
    page = upload(client, "measurements", make_csv([measurement(), measurement(motivation="12")]))
    text = page.get_data(as_text=True)
    assert "Nothing was imported." in text and "<td>3</td><td>motivation</td>" in text
    db.session.rollback()
    assert count(Measurement) == 0


def test_consultant_imports_internships_of_their_own_young_people_only(client, login, partnership, consultant, ida,
                                                                      workplace):
    factories.participant(partnership, name="Anden Ung", date_of_birth=date(2001, 5, 17))
    login(consultant)
    page = client.get("/history/import").get_data(as_text=True)
    assert 'value="measurements"' not in page and "<code>measured_on</code>" not in page
    refused = upload(client, "measurements", make_csv([measurement()])).get_data(as_text=True)
    assert "Not a valid choice." in refused
    text = make_csv([internship(company_cvr=workplace[0].cvr),
                     internship(company_cvr=workplace[0].cvr, participant_name="Anden Ung")])
    result = upload(client, "internships", text).get_data(as_text=True)
    assert "<td>3</td><td>participant_name</td>" in result and "among the young people you work on" in result
    db.session.rollback()
    assert count(Agreement) == 0 and count(Measurement) == 0
    result = upload(client, "internships", make_csv([internship(company_cvr=workplace[0].cvr)]))
    assert "1 line was imported." in result.get_data(as_text=True)
    db.session.rollback()
    [event] = db.session.scalars(select(AgreementEvent)).all()
    assert (event.actor_id, event.kind) == (consultant.id, "import")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MENTOR])
def test_caseworkers_and_mentors_may_not_import(client, login, partnership, role):
    login(factories.user(role, partnership))
    assert client.get("/history/import").status_code == 403
    assert client.get("/history/import/example/internships.csv").status_code == 403
    assert upload(client, "internships", "x").status_code == 403


# CLI ---------------------------------------------------------------------------------------------------------

def test_cli_imports_with_a_progress_bar(runner, partnership, ida, tmp_path):
    path = tmp_path / "maalinger.csv"
    path.write_text(make_csv([measurement(), measurement(measured_on="2024-08-01")]), encoding="utf-8")
    result = runner.invoke(args=["history", "import", "measurements", str(path), "--partnership", "Randers"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 measurements into Randers." in result.output
    assert count(Measurement) == 2


def test_cli_exits_1_on_errors_and_imports_nothing(runner, partnership, ida, workplace, tmp_path):
    path = tmp_path / "praktikker.csv"
    path.write_text(make_csv([internship(company_cvr=workplace[0].cvr),
                              internship(company_cvr=workplace[0].cvr, start_date="2024-09-02", outcome_hours="")]),
                    encoding="utf-8")
    result = runner.invoke(args=["history", "import", "internships", str(path), "--partnership", "Randers"])
    assert result.exit_code == 1
    assert "line 3, column outcome_hours" in result.output and "Nothing was imported." in result.output
    db.session.rollback()
    assert count(Agreement) == 0


def test_cli_refuses_an_unknown_partnership_or_kind(runner, partnership, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("participant_name\r\n", encoding="utf-8")
    assert runner.invoke(args=["history", "import", "measurements", str(path), "--partnership", "Nowhere"]) \
        .exit_code == 2
    assert runner.invoke(args=["history", "import", "people", str(path), "--partnership", "Randers"]).exit_code == 2
