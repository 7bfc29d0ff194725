"""The young person's rights and the end of a course: subject access, consent history, anonymisation with four eyes,
erasure and retention (placement/privacy)."""

import io
import json
import zipfile
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement, Goal, Outcome, State
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.course import services as course_services
from placement.course.models import Meeting, MeetingAction, MeetingAttendee, NoteState, StatusNote
from placement.extensions import db
from placement.goals import links as own_links
from placement.goals import services as goal_services
from placement.goals.models import GoalEvent, GoalState, LearningGoal, SelfAssessment, YoungPersonLink
from placement.mail.models import OutboxMessage
from placement.mail.services import enqueue
from placement.participants.models import Consent, Participant
from placement.participants.services import local_today
from placement.privacy import services
from placement.privacy.models import ConsentEvent
from placement.progress.models import Measurement
from placement.progress.services import add_months
from placement.reports import services as reports
from placement.retention import services as retention
from placement.retention.models import Employment, JobCheck
from tests import factories
from tests.test_reports import internships, report_cohort  # noqa: F401 - the report's fixtures

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(agreement_services, "today", lambda: TODAY)


def _young_with_internship(partnership, *, state=State.SENT, **fields):
    young = factories.participant(partnership, name="Mikkel Sørensen", health_notes="Angst i perioder",
                                  interests="Dyr og maskiner", support_notes="Tæt kontakt", **fields)
    company = factories.company(partnership)
    mentor = factories.mentor(company, name="Karen")
    job = factories.job_function(company, mentor=mentor)
    agreement = agreement_services.new_agreement(
        participant=young, job_function=job, mentor=mentor, consultant=None, start_date=date(2026, 5, 1),
        actor=agreement_services.Actor(None, "test", False), goals=["Møde til tiden"], purpose="Afprøve lager")
    agreement.state = state
    db.session.commit()
    return young, agreement


#: What the job checks after a hire say of the young person (``_checks``): emptied by anonymisation.
CHECK_TEXTS = ("Mikkel fik det svært med angsten", "Moren ringede og fortalte det", "Trives hos Karen")


def _record_checks(agreement, user=None) -> list[JobCheck]:
    """Give a hire its four checks and answer the three due (still employed twice, then no longer)."""
    checks = retention.schedule(agreement)
    db.session.flush()
    one, three, six, _twelve = checks
    retention.record(one, status=Employment.EMPLOYED, checked_on=one.due_on, hours=20, note="Trives hos Karen",
                     user=user, label="test", today=max(six.due_on, TODAY))
    retention.record(three, status=Employment.EMPLOYED, checked_on=three.due_on + timedelta(days=3), hours=25,
                     user=user, label="test", today=max(six.due_on, TODAY))
    retention.record(six, status=Employment.NOT_EMPLOYED, checked_on=six.due_on,
                     reason="Mikkel fik det svært med angsten", note="Moren ringede og fortalte det", user=user,
                     label="test", today=max(six.due_on, TODAY))
    return checks


def _hire_with_checks(partnership, user=None):
    """Mikkel's internship ended in a job that started 2025-06-02; three of its four checks are answered."""
    young, agreement = _young_with_internship(partnership, state=State.ENDED)
    agreement.start_date, agreement.ended_on = date(2025, 1, 6), date(2025, 5, 30)
    agreement.outcome, agreement.outcome_hours, agreement.outcome_start = Outcome.ORDINARY_JOB, 20, date(2025, 6, 2)
    _record_checks(agreement, user)
    db.session.commit()
    return young, agreement


#: The texts of the course around the internship that speak of the young person (``_course``).
COURSE_TEXTS = ("Jeg vil stå op om morgenen", "Vækkeur og sms", "Vi tæller dagene", "Morgener er svære",
                "Mikkel sover dårligt", "Jeg vil møde til tiden", "Det går bedre med at komme op", "Vestergade 3",
                "Mikkels søvn", "Mikkel fortalte om sin angst", "Mette Sørensen", "Ring til Mikkels læge",
                "Køb et vækkeur", "Mikkel har haft en svær periode")


def _course(app, young, staff, *, note_number: int = 1) -> dict:
    """The course around the young person's internship, with texts that speak of them: a goal changed into the goal
    that follows, a self-assessment with a sentence, an own-page link, a network meeting with another person
    present and two actions, and a status note of period ``note_number`` marked final."""
    first = goal_services.create_goal(young, {"wording": "Jeg vil stå op om morgenen",
                                              "activities": "Vækkeur og sms hver morgen", "activity_owner": "Karen",
                                              "activity_due": date(2026, 5, 1), "measure_how": "Vi tæller dagene",
                                              "measure_on": date(2026, 5, 15)}, staff)
    goal_services.change_state(first, GoalState.CHANGED, staff, comment="Mikkel sover dårligt",
                               expected_version=first.version)
    first.learned = "Morgener er svære"
    second = goal_services.create_goal(young, {"wording": "Jeg vil møde til tiden tre dage om ugen"}, staff,
                                       follows=first)
    goal_services.record_assessment(young, second, 4, "Det går bedre med at komme op")
    with app.test_request_context():
        url = own_links.issue(young, staff)
    meeting = course_services.create_meeting(young, {
        "kind": "network", "held_on": date(2026, 5, 20), "starts_at": time(10, 0), "duration_minutes": 60,
        "place": "Hjemme, Vestergade 3", "agenda": "Mikkels søvn", "minutes": "Mikkel fortalte om sin angst",
        "user_ids": [staff.id], "others": "Mette Sørensen, mor"}, staff)
    course_services.add_action(meeting, text="Ring til Mikkels læge", owner_id=staff.id, owner_name="",
                               deadline=date(2026, 6, 15), allowed_owners=[staff.id])
    course_services.add_action(meeting, text="Køb et vækkeur", owner_id=None, owner_name="Mette Sørensen",
                               deadline=date(2026, 6, 10), allowed_owners=[])
    note = course_services.prepare_note(young, note_number, staff, date(2100, 1, 1))
    course_services.update_text(note, "Mikkel har haft en svær periode med søvnen.")
    course_services.finalise(note, staff, note.version)
    db.session.commit()
    return {"goals": (first, second), "meeting": meeting, "note": note, "path": urlsplit(url).path}


def _course_now(partnership, staff):
    """A young person whose second status-note period is under way today, so a note of it holds today's goals."""
    young, _agreement = _young_with_internship(partnership, course_start=add_months(local_today(), -4),
                                               coordinator_id=staff.id)
    return young


# Subject access ---------------------------------------------------------------------------------------------------

def test_the_subject_access_archive_holds_every_record_about_the_young_person(app, client, login, partnership):
    young, agreement = _young_with_internship(partnership)
    services.record_consent(young, Consent.GIVEN, date(2026, 1, 5), "Underskrevet", None)
    db.session.add(Measurement(participant=young, measured_on=date(2026, 2, 1), motivation=4, work_identity=3,
                               clarification=5, knowledge=2, comment="God dag"))
    enqueue("karen@example.com", "Praktikaftale", "Om Mikkel", partnership_id=partnership.id,
            agreement_id=agreement.id)
    db.session.commit()
    coordinator = login(factories.user(Role.COORDINATOR, partnership))
    response = client.get(f"/privacy/participants/{young.id}/subject-access")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "Mikkel" not in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"data.json", "summary.html"}
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["name"] == "Mikkel Sørensen" and data["profile"]["health_notes"] == "Angst i perioder"
    assert [(e["state"], e["on"], e["note"]) for e in data["consent_history"]] == [
        ("given", "2026-01-05", "Underskrevet")]
    assert [m["comment"] for m in data["measurements"]] == ["God dag"]
    [plan] = data["agreements"]
    assert plan["purpose"] == "Afprøve lager" and [g["text"] for g in plan["goals"]] == ["Møde til tiden"]
    assert plan["timeline"] and plan["mentor"] == "Karen"
    assert [m["subject"] for m in data["emails"]] == ["Praktikaftale"]
    # The consent recorded changed the record; the plan's state changed the agreement (no values, only "changed").
    log = {(e["entity"], e["entity_id"], e["action"]) for e in data["access_log"]}
    assert {("participants", str(young.id), "update"), ("agreements", str(agreement.id), "update")} <= log
    summary = archive.read("summary.html").decode()
    assert "Mikkel Sørensen" in summary and "Afprøve lager" in summary and "<script" not in summary
    read = db.session.scalars(select(AuditEvent).where(AuditEvent.purpose == services.SUBJECT_ACCESS)).one()
    assert read.actor_id == coordinator.id and read.records == [young.id]


def test_the_archive_holds_the_job_checks_after_the_hire(app, client, login, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    young, _agreement = _hire_with_checks(partnership, coordinator)
    login(coordinator)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/privacy/participants/{young.id}/subject-access").data))
    data = json.loads(archive.read("data.json"))
    [plan] = data["agreements"]
    assert [(c["month"], c["due_on"], c["status"], c["checked_on"], c["hours"], c["reason"], c["note"],
             c["recorded_label"]) for c in plan["job_checks"]] == [
        (1, "2025-07-02", "employed", "2025-07-02", 20, "", "Trives hos Karen", coordinator.name),
        (3, "2025-09-02", "employed", "2025-09-05", 25, "", "", coordinator.name),
        (6, "2025-12-02", "not_employed", "2025-12-02", None, "Mikkel fik det svært med angsten",
         "Moren ringede og fortalte det", coordinator.name),
        (12, "2026-06-02", None, None, None, "", "", "")]
    assert {(e["entity"], e["action"]) for e in data["access_log"]} >= {("job_checks", "create"),
                                                                       ("job_checks", "update")}
    summary = archive.read("summary.html").decode()
    for text in CHECK_TEXTS:
        assert text in summary, text
    assert "12 months" in summary and "not recorded yet" in summary and "25 hours a week" in summary


def test_subject_access_is_for_coordinators_of_the_partnership(app, client, login, partnership, other_partnership):
    elsewhere = factories.participant(other_partnership)
    login(factories.user(Role.COORDINATOR, partnership))
    assert client.get(f"/privacy/participants/{elsewhere.id}/subject-access").status_code == 404
    client.post("/logout")
    mine = factories.participant(partnership)
    login(factories.user(Role.CONSULTANT, partnership))
    assert client.get(f"/privacy/participants/{mine.id}/subject-access").status_code == 403


def test_the_archive_holds_the_young_persons_goals_meetings_and_status_notes(app, client, login, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    young = _course_now(partnership, coordinator)
    course = _course(app, young, coordinator, note_number=2)
    assert client.get(course["path"]).status_code == 200  # the young person opens their page once
    login(coordinator)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/privacy/participants/{young.id}/subject-access").data))
    data = json.loads(archive.read("data.json"))
    first, second = data["own_goals"]
    assert (first["wording"], first["activities"], first["activity_owner"], first["activity_due"],
            first["measure_how"], first["measure_on"], first["learned"], first["state"]) == (
        "Jeg vil stå op om morgenen", "Vækkeur og sms hver morgen", "Karen", "2026-05-01", "Vi tæller dagene",
        "2026-05-15", "Morgener er svære", "changed")
    assert [(e["kind"], e["to_state"], e["comment"]) for e in first["history"]] == [
        ("created", "active", ""), ("state", "changed", "Mikkel sover dårligt")]
    assert second["follows_id"] == first["id"] and second["state"] == "active"
    assert [(a["goal_id"], a["score"], a["sentence"]) for a in data["self_assessments"]] == [
        (second["id"], 4, "Det går bedre med at komme op")]
    [link] = data["own_page_links"]
    assert "digest" not in link and link["created_at"] and link["expires_at"] and link["revoked_at"] is None
    assert len(link["opened"]) == 1
    stored = db.session.scalars(select(YoungPersonLink.digest)).one()
    assert stored not in json.dumps(data) and course["path"].rsplit("/", 1)[1] not in json.dumps(data)
    [meeting] = data["meetings"]
    assert (meeting["kind"], meeting["held_on"], meeting["agenda"], meeting["minutes"]) == (
        "network", "2026-05-20", "Mikkels søvn", "Mikkel fortalte om sin angst")
    assert {(a["name"], a["role"]) for a in meeting["attendees"]} == {(coordinator.name, "coordinator"),
                                                                      ("Mette Sørensen", "mor")}
    assert [(a["text"], a["owner"], a["deadline"]) for a in meeting["actions"]] == [
        ("Køb et vækkeur", "Mette Sørensen", "2026-06-10"), ("Ring til Mikkels læge", coordinator.name, "2026-06-15")]
    [note] = data["status_notes"]
    assert (note["number"], note["state"], note["text"]) == (2, "final", "Mikkel har haft en svær periode med søvnen.")
    assert [g["wording"] for g in note["facts"]["own_goals"]] == ["Jeg vil møde til tiden tre dage om ugen",
                                                                 "Jeg vil stå op om morgenen"]
    assert [a["sentence"] for a in note["facts"]["self_assessments"]] == ["Det går bedre med at komme op"]
    # Changes to these records are part of the access log.
    logged = {e["entity"] for e in data["access_log"]}
    assert {"learning_goals", "goal_self_assessments", "young_person_links", "meetings", "meeting_actions",
            "status_notes"} <= logged
    summary = archive.read("summary.html").decode()
    for text in COURSE_TEXTS:
        assert text in summary, text
    assert "opened 1 times" in summary


# Consent ----------------------------------------------------------------------------------------------------------

def test_consent_history_keeps_the_latest_state_on_the_record_and_the_figures_follow(app, partnership):
    scope = reports.Scope((partnership.id,), date(2020, 1, 1), TODAY)
    given, withdrawn, never = (factories.participant(partnership, course_start=date(2025, 1, 1)) for _ in range(3))
    services.record_consent(given, Consent.GIVEN, date(2025, 1, 1), "", None)
    services.record_consent(withdrawn, Consent.GIVEN, date(2025, 1, 1), "", None)
    services.record_consent(withdrawn, Consent.WITHDRAWN, date(2026, 3, 1), "Ringede", None)
    # Recorded late but dated earlier: the latest by date stays the current state.
    services.record_consent(withdrawn, Consent.GIVEN, date(2025, 2, 1), "Papir fundet", None)
    db.session.commit()
    assert (withdrawn.consent, withdrawn.consent_date) == (Consent.WITHDRAWN, date(2026, 3, 1))
    assert [e.state for e in services.consent_history(withdrawn)] == [Consent.GIVEN, Consent.GIVEN,
                                                                       Consent.WITHDRAWN]
    assert never.consent is None
    left = reports.left_out(scope)
    assert (left.enrolled, left.declined, left.unrecorded, left.counted) == (3, 1, 1, 1)
    assert reports.success_criteria(scope).counted == 1


def test_consent_cannot_be_withdrawn_before_it_was_given_nor_dated_in_the_future(app, partnership):
    young = factories.participant(partnership)
    with pytest.raises(services.PrivacyRefused, match="withdrawn"):
        services.record_consent(young, Consent.WITHDRAWN, date(2026, 1, 1), "", None)
    with pytest.raises(services.PrivacyRefused, match="future"):
        services.record_consent(young, Consent.GIVEN, TODAY + timedelta(days=1), "", None)
    db.session.rollback()
    assert db.session.scalars(select(ConsentEvent)).all() == []


def test_the_consent_page_records_an_event_and_shows_the_history(app, client, login, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    young = factories.participant(partnership, consultant_id=consultant.id)
    login(consultant)
    page = client.get(f"/privacy/participants/{young.id}/consent")
    assert page.status_code == 200 and "Consent never recorded" in page.get_data(as_text=True)
    refused = client.post(f"/privacy/participants/{young.id}/consent", data={"state": "given", "on": ""})
    assert "Give the date the consent was given" in refused.get_data(as_text=True)
    saved = client.post(f"/privacy/participants/{young.id}/consent",
                        data={"state": "given", "on": "2026-02-03", "note": "Underskrevet"}, follow_redirects=True)
    assert "Underskrevet" in saved.get_data(as_text=True)
    db.session.refresh(young)
    assert (young.consent, young.consent_date) == (Consent.GIVEN, date(2026, 2, 3))


def test_the_dashboard_says_how_many_have_no_consent_recorded(app, client, login, partnership):
    for _n in range(2):
        factories.participant(partnership, course_start=date(2025, 1, 1))
    services.record_consent(factories.participant(partnership, course_start=date(2025, 1, 1)), Consent.GIVEN,
                            date(2025, 1, 1), "", None)
    db.session.commit()
    login(factories.user(Role.COORDINATOR, partnership))
    page = client.get("/reports").get_data(as_text=True)
    assert "2 without consent recorded" in page


# Anonymisation ----------------------------------------------------------------------------------------------------

def test_anonymisation_needs_a_second_person(app, client, login, partnership):
    young, agreement = _young_with_internship(partnership)
    first, second = factories.user(Role.COORDINATOR, partnership), factories.user(Role.COORDINATOR, partnership)
    login(first)
    assert client.post(f"/privacy/participants/{young.id}/anonymise", data={"reason": ""}).status_code == 400
    client.post(f"/privacy/participants/{young.id}/anonymise", data={"action": "request", "reason": "Bad om det"})
    refused = client.post(f"/privacy/participants/{young.id}/anonymise", data={"action": "confirm"})
    assert refused.status_code == 409 and "another coordinator" in refused.get_data(as_text=True)
    db.session.refresh(young)
    assert young.name == "Mikkel Sørensen"
    assert "Record no." in client.get("/privacy/requests").get_data(as_text=True)
    client.post("/logout")
    login(second)
    client.post(f"/privacy/participants/{young.id}/anonymise", data={"action": "confirm"})
    db.session.expire_all()
    young = db.session.get(Participant, young.id)
    assert young.name == f"Anonymiseret #{young.id}"
    assert (young.health_notes, young.interests, young.support_notes, young.town) == ("", "", "", "")
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.purpose == "" and agreement.state is State.SENT
    assert db.session.scalars(select(Goal.text).where(Goal.agreement_id == agreement.id)).all() == [""]
    again = client.post(f"/privacy/participants/{young.id}/anonymise", data={"action": "request", "reason": "Igen"})
    assert "anonymised already" in again.get_data(as_text=True)


def test_anonymisation_empties_the_course_texts_keeps_states_and_dates_and_stops_the_link(app, client, login,
                                                                                          partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    young = _course_now(partnership, coordinator)
    course = _course(app, young, coordinator, note_number=2)
    note_facts = course["note"].facts
    assert "Det går bedre med at komme op" in json.dumps(note_facts, ensure_ascii=False)
    services.anonymise(young)
    db.session.commit()
    db.session.expire_all()
    goals = db.session.scalars(select(LearningGoal).where(LearningGoal.participant_id == young.id)
                               .order_by(LearningGoal.id)).all()
    assert [(g.wording, g.activities, g.activity_owner, g.measure_how, g.learned) for g in goals] == [("",) * 5] * 2
    assert [(g.state, g.activity_due, g.measure_on) for g in goals] == [
        (GoalState.CHANGED, date(2026, 5, 1), date(2026, 5, 15)), (GoalState.ACTIVE, None, None)]
    assert goals[1].follows_id == goals[0].id
    assert [(e.kind, e.to_state, e.comment) for e in db.session.scalars(
        select(GoalEvent).where(GoalEvent.goal_id == goals[0].id).order_by(GoalEvent.id))] == [
        ("created", GoalState.ACTIVE, ""), ("state", GoalState.CHANGED, "")]
    assert [(a.score, a.sentence) for a in db.session.scalars(select(SelfAssessment))] == [(4, "")]
    meeting = db.session.get(Meeting, course["meeting"].id)
    assert (meeting.place, meeting.agenda, meeting.minutes, meeting.held_on) == ("", "", "", date(2026, 5, 20))
    assert len(meeting.attendees) == 2 and "Mette Sørensen" not in {a.name for a in meeting.attendees}
    actions = db.session.scalars(select(MeetingAction).order_by(MeetingAction.deadline)).all()
    assert [(a.text, a.owner_id, a.deadline) for a in actions] == [
        ("", None, date(2026, 6, 10)), ("", coordinator.id, date(2026, 6, 15))]
    assert actions[0].owner_name == f"Anonymiseret #{young.id}"
    note = db.session.get(StatusNote, course["note"].id)
    assert (note.text, note.state, note.number, note.due_on) == ("", NoteState.FINAL, 2, course["note"].due_on)
    # The frozen documentation keeps its shape, numbers, dates and states, not its texts.
    assert note.facts["period"] == note_facts["period"]
    assert [(a["score"], a["on"], a["sentence"], a["goal"]) for a in note.facts["self_assessments"]] == [
        (a["score"], a["on"], "", "") for a in note_facts["self_assessments"]]
    assert [g["state"] for g in note.facts["own_goals"]] == [g["state"] for g in note_facts["own_goals"]]
    stored = json.dumps([{c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
                         for model in (LearningGoal, GoalEvent, SelfAssessment, Meeting, MeetingAttendee,
                                       MeetingAction, StatusNote)
                         for row in db.session.scalars(select(model))], ensure_ascii=False, default=str)
    assert not [text for text in COURSE_TEXTS if text in stored]
    # The young person's link stops at once: 410, naming whom to ask.
    assert db.session.scalars(select(YoungPersonLink.revoked_at)).one() is not None
    assert client.get(course["path"]).status_code == 410


def _check_figures() -> list[tuple]:
    """What the retention figures are made of: every check's hire, month, due date, status, day and hours."""
    return db.session.execute(select(JobCheck.agreement_id, JobCheck.month, JobCheck.due_on, JobCheck.status,
                                     JobCheck.checked_on, JobCheck.hours, JobCheck.recorded_label)
                              .order_by(JobCheck.agreement_id, JobCheck.month)).all()


def test_anonymisation_empties_why_the_job_ended_and_keeps_the_checks_figures(app, partnership):
    young, agreement = _hire_with_checks(partnership)
    _other, kept = _hire_with_checks(partnership)
    before = _check_figures()
    services.anonymise(young)
    db.session.commit()
    db.session.expire_all()
    assert _check_figures() == before
    mine = db.session.scalars(select(JobCheck).where(JobCheck.agreement_id == agreement.id)).all()
    assert len(mine) == 4 and {(c.reason, c.note) for c in mine} == {("", "")}
    stored = json.dumps([{c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
                         for row in mine], ensure_ascii=False, default=str)
    assert not [text for text in CHECK_TEXTS if text in stored]
    # Another young person's checks keep their texts.
    assert {c.reason for c in db.session.scalars(select(JobCheck).where(JobCheck.agreement_id == kept.id))} == {
        "", "Mikkel fik det svært med angsten"}


def test_scrubbing_a_status_notes_documentation_keeps_everything_but_its_texts():
    facts = {"period": {"start": "2026-01-01"}, "internship_goals": [{"internship": "Staldhjælper, Engholm",
                                                                       "text": "Fodre kalvene", "sub": False}],
             "follow_ups": [{"held_on": "2026-02-01", "note": "Godt", "next_step": "Flere timer"}],
             "own_goals": [{"wording": "Stå op", "state": "active", "assessments": 2}],
             "self_assessments": [{"goal": "Stå op", "score": 3, "sentence": "Svært"}],
             "measurements": {"first": {"total": 16}, "latest": None}}
    assert services.scrub_facts(facts) == {
        "period": {"start": "2026-01-01"}, "internship_goals": [{"internship": "Staldhjælper, Engholm", "text": "",
                                                                 "sub": False}],
        "follow_ups": [{"held_on": "2026-02-01", "note": "", "next_step": ""}],
        "own_goals": [{"wording": "", "state": "active", "assessments": 2}],
        "self_assessments": [{"goal": "", "score": 3, "sentence": ""}],
        "measurements": {"first": {"total": 16}, "latest": None}}


def _figures(partnership_id):
    scopes = [reports.Scope((partnership_id,), date(2018, 1, 1), date(2019, 6, 30)),
              reports.Scope((partnership_id,), date(2019, 1, 1), date(2019, 6, 30)),
              reports.Scope(None, date(2010, 1, 1), TODAY)]
    figures = []
    for scope in scopes:
        figures.append((asdict(reports.left_out(scope)), asdict(reports.success_criteria(scope)),
                        [asdict(r) for r in reports.hire_rates(scope)],
                        {g: [asdict(r) for r in reports.hire_rates(scope, g)] for g in reports.GROUPINGS},
                        reports.median_days_to_hire(scope), asdict(reports.outcomes(scope)),
                        reports.funnel(scope), asdict(reports.cohort(scope)),
                        {g: [asdict(r) for r in reports.retention(scope, g)]
                         for g in (None, *reports.RETENTION_GROUPINGS)}))
    return figures


def test_every_dashboard_figure_is_unchanged_after_anonymisation(app, partnership, report_cohort,  # noqa: F811
                                                                 internships):  # noqa: F811
    # A hire's young person: their job checks are anonymised too.
    with_internship = db.session.scalars(select(Agreement).where(retention.COUNTS).order_by(Agreement.id)) \
        .first().participant
    # Their own goals, self-assessments, links, meetings and status notes are part of what is anonymised.
    staff = factories.user(Role.COORDINATOR, partnership)
    for young in (report_cohort[5], with_internship):
        _course(app, young, staff)
    counts = _course_counts()
    for hire in db.session.scalars(select(Agreement).where(retention.COUNTS)).all():  # the hires' job checks
        _record_checks(hire)
    db.session.commit()
    checks = _check_figures()
    assert checks and any(status is Employment.NOT_EMPLOYED for *_rest, status, _on, _hours, _by in checks)
    before = _figures(partnership.id)
    for young in (report_cohort[5], report_cohort[0], with_internship):
        services.anonymise(young)
    db.session.commit()
    db.session.expire_all()
    assert report_cohort[5].name.startswith("Anonymiseret #")
    assert _figures(partnership.id) == before
    assert _course_counts() == counts
    assert _check_figures() == checks
    anonymised = select(Agreement.id).where(Agreement.participant_id.in_(
        [report_cohort[5].id, report_cohort[0].id, with_internship.id]))
    assert set(db.session.scalars(select(JobCheck.reason).where(JobCheck.agreement_id.in_(anonymised)))) == {""}
    assert set(db.session.scalars(select(JobCheck.reason).where(  # the others keep theirs
        JobCheck.agreement_id.not_in(anonymised), JobCheck.status == Employment.NOT_EMPLOYED))) == {CHECK_TEXTS[0]}


def _course_counts() -> dict:
    """How many goals (by state), assessments (by score), meetings, participants, actions and notes (by state)."""
    def grouped(column):
        return sorted(db.session.execute(select(column, func.count()).group_by(column)).all())

    return {"goals": grouped(LearningGoal.state), "assessments": grouped(SelfAssessment.score),
            "meetings": grouped(Meeting.held_on),
            "attendees": db.session.scalar(select(func.count(MeetingAttendee.id))),
            "actions": grouped(MeetingAction.deadline), "notes": grouped(StatusNote.state)}


def test_erasure_removes_a_record_made_by_mistake_with_its_drafts(app, client, login, partnership):
    young, draft = _young_with_internship(partnership, state=State.DRAFT)
    enqueue("x@example.com", "Kladde", "Body", partnership_id=partnership.id, agreement_id=draft.id)
    db.session.commit()
    kept, _sent = _young_with_internship(partnership)
    staff = factories.user(Role.COORDINATOR, partnership)
    for person in (young, kept):  # own goals, links, meetings and notes go with the record (explicitly, on SQLite)
        _course(app, person, staff)
    # A draft never has job checks; were one there (an agreement ended and reset by hand), it goes with the draft.
    db.session.add(JobCheck(partnership_id=partnership.id, agreement_id=draft.id, month=1, due_on=date(2026, 7, 1)))
    db.session.commit()
    young_id, draft_id = young.id, draft.id
    login(factories.user(Role.ADMIN, partnership))
    wrong = client.post(f"/privacy/participants/{young_id}/erase", data={"record": young_id + 1000})
    assert wrong.status_code == 400 and db.session.get(Participant, young_id) is not None
    assert client.post(f"/privacy/participants/{young_id}/erase", data={"record": young_id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, young_id) is None and db.session.get(Agreement, draft_id) is None
    assert db.session.scalars(select(JobCheck)).all() == []
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject == "Kladde")).all() == []
    for model in (LearningGoal, SelfAssessment, YoungPersonLink, Meeting, StatusNote):
        assert set(db.session.scalars(select(model.participant_id))) == {kept.id}, model
    kept_goals = select(LearningGoal.id).where(LearningGoal.participant_id == kept.id)
    assert set(db.session.scalars(select(GoalEvent.goal_id))) <= set(db.session.scalars(kept_goals))
    kept_meeting = db.session.scalar(select(Meeting.id))
    for model in (MeetingAttendee, MeetingAction):
        assert set(db.session.scalars(select(model.meeting_id))) == {kept_meeting}, model
    refused = client.get(f"/privacy/participants/{kept.id}/erase").get_data(as_text=True)
    assert "beyond drafts" in refused
    client.post(f"/privacy/participants/{kept.id}/erase", data={"record": kept.id})
    assert db.session.get(Participant, kept.id) is not None


def test_erasure_is_for_administrators(app, client, login, partnership):
    young = factories.participant(partnership)
    login(factories.user(Role.COORDINATOR, partnership))
    assert client.post(f"/privacy/participants/{young.id}/erase", data={"record": young.id}).status_code == 403


def test_anonymisation_of_another_partnership_answers_404(app, client, login, partnership, other_partnership):
    elsewhere = factories.participant(other_partnership)
    login(factories.user(Role.COORDINATOR, partnership))
    for path in ("anonymise", "consent"):
        assert client.get(f"/privacy/participants/{elsewhere.id}/{path}").status_code == 404


# Retention --------------------------------------------------------------------------------------------------------

def test_the_retention_run_anonymises_what_is_due_and_deletes_old_e_mails(app, runner, partnership):
    partnership.retention_years = 2
    # Course 2021-01-01 + 3 years ends 2024-01-01; + 2 years: due 2026-01-01 (before TODAY).
    due = factories.participant(partnership, name="Gammel Sag", course_start=date(2021, 1, 1), course_years=3)
    course = _course(app, due, factories.user(Role.COORDINATOR, partnership))
    soon = factories.participant(partnership, name="Snart", course_start=date(2021, 6, 20), course_years=3)
    later = factories.participant(partnership, name="Ny Sag", course_start=date(2024, 1, 1), course_years=3)
    old = enqueue("a@example.com", "Gammel", "x", partnership_id=partnership.id)
    old.sent_at = datetime(2026, 4, 1, tzinfo=UTC)
    recent = enqueue("b@example.com", "Ny", "x", partnership_id=partnership.id)
    recent.sent_at = datetime(2026, 5, 20, tzinfo=UTC)
    db.session.commit()
    assert [d.participant_id for d in services.falling_due(partnership.id)] == [soon.id]

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"Due: record {due.id} " in dry.output and "to delete: 1" in dry.output
    db.session.expire_all()
    assert db.session.get(Participant, due.id).name == "Gammel Sag"

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Anonymised: 1 record(s)" in result.output and "deleted: 1" in result.output
    db.session.expire_all()
    assert db.session.get(Participant, due.id).name == f"Anonymiseret #{due.id}"
    assert [g.wording for g in db.session.scalars(select(LearningGoal))] == ["", ""]
    assert db.session.get(Meeting, course["meeting"].id).minutes == ""
    assert db.session.get(StatusNote, course["note"].id).text == ""
    assert db.session.scalars(select(YoungPersonLink.revoked_at)).one() is not None
    assert db.session.get(Participant, later.id).name == "Ny Sag"
    assert db.session.scalars(select(OutboxMessage.subject)).all() == ["Ny"]
    again = runner.invoke(args=["retention", "run"])
    assert "Anonymised: 0 record(s)" in again.output


def test_an_interrupted_retention_run_is_finished_by_the_next(app, runner, partnership, monkeypatch):
    people = [factories.participant(partnership, course_start=date(2015, 1, 1)) for _ in range(3)]
    real, calls = services.anonymise, []

    def failing(participant):
        calls.append(participant.id)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        real(participant)

    monkeypatch.setattr(services, "anonymise", failing)
    assert runner.invoke(args=["retention", "run"]).exit_code != 0
    db.session.rollback()
    db.session.expire_all()
    names = [db.session.get(Participant, p.id).name for p in people]
    assert names[0].startswith("Anonymiseret") and not names[1].startswith("Anonymiseret")
    monkeypatch.setattr(services, "anonymise", real)
    result = runner.invoke(args=["retention", "run"])
    assert "Anonymised: 2 record(s)" in result.output
    db.session.expire_all()
    assert all(db.session.get(Participant, p.id).name.startswith("Anonymiseret") for p in people)


def test_the_start_page_and_requests_page_show_what_falls_due(app, client, login, partnership):
    soon = factories.participant(partnership, course_start=date(2018, 6, 10), course_years=3)  # due 2026-06-10
    login(factories.user(Role.COORDINATOR, partnership))
    assert f"Record no. {soon.id}" in client.get("/").get_data(as_text=True)
    assert f"Record no. {soon.id}" in client.get("/privacy/requests").get_data(as_text=True)
    # The retention period is set with the partnership's settings (tests/test_partnerships.py), by its coordinator too.
    page = client.post(f"/partnerships/{partnership.id}/edit", data={"retention_years": "0"})
    assert "whole years from 1 to 30" in page.get_data(as_text=True)
    client.post(f"/partnerships/{partnership.id}/edit", data={"retention_years": "7"})
    db.session.refresh(partnership)
    assert partnership.retention_years == 7
    assert f"Record no. {soon.id}" not in client.get("/").get_data(as_text=True)  # now due in 2030


def test_mentor_links_and_calendar_keys_are_stored_hashed(app, partnership):
    from placement.agreements.models import CalendarFeed, MentorLink

    assert "digest" in MentorLink.__table__.c and "token" not in MentorLink.__table__.c
    assert "digest" in CalendarFeed.__table__.c and "key" not in CalendarFeed.__table__.c


def test_consent_set_on_the_record_form_joins_the_history(app, partnership):
    from placement.participants.services import apply_participant

    young = factories.participant(partnership)
    apply_participant(young, {"consent": "declined", "consent_date": date(2026, 4, 1)})
    apply_participant(young, {"consent": "declined", "consent_date": date(2026, 4, 1)})  # unchanged: no event
    db.session.commit()
    assert [(e.state, e.on) for e in services.consent_history(young)] == [(Consent.DECLINED, date(2026, 4, 1))]


def test_the_record_form_records_withdrawn_consent_only_after_it_was_given(app, client, login, partnership):
    """The record's form (page and CSV import) follows the consent history page's rule (issue #9)."""
    from placement.participants import csvio
    from tests.test_participants import _form

    consultant = login(factories.user(Role.CONSULTANT, partnership))
    withdrawn = {"consent": "withdrawn", "consent_date": "2026-03-01"}
    refused = client.post("/participants/new", data=_form(**withdrawn))
    assert refused.status_code == 200 and 'id="consent-error"' in refused.get_data(as_text=True)
    assert "Consent can only be withdrawn after it was given" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Participant)).all() == []

    young = factories.participant(partnership, name="Emil Testesen", consultant_id=consultant.id)
    edit = f"/participants/{young.id}/edit"

    def save(**fields):
        db.session.refresh(young)
        return client.post(edit, data=_form(version=str(young.version), consultant_id=str(consultant.id), **fields))

    assert "Consent can only be withdrawn after it was given" in save(**withdrawn).get_data(as_text=True)
    db.session.refresh(young)
    assert young.consent is None and services.consent_history(young) == []
    services.record_consent(young, Consent.GIVEN, date(2026, 2, 2), "Underskrevet", None)
    db.session.commit()
    before_given = save(consent="withdrawn", consent_date="2026-02-01")
    assert "Consent can only be withdrawn after it was given" in before_given.get_data(as_text=True)
    assert save(**withdrawn).status_code == 302
    assert save(interests="heste", **withdrawn).status_code == 302  # recorded already: other fields still save
    db.session.refresh(young)
    assert (young.consent, young.consent_date, young.interests) == (Consent.WITHDRAWN, date(2026, 3, 1), "heste")
    assert [(e.state, e.on) for e in services.consent_history(young)] == [
        (Consent.GIVEN, date(2026, 2, 2)), (Consent.WITHDRAWN, date(2026, 3, 1))]

    text = ("name;date_of_birth;home_municipality;postcode;course_start;consent;consent_date\r\n"
            "Ny Ung;2002-05-17;Randers Kommune;8900;2025-01-06;withdrawn;2026-03-01\r\n")
    report = csvio.import_csv(text, partnership)
    assert [(e.line, e.column) for e in report.errors] == [(2, "consent")]
