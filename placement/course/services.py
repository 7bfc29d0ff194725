"""Meetings with their actions, and the status note of every third month of a course. Callers commit.

A status note's period ``n`` runs from the course start + 3(n−1) months up to the day before the course start + 3n
months, when the note is due. The service drafts the note from what was recorded in the period; the coordinator
edits the text and marks it final, which freezes the text and the period's documentation (``facts``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from placement.agreements.models import Agreement, State
from placement.agreements.services import planned_end
from placement.auth.models import Role, User
from placement.course.models import Meeting, MeetingAction, MeetingAttendee, MeetingKind, NoteState, StatusNote
from placement.database import utcnow
from placement.extensions import db
from placement.goals import services as goals_service
from placement.network.models import JobFunction, Mentor
from placement.participants.models import Participant
from placement.progress.models import PARAMETER_KEYS, Measurement
from placement.progress.services import add_months
from placement.workdays import next_workday

#: A status note every third month from the course start (DOMAIN.md, "Progress measurement").
NOTE_INTERVAL_MONTHS = 3
#: A note shows as due on the start page this many days before its due date.
DUE_SOON_DAYS = 14
#: The meeting day the service proposes for a new meeting: the first working day this many days ahead.
PROPOSE_DAYS_AHEAD = 7
#: The agreements whose internship took place (or is about to): shown in a status note's period.
HELD = (State.CONFIRMED, State.ACTIVE, State.ENDED)


class CourseError(Exception):
    """A change that is not allowed; nothing was changed."""


# Meetings -------------------------------------------------------------------------------------------------------

def proposed_meeting_day(today: date) -> date:
    """Return the day the service proposes for a new meeting: a working day about a week ahead."""
    return next_workday(today + timedelta(days=PROPOSE_DAYS_AHEAD))


def status_meeting_day(note: StatusNote, today: date) -> date:
    """Return the day proposed for the status meeting on a note: its due date, or today when that has passed,
    moved to a working day."""
    return next_workday(max(note.due_on, today))


def case_users(participant: Participant) -> list[User]:
    """Return the case people named on the young person's record: consultant, coordinator, caseworker."""
    return [u for u in (participant.consultant, participant.coordinator, participant.caseworker) if u is not None]


def owner_choices(participant: Participant, current: Iterable[int] = ()) -> list[User]:
    """Return the users who may own a meeting's action: those who work on the case (its named people and the
    partnership's coordinators), active, and any already named."""
    keep = set(current)
    named = {u.id for u in case_users(participant)}
    users = db.session.scalars(select(User).where(User.partnership_id == participant.partnership_id)
                               .order_by(User.name, User.id)).all()
    return [u for u in users if u.id in keep or (u.active and (u.id in named or u.role is Role.COORDINATOR))]


def mentor_choices(participant: Participant) -> list[Mentor]:
    """Return the mentors of the young person's internships (not cancelled), newest internship first."""
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.participant_id == participant.id, Agreement.state.in_(HELD))
        .options(selectinload(Agreement.mentor)).order_by(Agreement.start_date.desc(), Agreement.id.desc())).all()
    seen, mentors = set(), []
    for agreement in agreements:
        if agreement.mentor_id not in seen:
            seen.add(agreement.mentor_id)
            mentors.append(agreement.mentor)
    return mentors


def parse_others(text: str) -> list[tuple[str, str]]:
    """Read other participants, one per line as "name, role"; raise CourseError naming a line without a role."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _comma, role = line.partition(",")
        if not name.strip() or not role.strip():
            raise CourseError(_('Write each other participant as "name, role" on a line of their own: line '
                                '%(line)d has no role.', line=number) if name.strip() else
                              _('Write each other participant as "name, role": line %(line)d has no name.',
                                line=number))
        if len(name.strip()) > 120 or len(role.strip()) > 120:
            raise CourseError(_("Line %(line)d: a name and a role have at most 120 characters each.", line=number))
        found.append((name.strip(), role.strip()))
    return found


def others_text(meeting: Meeting) -> str:
    return "\n".join(f"{a.name}, {a.role}" for a in meeting.attendees if a.user_id is None and a.mentor_id is None)


def _set_attendees(meeting: Meeting, values: dict) -> None:
    others = parse_others(values.get("others") or "")
    meeting.attendees = (
        [MeetingAttendee(user_id=i) for i in values.get("user_ids") or ()]
        + [MeetingAttendee(mentor_id=i) for i in values.get("mentor_ids") or ()]
        + [MeetingAttendee(name=name, role=role) for name, role in others])


MEETING_FIELDS = ("kind", "held_on", "starts_at", "duration_minutes", "place", "agenda", "minutes")


def _apply_meeting(meeting: Meeting, values: dict) -> None:
    for name in MEETING_FIELDS:
        if name in values:
            value = values[name]
            setattr(meeting, name, MeetingKind(value) if name == "kind" else
                    ("" if value is None and name in ("place", "agenda", "minutes") else value))
    _set_attendees(meeting, values)


def create_meeting(participant: Participant, values: dict, user: User) -> Meeting:
    """Plan a status or network meeting about the young person."""
    meeting = Meeting(partnership_id=participant.partnership_id, participant=participant, created_by_id=user.id)
    _apply_meeting(meeting, values)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, values: dict) -> None:
    """Change a meeting: when and where, who takes part, the agenda and the minutes."""
    _apply_meeting(meeting, values)
    db.session.flush()


def add_action(meeting: Meeting, *, text: str, owner_id: int | None, owner_name: str, deadline: date | None,
               allowed_owners: Iterable[int]) -> MeetingAction:
    """Record an action agreed in the meeting; it needs what, an owner (a user or a named person) and a deadline."""
    text, owner_name = (text or "").strip(), (owner_name or "").strip()
    if not text:
        raise CourseError(_("Write what is to be done."))
    if owner_id is None and not owner_name:
        raise CourseError(_("An action needs an owner: choose one of the service's users or write the name of "
                            "another person."))
    if owner_id is not None and owner_name:
        raise CourseError(_("Choose a user or write another person's name as the owner, not both."))
    if owner_id is not None and owner_id not in set(allowed_owners):
        raise CourseError(_("The chosen owner does not work on this young person's case."))
    if deadline is None:
        raise CourseError(_("An action needs a deadline."))
    action = MeetingAction(meeting=meeting, text=text, owner_id=owner_id, owner_name=owner_name, deadline=deadline)
    db.session.add(action)
    db.session.flush()
    return action


def mark_done(action: MeetingAction, user: User, today: date) -> None:
    """Mark an action done: it leaves its owner's start page."""
    if action.done_on is not None:
        raise CourseError(_("The action was marked done already."))
    action.done_on, action.done_by_id = today, user.id
    db.session.flush()


def open_actions_of(user: User) -> list[MeetingAction]:
    """Return the actions the user owns that are not done, by deadline."""
    return list(db.session.scalars(
        select(MeetingAction).where(MeetingAction.owner_id == user.id, MeetingAction.done_on.is_(None))
        .options(selectinload(MeetingAction.meeting).selectinload(Meeting.participant))
        .order_by(MeetingAction.deadline, MeetingAction.id)))


def meetings_of(participant: Participant) -> list[Meeting]:
    """Return the young person's meetings, the latest first."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.participant_id == participant.id)
        .options(selectinload(Meeting.actions)).order_by(Meeting.held_on.desc(), Meeting.starts_at.desc())))


@goals_service.register_meeting_source
def own_page_meetings(participant: Participant, today: date) -> list[goals_service.Meeting]:
    """The young person's coming status and network meetings, for their own page (``placement.goals``)."""
    meetings = db.session.scalars(select(Meeting).where(Meeting.participant_id == participant.id,
                                                        Meeting.held_on >= today))
    return [goals_service.Meeting(m.held_on, _("%(kind)s at %(time)s", kind=m.kind.label,
                                                time=m.starts_at.strftime("%H:%M")), m.place) for m in meetings]


def meeting_times(meeting: Meeting) -> tuple[datetime, datetime]:
    """Return when the meeting starts and ends, timezone-aware in the service's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start = datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=zone)
    return start, start + timedelta(minutes=meeting.duration_minutes)


# Status notes: periods ------------------------------------------------------------------------------------------

def period(course_start: date, number: int) -> tuple[date, date]:
    """Return (first day, due date) of status-note period ``number`` (1, 2, …); the period ends the day before."""
    return (add_months(course_start, NOTE_INTERVAL_MONTHS * (number - 1)),
            add_months(course_start, NOTE_INTERVAL_MONTHS * number))


def due_dates(course_start: date, until: date) -> list[date]:
    """Return the due dates of the status notes from the course start up to ``until``: start + 3, 6, 9 … months."""
    found, number = [], 1
    while (due := period(course_start, number)[1]) <= until:
        found.append(due)
        number += 1
    return found


def course_end(participant: Participant) -> date | None:
    """Return the day the granted course ends (None: its length is not known)."""
    if participant.course_years is None:
        return None
    return add_months(participant.course_start, 12 * participant.course_years)


def _horizon(participant: Participant, today: date) -> date:
    """The last due date a note is prepared or shown for: soon due, and not beyond the course's end."""
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    end = course_end(participant)
    return min(horizon, end) if end is not None else horizon


@dataclass
class Period:
    number: int
    start: date
    due: date
    note: StatusNote | None
    today: date
    #: Set on the start page's list, which names the young person.
    participant: Participant | None = None

    @property
    def last_day(self) -> date:
        return self.due - timedelta(days=1)

    @property
    def written(self) -> bool:
        return self.note is not None and self.note.is_final

    @property
    def overdue(self) -> bool:
        return not self.written and self.due < self.today


def periods(participant: Participant, today: date) -> list[Period]:
    """Return the young person's status-note periods due by now or soon, the latest first, with their notes."""
    notes = {n.number: n for n in db.session.scalars(
        select(StatusNote).where(StatusNote.participant_id == participant.id))}
    found = []
    for number, due in enumerate(due_dates(participant.course_start, _horizon(participant, today)), start=1):
        found.append(Period(number, period(participant.course_start, number)[0], due, notes.pop(number, None), today))
    # A note of a period no longer in view (e.g. the course start was moved) is still listed.
    for number, note in notes.items():
        found.append(Period(number, note.period_start, note.due_on, note, today))
    return sorted(found, key=lambda p: p.number, reverse=True)


def notes_due(participants: Iterable[Participant], today: date) -> list[Period]:
    """Return, per active young person, the latest period due by now or within ``DUE_SOON_DAYS`` whose note is not
    final yet: due or overdue (earlier periods are on the young person's page)."""
    people = [p for p in participants if p.active]
    latest: dict[int, tuple[Participant, int, date]] = {}
    for participant in people:
        dues = due_dates(participant.course_start, _horizon(participant, today))
        if dues:
            latest[participant.id] = (participant, len(dues), dues[-1])
    if not latest:
        return []
    notes = {(n.participant_id, n.number): n for n in db.session.scalars(
        select(StatusNote).where(StatusNote.participant_id.in_(latest)))}
    found = []
    for participant, number, due in latest.values():
        note = notes.get((participant.id, number))
        if note is None or not note.is_final:
            found.append(Period(number, period(participant.course_start, number)[0], due, note, today,
                                participant))
    return sorted(found, key=lambda p: (p.due, p.participant.name, p.participant.id))


# Status notes: the period's documentation -----------------------------------------------------------------------

def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _place(agreement: Agreement) -> str:
    return f"{agreement.job_function.title}, {agreement.job_function.company.name}"


def _measurement(m: Measurement) -> dict:
    return {"measured_on": _iso(m.measured_on), **{key: getattr(m, key) for key in PARAMETER_KEYS},
            "total": m.total}


def own_goals_facts(participant: Participant, start: date, due: date) -> dict:
    """The young person's own goals (learning circle, ``placement.goals``) written before the period's end, and
    their self-assessments ("how is it going?") given in the period."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])

    def local_day(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    goals = [g for g in goals_service.goals_of(participant) if local_day(g.created_at) < due]
    assessments = goals_service.assessments_of(participant, start, due - timedelta(days=1))
    return {
        "own_goals": [{"wording": g.wording, "state": g.state.value, "on": _iso(local_day(g.created_at)),
                       "assessments": sum(1 for a in assessments if a.goal_id == g.id)} for g in goals],
        "self_assessments": [{"goal": a.goal.wording, "on": _iso(local_day(a.at)), "score": a.score,
                              "sentence": a.sentence} for a in assessments],
    }


def period_facts(participant: Participant, start: date, due: date) -> dict:
    """Collect what was recorded about the young person in the period [start, due): plain data for JSON.

    Internships held in the period with their goals, the follow-ups and outcomes in it, the measurements up to its
    end (the first of the course against the latest), the meetings held, and the young person's own goals.
    """
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.participant_id == participant.id, Agreement.state.in_(HELD),
                                Agreement.start_date < due)
        .options(selectinload(Agreement.goals), selectinload(Agreement.follow_ups),
                 selectinload(Agreement.job_function).selectinload(JobFunction.company))
        .order_by(Agreement.start_date, Agreement.id)).all()
    agreements = [a for a in agreements if a.ended_on is None or a.ended_on >= start]
    internships, goals, follow_ups, outcomes = [], [], [], []
    for agreement in agreements:
        place = _place(agreement)
        internships.append({"place": place, "start": _iso(agreement.start_date), "ended_on": _iso(agreement.ended_on),
                            "planned_end": _iso(agreement.extended_until or planned_end(agreement)),
                            "weekly_hours": agreement.weekly_hours, "state": agreement.state.value})
        goals += [{"internship": place, "text": g.text, "sub": g.parent_id is not None,
                   "reached_on": _iso(g.reached_on) if g.reached_on and g.reached_on < due else None}
                  for g in agreement.goals]
        follow_ups += [{"internship": place, "held_on": _iso(f.held_on), "note": f.note, "next_step": f.next_step}
                       for f in agreement.follow_ups if start <= f.held_on < due]
        if agreement.ended_on is not None and start <= agreement.ended_on < due and agreement.outcome is not None:
            outcomes.append({"internship": place, "ended_on": _iso(agreement.ended_on),
                             "outcome": agreement.outcome.value, "outcome_hours": agreement.outcome_hours,
                             "outcome_start": _iso(agreement.outcome_start),
                             "decision": agreement.decision.value if agreement.decision else None,
                             "not_hired_reason": agreement.not_hired_reason.value
                             if agreement.not_hired_reason else None})
    measured = db.session.scalars(
        select(Measurement).where(Measurement.participant_id == participant.id, Measurement.measured_on < due)
        .order_by(Measurement.measured_on, Measurement.id)).all()
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.participant_id == participant.id, Meeting.held_on >= start,
                              Meeting.held_on < due).order_by(Meeting.held_on, Meeting.starts_at)).all()
    return {
        "period": {"start": _iso(start), "last_day": _iso(due - timedelta(days=1)), "due": _iso(due)},
        "internships": internships, "internship_goals": goals, "follow_ups": follow_ups, "outcomes": outcomes,
        "measurements": {"first": _measurement(measured[0]) if measured else None,
                         "latest": _measurement(measured[-1]) if len(measured) > 1 else None,
                         "in_period": [_measurement(m) for m in measured if m.measured_on >= start]},
        "meetings": [{"held_on": _iso(m.held_on), "kind": m.kind.value} for m in meetings],
        **own_goals_facts(participant, start, due),
    }


_DATE_KEYS = frozenset({"start", "last_day", "due", "ended_on", "planned_end", "reached_on", "held_on",
                        "outcome_start", "measured_on", "on"})


def revive(facts):
    """Turn the dates of stored facts (ISO text in JSON) back into dates, for display."""
    if isinstance(facts, dict):
        return {k: date.fromisoformat(v) if k in _DATE_KEYS and isinstance(v, str) else revive(v)
                for k, v in facts.items()}
    if isinstance(facts, list):
        return [revive(v) for v in facts]
    return facts


def note_facts(note: StatusNote) -> dict:
    """Return the note's documentation with dates: frozen when final, else read from the records now."""
    return revive(note.facts if note.facts is not None else period_facts(note.participant, note.period_start,
                                                                         note.due_on))


def draft_text(facts: dict) -> str:
    """Draft the note's text from the period's documentation, for the coordinator to rewrite."""
    def day(value: str | None) -> str:
        return format_date(date.fromisoformat(value), "long") if value else "–"

    lines = [_("Status note for the period %(start)s to %(end)s.", start=day(facts["period"]["start"]),
               end=day(facts["period"]["last_day"])), ""]
    lines.append(_("Internships in the period:"))
    lines += [f"- {i['place']} ({_('from %(start)s', start=day(i['start']))}, "
              f"{_('%(hours)d hours a week', hours=i['weekly_hours'])})" for i in facts["internships"]] \
        or [f"- {_('None.')}"]
    reached = [g for g in facts["internship_goals"] if g["reached_on"]]
    lines += ["", _("Goals: %(reached)d of %(total)d reached by the end of the period.", reached=len(reached),
                    total=len(facts["internship_goals"]))]
    first, latest = facts["measurements"]["first"], facts["measurements"]["latest"]
    if first and latest:
        change = latest["total"] - first["total"]
        lines += ["", _("Progress measurement: total %(first)d on %(first_day)s, %(latest)d on %(latest_day)s "
                        "(%(change)s).", first=first["total"], first_day=day(first["measured_on"]),
                        latest=latest["total"], latest_day=day(latest["measured_on"]), change=f"{change:+d}")]
    if facts["outcomes"]:
        lines += ["", _("Ended in the period:")] + [f"- {o['internship']} ({day(o['ended_on'])})"
                                                   for o in facts["outcomes"]]
    lines += ["", _("The young person's own assessment:"), "", _("Assessment and next steps:"), ""]
    return "\n".join(lines)


def get_note(participant: Participant, number: int) -> StatusNote | None:
    return db.session.scalar(select(StatusNote).where(StatusNote.participant_id == participant.id,
                                                      StatusNote.number == number))


def prepare_note(participant: Participant, number: int, user: User, today: date) -> StatusNote:
    """Return the draft status note of period ``number``, preparing it from the period's documentation if new."""
    if number < 1 or period(participant.course_start, number)[1] > _horizon(participant, today):
        raise CourseError(_("A status note is prepared from %(days)d days before it is due, within the course.",
                            days=DUE_SOON_DAYS))
    note = get_note(participant, number)
    if note is not None:
        return note
    start, due = period(participant.course_start, number)
    note = StatusNote(partnership_id=participant.partnership_id, participant=participant, number=number,
                      period_start=start, due_on=due, created_by_id=user.id,
                      text=draft_text(period_facts(participant, start, due)))
    db.session.add(note)
    db.session.flush()
    return note


def _check_draft(note: StatusNote) -> None:
    if note.is_final:
        raise CourseError(_("The status note is final: it can no longer be changed."))


def check_version(note: StatusNote, seen: int | None) -> None:
    if seen is None or seen != note.version:
        raise CourseError(_("Someone else changed the status note meanwhile. Check the current version and try "
                            "again."))


def update_text(note: StatusNote, text: str) -> None:
    """Change a draft's text."""
    _check_draft(note)
    note.text = text
    db.session.flush()


def finalise(note: StatusNote, user: User, seen_version: int | None) -> None:
    """Mark the note final: its text and the period's documentation are frozen from now on."""
    _check_draft(note)
    check_version(note, seen_version)
    note.facts = period_facts(note.participant, note.period_start, note.due_on)
    note.state, note.finalised_at, note.finalised_by_id = NoteState.FINAL, utcnow(), user.id
    db.session.flush()


def share(note: StatusNote, user: User, seen_version: int | None) -> User:
    """Share a final note with the case's caseworker, who then reads it in the service; return the caseworker."""
    if not note.is_final:
        raise CourseError(_("Mark the status note final before sharing it."))
    check_version(note, seen_version)
    caseworker = note.participant.caseworker
    if caseworker is None or not caseworker.active:
        raise CourseError(_("No active caseworker is named on the young person's record: name one first."))
    if note.shared_at is not None:
        raise CourseError(_("The status note is shared with the caseworker already."))
    note.shared_at, note.shared_by_id = utcnow(), user.id
    db.session.flush()
    return caseworker
