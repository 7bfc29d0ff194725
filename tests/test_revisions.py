"""The partnerships' revision counters move with every change a cache depends on, at commit, and only then."""

from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from placement import revisions
from placement.agreements.models import Agreement, FollowUp, State
from placement.audit.models import AuditEvent
from placement.audit.services import record_suggestions
from placement.auth.models import Partnership, Role
from placement.extensions import db
from placement.imports.bulk import insert_many
from placement.network import csvio
from placement.network.models import Company, JobFunction, Mentor
from placement.occupations.models import Occupation
from placement.participants.models import Consent, Participant
from placement.privacy.models import ConsentEvent
from tests import factories


def _revisions(partnership) -> tuple[int, int]:
    """(data revision, network revision) as committed."""
    table = Partnership.__table__
    with db.engine.connect() as connection:
        return tuple(connection.execute(select(table.c.data_revision, table.c.network_revision)
                                        .where(table.c.id == partnership.id)).one())


@pytest.fixture
def two(partnership, other_partnership):
    return partnership, other_partnership


def test_a_young_persons_change_moves_only_their_partnerships_data_revision(two):
    mine, other = two
    before, other_before = _revisions(mine), _revisions(other)
    person = factories.participant(mine, name="Ung")
    db.session.commit()
    after = _revisions(mine)
    assert after[0] > before[0] and after[1] == before[1]
    person.name = "Ung Jensen"
    db.session.commit()
    assert _revisions(mine)[0] > after[0]
    assert _revisions(other) == other_before


def test_nothing_moves_before_the_commit_nor_after_a_rollback(partnership):
    before = _revisions(partnership)
    db.session.add(Participant(partnership_id=partnership.id, name="Ung", date_of_birth=date(2002, 5, 17),
                               home_municipality="Randers Kommune", postcode="8900", town="Randers C",
                               course_start=date(2024, 1, 1)))
    db.session.flush()
    assert _revisions(partnership) == before
    db.session.rollback()
    db.session.commit()  # an empty transaction after the rollback moves nothing either
    assert _revisions(partnership) == before
    assert db.session.scalar(select(Participant.id)) is None


def test_the_network_moves_both_counters(partnership):
    before = _revisions(partnership)
    company = factories.company(partnership, name="Gården")
    db.session.commit()
    middle = _revisions(partnership)
    assert middle[0] > before[0] and middle[1] > before[1]
    factories.mentor(company, name="Karen")
    db.session.commit()
    assert _revisions(partnership)[1] > middle[1]


def test_records_without_a_partnership_of_their_own_are_traced_to_it(partnership, other_partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership)
    job = factories.job_function(company, mentor=factories.mentor(company))
    person = factories.participant(partnership, consent=Consent.GIVEN, consent_date=date(2024, 1, 1))
    agreement = Agreement(partnership_id=partnership.id, participant=person, job_function=job, mentor=job.mentor,
                          consultant=consultant, start_date=date(2024, 2, 1), state=State.ACTIVE)
    db.session.add(agreement)
    db.session.commit()
    other_before = _revisions(other_partnership)

    before = _revisions(partnership)
    db.session.add(FollowUp(agreement_id=agreement.id, held_on=date(2024, 3, 1), note="God start"))
    db.session.commit()
    assert _revisions(partnership)[0] > before[0]

    before = _revisions(partnership)
    db.session.add(ConsentEvent(participant_id=person.id, state=Consent.GIVEN, on=date(2024, 1, 1)))
    db.session.commit()
    assert _revisions(partnership)[0] > before[0]
    assert _revisions(other_partnership) == other_before


def test_a_login_moves_nothing_a_consultants_new_name_does(client, partnership, login):
    consultant = factories.user(Role.CONSULTANT, partnership)
    before = _revisions(partnership)
    login(consultant)
    assert client.get("/search").status_code == 200
    assert _revisions(partnership) == before
    consultant.name = "Konsulent Hansen"  # the results name consultants
    db.session.commit()
    assert _revisions(partnership)[0] > before[0]


def test_bulk_writes_move_the_revisions(partnership, other_partnership):
    before = _revisions(partnership)
    report = csvio.import_csv(csvio.COMPANIES, f"cvr;name;postcode\n{factories.cvr()};Gården ApS;8900\n", partnership)
    assert not report.errors
    db.session.commit()
    after = _revisions(partnership)
    assert after[0] > before[0] and after[1] > before[1]

    # A bulk statement through the session: which partnerships it touched is unknown, so every one moves.
    other_before = _revisions(other_partnership)
    db.session.execute(update(Company).where(Company.partnership_id == partnership.id).values(notes="x"))
    db.session.commit()
    assert _revisions(other_partnership)[1] > other_before[1]


def test_suggestions_shown_move_the_data_revision_not_the_network(partnership):
    person = factories.participant(partnership)
    db.session.commit()
    before = _revisions(partnership)
    assert record_suggestions(db.session, person)
    db.session.commit()
    after = _revisions(partnership)
    assert after[0] > before[0] and after[1] == before[1]


def test_an_occupation_shared_by_all_moves_every_partnership(partnership, other_partnership):
    before = [_revisions(p) for p in (partnership, other_partnership)]
    db.session.add(Occupation(uri="http://data.europa.eu/esco/occupation/test", label="Staldmedhjælper",
                              isco_group="9212"))
    db.session.commit()
    for p, (data, network) in zip((partnership, other_partnership), before, strict=True):
        assert _revisions(p)[0] > data and _revisions(p)[1] > network


def test_the_partnership_record_keeps_its_own_updated_at(partnership):
    stamp = db.session.scalar(select(Partnership.updated_at).where(Partnership.id == partnership.id))
    factories.participant(partnership, course_start=date(2024, 1, 1))
    db.session.commit()
    assert db.session.scalar(select(Partnership.updated_at).where(Partnership.id == partnership.id)) == stamp


def test_a_core_write_on_a_connection_of_its_own_moves_the_revision_with_its_commit(partnership):
    before = _revisions(partnership)
    with db.engine.connect() as connection:
        revisions.bump(connection, partnership.id, network=True)
        connection.rollback()
    assert _revisions(partnership) == before
    with db.engine.begin() as connection:
        revisions.bump(connection, partnership.id, network=True)
    assert _revisions(partnership) == (before[0] + 1, before[1] + 1)


# Following the network row by row ------------------------------------------------------------------------------

def _network_revision(partnership) -> int:
    return _revisions(partnership)[1]


def test_changed_network_rows_are_found_after_the_revision_a_cache_was_built_at(partnership, other_partnership):
    company = factories.company(partnership, name="Grøn Gård")
    mentor = factories.mentor(company)
    job = factories.job_function(company, mentor=mentor)
    untouched = factories.job_function(company, title="Lagermedhjælper", mentor=mentor)
    elsewhere = factories.company(other_partnership, name="Anden By ApS")
    db.session.commit()
    built_at = _network_revision(partnership)
    assert revisions.network_changes(partnership.id, built_at) == revisions.NetworkChanges(
        frozenset(), frozenset(), frozenset())

    job.title = "Staldmedhjælper"
    db.session.commit()
    changes = revisions.network_changes(partnership.id, built_at)
    assert changes.job_function_ids == {job.id} and not changes.company_ids and not changes.mentor_ids

    company.town = "Tarm"
    mentor.max_interns = 3
    added = factories.job_function(company, title="Gartner", mentor=mentor)
    elsewhere.town = "Skjern"
    db.session.commit()
    changes = revisions.network_changes(partnership.id, built_at)
    assert changes.company_ids == {company.id} and changes.mentor_ids == {mentor.id}
    assert changes.job_function_ids == {job.id, added.id} and untouched.id not in changes.job_function_ids
    # Only what changed after the revision asked for.
    latest = _network_revision(partnership)
    assert len(revisions.network_changes(partnership.id, latest)) == 0


def test_a_change_that_cannot_be_followed_row_by_row_asks_for_a_rebuild(partnership, other_partnership):
    factories.company(partnership)
    db.session.commit()
    built_at = _network_revision(partnership)
    db.session.add(Occupation(uri="http://data.europa.eu/esco/occupation/x", label="Stalddreng", isco_group="9212"))
    db.session.commit()  # an occupation is shared by every partnership: not stamped on any row
    assert revisions.network_changes(partnership.id, built_at) is None
    assert revisions.network_changes(other_partnership.id, _network_revision(other_partnership)) is not None
    again = _network_revision(partnership)
    with db.engine.begin() as connection:  # a Core write (a bulk import) names no rows either
        revisions.bump(connection, partnership.id, network=True)
    assert revisions.network_changes(partnership.id, again) is None


def test_incremental_values_are_updated_from_the_changed_rows_not_rebuilt(partnership):
    factories.company(partnership, name="Grøn Gård")
    db.session.commit()
    calls = []
    kept = revisions.Incremental(4)

    def build():
        calls.append("build")
        return frozenset(db.session.scalars(select(Company.name).where(Company.partnership_id == partnership.id)))

    def update(old, changes):
        calls.append(("update", changes.company_ids))
        names = db.session.scalars(select(Company.name).where(Company.id.in_(changes.company_ids)))
        return old | frozenset(names)

    assert kept.get(partnership.id, build, update) == {"Grøn Gård"}
    assert kept.get(partnership.id, build, update) == {"Grøn Gård"}
    other = factories.company(partnership, name="Tarm Auto")
    db.session.commit()
    assert kept.get(partnership.id, build, update) == {"Grøn Gård", "Tarm Auto"}
    assert calls == ["build", ("update", frozenset({other.id}))]
    db.session.add(Occupation(uri="http://data.europa.eu/esco/occupation/y", label="Mekaniker", isco_group="7231"))
    db.session.commit()
    kept.get(partnership.id, build, update)
    assert calls[-1] == "build"


# Rows written without the ORM ----------------------------------------------------------------------------------

def _reset_revision(partnership) -> int:
    table = Partnership.__table__
    with db.engine.connect() as connection:
        return connection.scalar(select(table.c.network_reset_revision).where(table.c.id == partnership.id))


def _imported(kind: str, partnership, text: str) -> None:
    report = csvio.import_csv(kind, text, partnership)
    assert report.ok, report.errors
    db.session.commit()


def test_a_small_import_is_followed_row_by_row_exactly(partnership, other_partnership):
    company = factories.company(partnership, name="Grøn Gård")
    theirs = factories.company(other_partnership, name="Anden By ApS")
    db.session.commit()
    built_at, reset = _network_revision(partnership), _reset_revision(partnership)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    _imported(csvio.MENTORS, partnership, "company_cvr;name\n" + "".join(
        f"{company.cvr};{name}\n" for name in ("Anne", "Bo", "Carl")))
    _imported(csvio.JOB_FUNCTIONS, other_partnership, f"company_cvr;title\n{theirs.cvr};Pakning\n")  # elsewhere
    cvrs = [factories.cvr(), factories.cvr()]
    _imported(csvio.COMPANIES, partnership, "cvr;name;postcode\n" + "".join(
        f"{cvr};Virksomhed {cvr} ApS;8900\n" for cvr in cvrs))

    mentors = set(db.session.scalars(select(Mentor.id).where(Mentor.company_id == company.id)))
    companies = set(db.session.scalars(select(Company.id).where(Company.cvr.in_(cvrs))))
    assert len(mentors) == 3 and len(companies) == 2
    assert revisions.network_changes(partnership.id, built_at) == revisions.NetworkChanges(
        frozenset(companies), frozenset(mentors), frozenset())
    assert _network_revision(partnership) == built_at + 2 and _reset_revision(partnership) == reset  # not rebuilt
    # Logged as before: one entry per mentor and job function, one naming the new companies.
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events + 3 + 1 + 1


def test_an_import_beyond_the_limit_asks_for_a_rebuild(partnership, monkeypatch):
    company = factories.company(partnership)
    db.session.commit()
    built_at = _network_revision(partnership)
    monkeypatch.setattr(revisions, "STAMP_LIMIT", 2)
    _imported(csvio.JOB_FUNCTIONS, partnership, "company_cvr;title\n" + "".join(f"{company.cvr};{t}\n" for t in "AB"))
    assert revisions.network_changes(partnership.id, built_at).job_function_ids == set(
        db.session.scalars(select(JobFunction.id)))
    middle = _network_revision(partnership)
    _imported(csvio.JOB_FUNCTIONS, partnership, "company_cvr;title\n" + "".join(f"{company.cvr};{t}\n" for t in "CDE"))
    assert revisions.network_changes(partnership.id, middle) is None
    assert _reset_revision(partnership) == _network_revision(partnership) > middle
    if db.engine.dialect.name == "postgresql":  # the planner knows the five rows at once (ANALYZE in the import)
        assert db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'job_functions'")) == 5


def test_a_rolled_back_import_stamps_and_moves_nothing(partnership):
    company = factories.company(partnership)
    db.session.commit()
    before = _revisions(partnership)
    report = csvio.import_csv(csvio.MENTORS, f"company_cvr;name\n{company.cvr};Anne\n", partnership)
    assert report.imported == 1
    db.session.rollback()
    assert _revisions(partnership) == before and db.session.scalar(select(Mentor.id)) is None
    company.town = "Tarm"  # the next transaction stamps only its own change
    db.session.commit()
    assert revisions.network_changes(partnership.id, before[1]) == revisions.NetworkChanges(
        frozenset({company.id}), frozenset(), frozenset())


def test_core_rows_stamped_on_a_connection_of_its_own_are_followed_once_it_commits(partnership):
    company = factories.company(partnership)
    db.session.commit()
    built_at = _network_revision(partnership)
    with db.engine.connect() as connection:
        ids = insert_many(connection, Mentor.__table__, [{"company_id": company.id, "name": "Anne"}])
        revisions.stamp(connection, partnership.id, "mentors", ids)
        connection.rollback()
    assert _network_revision(partnership) == built_at and revisions.network_changes(partnership.id, built_at) == (
        revisions.NetworkChanges(frozenset(), frozenset(), frozenset()))
    with db.engine.begin() as connection:
        ids = insert_many(connection, Mentor.__table__, [{"company_id": company.id, "name": name}
                                                         for name in ("Anne", "Bo")])
        revisions.stamp(connection, partnership.id, "mentors", ids)
    assert revisions.network_changes(partnership.id, built_at).mentor_ids == set(ids)
    with pytest.raises(ValueError, match="not stamped"):
        revisions.stamp(db.session, partnership.id, "occupations", [1])


def test_many_changes_elsewhere_neither_hide_nor_join_a_partnerships_changes(partnership, other_partnership):
    """Each partnership counts its own revisions: another's rows changed at higher revisions are many (more than
    ``network_changes`` reads through the stamps' index alone) and none of them is this partnership's."""
    mine = factories.company(partnership, name="Grøn Gård")
    theirs = factories.company(other_partnership, name="Anden By ApS")
    their_mentor = factories.mentor(theirs)
    db.session.commit()
    built_at = _network_revision(partnership)
    for _ in range(3):  # the other partnership's counter runs ahead
        theirs.notes += "x"
        db.session.commit()
    their_mentor.max_interns = 3
    factories.job_function(theirs, title="Pakning")
    mentor = factories.mentor(mine, name="Karen")
    db.session.commit()
    assert _network_revision(other_partnership) > built_at + 1
    expected = revisions.NetworkChanges(frozenset(), frozenset({mentor.id}), frozenset())
    assert revisions.network_changes(partnership.id, built_at) == expected

    before_import = _network_revision(other_partnership)
    many = [factories.cvr() for _ in range(revisions._LATEST_ROWS + 20)]
    _imported(csvio.COMPANIES, other_partnership, "cvr;name;postcode\n" + "".join(
        f"{cvr};Virksomhed {cvr} ApS;8900\n" for cvr in many))
    _imported(csvio.JOB_FUNCTIONS, other_partnership, "company_cvr;title\n" + "".join(
        f"{cvr};Pakning\n" for cvr in many))
    assert revisions.network_changes(partnership.id, built_at) == expected
    while _network_revision(partnership) <= _network_revision(other_partnership):  # newer than all of theirs
        mine.notes += "x"
        db.session.commit()
    job = factories.job_function(mine, title="Staldhjælp", mentor=mentor)
    assert revisions.network_changes(partnership.id, built_at) == revisions.NetworkChanges(
        frozenset({mine.id}), frozenset({mentor.id}), frozenset({job.id}))
    theirs_now = revisions.network_changes(other_partnership.id, before_import)
    assert theirs_now.company_ids == set(db.session.scalars(select(Company.id).where(Company.cvr.in_(many))))
    assert len(theirs_now.job_function_ids) == len(many) and not theirs_now.mentor_ids
