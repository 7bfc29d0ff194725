"""The dashboard's figures, on the report's cohort and on internships with known outcomes."""

from datetime import date, timedelta

import pytest

from placement.agreements.models import Agreement, Decision, NotHiredReason, Outcome, State
from placement.auth.models import Role
from placement.extensions import db
from placement.participants.models import Consent
from placement.progress.models import Measurement
from placement.reports import services
from placement.reports.models import Targets
from tests import factories

REFERENCE = date(2019, 6, 30)


def _measure(participant, day, total_parts):
    db.session.add(Measurement(participant=participant, measured_on=day, motivation=total_parts[0],
                               work_identity=total_parts[1], clarification=total_parts[2], knowledge=total_parts[3]))


@pytest.fixture
def report_cohort(partnership):
    """The report's cohort: 36 enrolled, 2 declined consent, 20 of the 34 a year or more, 14 of them closer."""
    db.session.add(Targets(partnership_id=partnership.id, enrolled=40, closer_share=0.87, ordinary_or_flex_share=0.8))
    people = []
    for n in range(36):
        long_course = n < 22  # 20 counted + the 2 who declined have been in the course a year or more
        start = date(2018, 1, 15) if long_course else date(2018, 11, 1)
        consent = Consent.DECLINED if n in (0, 1) else Consent.GIVEN
        person = factories.participant(partnership, name=f"Ung {n}", course_start=start, consent=consent,
                                       consent_date=start, cognitive=n % 2 == 0, psychological=True,
                                       date_of_birth=date(1996, 3, 1), course_years=3)
        people.append(person)
        _measure(person, start, (4, 4, 4, 4))
        if long_course:
            # 14 of the 20 counted ones came closer (the two who declined did too, and must not count).
            better = n < 16
            _measure(person, start + timedelta(days=300), (5, 4, 6, 5) if better else (4, 4, 4, 3))
    db.session.commit()
    return people


def test_success_criteria_read_as_in_the_report(report_cohort, partnership):
    scope = services.Scope((partnership.id,), date(2018, 1, 1), REFERENCE)
    table = services.success_criteria(scope)
    assert (table.enrolled, table.enrolled_target, table.declined, table.counted) == (36, 40, 2, 34)
    assert (table.at_least_a_year, table.closer) == (20, 14)
    assert table.closer_share == pytest.approx(0.70)
    assert table.closer_target == pytest.approx(0.87)


def test_measurements_after_the_reference_date_do_not_count(report_cohort, partnership):
    scope = services.Scope((partnership.id,), date(2018, 1, 1), date(2018, 6, 30))
    table = services.success_criteria(scope)
    assert table.at_least_a_year == 0 and table.closer == 0


def test_the_cohort_is_over_those_who_consented(report_cohort, partnership):
    cohort = services.cohort(services.Scope((partnership.id,), date(2018, 1, 1), REFERENCE))
    assert cohort.course_years == {3: 34}
    assert sum(cohort.ages.values()) == 34 and cohort.ages["21–23"] == 34
    assert cohort.disabilities == {(True, True, False): 17, (False, True, False): 17}


@pytest.fixture
def internships(partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    farm = factories.company(partnership, name="Gården")
    shop = factories.company(partnership, name="Butikken")
    farm_mentor, shop_mentor = factories.mentor(farm, name="Karen"), factories.mentor(shop, name="Bo")
    farm_job = factories.job_function(farm, title="Staldhjælp", mentor=farm_mentor)
    shop_job = factories.job_function(shop, title="Varepåfyldning", mentor=shop_mentor)
    declined = factories.participant(partnership, consent=Consent.DECLINED, consent_date=date(2018, 1, 1),
                                    course_start=date(2018, 1, 1))

    def ended(job, mentor, outcome, *, person=None, days=100, decision=None, ended_on=date(2019, 3, 1)):
        start = ended_on - timedelta(days=days)
        person = person or factories.participant(partnership, course_start=date(2018, 1, 1),
                                                 consent=Consent.GIVEN, consent_date=date(2018, 1, 1))
        agreement = Agreement(partnership_id=partnership.id, participant=person,
                              job_function=job, mentor=mentor, consultant=consultant, start_date=start,
                              state=State.ENDED, ended_on=ended_on, outcome=outcome, decision=decision,
                              outcome_start=ended_on if outcome.is_hire else None,
                              outcome_hours=20 if outcome.is_hire else None,
                              not_hired_reason=None if outcome.is_hire else NotHiredReason.OTHER)
        db.session.add(agreement)

    ended(farm_job, farm_mentor, Outcome.ORDINARY_JOB, days=90)
    ended(farm_job, farm_mentor, Outcome.FLEX_JOB, days=120, decision=Decision.PENDING)
    ended(farm_job, farm_mentor, Outcome.NOT_HIRED)
    ended(shop_job, shop_mentor, Outcome.PROTECTED, days=200, decision=Decision.REJECTED)
    ended(shop_job, shop_mentor, Outcome.ORDINARY_JOB, person=declined)  # left out: no consent
    ended(shop_job, shop_mentor, Outcome.NOT_HIRED, ended_on=date(2017, 1, 1))  # before the period
    db.session.commit()
    return {"farm": farm, "shop": shop, "consultant": consultant}


def test_placement_to_hire_rates_with_counts(internships, partnership):
    scope = services.Scope((partnership.id,), date(2019, 1, 1), REFERENCE)
    [overall] = services.hire_rates(scope)
    assert (overall.ended, overall.hired) == (4, 3)
    by_company = {r.label: (r.ended, r.hired) for r in services.hire_rates(scope, "company")}
    assert by_company == {"Gården": (3, 2), "Butikken": (1, 1)}
    assert {r.label for r in services.hire_rates(scope, "mentor")} == {"Karen", "Bo"}
    assert [(r.ended, r.hired) for r in services.hire_rates(scope, "consultant")] == [(4, 3)]
    for grouping in services.GROUPINGS:
        assert sum(r.ended for r in services.hire_rates(scope, grouping)) == 4
    assert services.median_days_to_hire(scope) == 120


def test_outcomes_against_the_goal_with_decisions(internships, partnership):
    result = services.outcomes(services.Scope((partnership.id,), date(2019, 1, 1), REFERENCE))
    rows = {r.outcome: r for r in result.rows}
    assert rows[Outcome.FLEX_JOB].pending == 1 and rows[Outcome.PROTECTED].rejected == 1
    assert (result.hires, result.ordinary_or_flex) == (3, 2)
    assert result.ordinary_or_flex_share == pytest.approx(2 / 3)


def test_funnel_counts_young_people_per_step(internships, partnership):
    steps = services.funnel(services.Scope((partnership.id,), date(2019, 1, 1), REFERENCE))
    assert steps["agreement"] == 4 and steps["ended"] == 4 and steps["hired"] == 3
    # Agreements made directly (no suggestion shown) count as "suggested" too: the funnel never widens.
    assert steps["suggested"] == 4
    counts = [steps[step] for step in services.FUNNEL]
    assert counts == sorted(counts, reverse=True)


def test_another_partnership_is_not_counted(internships, partnership, other_partnership):
    scope = services.Scope((other_partnership.id,), date(2019, 1, 1), REFERENCE)
    assert services.hire_rates(scope)[0].ended == 0
    everyone = services.Scope(None, date(2019, 1, 1), REFERENCE)
    assert services.hire_rates(everyone)[0].ended == 4
