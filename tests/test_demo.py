"""``flask demo seed``: the synthetic demo data on an empty migrated database."""

import shutil
import time

import pytest
from sqlalchemy import func, select

from placement import create_app
from placement.audit.models import AuditEvent
from placement.auth.models import Partnership, Role, User
from placement.demo.data import DEMO_LOGINS, DEMO_PASSWORD
from placement.extensions import db
from placement.geo.postcodes import lookup, postcode_distance_km
from placement.network.cvr import cvr_error
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.profile import DIMENSION_KEYS
from tests.conftest import PG_URL, _config

PARTNERSHIPS = {"Ringkøbing-Skjern": "6900", "Aarhus": "8543", "Randers": "8900", "Frederikshavn": "9870"}


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Partnership, Company, Mentor, JobFunction, User, AuditEvent)}


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
    # A second, independent database gets exactly the same data.
    copy = tmp_path / "again.sqlite"
    shutil.copy(migrated_database, copy)
    other = create_app(_config(f"sqlite:///{copy}"))
    with other.app_context():  # the CLI runs in the app context it finds
        assert other.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
        again = [(c.name, c.cvr, c.address, c.contact_name, c.employees)
                 for c in db.session.scalars(select(Company).order_by(Company.id))]
        mentors_again = db.session.scalars(select(Mentor.name).order_by(Mentor.id)).all()
        db.session.remove()
        db.engine.dispose()
    assert again == first
    assert mentors_again == mentors


def test_demo_consultant_can_log_in(seeded, login):
    user = db.session.scalar(select(User).where(User.email == "konsulent@demo.example"))
    login(user, password=DEMO_PASSWORD)
