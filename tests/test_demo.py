"""``flask demo seed``: the synthetic demo data on an empty migrated database."""

import shutil
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from placement import create_app
from placement.audit.models import AuditEvent
from placement.auth.models import Partnership, Role, User
from placement.demo.data import DEMO_LOGINS, DEMO_PASSWORD, MATCHING_EXAMPLE
from placement.extensions import db
from placement.geo.postcodes import lookup, postcode_distance_km
from placement.network.cvr import cvr_error
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.participants.models import Consent, Participant
from placement.participants.services import local_today
from placement.profile import DIMENSION_KEYS
from tests.conftest import PG_URL, _config

PARTNERSHIPS = {"Ringkøbing-Skjern": "6900", "Aarhus": "8543", "Randers": "8900", "Frederikshavn": "9870"}


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Partnership, Company, Mentor, JobFunction, User, Participant, AuditEvent)}


@pytest.fixture
def seeded(app, runner):
    started = time.perf_counter()
    result = runner.invoke(args=["demo", "seed"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 10, f"seeding took {elapsed:.1f} s"
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


@pytest.mark.skipif(bool(PG_URL), reason="seeds a second SQLite copy; determinism does not depend on the database")
def test_seed_is_deterministic(seeded, tmp_path, migrated_database):
    first = [(c.name, c.cvr, c.address, c.contact_name, c.employees)
             for c in db.session.scalars(select(Company).order_by(Company.id))]
    mentors = db.session.scalars(select(Mentor.name).order_by(Mentor.id)).all()
    young = db.session.scalars(select(Participant.name).order_by(Participant.id)).all()
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
        db.session.remove()
        db.engine.dispose()
    assert again == first
    assert mentors_again == mentors
    assert young_again == young


def test_demo_consultant_can_log_in(seeded, login):
    user = db.session.scalar(select(User).where(User.email == "konsulent@demo.example"))
    login(user, password=DEMO_PASSWORD)
