"""Job checks after a hire: scheduled at 1, 3, 6 and 12 months after the job's start, recorded under the date
rules, and listed when due."""

from datetime import date

import pytest

from placement.agreements import services as agreements
from placement.agreements.models import Decision, NotHiredReason, Outcome
from placement.agreements.services import Actor
from placement.auth.models import Role
from placement.extensions import db
from placement.retention import services
from placement.retention.models import Employment
from placement.retention.services import CheckError
from tests import factories

TODAY = date(2027, 9, 1)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(agreements, "today", lambda: TODAY)


@pytest.fixture
def staff(partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    return consultant, Actor(consultant, consultant.name, False)


def _ended(partnership, staff, outcome=Outcome.ORDINARY_JOB, job_start=date(2027, 1, 31), **extra):
    consultant, actor = staff
    company = factories.company(partnership)
    mentor = factories.mentor(company, email="mentor@example.com")
    job = factories.job_function(company, mentor=mentor)
    agreement = agreements.new_agreement(
        participant=factories.participant(partnership), job_function=job, mentor=mentor, consultant=consultant,
        start_date=date(2026, 9, 1), actor=actor, planned_weeks=20, weekly_hours=15, purpose="p", tasks="t",
        works_with="w", meeting="m", support="s", follow_up_plan="f", goals=["Møde til tiden"])
    for step, by in (("send", actor), ("confirm", Actor(None, "mentor (link)", True)), ("start", actor)):
        agreements.transition(agreement, step, by)
    hire = {"hours": 20, "job_start": job_start} if outcome.is_hire else {"reason": NotHiredReason.HEALTH}
    agreements.record_outcome(agreement, actor, outcome=outcome, ended_on=date(2027, 1, 29), **hire, **extra)
    db.session.commit()
    return agreement


def test_a_hire_gets_four_checks_from_its_job_start_and_a_non_hire_none(partnership, staff):
    hire = _ended(partnership, staff)
    assert [(c.month, c.due_on, c.status) for c in services.checks_of(hire)] == [
        (1, date(2027, 2, 28), None), (3, date(2027, 4, 30), None), (6, date(2027, 7, 31), None),
        (12, date(2028, 1, 31), None)]
    assert services.checks_of(_ended(partnership, staff, Outcome.NOT_HIRED)) == []


def test_due_checks_are_those_unrecorded_up_to_two_weeks_ahead(partnership, staff):
    hire = _ended(partnership, staff)
    consultant, _actor = staff
    due = services.due((partnership.id,), TODAY, consultant_id=consultant.id)
    assert [c.month for c in due] == [1, 3, 6]
    assert services.due((partnership.id,), date(2027, 7, 17)) == due  # 6 months due on 31 July: from 17 July
    three = due[1]
    services.record(three, status=Employment.EMPLOYED, checked_on=date(2027, 5, 2), hours=25, user=consultant,
                    today=TODAY)
    db.session.commit()
    assert [c.month for c in services.due((partnership.id,), TODAY)] == [1, 6]
    assert services.due((partnership.id + 1,), TODAY) == []
    assert hire.events[-1].kind == "job_check" and three.recorded_label == consultant.name


def test_a_rejected_flex_job_is_not_followed(partnership, staff):
    hire = _ended(partnership, staff, Outcome.FLEX_JOB)
    assert services.due((partnership.id,), TODAY)
    agreements.record_decision(hire, staff[1], Decision.REJECTED, date(2027, 2, 1))
    db.session.commit()
    assert services.due((partnership.id,), TODAY) == []
    with pytest.raises(CheckError, match="did not end in a job"):
        services.record(services.checks_of(hire)[0], status=Employment.EMPLOYED, checked_on=date(2027, 3, 1),
                        hours=20, user=staff[0], today=TODAY)


def test_an_answer_keeps_the_date_rules_and_needs_its_details(partnership, staff):
    checks = services.checks_of(_ended(partnership, staff))
    one, twelve = checks[0], checks[3]

    def problems(check, **answer):
        return services.answer_problems(check, **{"status": Employment.EMPLOYED, "checked_on": date(2027, 3, 1),
                                                  "hours": 20, "reason": "", "today": TODAY, **answer})

    assert problems(one) == {}
    assert "recorded from January 17, 2028" in problems(twelve)[""]  # due 31 January 2028: not yet
    assert problems(one, checked_on=date(2027, 9, 2))["checked_on"] == "The date cannot be in the future."
    assert "before the job started" in problems(one, checked_on=date(2027, 1, 30))["checked_on"]
    assert set(problems(one, hours=None)) == {"hours"} and set(problems(one, hours=41)) == {"hours"}
    assert set(problems(one, status=Employment.NOT_EMPLOYED, hours=None)) == {"reason"}
    assert problems(one, status=Employment.UNKNOWN, hours=None) == {}
    with pytest.raises(CheckError):
        services.record(one, status=Employment.NOT_EMPLOYED, checked_on=date(2027, 3, 1), user=staff[0], today=TODAY)
    db.session.rollback()
    assert one.status is None
