"""The agreement's workflow as the services enforce it: states, roles, versions, places, outcome, decision."""

import threading
from datetime import date, timedelta

import pytest

from placement.agreements import services
from placement.agreements.models import Agreement, Decision, NotHiredReason, Outcome, PlaceAfterHire, State
from placement.agreements.services import Actor, AgreementError, StaleAgreement
from placement.auth.models import Role
from placement.extensions import db
from tests import factories
from tests.conftest import PG_URL

PLAN = {"purpose": "Prøve arbejdet i stalden", "tasks": "Fodring og rengøring", "works_with": "Karen og Bo",
        "meeting": "Mandag–torsdag kl. 8–12 ved stalden", "support": "Fast mentor, korte beskeder",
        "follow_up_plan": "Møde hver 4. uge med mentor og konsulent", "goals": ["Møde til tiden", "Fodre kalvene selv"]}


#: The day these tests run on: the plans' dates (2026–27) lie before it, as the date rules need.
TODAY = date(2027, 6, 1)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(services, "today", lambda: TODAY)


@pytest.fixture
def setting(partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership, employees=10)
    mentor = factories.mentor(company, email="mentor@example.com", max_interns=1)
    job = factories.job_function(company, title="Staldmedhjælper", places=1, mentor=mentor)
    return {"consultant": consultant, "company": company, "mentor": mentor, "job": job,
            "staff": Actor(consultant, consultant.name, False), "mentor_actor": Actor(None, "mentor (link)", True)}


def _agreement(setting, partnership, **plan):
    agreement = services.new_agreement(
        participant=factories.participant(partnership), job_function=setting["job"], mentor=setting["mentor"],
        consultant=setting["consultant"], start_date=date(2026, 9, 1), actor=setting["staff"],
        planned_weeks=26, weekly_hours=15, **{**PLAN, **plan})
    db.session.commit()
    return agreement


def test_the_happy_path_is_recorded_on_the_timeline(setting, partnership):
    agreement = _agreement(setting, partnership)
    services.transition(agreement, "send", setting["staff"])
    services.transition(agreement, "confirm", setting["mentor_actor"], comment="Glæder os")
    services.transition(agreement, "start", setting["staff"])
    services.record_outcome(agreement, setting["staff"], outcome=Outcome.FLEX_JOB, ended_on=date(2027, 2, 1),
                            hours=20, job_start=date(2027, 2, 15))
    assert agreement.state is State.ENDED and agreement.decision is Decision.PENDING
    services.record_decision(agreement, setting["staff"], Decision.APPROVED, date(2027, 3, 1))
    services.record_place_after_hire(agreement, setting["staff"], PlaceAfterHire.REOPENED)
    db.session.commit()
    steps = [(e.from_state, e.to_state, e.kind) for e in agreement.events]
    assert steps == [(None, State.DRAFT, "transition"), (State.DRAFT, State.SENT, "transition"),
                     (State.SENT, State.CONFIRMED, "transition"), (State.CONFIRMED, State.ACTIVE, "transition"),
                     (State.ACTIVE, State.ENDED, "transition"), (None, State.ENDED, "decision"),
                     (None, State.ENDED, "place")]
    assert agreement.events[2].actor_label == "mentor (link)" and agreement.events[2].comment == "Glæder os"
    assert agreement.job_function.places == 1


def test_an_invalid_step_changes_nothing(setting, partnership):
    agreement = _agreement(setting, partnership)
    with pytest.raises(AgreementError):
        services.transition(agreement, "start", setting["staff"])
    with pytest.raises(AgreementError):
        services.transition(agreement, "send", setting["mentor_actor"])
    assert agreement.state is State.DRAFT and len(agreement.events) == 1


def test_a_plan_must_be_complete_before_it_goes_to_the_mentor(setting, partnership):
    agreement = _agreement(setting, partnership, purpose="", goals=[])
    with pytest.raises(AgreementError, match=r"purpose.*goal"):
        services.transition(agreement, "send", setting["staff"])
    assert agreement.state is State.DRAFT


def test_changes_requested_send_it_back_to_draft_with_the_comment(setting, partnership):
    agreement = _agreement(setting, partnership)
    services.transition(agreement, "send", setting["staff"])
    with pytest.raises(AgreementError):
        services.transition(agreement, "request_changes", setting["mentor_actor"])
    services.transition(agreement, "request_changes", setting["mentor_actor"], comment="Kun formiddage")
    assert agreement.state is State.DRAFT and agreement.events[-1].comment == "Kun formiddage"


def test_a_stale_version_is_refused(setting, partnership):
    agreement = _agreement(setting, partnership)
    seen = agreement.version
    services.transition(agreement, "send", setting["staff"])
    db.session.commit()
    with pytest.raises(StaleAgreement):
        services.transition(agreement, "cancel", setting["staff"], expected_version=seen)
    assert agreement.state is State.SENT


def test_a_full_job_function_or_mentor_needs_a_recorded_override(setting, partnership):
    first = _agreement(setting, partnership)
    services.transition(first, "send", setting["staff"])
    services.transition(first, "confirm", setting["mentor_actor"])
    second = _agreement(setting, partnership)
    services.transition(second, "send", setting["staff"])
    with pytest.raises(AgreementError, match="taken"):
        services.transition(second, "confirm", setting["mentor_actor"])
    services.record_override(second, setting["staff"], "Virksomheden har plads til to i sommerperioden")
    services.transition(second, "confirm", setting["mentor_actor"])
    assert second.state is State.CONFIRMED and second.events[-2].kind == "override"
    assert services.places_taken([setting["job"].id]) == {setting["job"].id: 2}


def test_follow_up_dates_come_from_the_plan_and_overdue_ones_are_found(setting, partnership):
    agreement = _agreement(setting, partnership, follow_up_weeks=4)
    assert services.follow_up_dates(agreement)[:2] == [date(2026, 9, 29), date(2026, 10, 27)]
    services.transition(agreement, "send", setting["staff"])
    services.transition(agreement, "confirm", setting["mentor_actor"])
    services.transition(agreement, "start", setting["staff"])
    assert services.is_overdue(agreement, date(2026, 10, 1))
    services.log_follow_up(agreement, setting["consultant"], date(2026, 9, 30), "Godt i gang", "Flere timer")
    assert not services.is_overdue(agreement, date(2026, 10, 1))
    assert services.next_follow_up(agreement, date(2026, 10, 1)) == date(2026, 10, 27)


def test_follow_ups_are_never_proposed_on_a_danish_public_holiday_or_a_weekend(setting, partnership):
    agreement = _agreement(setting, partnership, follow_up_weeks=1)
    agreement.planned_weeks = 3
    agreement.start_date = date(2026, 12, 18)  # a Friday: weekly follow-ups would meet Christmas and New Year
    assert services.follow_up_dates(agreement) == [date(2026, 12, 28), date(2027, 1, 4)]
    agreement.start_date = date(2027, 3, 19)  # Good Friday, then Easter Monday
    assert services.follow_up_dates(agreement) == [date(2027, 3, 30), date(2027, 4, 2)]


def test_one_follow_up_is_moved_to_another_working_day_and_back(setting, partnership, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 9, 15))
    agreement = _agreement(setting, partnership, follow_up_weeks=4)
    first, second = services.follow_up_dates(agreement)[:2]
    assert (first, second) == (date(2026, 9, 29), date(2026, 10, 27))
    services.move_follow_up(agreement, setting["staff"], first, date(2026, 10, 1))
    db.session.commit()
    assert services.follow_up_dates(agreement)[:2] == [date(2026, 10, 1), second]  # only that one moved
    assert agreement.events[-1].kind == "follow_up_moved"
    assert agreement.events[-1].comment == "September 29, 2026 → October 1, 2026"  # the tests' language: English
    for planned, to, why in ((first, date(2026, 10, 3), "weekend"),  # a Saturday
                             (first, date(2026, 12, 25), "holiday"),  # Christmas Day
                             (first, date(2026, 9, 14), "passed"),
                             (first, date(2027, 4, 1), "planned end"),
                             (date(2026, 9, 30), date(2026, 10, 5), "no follow-up")):
        with pytest.raises(AgreementError):
            services.move_follow_up(agreement, setting["staff"], planned, to)
        assert services.follow_up_dates(agreement)[0] == date(2026, 10, 1), why
    services.move_follow_up(agreement, setting["staff"], first, first)  # back to the plan's day
    assert services.follow_up_dates(agreement)[0] == first and agreement.follow_up_moves is None


def test_outcomes_need_their_details_and_only_some_need_a_decision(setting, partnership):
    agreement = _agreement(setting, partnership)
    for step, actor in (("send", "staff"), ("confirm", "mentor_actor"), ("start", "staff")):
        services.transition(agreement, step, setting[actor])
    with pytest.raises(AgreementError):
        services.record_outcome(agreement, setting["staff"], outcome=Outcome.ORDINARY_JOB, ended_on=date(2027, 1, 1))
    with pytest.raises(AgreementError):
        services.record_outcome(agreement, setting["staff"], outcome=Outcome.NOT_HIRED, ended_on=date(2027, 1, 1))
    assert agreement.state is State.ACTIVE and agreement.outcome is None
    services.record_outcome(agreement, setting["staff"], outcome=Outcome.NOT_HIRED, ended_on=date(2027, 1, 1),
                            reason=NotHiredReason.HEALTH)
    assert agreement.decision is None
    with pytest.raises(AgreementError):
        services.record_decision(agreement, setting["staff"], Decision.APPROVED, date(2027, 1, 5))
    with pytest.raises(AgreementError):
        services.record_place_after_hire(agreement, setting["staff"], PlaceAfterHire.REOPENED)


def test_a_declined_new_place_shrinks_the_job_function(setting, partnership):
    agreement = _agreement(setting, partnership)
    for step, actor in (("send", "staff"), ("confirm", "mentor_actor"), ("start", "staff")):
        services.transition(agreement, step, setting[actor])
    services.record_outcome(agreement, setting["staff"], outcome=Outcome.ORDINARY_JOB, ended_on=date(2027, 1, 1),
                            hours=30, job_start=date(2027, 1, 2))
    services.record_place_after_hire(agreement, setting["staff"], PlaceAfterHire.DECLINED, "Ingen plads nu")
    assert agreement.job_function.places == 0


def test_warnings_for_overrunning_internships_and_too_many_interns(setting, partnership):
    agreement = _agreement(setting, partnership)
    for step, actor in (("send", "staff"), ("confirm", "mentor_actor"), ("start", "staff")):
        services.transition(agreement, step, setting[actor])
    late = services.planned_end(agreement) + timedelta(days=3)
    assert any("planned end" in w for w in services.warnings(agreement, late))
    services.record_extension(agreement, setting["staff"], late + timedelta(days=60), "Godt forløb, mere tid")
    assert not any("planned end" in w for w in services.warnings(agreement, late))
    setting["company"].employees = 0
    assert services.company_intern_limit(setting["company"]) == 1
    assert not any("interns" in w for w in services.warnings(agreement, date(2026, 9, 2)))


@pytest.mark.skipif(not PG_URL, reason="races two real transactions on PostgreSQL")
def test_two_racing_confirmations_leave_exactly_one(app, setting, partnership):
    agreement = _agreement(setting, partnership)
    services.transition(agreement, "send", setting["staff"])
    db.session.commit()
    agreement_id = agreement.id
    db.session.remove()
    barrier, results = threading.Barrier(2), []

    def confirm(label: str) -> None:
        with app.app_context():
            mine = db.session.get(Agreement, agreement_id)  # both transactions now hold the same version
            barrier.wait()
            try:
                services.transition(mine, "confirm", Actor(None, label, True))
                services.commit()
                results.append(("ok", label))
            except AgreementError as error:
                results.append(("refused", type(error).__name__))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm, args=(f"mentor {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert ("refused", "StaleAgreement") in results
    confirmed = db.session.get(Agreement, agreement_id)
    events = [e for e in confirmed.events if e.to_state is State.CONFIRMED]
    assert confirmed.state is State.CONFIRMED and len(events) == 1


def _active(setting, partnership):
    agreement = _agreement(setting, partnership)
    for step, actor in (("send", "staff"), ("confirm", "mentor_actor"), ("start", "staff")):
        services.transition(agreement, step, setting[actor])
    return agreement


def test_a_follow_up_is_not_in_the_future_nor_before_the_start(setting, partnership):
    agreement = _active(setting, partnership)
    with pytest.raises(AgreementError, match="June 2, 2027 cannot be in the future"):
        services.log_follow_up(agreement, setting["consultant"], TODAY + timedelta(days=1), "Godt i gang", "")
    with pytest.raises(AgreementError, match="before the internship started"):
        services.log_follow_up(agreement, setting["consultant"], date(2026, 8, 31), "Godt i gang", "")
    assert agreement.follow_ups == []
    services.log_follow_up(agreement, setting["consultant"], TODAY, "Godt i gang", "")
    assert len(agreement.follow_ups) == 1


def test_an_internship_has_not_ended_in_the_future(setting, partnership):
    agreement = _active(setting, partnership)
    with pytest.raises(AgreementError, match="June 2, 2027: that is in the future"):
        services.record_outcome(agreement, setting["staff"], outcome=Outcome.NOT_HIRED,
                                ended_on=TODAY + timedelta(days=1), reason=NotHiredReason.HEALTH)
    assert agreement.state is State.ACTIVE and agreement.outcome is None and agreement.ended_on is None
    services.record_outcome(agreement, setting["staff"], outcome=Outcome.NOT_HIRED, ended_on=TODAY,
                            reason=NotHiredReason.HEALTH)
    assert agreement.state is State.ENDED


def test_a_decision_is_dated_between_the_start_and_today(setting, partnership):
    """The job centre may decide before the last day (the job starts right after), not before the internship began."""
    agreement = _active(setting, partnership)
    services.record_outcome(agreement, setting["staff"], outcome=Outcome.FLEX_JOB, ended_on=date(2027, 2, 1),
                            hours=20, job_start=date(2027, 2, 15))
    with pytest.raises(AgreementError,
                       match="August 31, 2026 cannot be before the internship started \\(September 1, 2026\\)"):
        services.record_decision(agreement, setting["staff"], Decision.APPROVED, date(2026, 8, 31))
    with pytest.raises(AgreementError, match="cannot be in the future"):
        services.record_decision(agreement, setting["staff"], Decision.APPROVED, TODAY + timedelta(days=1))
    assert agreement.decision is Decision.PENDING and agreement.decision_date is None
    services.record_decision(agreement, setting["staff"], Decision.APPROVED, date(2027, 1, 20))
    assert agreement.decision is Decision.APPROVED


def test_a_job_cannot_start_before_its_internship(setting, partnership):
    agreement = _active(setting, partnership)
    with pytest.raises(AgreementError, match="cannot start on August 1, 2026, before the internship started"):
        services.record_outcome(agreement, setting["staff"], outcome=Outcome.ORDINARY_JOB, ended_on=date(2027, 2, 1),
                                hours=30, job_start=date(2026, 8, 1))
    assert agreement.state is State.ACTIVE and agreement.outcome is None
