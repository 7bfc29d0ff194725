"""``flask demo seed``: the synthetic demo data on an empty migrated database."""

import itertools
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from placement import create_app
from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement, Decision, Outcome, PlaceAfterHire, State
from placement.audit.models import AuditEvent
from placement.auth.models import Partnership, Role, User
from placement.demo.data import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_TARGETS,
    MATCHING_EXAMPLE,
    MENTOR_LOGIN_COMPANY,
    SCENARIO_COMPANIES,
)
from placement.extensions import db
from placement.geo.postcodes import lookup, postcode_distance_km
from placement.mail.models import OutboxMessage
from placement.network.cvr import cvr_error
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.participants.models import Consent, Participant
from placement.participants.services import local_today
from placement.profile import DIMENSION_KEYS
from placement.progress.models import Measurement
from placement.progress.services import INTERVAL_MONTHS, add_months, due_select, progress_of
from placement.reports import services as reports
from placement.reports.models import Targets
from placement.retention import services as retention
from placement.retention.models import CHECK_MONTHS, Employment, JobCheck
from tests.conftest import PG_URL, _config

PARTNERSHIPS = {"Ringkøbing-Skjern": "6900", "Aarhus": "8543", "Randers": "8900", "Frederikshavn": "9870"}


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Partnership, Company, Mentor, JobFunction, User, Participant, AuditEvent, Measurement,
                          Agreement, Targets, OutboxMessage)}


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_creates_partnerships_and_networks(seeded):
    partnerships = db.session.scalars(select(Partnership)).all()
    assert {p.name: p.postcode for p in partnerships} == PARTNERSHIPS
    for partnership in partnerships:
        companies = db.session.scalars(select(Company).where(Company.partnership_id == partnership.id)).all()
        assert 15 <= len(companies) <= 30, partnership.name
        assert sum(c.kind is CompanyKind.SOCIAL_ECONOMIC for c in companies) >= 2, partnership.name
        for company in companies:
            assert company.mentors, company.name
            assert company.job_functions, company.name
            place = lookup(company.postcode)
            assert place is not None, company.postcode
            assert company.town == place.town
            assert (company.latitude, company.longitude) == (place.latitude, place.longitude)
            assert postcode_distance_km(company.postcode, partnership.postcode) <= 40, company.name
            assert company.address and company.industry and company.contact_name
            assert company.contact_email.endswith("@example.dk")


def test_seed_cvrs_are_valid_and_unique(seeded):
    cvrs = db.session.scalars(select(Company.cvr)).all()
    assert len(cvrs) == len(set(cvrs))
    assert all(cvr_error(cvr) is None for cvr in cvrs)


def test_seed_mentors_and_job_functions_are_plausible(seeded):
    for mentor in db.session.scalars(select(Mentor)):
        assert 1 <= mentor.experience_level <= 5
        assert 1 <= mentor.max_interns <= 3
        assert mentor.experience_notes
    for job in db.session.scalars(select(JobFunction)):
        assert all(1 <= value <= 5 for value in job.profile().values()), job.title
        assert set(job.profile()) == set(DIMENSION_KEYS)
        assert 1 <= job.hours_min <= job.hours_max <= 37, job.title
        assert 1 <= job.places <= 3
        assert job.tasks
        assert job.mentor is not None and job.mentor.company_id == job.company_id
        assert job.occupation_id is None  # the occupations table is empty here


def test_seed_has_hansens_maskinstation_and_farms_in_ringkobing_skjern(seeded):
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == "Ringkøbing-Skjern"))
    hansen = db.session.scalar(select(Company).where(Company.name == "Hansens Maskinstation ApS"))
    assert hansen is not None
    assert hansen.partnership_id == partnership.id
    assert (hansen.postcode, hansen.town, hansen.industry) == ("6900", "Skjern", "Maskinstation")
    farms = {job.company_id for job in db.session.scalars(
        select(JobFunction).join(Company).where(Company.partnership_id == partnership.id,
                                                JobFunction.title.startswith("Landbrugsmedhjælper")))
        if all(word in job.tasks.lower() for word in ("landbrug", "fodring", "stald"))}
    assert len(farms) >= 2


def test_seed_creates_young_people_like_the_reports_cohort(seeded):
    today = local_today()
    people = db.session.scalars(select(Participant)).all()
    for partnership in db.session.scalars(select(Partnership)):
        assert 8 <= sum(p.partnership_id == partnership.id for p in people) <= 10, partnership.name
    ages = [p.age_on(today) for p in people]
    assert all(18 <= age <= 30 for age in ages)
    assert sum(20 <= age <= 24 for age in ages) > len(people) / 2  # mostly early twenties
    assert sum(p.cognitive and p.psychological for p in people) > len(people) / 2
    assert any(p.physical for p in people)
    assert all(p.cognitive or p.psychological or p.physical for p in people)
    assert sum(p.course_years == 3 for p in people) > len(people) / 2
    assert {p.course_years for p in people} > {3}
    assert all(today - timedelta(days=2.5 * 366) <= p.course_start <= today for p in people)
    declined = sum(p.consent is Consent.DECLINED for p in people)
    assert 1 <= declined <= len(people) // 18 + 1
    assert all(p.consent_date is not None for p in people)
    for p in people:
        assert p.town == lookup(p.postcode).town
        assert 1 <= p.hours_min <= p.hours_max <= 37 and p.support_need in range(1, 6)


def test_young_people_are_assigned_to_the_demo_case_people(seeded):
    emails = {u.id: u.email for u in db.session.scalars(select(User))}
    for p in db.session.scalars(select(Participant)):
        named = (emails.get(p.consultant_id), emails.get(p.coordinator_id), emails.get(p.caseworker_id))
        if p.partnership.name == "Ringkøbing-Skjern":
            assert named == ("konsulent@demo.example", "koordinator@demo.example", "sagsbehandler@demo.example")
        elif p.partnership.name == "Aarhus":
            assert named == ("konsulent.aarhus@demo.example", None, None)
        else:
            assert named == (None, None, None)


def _km(job: JobFunction, postcode: str) -> float:
    return postcode_distance_km(job.location_postcode or job.company.postcode, postcode)


def test_the_matching_example_and_its_network(seeded):
    mikkel = db.session.scalar(select(Participant).where(Participant.name == MATCHING_EXAMPLE["name"]))
    assert mikkel.partnership.name == "Ringkøbing-Skjern" and mikkel.consultant.email == "konsulent@demo.example"
    assert (mikkel.postcode, mikkel.town, mikkel.max_km, mikkel.hours_min, mikkel.hours_max) == (
        "6900", "Skjern", 15, 15, 25)
    assert mikkel.profile() == {"structure": 5, "predictability": 5, "pace": 2, "social_contact": 2,
                                "physical_load": 3, "sensory_load": 2, "independence": 2}
    assert mikkel.support_need == 4 and "heste" in mikkel.interests and mikkel.id == 1
    jobs = db.session.scalars(select(JobFunction).join(Company).where(
        Company.partnership_id == mikkel.partnership_id, JobFunction.active)).all()
    animal_words = ("dyr", "hest", "kalv", "stald", "får", "grise")

    def animals(job):
        return any(word in f"{job.title} {job.tasks}".lower() for word in animal_words)

    def calm(job):
        return job.pace <= 2 and job.predictability >= 4 and job.sensory_load <= 3

    hectic_kitchens = [j for j in jobs if _km(j, "6900") <= 5 and "køkken" in j.title.lower()
                       and (j.pace, j.sensory_load, j.predictability) == (5, 5, 2)]
    assert hectic_kitchens
    far_farms = [j for j in jobs if 30 <= _km(j, "6900") <= 40 and animals(j) and calm(j)]
    assert far_farms and all(_km(j, "6900") > mikkel.max_km for j in far_farms)
    near_calm = [j for j in jobs if _km(j, "6900") <= mikkel.max_km and animals(j) and calm(j)]
    assert len(near_calm) >= 2


def test_seed_creates_the_demo_logins(seeded):
    for email, role, partnership_name in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        assert user.role is role
        assert user.partnership.name == partnership_name
        assert email in seeded.output
    mentor_user = db.session.scalar(select(User).where(User.role == Role.MENTOR))
    assert mentor_user.mentor.company.name == "Hansens Maskinstation ApS"
    assert mentor_user.name == mentor_user.mentor.name
    assert DEMO_PASSWORD in seeded.output


def test_second_seed_is_skipped_and_changes_nothing(seeded, runner):
    before = _counts()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "Database already has data; demo seed skipped." in result.output
    assert _counts() == before


def test_seed_skips_a_database_with_a_partnership(app, runner, partnership):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "demo seed skipped" in result.output
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def _history() -> tuple[list, list]:
    """The seeded measurements and internships, without ids or timestamps of the seeding itself."""
    measurements = db.session.execute(
        select(Measurement.participant_id, Measurement.measured_on, Measurement.motivation, Measurement.work_identity,
               Measurement.clarification, Measurement.knowledge, Measurement.comment)
        .order_by(Measurement.participant_id, Measurement.measured_on)).all()
    internships = db.session.execute(
        select(Agreement.participant_id, Agreement.job_function_id, Agreement.mentor_id, Agreement.state,
               Agreement.start_date, Agreement.planned_weeks, Agreement.weekly_hours, Agreement.ended_on,
               Agreement.outcome, Agreement.outcome_hours, Agreement.outcome_start, Agreement.not_hired_reason,
               Agreement.decision, Agreement.decision_date, Agreement.place_after_hire)
        .order_by(Agreement.id)).all()
    checks = db.session.execute(
        select(JobCheck.agreement_id, JobCheck.month, JobCheck.due_on, JobCheck.status, JobCheck.checked_on,
               JobCheck.hours, JobCheck.reason, JobCheck.note, JobCheck.recorded_label)
        .order_by(JobCheck.agreement_id, JobCheck.month)).all()
    return ([tuple(row) for row in measurements], [tuple(row) for row in internships],
            [tuple(row) for row in checks])


@pytest.mark.skipif(bool(PG_URL), reason="seeds a second SQLite copy; determinism does not depend on the database")
def test_seed_is_deterministic(seeded, tmp_path, migrated_database):
    first = [(c.name, c.cvr, c.address, c.contact_name, c.employees)
             for c in db.session.scalars(select(Company).order_by(Company.id))]
    mentors = db.session.scalars(select(Mentor.name).order_by(Mentor.id)).all()
    young = db.session.scalars(select(Participant.name).order_by(Participant.id)).all()
    history = _history()
    # A second, independent database gets exactly the same data.
    copy = tmp_path / "again.sqlite"
    shutil.copy(migrated_database, copy)
    other = create_app(_config(f"sqlite:///{copy}"))
    with other.app_context():  # the CLI runs in the app context it finds
        assert other.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
        again = [(c.name, c.cvr, c.address, c.contact_name, c.employees)
                 for c in db.session.scalars(select(Company).order_by(Company.id))]
        mentors_again = db.session.scalars(select(Mentor.name).order_by(Mentor.id)).all()
        young_again = db.session.scalars(select(Participant.name).order_by(Participant.id)).all()
        history_again = _history()
        db.session.remove()
        db.engine.dispose()
    assert again == first
    assert mentors_again == mentors
    assert young_again == young
    assert history_again == history


def test_demo_consultant_can_log_in(seeded, login):
    user = db.session.scalar(select(User).where(User.email == "konsulent@demo.example"))
    login(user, password=DEMO_PASSWORD)


# The history: targets, progress measurements, internships -------------------------------------------------------


def _partnership(name: str) -> Partnership:
    return db.session.scalar(select(Partnership).where(Partnership.name == name))


def _mikkel() -> Participant:
    return db.session.scalar(select(Participant).where(Participant.name == MATCHING_EXAMPLE["name"]))


def _scope(partnership: Partnership | None) -> reports.Scope:
    today = local_today()
    return reports.Scope(None if partnership is None else (partnership.id,), today - timedelta(days=3 * 366), today)


def test_seed_sets_the_reports_targets(seeded):
    for partnership in db.session.scalars(select(Partnership)):
        targets = reports.targets_for(partnership.id)
        assert targets is not None, partnership.name
        assert (targets.enrolled, targets.closer_share, targets.ordinary_or_flex_share) == (
            DEMO_TARGETS["enrolled"], DEMO_TARGETS["closer_share"], DEMO_TARGETS["ordinary_or_flex_share"])


def test_every_young_person_is_measured_about_every_six_months(seeded):
    today = local_today()
    for participant in db.session.scalars(select(Participant)):
        days = [m.measured_on for m in progress_of(participant, today).measurements]
        assert days, participant.name
        assert participant.course_start <= days[0] <= participant.course_start + timedelta(days=10)
        assert days[-1] <= today
        for earlier, later in itertools.pairwise(days):
            assert later <= add_months(earlier, INTERVAL_MONTHS), participant.name
            assert (later - earlier).days >= 150, participant.name
        for measurement in progress_of(participant, today).measurements:
            assert measurement.comment
            assert all(1 <= value <= 10 for value in
                       (measurement.motivation, measurement.work_identity, measurement.clarification,
                        measurement.knowledge))
    changes = [progress_of(p, today).total_change for p in db.session.scalars(select(Participant))]
    changes = [change for change in changes if change is not None]
    assert sum(change > 0 for change in changes) > len(changes) / 2  # most a little closer
    assert any(change <= 0 for change in changes)  # some flat or back


def test_mikkels_development_is_the_reports_example(seeded):
    mikkel, today = _mikkel(), local_today()
    progress = progress_of(mikkel, today)
    assert progress.changes == (1, 0, 2, 1) and progress.total_change == 4
    assert progress.formatted == "+1, +0, +2, +1 = +4"
    assert not progress.is_due and len(progress.measurements) == 3


def test_one_young_person_in_ringkobing_skjern_is_due_for_a_measurement(seeded):
    today = local_today()
    due = db.session.execute(due_select(today)).all()
    assert len(due) == 1
    participant, latest = due[0]
    assert participant.partnership.name == "Ringkøbing-Skjern" and participant.name != MATCHING_EXAMPLE["name"]
    assert latest is not None and latest < add_months(today, -INTERVAL_MONTHS)


def test_success_criteria_of_ringkobing_skjern(seeded):
    partnership = _partnership("Ringkøbing-Skjern")
    enrolled = db.session.scalar(select(func.count(Participant.id)).where(Participant.partnership_id == partnership.id))
    criteria = reports.success_criteria(_scope(partnership))
    assert criteria.enrolled == enrolled == 8
    assert criteria.enrolled_target == DEMO_TARGETS["enrolled"]
    assert criteria.closer_target == pytest.approx(DEMO_TARGETS["closer_share"])
    assert criteria.declined == 1  # the consent note names them
    assert 1 <= criteria.closer <= criteria.at_least_a_year
    assert criteria.without_two_measurements == 0


def test_hire_rates_and_outcomes(seeded):
    overall = reports.hire_rates(_scope(None))[0]
    assert 0 < overall.hired < overall.ended
    found = reports.outcomes(_scope(None))
    counts = {row.outcome: row for row in found.rows}
    assert all(counts[outcome].count > 0 for outcome in Outcome)
    assert counts[Outcome.FLEX_JOB].approved > 0 and counts[Outcome.FLEX_JOB].pending > 0
    assert found.hires > counts[Outcome.NOT_HIRED].count  # most end in a hire
    assert reports.median_days_to_hire(_scope(None)) > 0
    for partnership in db.session.scalars(select(Partnership)):
        assert reports.hire_rates(_scope(partnership))[0].hired > 0, partnership.name


def test_internship_history_per_partnership(seeded):
    today = local_today()
    scenario = {spec.name for specs in SCENARIO_COMPANIES.values() for spec in specs}
    for partnership in db.session.scalars(select(Partnership)):
        internships = db.session.scalars(select(Agreement).where(Agreement.partnership_id == partnership.id)).all()
        ended = [a for a in internships if a.state is State.ENDED]
        assert 6 <= len(ended) <= 10, partnership.name
        assert sum(a.outcome.is_hire for a in ended) > len(ended) / 2, partnership.name
        assert 1 <= sum(a.state is State.ACTIVE for a in internships) <= 2, partnership.name
        for agreement in ended:
            assert today - timedelta(days=2 * 366) <= agreement.ended_on <= today
            assert agreement.start_date >= agreement.participant.course_start
            assert agreement.ended_on <= agreement_services.planned_end(agreement)
            kinds = [e.kind for e in agreement.events]  # imported, then any job checks answered since
            assert kinds[0] == "import" and set(kinds[1:]) <= {"job_check"}
            if agreement.outcome.is_hire:
                assert agreement.outcome_hours and agreement.ended_on < agreement.outcome_start <= today
                assert agreement.not_hired_reason is None
            else:
                assert agreement.not_hired_reason is not None and agreement.place_after_hire is None
            assert (agreement.decision is not None) == agreement.outcome.needs_decision
        for agreement in internships:
            assert agreement.job_function.company.name not in scenario
            assert agreement.mentor.company_id == agreement.job_function.company_id
        # A participant is hired at most once, and not before an internship under way.
        for participant in {a.participant for a in internships}:
            own = sorted((a for a in internships if a.participant is participant), key=lambda a: a.start_date)
            assert sum(a.outcome is not None and a.outcome.is_hire for a in own) <= 1
            assert all(a.outcome is not None and not a.outcome.is_hire for a in own[:-1]), participant.name


def test_internships_under_way_keep_free_places_and_have_a_timeline(seeded):
    today = local_today()
    active = db.session.scalars(select(Agreement).where(Agreement.state == State.ACTIVE)).all()
    taken = agreement_services.places_taken({a.job_function_id for a in active})
    for agreement in active:
        assert taken[agreement.job_function_id] < agreement.job_function.places
        assert agreement.start_date < today and not agreement_services.warnings(agreement, today)
        assert [e.to_state for e in agreement.events if e.kind == "transition"] == [
            State.DRAFT, State.SENT, State.CONFIRMED, State.ACTIVE]
        times = [e.at for e in agreement.events]
        assert times == sorted(times) and times[-1].date() < today
        assert agreement.goals and not agreement_services.plan_problems(agreement)
        assert agreement.match_explanation is not None
    overdue = [a for a in active if agreement_services.is_overdue(a, today)]
    assert len(overdue) == 1 and overdue[0].partnership.name == "Ringkøbing-Skjern"
    assert overdue[0].follow_ups


def test_one_plan_waits_for_the_mentor_login_with_a_link_in_the_outbox(seeded):
    (sent,) = db.session.scalars(select(Agreement).where(Agreement.state == State.SENT)).all()
    mentor_user = db.session.scalar(select(User).where(User.email == "mentor@demo.example"))
    assert sent.mentor_id == mentor_user.mentor_id
    assert sent.job_function.company.name == MENTOR_LOGIN_COMPANY
    assert sent.start_date > local_today()
    assert agreement_services.capacity_problem(sent) is None  # the mentor can confirm it
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == sent.mentor.email and message.sent_at is None
    assert "http://127.0.0.1:5000/m/" in message.body


def test_mikkel_has_one_ended_internship_and_his_matching_is_intact(seeded):
    from placement.matches.services import matches_for_participant

    mikkel = _mikkel()
    (agreement,) = db.session.scalars(select(Agreement).where(Agreement.participant_id == mikkel.id)).all()
    assert agreement.state is State.ENDED and agreement.outcome is Outcome.NOT_HIRED
    assert agreement.job_function.company.name not in {"Hestepensionen Ådalen", "Kalvegården Janderup"}
    result = matches_for_participant(mikkel, limit=100)
    first = result.suggestions[0]
    assert (first.subject.title, first.subject.company.name) == ("Staldmedhjælper (hestepension)",
                                                                 "Hestepensionen Ådalen")
    kitchen = next(s for s in result.suggestions if s.subject.company.name == "Restaurant Torvekroen")
    assert kitchen.rank > len(result.suggestions) / 2
    far = [s for s in result.excluded if s.subject.company.name == "Kalvegården Janderup"]
    assert far and all([r.code for r in s.reasons] == ["too_far"] for s in far)


def test_the_demo_consultants_start_page_shows_the_work(seeded, client, login):
    today = local_today()
    login(db.session.scalar(select(User).where(User.email == "konsulent@demo.example")), password=DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    overdue = html[html.index('id="overdue"'):html.index('id="waiting"')]
    (late,) = [a for a in db.session.scalars(select(Agreement).where(Agreement.state == State.ACTIVE))
               if agreement_services.is_overdue(a, today)]
    assert f"/agreements/{late.id}" in overdue and late.participant.name in overdue
    waiting = html[html.index('id="waiting"'):html.index('id="decisions"')]
    sent = db.session.scalar(select(Agreement).where(Agreement.state == State.SENT))
    assert f"/agreements/{sent.id}" in waiting
    decisions = html[html.index('id="decisions"'):html.index('id="new-places"')]
    assert "/agreements/" in decisions
    places = html[html.index('id="new-places"'):]
    assert "/agreements/" in places[:places.index("</ul>")]


def test_the_coordinators_start_page_lists_the_measurement_due(seeded, client, login):
    (participant, _latest), = db.session.execute(due_select(local_today())).all()
    login(db.session.scalar(select(User).where(User.email == "koordinator@demo.example")), password=DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    due = html[html.index('id="due-heading"'):]
    assert f"/participants/{participant.id}/measurements/new" in due and participant.name in due


def test_the_dashboard_and_the_progress_page_have_something_to_show(seeded, client, login):
    login(db.session.scalar(select(User).where(User.email == "konsulent@demo.example")), password=DEMO_PASSWORD)
    html = client.get("/reports").get_data(as_text=True)
    # A consultant sees small counts hidden; the coordinator (below) sees them exact.
    assert "8 enrolled, &lt; 5 declined consent: the figures cover ≥ 5" in html
    assert "Restaurant Torvekroen" not in html  # the worked example's companies have no history
    mikkel = _mikkel()
    html = client.get(f"/participants/{mikkel.id}").get_data(as_text=True)
    assert "+1, +0, +2, +1 = +4" in html
    client.post("/logout")
    login(db.session.scalar(select(User).where(User.email == "koordinator@demo.example")), password=DEMO_PASSWORD)
    assert "8 enrolled, 1 declined consent: the figures cover 7" in client.get("/reports").get_data(as_text=True)


def test_the_mentor_login_sees_the_plan_waiting_for_them(seeded, client, login):
    login(db.session.scalar(select(User).where(User.email == "mentor@demo.example")), password=DEMO_PASSWORD)
    html = client.get("/m/agreements").get_data(as_text=True)
    sent = db.session.scalar(select(Agreement).where(Agreement.state == State.SENT))
    assert sent.job_function.title in html and "waits for your answer" in html


def test_hires_reopen_their_place_except_the_latest(seeded):
    for partnership in db.session.scalars(select(Partnership)):
        hires = db.session.scalars(select(Agreement).where(
            Agreement.partnership_id == partnership.id, Agreement.state == State.ENDED,
            Agreement.outcome != Outcome.NOT_HIRED)).all()
        (unsettled,) = [a for a in hires if a.place_after_hire is None]
        assert unsettled.ended_on == max(a.ended_on for a in hires), partnership.name
        assert all(a.place_after_hire is PlaceAfterHire.REOPENED for a in hires if a is not unsettled)
        assert all(a.decision_date is None for a in hires if a.decision is Decision.PENDING)
        # Pending decisions are the latest ones, not left open for years.
        decided = [a.ended_on for a in hires if a.decision in (Decision.APPROVED, Decision.REJECTED)]
        assert all(a.ended_on >= max(decided, default=a.ended_on) for a in hires if a.decision is Decision.PENDING)


def test_every_hire_has_its_four_job_checks_some_answered_and_some_due(seeded):
    today = local_today()
    hires = db.session.scalars(select(Agreement).where(Agreement.state == State.ENDED,
                                                       Agreement.outcome != Outcome.NOT_HIRED)).all()
    assert hires
    answered = []
    for hire in hires:
        checks = retention.checks_of(hire)
        assert [(c.month, c.due_on) for c in checks] == [(m, add_months(hire.outcome_start, m)) for m in CHECK_MONTHS]
        assert all(c.status is None for c in checks if c.due_on > today)
        for check in checks:
            if check.status is None:
                continue
            answered.append(check)
            assert check.due_on <= check.checked_on <= today
            # The case's consultant, else a colleague (a partnership without demo logins: the seed).
            recorder = db.session.get(User, check.recorded_by_id) if check.recorded_by_id else None
            assert check.recorded_label == (recorder.name if recorder else "demo seed")
            assert check.recorded_at.date() == check.checked_on
            if hire.consultant_id is not None:
                assert check.recorded_by_id == hire.consultant_id
            assert (check.hours is not None) == (check.status is Employment.EMPLOYED)
            assert bool(check.reason) == (check.status is Employment.NOT_EMPLOYED)
    assert not db.session.scalars(select(JobCheck).join(JobCheck.agreement).where(
        Agreement.outcome == Outcome.NOT_HIRED)).all()
    statuses = [c.status for c in answered]
    employed, gone, unknown = (statuses.count(s) for s in Employment)
    assert employed > gone + unknown and gone > 0 and unknown > 0
    # Some are due: every partnership's start page has checks to ask about.
    for partnership in db.session.scalars(select(Partnership)):
        assert retention.due((partnership.id,), today), partnership.name
    consultant = db.session.scalar(select(User).where(User.email == "konsulent@demo.example"))
    assert retention.due(None, today, consultant_id=consultant.id)


# The course around the internship: Mikkel's own goals, a network meeting, status notes -----------------------------

def test_mikkel_has_goals_in_the_learning_circle_with_his_own_assessments(seeded, client, login):
    from placement.demo.data import EXAMPLE_GOALS
    from placement.goals.models import GoalState, LearningGoal, SelfAssessment

    mikkel = _mikkel()
    goals = db.session.scalars(select(LearningGoal).where(LearningGoal.participant_id == mikkel.id)
                               .order_by(LearningGoal.id)).all()
    assert [g.wording for g in goals] == [steps["wording"] for _ago, steps, _reached, _answers in EXAMPLE_GOALS]
    assert [g.state for g in goals] == [GoalState.REACHED, GoalState.ACTIVE, GoalState.ACTIVE]
    assert goals[0].learned and goals[1].follows_id == goals[0].id and goals[2].follows_id is None
    assert [(e.kind, e.to_state) for e in goals[0].events] == [("created", GoalState.ACTIVE),
                                                                ("state", GoalState.REACHED)]
    assert all(g.created_at.date() < local_today() for g in goals)  # written over the course, not on the seed day
    assessments = db.session.scalars(select(SelfAssessment).order_by(SelfAssessment.at)).all()
    assert [(a.goal_id, a.score) for a in assessments] == [(goals[1].id, 3), (goals[1].id, 4)]
    login(db.session.scalar(select(User).where(User.email == "koordinator@demo.example")), password=DEMO_PASSWORD)
    html = client.get(f"/participants/{mikkel.id}/goals").get_data(as_text=True)
    assert goals[1].wording in html and assessments[-1].sentence in html


def test_a_network_meeting_puts_an_action_on_the_demo_consultants_start_page(seeded, client, login):
    from placement.course.models import Meeting, MeetingKind
    from placement.workdays import is_workday

    mikkel = _mikkel()
    (meeting,) = db.session.scalars(select(Meeting)).all()
    assert (meeting.participant_id, meeting.kind) == (mikkel.id, MeetingKind.NETWORK)
    assert meeting.held_on < local_today() and is_workday(meeting.held_on) and meeting.minutes
    consultant = db.session.scalar(select(User).where(User.email == "konsulent@demo.example"))
    (mine,) = [a for a in meeting.actions if a.owner_id == consultant.id]
    assert mine.done_on is None and mine.deadline > local_today()
    assert any(a.owner_id is None and a.owner_name for a in meeting.actions)
    login(consultant, password=DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    actions = html[html.index('id="actions"'):]
    assert mine.text in actions and f"/meetings/{meeting.id}" in actions


def test_mikkels_status_notes_are_final_and_shared_and_the_latest_is_a_draft_due(seeded, client, login):
    from placement.course.models import NoteState, StatusNote
    from placement.demo.data import EXAMPLE_FINAL_NOTES

    mikkel = _mikkel()
    notes = db.session.scalars(select(StatusNote).order_by(StatusNote.number)).all()
    assert [n.participant_id for n in notes] == [mikkel.id] * (EXAMPLE_FINAL_NOTES + 1)
    assert [n.state for n in notes] == [NoteState.FINAL] * EXAMPLE_FINAL_NOTES + [NoteState.DRAFT]
    assert all(n.shared_at is not None and n.facts for n in notes[:-1]) and notes[-1].shared_at is None
    draft = notes[-1]
    assert draft.due_on < local_today()  # overdue
    login(db.session.scalar(select(User).where(User.email == "koordinator@demo.example")), password=DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    due = html[html.index('id="status-notes"'):]
    due = due[:due.index("</section>")]
    mine = due[due.index(f"/participants/{mikkel.id}/status-notes"):]
    assert "draft started" in mine[:mine.index("</li>")]
    # The draft reads the period's documentation live: Mikkel's own assessment given in the period is in it.
    page = client.get(f"/status-notes/{draft.id}").get_data(as_text=True)
    assert "Jeg glæder mig, men jeg er lidt nervøs." in page
    client.post("/logout")
    login(db.session.scalar(select(User).where(User.email == "sagsbehandler@demo.example")), password=DEMO_PASSWORD)
    assert client.get(f"/status-notes/{notes[0].id}").status_code == 200
