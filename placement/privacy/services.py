"""Subject access, consent history, anonymisation (four eyes), erasure and retention. Callers commit, except
``run_retention``, which commits once per young person.

Decisions (issue #9 §2):

* Anonymisation keeps what the partnership's figures are made of and removes the rest: the name becomes
  "Anonymiseret #<id>", the birth date becomes the course start's day and month in the year that gives the same
  age at the course start (the cohort table's age), disability flags, home municipality, course dates, consent and
  the case people stay; address, coordinates, health, disruptions, interests, support notes and occupations go; the
  internships keep dates, outcomes and decisions, their plans' free texts, goals' texts, comments and follow-up notes
  are emptied, their mentor links revoked and their e-mails deleted. The job checks after a hire
  (``placement.retention``) keep month, due date, status, the day it was learnt and the weekly hours (the retention
  figures are made of them) without why the job ended and the note. The audit log holds no values, only record ids.
* Anonymisation needs a second person: a coordinator or administrator asks, with a reason; another coordinator of
  the partnership or an administrator confirms. The retention run needs no second person (the period was set).
* The course around the internship (``placement.goals``, ``placement.course``) is anonymised the same way: the
  young person's own goals keep their state, dates and history (who, when, which steps, which state) without the
  steps' words; self-assessments keep their score and day without the sentence; meetings keep kind, day, time and
  the number of participants without place, agenda and minutes (others present become anonymous); actions keep
  owner, deadline and done date without their text; status notes keep period, state and dates without their text,
  and their frozen documentation keeps its numbers, dates and states without free texts. The young person's link
  to their own page is stopped.
* Erasure (a record created by mistake) is for administrators alone, at once, and only while the young person has
  no internship beyond drafts: the record, its drafts (with any job checks), measurements, consent history, own goals
  with their history and self-assessments, own-page links, meetings with their actions and status notes are deleted
  (explicitly: SQLite does not enforce the foreign keys' ON DELETE CASCADE).
"""

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_request_context, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, event, inspect, or_, select
from sqlalchemy.orm import Session

from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement, AgreementEvent, FollowUp, Goal, MentorLink, State
from placement.audit.models import AuditEvent, AuditSubject
from placement.audit.reads import write_read
from placement.auth.models import Partnership, Role, User
from placement.course.models import Meeting, MeetingAction, MeetingAttendee, StatusNote
from placement.database import utcnow
from placement.extensions import db
from placement.goals import links as own_links
from placement.goals.models import GoalEvent, LearningGoal, SelfAssessment, YoungPersonLink
from placement.mail.models import OutboxMessage
from placement.participants.models import Consent, Participant
from placement.participants.services import add_years
from placement.privacy.models import ConsentEvent, PrivacyRequest, RequestKind, RequestState
from placement.progress.models import Measurement
from placement.retention.models import JobCheck

#: The purpose written to the audit log for a subject access archive.
SUBJECT_ACCESS = "subject_access"
ANONYMOUS_NAME = "Anonymiseret #{id}"
#: Days ahead the start page looks for records falling due for anonymisation.
DUE_SOON_DAYS = 30


class PrivacyRefused(Exception):
    """The step is not allowed; the message says why, for the user. Nothing was changed."""


# Subject access -----------------------------------------------------------------------------------------------------

def _plain(value):
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def _row(obj, skip: tuple[str, ...] = ()) -> dict:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__mapper__.column_attrs if c.key not in skip}


def _course_records(participant_id: int) -> dict[str, list[int]]:
    """Return the ids of the young person's own goals, self-assessments, own-page links, meetings, meeting
    actions and status notes, by table (the entities their audit entries name)."""
    meetings = select(Meeting.id).where(Meeting.participant_id == participant_id)
    ids = {model.__tablename__: select(model.id).where(model.participant_id == participant_id)
           for model in (LearningGoal, SelfAssessment, YoungPersonLink, Meeting, StatusNote)}
    ids[MeetingAction.__tablename__] = select(MeetingAction.id).where(MeetingAction.meeting_id.in_(meetings))
    return {table: db.session.scalars(stmt).all() for table, stmt in ids.items()}


def access_log(participant_id: int, agreement_ids: list[int]) -> list[AuditEvent]:
    """Return every audit entry about the young person: their record, their internships, their own goals,
    self-assessments and links, their meetings and status notes, and the reads naming them."""
    about = [AuditEvent.id.in_(select(AuditSubject.event_id).where(AuditSubject.participant_id == participant_id)),
             (AuditEvent.entity == "participants") & (AuditEvent.entity_id == str(participant_id))]
    job_checks = db.session.scalars(select(JobCheck.id).where(JobCheck.agreement_id.in_(agreement_ids))).all() \
        if agreement_ids else []
    records = {"agreements": agreement_ids, JobCheck.__tablename__: job_checks, **_course_records(participant_id)}
    about += [(AuditEvent.entity == table) & AuditEvent.entity_id.in_([str(i) for i in ids])
              for table, ids in records.items() if ids]
    return db.session.scalars(select(AuditEvent).where(or_(*about)).order_by(AuditEvent.id)).all()


def _opened(link_ids: list[int]) -> dict[int, list[str]]:
    """Return, per own-page link, when the young person opened their page through it (from the audit log)."""
    found: dict[int, list[str]] = {i: [] for i in link_ids}
    if link_ids:
        rows = db.session.execute(select(AuditEvent.entity_id, AuditEvent.at).where(
            AuditEvent.entity == YoungPersonLink.__tablename__, AuditEvent.action == "view",
            AuditEvent.entity_id.in_([str(i) for i in link_ids])).order_by(AuditEvent.id))
        for entity_id, at in rows:
            found[int(entity_id)].append(at.isoformat())
    return found


def _attendee(attendee: MeetingAttendee) -> dict:
    if attendee.user is not None:
        return {"name": attendee.user.name, "role": attendee.user.role.value}
    if attendee.mentor is not None:
        return {"name": attendee.mentor.name, "role": "mentor"}
    return {"name": attendee.name, "role": attendee.role}


def course_data(participant: Participant) -> dict:
    """Return the young person's own goals (all four steps, state, history and self-assessments), their own-page
    links (issued, opened, stopped: never the secret's digest), meetings (agenda, minutes, participants, actions)
    and status notes (text, state, frozen documentation), as plain JSON-ready data."""
    goals = db.session.scalars(select(LearningGoal).where(LearningGoal.participant_id == participant.id)
                               .order_by(LearningGoal.id)).all()
    links = db.session.scalars(select(YoungPersonLink).where(YoungPersonLink.participant_id == participant.id)
                               .order_by(YoungPersonLink.id)).all()
    opened = _opened([link.id for link in links])
    meetings = db.session.scalars(select(Meeting).where(Meeting.participant_id == participant.id)
                                  .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)).all()
    notes = db.session.scalars(select(StatusNote).where(StatusNote.participant_id == participant.id)
                               .order_by(StatusNote.number)).all()
    return {
        "own_goals": [{**_row(g), "history": [_row(e) for e in g.events]} for g in goals],
        "self_assessments": [_row(a) for a in db.session.scalars(
            select(SelfAssessment).where(SelfAssessment.participant_id == participant.id)
            .order_by(SelfAssessment.at, SelfAssessment.id))],
        "own_page_links": [{**_row(link, skip=("digest",)), "opened": opened[link.id]} for link in links],
        "meetings": [{**_row(m), "attendees": [_attendee(a) for a in m.attendees],
                      "actions": [{**_row(a), "owner": a.owner_label} for a in m.actions]} for m in meetings],
        "status_notes": [_row(n) for n in notes],
    }


#: What the archive gives of a job check after a hire (who recorded it is in the access log).
_JOB_CHECK_FIELDS = ("month", "due_on", "status", "checked_on", "hours", "reason", "note", "recorded_label",
                     "recorded_at")


def _job_checks(agreement_ids: list[int]) -> dict[int, list[dict]]:
    """Return the job checks after the hires, per agreement, in month order."""
    found: dict[int, list[dict]] = {i: [] for i in agreement_ids}
    if agreement_ids:
        for check in db.session.scalars(select(JobCheck).where(JobCheck.agreement_id.in_(agreement_ids))
                                        .order_by(JobCheck.agreement_id, JobCheck.month)):
            found[check.agreement_id].append({key: _plain(getattr(check, key)) for key in _JOB_CHECK_FIELDS})
    return found


def subject_data(participant: Participant) -> dict:
    """Return every record about a young person, as plain JSON-ready data."""
    agreements = db.session.scalars(select(Agreement).where(Agreement.participant_id == participant.id)
                                    .order_by(Agreement.start_date, Agreement.id)).all()
    agreement_ids = [a.id for a in agreements]
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.agreement_id.in_(agreement_ids))
                                  .order_by(OutboxMessage.id)).all() if agreement_ids else []
    checks = _job_checks(agreement_ids)
    return {
        "generated_at": utcnow().isoformat(),
        "profile": {**_row(participant), "occupations": [o.label for o in participant.occupations],
                    "partnership": participant.partnership.name},
        "consent_history": [_row(e) for e in consent_history(participant)],
        "measurements": [_row(m) for m in db.session.scalars(
            select(Measurement).where(Measurement.participant_id == participant.id)
            .order_by(Measurement.measured_on, Measurement.id))],
        "agreements": [{**_row(a), "company": a.job_function.company.name, "job_function": a.job_function.title,
                        "mentor": a.mentor.name, "goals": [_row(g) for g in a.goals],
                        "timeline": [_row(e) for e in a.events], "follow_ups": [_row(f) for f in a.follow_ups],
                        "job_checks": checks[a.id]}
                       for a in agreements],
        **course_data(participant),
        "emails": [_row(m) for m in messages],
        "privacy_requests": [_row(r) for r in db.session.scalars(
            select(PrivacyRequest).where(PrivacyRequest.participant_id == participant.id)
            .order_by(PrivacyRequest.id))],
        "access_log": [_row(e, skip=("prev_hash", "hash")) for e in access_log(participant.id, agreement_ids)],
    }


def subject_access_archive(participant: Participant) -> bytes:
    """Return the ZIP archive for a subject access request (``data.json`` and ``summary.html``); log the read."""
    data = subject_data(participant)
    write_read(db.session, [participant], ("base", "health", "progress", "agreements"), SUBJECT_ACCESS)
    summary = render_template("privacy/summary.html", participant=participant, data=data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("summary.html", summary)
    return buffer.getvalue()


# Consent ------------------------------------------------------------------------------------------------------------

def consent_history(participant: Participant) -> list[ConsentEvent]:
    return db.session.scalars(select(ConsentEvent).where(ConsentEvent.participant_id == participant.id)
                              .order_by(ConsentEvent.on, ConsentEvent.id)).all()


def consent_problem(participant: Participant | None, state: Consent, on: date) -> str | None:
    """Say why this consent event cannot be recorded, or None; ``participant`` None: a record being created.

    The rule for every way consent is set: the consent history page, the record's form (pages, API) and the CSV
    import (``placement.participants.forms.ParticipantForm``).
    """
    if on > agreement_services.today():
        return _("The date of the consent cannot be in the future.")
    if state is Consent.WITHDRAWN:
        history = consent_history(participant) if participant is not None and participant.id is not None else []
        given = [e for e in history if e.state is Consent.GIVEN and e.on <= on]
        if not given:
            return _("Consent can only be withdrawn after it was given: record when it was given first.")
    return None


def record_consent(participant: Participant, state: Consent, on: date, note: str, user: User | None) -> ConsentEvent:
    """Record a consent event; the young person's current consent becomes the latest event's (the reports read it).

    This is the one way consent is recorded. Raises ``PrivacyRefused`` with the reason.
    """
    problem = consent_problem(participant, state, on)
    if problem:
        raise PrivacyRefused(problem)
    event = ConsentEvent(participant_id=participant.id, state=state, on=on, note=note.strip(),
                         recorded_by_id=user.id if user else None, scope="statistics")
    db.session.add(event)
    db.session.flush()
    latest = consent_history(participant)[-1]
    if (participant.consent, participant.consent_date) != (latest.state, latest.on):
        participant.consent, participant.consent_date = latest.state, latest.on
        participant.__dict__["_consent_recorded"] = True  # the event is there: the flush adds no other
    return event


@event.listens_for(Session, "before_flush")
def _consent_history(session: Session, _context, _instances) -> None:
    """Add a consent event when a record's consent was set another way than ``record_consent`` (the record's form,
    the API, a CSV import through the ORM): the history stays complete."""
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, Participant) or obj.consent is None:
            continue
        if obj.__dict__.pop("_consent_recorded", False):
            continue
        attrs = inspect(obj).attrs
        if not (attrs.consent.history.has_changes() or attrs.consent_date.history.has_changes()):
            continue
        user_id = getattr(current_user, "id", None) if has_request_context() else None
        session.add(ConsentEvent(participant=obj, state=obj.consent, scope="statistics", note="",
                                 on=obj.consent_date or agreement_services.today(), recorded_by_id=user_id))


# Anonymisation ------------------------------------------------------------------------------------------------------

def is_anonymised(participant: Participant) -> bool:
    return db.session.scalar(select(PrivacyRequest.id).where(
        PrivacyRequest.participant_id == participant.id, PrivacyRequest.state == RequestState.DONE).limit(1)) \
        is not None


def pending_request(participant: Participant) -> PrivacyRequest | None:
    return db.session.scalar(select(PrivacyRequest).where(
        PrivacyRequest.participant_id == participant.id, PrivacyRequest.state == RequestState.PENDING))


def pending_requests(partnership_id: int | None) -> list[PrivacyRequest]:
    """Return the requests waiting for a second person (``partnership_id`` None: every partnership)."""
    stmt = select(PrivacyRequest).where(PrivacyRequest.state == RequestState.PENDING)
    if partnership_id is not None:
        stmt = stmt.where(PrivacyRequest.partnership_id == partnership_id)
    return db.session.scalars(stmt.order_by(PrivacyRequest.requested_at, PrivacyRequest.id)).all()


def request_anonymisation(participant: Participant, user: User, reason: str) -> PrivacyRequest:
    """Ask for a young person's anonymisation; another person must confirm it."""
    if is_anonymised(participant):
        raise PrivacyRefused(_("Record no. %(id)s is anonymised already.", id=participant.id))
    if pending_request(participant) is not None:
        raise PrivacyRefused(_("An anonymisation of this record is already waiting for confirmation."))
    if not reason.strip():
        raise PrivacyRefused(_("Give the reason for the anonymisation."))
    request = PrivacyRequest(participant_id=participant.id, partnership_id=participant.partnership_id,
                             kind=RequestKind.ANONYMISE, reason=reason.strip(), requested_by_id=user.id)
    db.session.add(request)
    db.session.flush()
    return request


def may_decide(request: PrivacyRequest, user: User) -> bool:
    """A second person: an administrator or a coordinator of the partnership, not the one who asked."""
    if user.id == request.requested_by_id:
        return False
    return user.role is Role.ADMIN or (user.role is Role.COORDINATOR and user.partnership_id == request.partnership_id)


def confirm_anonymisation(request: PrivacyRequest, user: User) -> None:
    """Confirm a pending request as the second person and anonymise the young person."""
    if request.state is not RequestState.PENDING:
        raise PrivacyRefused(_("This request is no longer waiting for confirmation."))
    if user.id == request.requested_by_id:
        raise PrivacyRefused(_("You asked for this anonymisation: another coordinator or an administrator must "
                               "confirm it."))
    if not may_decide(request, user):
        raise PrivacyRefused(_("Only another coordinator of the partnership or an administrator can confirm."))
    participant = db.session.get(Participant, request.participant_id)
    request.state, request.decided_by_id, request.decided_at = RequestState.DONE, user.id, utcnow()
    anonymise(participant)


def cancel_request(request: PrivacyRequest, user: User) -> None:
    if request.state is not RequestState.PENDING:
        raise PrivacyRefused(_("This request is no longer waiting for confirmation."))
    request.state, request.decided_by_id, request.decided_at = RequestState.CANCELLED, user.id, utcnow()


def anonymise(participant: Participant) -> None:
    """Remove the personal fields and keep what the figures are made of (see the module's decisions)."""
    age = participant.age_on(participant.course_start)
    participant.name = ANONYMOUS_NAME.format(id=participant.id)
    # The same age at the course start (the cohort's age) without the real birthday.
    participant.date_of_birth = add_years(participant.course_start, -age)
    participant.postcode, participant.town = "", ""
    participant.latitude = participant.longitude = None
    participant.disruptions = []
    participant.health_notes = participant.interests = participant.support_notes = ""
    participant.occupations = []
    agreement_ids = db.session.scalars(select(Agreement.id).where(Agreement.participant_id == participant.id)).all()
    for agreement in db.session.scalars(select(Agreement).where(Agreement.id.in_(agreement_ids))):
        for field in ("schedule", "purpose", "tasks", "works_with", "meeting", "support", "follow_up_plan",
                      "capacity_override"):
            setattr(agreement, field, "")
        agreement.match_explanation = None
    if agreement_ids:
        db.session.execute(Goal.__table__.update().where(Goal.agreement_id.in_(agreement_ids)).values(text=""))
        db.session.execute(AgreementEvent.__table__.update().where(AgreementEvent.agreement_id.in_(agreement_ids))
                           .values(comment=""))
        db.session.execute(FollowUp.__table__.update().where(FollowUp.agreement_id.in_(agreement_ids))
                           .values(note="", next_step=""))
        # The retention figures are made of the checks' status, dates and hours; why the job ended goes.
        db.session.execute(JobCheck.__table__.update().where(JobCheck.agreement_id.in_(agreement_ids))
                           .values(reason="", note=""))
        db.session.execute(delete(MentorLink).where(MentorLink.agreement_id.in_(agreement_ids)))
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.agreement_id.in_(agreement_ids)))
    db.session.execute(Measurement.__table__.update().where(Measurement.participant_id == participant.id)
                       .values(comment=""))
    db.session.execute(ConsentEvent.__table__.update().where(ConsentEvent.participant_id == participant.id)
                       .values(note=""))
    _anonymise_course(participant)
    db.session.flush()


#: The keys of a status note's frozen documentation (``placement.course.services.period_facts``) whose values are
#: free texts about the young person; numbers, dates, states and the internships' places stay.
NOTE_FACT_TEXTS = frozenset({"text", "note", "next_step", "wording", "goal", "sentence"})


def scrub_facts(facts):
    """Return a status note's frozen documentation without its free texts (``NOTE_FACT_TEXTS`` emptied)."""
    if isinstance(facts, dict):
        return {k: "" if k in NOTE_FACT_TEXTS and isinstance(v, str) else scrub_facts(v) for k, v in facts.items()}
    if isinstance(facts, list):
        return [scrub_facts(v) for v in facts]
    return facts


def _anonymise_course(participant: Participant) -> None:
    """Empty the texts of the young person's own goals, self-assessments, meetings, actions and status notes
    (keeping their states, dates and counts) and stop their own-page link."""
    for goal in db.session.scalars(select(LearningGoal).where(LearningGoal.participant_id == participant.id)):
        goal.wording = goal.activities = goal.activity_owner = goal.measure_how = goal.learned = ""
    goal_ids = select(LearningGoal.id).where(LearningGoal.participant_id == participant.id)
    db.session.execute(GoalEvent.__table__.update().where(GoalEvent.goal_id.in_(goal_ids)).values(comment=""))
    for assessment in db.session.scalars(select(SelfAssessment).where(
            SelfAssessment.participant_id == participant.id, SelfAssessment.sentence != "")):
        assessment.sentence = ""
    meeting_ids = select(Meeting.id).where(Meeting.participant_id == participant.id)
    for meeting in db.session.scalars(select(Meeting).where(Meeting.participant_id == participant.id)):
        meeting.place = meeting.agenda = meeting.minutes = ""
    # Others present keep a row (the number present stays) without their name and role.
    db.session.execute(MeetingAttendee.__table__.update().where(
        MeetingAttendee.meeting_id.in_(meeting_ids), MeetingAttendee.name != "")
        .values(name=ANONYMOUS_NAME.format(id=participant.id), role=""))
    for action in db.session.scalars(select(MeetingAction).where(MeetingAction.meeting_id.in_(meeting_ids))):
        action.text = ""
        if action.owner_name:
            action.owner_name = ANONYMOUS_NAME.format(id=participant.id)
    for note in db.session.scalars(select(StatusNote).where(StatusNote.participant_id == participant.id)):
        note.text = ""
        if note.facts is not None:
            note.facts = scrub_facts(note.facts)
    own_links.revoke(participant)


# Erasure ------------------------------------------------------------------------------------------------------------

def erasure_problem(participant: Participant) -> str | None:
    """Say why the record cannot be erased, or None (only a record without internships beyond drafts)."""
    beyond = db.session.scalar(select(Agreement.id).where(Agreement.participant_id == participant.id,
                                                          Agreement.state != State.DRAFT).limit(1))
    if beyond is not None:
        return _("Record no. %(id)s has internships beyond drafts: it can be anonymised, not erased.",
                 id=participant.id)
    return None


def erase(participant: Participant) -> None:
    """Delete a record created by mistake, with its draft internships (and any job checks), measurements and consent
    history."""
    problem = erasure_problem(participant)
    if problem:
        raise PrivacyRefused(problem)
    for agreement in db.session.scalars(select(Agreement).where(Agreement.participant_id == participant.id)).all():
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.agreement_id == agreement.id))
        for model in (Goal, AgreementEvent, FollowUp, MentorLink, JobCheck):  # links may name a check: first
            db.session.execute(delete(model).where(model.agreement_id == agreement.id))
        db.session.delete(agreement)
    db.session.flush()
    for measurement in db.session.scalars(select(Measurement).where(Measurement.participant_id == participant.id)):
        db.session.delete(measurement)
    for model in (ConsentEvent, PrivacyRequest):
        db.session.execute(delete(model).where(model.participant_id == participant.id))
    _erase_course(participant)
    participant.occupations = []
    db.session.flush()
    db.session.delete(participant)
    db.session.flush()


def _erase_course(participant: Participant) -> None:
    """Delete the young person's own goals with their history and self-assessments, own-page links, meetings with
    their participants and actions, and status notes: children first, as SQLite enforces no ON DELETE CASCADE."""
    goal_ids = select(LearningGoal.id).where(LearningGoal.participant_id == participant.id)
    meeting_ids = select(Meeting.id).where(Meeting.participant_id == participant.id)
    db.session.execute(delete(SelfAssessment).where(SelfAssessment.participant_id == participant.id))
    db.session.execute(delete(GoalEvent).where(GoalEvent.goal_id.in_(goal_ids)))
    db.session.execute(LearningGoal.__table__.update().where(LearningGoal.participant_id == participant.id)
                       .values(follows_id=None))
    for model in (MeetingAction, MeetingAttendee):
        db.session.execute(delete(model).where(model.meeting_id.in_(meeting_ids)))
    for model in (LearningGoal, YoungPersonLink, Meeting, StatusNote):
        db.session.execute(delete(model).where(model.participant_id == participant.id))


# Retention ----------------------------------------------------------------------------------------------------------

@dataclass
class Due:
    participant_id: int
    partnership_id: int
    course_end: date
    due_on: date


def _candidates(partnership_id: int | None):
    done = select(PrivacyRequest.participant_id).where(PrivacyRequest.state == RequestState.DONE)
    stmt = (select(Participant.id, Participant.partnership_id, Participant.course_start, Participant.course_years,
                   Partnership.retention_years)
            .join(Partnership, Partnership.id == Participant.partnership_id)
            .where(Participant.id.not_in(done)).order_by(Participant.id))
    if partnership_id is not None:
        stmt = stmt.where(Participant.partnership_id == partnership_id)
    for row in db.session.execute(stmt):
        end = add_years(row.course_start, row.course_years)
        yield Due(row.id, row.partnership_id, end, add_years(end, row.retention_years))


def due_for_anonymisation(on: date | None = None, partnership_id: int | None = None) -> list[Due]:
    """Return the young people whose course end plus the retention period lies before ``on`` (default today)."""
    on = on or agreement_services.today()
    return [d for d in _candidates(partnership_id) if d.due_on < on]


def falling_due(partnership_id: int | None, days: int = DUE_SOON_DAYS) -> list[Due]:
    """Return the records that fall due for anonymisation within the next ``days`` days."""
    today = agreement_services.today()
    return [d for d in _candidates(partnership_id) if today <= d.due_on <= today + timedelta(days=days)]


@dataclass
class RetentionReport:
    anonymised: list[Due]
    emails_deleted: int


def _sent_before() -> datetime:
    days = current_app.config.get("OUTBOX_RETENTION_DAYS", 30)
    return datetime.combine(agreement_services.today() - timedelta(days=days), time(0), tzinfo=UTC)


def run_retention(dry_run: bool = False) -> RetentionReport:
    """Anonymise what is due (one transaction per young person) and delete e-mails sent long enough ago."""
    due = due_for_anonymisation()
    old_mail = OutboxMessage.sent_at.is_not(None) & (OutboxMessage.sent_at < _sent_before())
    if dry_run:
        count = len(db.session.scalars(select(OutboxMessage.id).where(old_mail)).all())
        db.session.rollback()
        return RetentionReport(due, count)
    done = []
    for item in due:
        participant = db.session.get(Participant, item.participant_id)
        if participant is None or is_anonymised(participant):
            continue
        db.session.add(PrivacyRequest(participant_id=participant.id, partnership_id=participant.partnership_id,
                                      kind=RequestKind.ANONYMISE, state=RequestState.DONE, decided_at=utcnow(),
                                      reason=f"Retention: course ended {item.course_end.isoformat()}"))
        anonymise(participant)
        db.session.commit()
        done.append(item)
    deleted = db.session.execute(delete(OutboxMessage).where(old_mail)).rowcount
    db.session.commit()
    return RetentionReport(done, deleted or 0)
