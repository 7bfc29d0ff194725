"""The audit log a data-protection officer can rely on: hash-chained, append-only for the application's database
role, and free of personal values."""

import itertools
import json
import threading
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text

from placement.agreements import services as agreement_services
from placement.audit import chain
from placement.audit.models import AuditEvent
from placement.audit.roles import grant_statements
from placement.audit.services import append, set_actor
from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.progress.models import Measurement
from tests import factories
from tests.conftest import PG_URL


def _verify(runner):
    db.session.remove()
    return runner.invoke(args=["audit", "verify"])


def _events():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def _tamper(sql: str) -> None:  # the tests' own statements, with ids they read
    """Change the log behind the application's back, as someone with the database's superuser rights could."""
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
            connection.execute(text(sql))
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
            connection.execute(text(sql))


@pytest.fixture
def logged(app, partnership):
    """A few entries of different kinds: creations, a change, a read."""
    company = factories.company(partnership, name="Kæde ApS")
    factories.mentor(company, name="Mette Mentor")
    company.name = "Kæde og Søn ApS"
    db.session.commit()
    return _events()


def test_each_entry_stores_the_hash_of_the_one_before(logged):
    assert len(logged) >= 3
    assert logged[0].prev_hash == chain.GENESIS
    for before, entry in itertools.pairwise(logged):
        assert entry.prev_hash == before.hash
    first = logged[0]
    assert first.hash == chain.entry_hash({c: getattr(first, c) for c in chain.HASHED_COLUMNS}, chain.GENESIS)


def test_verify_reports_ok_with_the_number_of_entries(runner, logged):
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert f"OK, {len(logged)} entries" in result.output


def test_verify_names_an_entry_whose_column_was_edited(runner, logged):
    victim = logged[1].id
    _tamper(f"UPDATE audit_events SET actor_label = 'someone else' WHERE id = {victim}")  # noqa: S608
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at entry {victim}:" in result.output and "was changed" in result.output


def test_verify_names_an_entry_whose_changes_were_rewritten(runner, logged):
    victim = logged[-1].id
    _tamper(f"""UPDATE audit_events SET changes = '{{"name": ["x", "y"]}}' WHERE id = {victim}""")  # noqa: S608
    result = _verify(runner)
    assert result.exit_code == 1 and f"BROKEN at entry {victim}:" in result.output


def test_verify_names_the_entry_after_a_deleted_one(runner, logged):
    _tamper(f"DELETE FROM audit_events WHERE id = {logged[1].id}")  # noqa: S608
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at entry {logged[2].id}:" in result.output and "prev_hash" in result.output


def test_rehashing_an_edited_entry_breaks_the_next_link(runner, logged):
    """Whoever edits an entry and recomputes its hash still breaks the link of the entry after it."""
    victim = logged[0]
    forged = {c: getattr(victim, c) for c in chain.HASHED_COLUMNS} | {"actor_label": "forger"}
    forged_hash = chain.entry_hash(forged, chain.GENESIS)
    _tamper(f"UPDATE audit_events SET actor_label = 'forger', hash = '{forged_hash}' WHERE id = {victim.id}")  # noqa: S608
    result = _verify(runner)
    assert result.exit_code == 1 and f"BROKEN at entry {logged[1].id}:" in result.output


def test_the_migration_chains_existing_entries_in_id_order(app, runner):
    db.session.remove()
    downgrade(revision="0012_input_sanity")
    with db.engine.begin() as connection:
        for n in range(3):
            connection.execute(text(
                "INSERT INTO audit_events (at, actor_label, action, entity, entity_id, changes) "
                "VALUES (:at, 'cli', 'create', 'companies', :n, :changes)"),
                {"at": utcnow().replace(tzinfo=None) if connection.dialect.name == "sqlite" else utcnow(), "n": str(n),
                 "changes": json.dumps({"name": [None, f"Firma {n}"]})})
    upgrade()
    events = _events()
    assert [e.entity_id for e in events] == ["0", "1", "2"]
    assert events[0].prev_hash == chain.GENESIS and events[2].prev_hash == events[1].hash
    result = _verify(runner)
    assert result.exit_code == 0 and "OK, 3 entries" in result.output
    with pytest.raises(Exception, match="append-only"):  # the triggers are back after the migration
        db.session.execute(text("UPDATE audit_events SET action = 'x'"))
    db.session.rollback()


def test_two_entries_cannot_share_a_predecessor(app, logged):
    """The database itself refuses a fork, should two writers ever read the same last hash."""
    last = logged[-1]
    row = {"at": utcnow(), "actor_label": "x", "action": "view", "entity": "companies", "entity_id": "1",
           "changes": {}, "prev_hash": last.hash, "hash": "f" * 64}
    db.session.execute(AuditEvent.__table__.insert(), row)
    db.session.commit()
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.execute(AuditEvent.__table__.insert(), row | {"hash": "e" * 64})
    db.session.rollback()


@pytest.mark.skipif(not PG_URL, reason="races two real transactions on PostgreSQL")
def test_two_transactions_writing_at_once_do_not_fork_the_chain(app, runner, logged):
    db.session.remove()
    engine, first_holds_the_lock, results = db.engine, threading.Event(), []

    def write(label: str, hold: bool) -> None:
        with engine.connect() as connection, connection.begin():
            append(connection, [{"at": utcnow(), "actor_label": label, "action": "view", "entity": "participants",
                                 "entity_id": "1", "changes": {}}])
            if hold:
                first_holds_the_lock.set()
                threading.Event().wait(0.5)  # the other writer waits for the lock meanwhile
            results.append(label)

    first = threading.Thread(target=write, args=("first", True))
    first.start()
    assert first_holds_the_lock.wait(10)
    second = threading.Thread(target=write, args=("second", False))
    second.start()
    for thread in (first, second):
        thread.join(30)
    assert results == ["first", "second"]
    result = _verify(runner)
    assert result.exit_code == 0 and f"OK, {len(logged) + 2} entries" in result.output


# Personal values stay out of the log -------------------------------------------------------------------------

def test_personal_fields_are_logged_as_changed_business_data_with_values(app, partnership):
    set_actor(None, "test")
    company = factories.company(partnership, name="Synlig ApS", contact_name="Karin Kontakt")
    mentor = factories.mentor(company, name="Mads Mentorsen", email="mads@example.dk", phone="12345678")
    job = factories.job_function(company, mentor=mentor)
    young = factories.participant(partnership, name="Ida Ung", interests="heste og hunde",
                                  support_notes="har brug for ro")
    user = factories.user(Role.CONSULTANT, partnership, email="karl.konsulent@example.dk")
    agreement = agreement_services.new_agreement(
        participant=young, job_function=job, mentor=mentor, consultant=user, start_date=date(2026, 9, 1),
        actor=agreement_services.Actor(None, "test", False), goals=["Møde til tiden"])
    agreement.support = "Daglig samtale om angst"
    db.session.add(Measurement(participant=young, measured_on=date(2026, 1, 10), motivation=5, work_identity=4,
                               clarification=6, knowledge=5, comment="Svært ved at sove"))
    db.session.commit()
    young.name, young.date_of_birth, mentor.phone = "Ida Ungesen", date(2001, 2, 3), "87654321"
    db.session.commit()

    logged = json.dumps([e.changes for e in _events()], ensure_ascii=False)
    for value in ("Karin Kontakt", "Mads Mentorsen", "mads@example.dk", "12345678", "87654321", "Ida Ung",
                  "heste og hunde", "har brug for ro", "2002-05-17", "2001-02-03", "karl.konsulent",
                  "Daglig samtale", "Svært ved at sove"):
        assert value not in logged, value
    by_entity = {}
    for event in _events():
        by_entity.setdefault((event.entity, event.action), []).append(event.changes)
    assert by_entity[("companies", "create")][0]["name"] == [None, "Synlig ApS"]
    assert by_entity[("companies", "create")][0]["cvr"] == [None, company.cvr]
    assert by_entity[("companies", "create")][0]["contact_name"] == [None, "changed"]
    assert by_entity[("mentors", "update")][0] == {"phone": ["changed", "changed"]}
    participant_update = by_entity[("participants", "update")][0]
    assert participant_update["name"] == ["changed", "changed"]
    assert participant_update["date_of_birth"] == ["changed", "changed"]
    agreement_create = by_entity[("agreements", "create")][0]
    assert agreement_create["state"] == [None, "draft"] and agreement_create["planned_weeks"] == [None, 26]
    assert by_entity[("agreements", "update")][0]["support"] == ["changed", "changed"]
    assert by_entity[("progress_measurements", "create")][0]["motivation"] == [None, 5]
    assert by_entity[("users", "create")][0]["email"] == [None, "changed"]
    assert by_entity[("users", "create")][0]["role"] == [None, "consultant"]


# The application's database role ------------------------------------------------------------------------------

@pytest.mark.skipif(not PG_URL, reason="database roles are PostgreSQL's")
def test_the_application_role_can_append_but_not_truncate_or_disable_the_trigger(app, logged):
    database = db.engine.url.database
    role = f"placement_app_{database}"[:63]
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {role}") if connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}) else text("SELECT 1"))
        connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'app-test'"))
        tables = [t.name for t in db.metadata.sorted_tables]
        for statement in grant_statements(role, tables):
            connection.execute(text(statement))
    url = db.engine.url.set(username=role, password="app-test")
    engine = create_engine(url)
    try:
        try:
            connection = engine.connect()
        except Exception:  # pragma: no cover - pg_hba without password logins: act as the role instead
            engine.dispose()
            engine = create_engine(db.engine.url)
            connection = engine.connect()
            connection.execute(text(f"SET SESSION AUTHORIZATION {role}"))
        with connection:
            assert connection.scalar(text("SELECT current_user")) == role
            connection.rollback()
            for forbidden in ("TRUNCATE audit_events", "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                              "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
                              "DROP TABLE audit_events", "TRUNCATE audit_subjects", "DELETE FROM audit_events",
                              "UPDATE audit_events SET action = 'x'"):
                with pytest.raises(Exception, match=r"(?i)permission denied|must be owner"):
                    connection.execute(text(forbidden))
                connection.rollback()
            append(connection, [{"at": utcnow(), "actor_label": "app role", "action": "view",
                                 "entity": "participants", "entity_id": "1", "changes": {}}])
            connection.execute(text("UPDATE companies SET notes = 'ok'"))  # the other tables it may change
            connection.commit()
            assert connection.scalar(text("SELECT count(*) FROM audit_events WHERE actor_label = 'app role'")) == 1
            connection.rollback()
    finally:
        engine.dispose()
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))


def test_a_created_record_is_logged_with_its_id(app):
    partnership = factories.partnership("Randers")
    db.session.commit()
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create",
                                                         AuditEvent.entity == "partnerships"))
    assert created.entity_id == str(partnership.id)
