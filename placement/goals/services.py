"""Goals the young person owns: writing them in the learning circle's four steps, their state and history, the
young person's self-assessments, and what the young person's own page shows.

Nothing here commits, renders or reads ``request``: the view commits. Other features read goals through
``goals_of``, ``plan_goals_of`` and ``assessments_of``; meetings shown on the young person's page come from the
sources in ``MEETING_SOURCES`` (``register_meeting_source`` adds one, e.g. status and network meetings).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from placement.agreements.models import Agreement, State
from placement.agreements.services import first_name, follow_up_dates
from placement.extensions import db
from placement.goals.models import (
    SCORE_MAX,
    SCORE_MIN,
    GoalEvent,
    GoalState,
    LearningGoal,
    SelfAssessment,
)
from placement.network.models import JobFunction
from placement.participants.models import Participant

#: The steps' fields a form sets, in the learning circle's order.
STEP_FIELDS = ("wording", "activities", "activity_owner", "activity_due", "measure_how", "measure_on", "learned")
DATE_STEPS = frozenset({"activity_due", "measure_on"})
MAX_WORDING = 1000
MAX_SENTENCE = 500

#: The self-assessment's faces, from 1 to 5, by their words (the face itself is drawn by
#: ``templates/goals/_face.html`` and hidden from screen readers, which read the words).
FACES = {1: _l("Very bad"), 2: _l("Bad"), 3: _l("So-so"), 4: _l("Good"), 5: _l("Very good")}


class GoalError(Exception):
    """A change of a goal that is not allowed; nothing is changed."""


class StaleGoal(GoalError):
    """The goal changed since the page was loaded."""


def wording_problem(text: str | None) -> str | None:
    """Say why a goal's wording cannot be saved, or None: the goal must be in the young person's own words."""
    if not (text or "").strip():
        return _("Write the goal in the young person's own words. A goal is not saved without them.")
    if len(text.strip()) > MAX_WORDING:
        return _("The goal can be at most %(n)s characters long.", n=MAX_WORDING)
    return None


def score_problem(score) -> str | None:
    """Say why a self-assessment's value cannot be saved, or None."""
    if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
        return _("Choose one of the five faces, from %(low)s to %(high)s.", low=SCORE_MIN, high=SCORE_MAX)
    return None


def _event(goal: LearningGoal, user, kind: str, *, from_state: GoalState | None = None,
           to_state: GoalState | None = None, fields: str = "", comment: str = "") -> None:
    goal.events.append(GoalEvent(actor_id=user.id if user is not None else None,
                                 actor_label=user.name if user is not None else "system", kind=kind,
                                 from_state=from_state, to_state=to_state, fields=fields, comment=comment))


def _steps(values: dict) -> dict:
    """The steps' values as stored: texts stripped, dates as given (None: none)."""
    return {name: values.get(name) if name in DATE_STEPS else (values.get(name) or "").strip()
            for name in STEP_FIELDS}


# Writing goals ---------------------------------------------------------------------------------------------------

def create_goal(participant: Participant, values: dict, user, *, follows: LearningGoal | None = None) -> LearningGoal:
    """Write a new active goal for the young person; ``follows``: the earlier goal it follows (step 4)."""
    problem = wording_problem(values.get("wording"))
    if problem:
        raise GoalError(problem)
    if follows is not None and follows.participant_id != participant.id:
        raise GoalError(_("The earlier goal belongs to another young person."))
    goal = LearningGoal(partnership_id=participant.partnership_id, participant_id=participant.id,
                        created_by_id=user.id if user is not None else None, state=GoalState.ACTIVE,
                        follows_id=follows.id if follows is not None else None, **_steps(values))
    db.session.add(goal)
    _event(goal, user, "created", to_state=GoalState.ACTIVE)
    db.session.flush()
    return goal


def apply_steps(goal: LearningGoal, values: dict, user) -> None:
    """Change the goal's steps; the history names the steps changed (not their text)."""
    problem = wording_problem(values.get("wording"))
    if problem:
        raise GoalError(problem)
    changed = []
    for name, value in _steps(values).items():
        if getattr(goal, name) != value:
            setattr(goal, name, value)
            changed.append(name)
    if changed:
        _event(goal, user, "edited", fields=",".join(changed))


def change_state(goal: LearningGoal, to_state: GoalState, user, *, comment: str = "",
                 expected_version: int | None = None) -> None:
    """Mark the goal reached, changed, dropped or active again, on the version the user saw."""
    if expected_version is None or expected_version != goal.version:
        raise StaleGoal(_("Someone else changed this goal meanwhile. Look at it again and repeat the change."))
    if to_state is goal.state:
        raise GoalError(_("The goal is already “%(state)s”.", state=goal.state.label))
    from_state, goal.state = goal.state, to_state
    _event(goal, user, "state", from_state=from_state, to_state=to_state, comment=comment.strip())


# Reading goals ---------------------------------------------------------------------------------------------------

def goals_of(participant: Participant, *, states: Iterable[GoalState] | None = None) -> list[LearningGoal]:
    """Return the young person's goals, active ones first, then newest first; ``states`` limits them."""
    stmt = (select(LearningGoal).where(LearningGoal.participant_id == participant.id)
            .options(selectinload(LearningGoal.events), selectinload(LearningGoal.assessments)))
    if states is not None:
        stmt = stmt.where(LearningGoal.state.in_(list(states)))
    goals = db.session.scalars(stmt.order_by(LearningGoal.id.desc())).all()
    return sorted(goals, key=lambda g: g.state is not GoalState.ACTIVE)


def get_goal(participant: Participant, goal_id: int) -> LearningGoal | None:
    """Return one of the young person's goals, or None (also for another young person's goal)."""
    goal = db.session.get(LearningGoal, goal_id)
    return goal if goal is not None and goal.participant_id == participant.id else None


def followers(goals: Iterable[LearningGoal]) -> dict[int, list[LearningGoal]]:
    """Return, per goal id, the goals that follow it (step 4: which new goal follows)."""
    found: dict[int, list[LearningGoal]] = {}
    for goal in goals:
        if goal.follows_id is not None:
            found.setdefault(goal.follows_id, []).append(goal)
    return found


@dataclass(frozen=True, slots=True)
class PlanGoal:
    """A goal or sub-goal of an internship plan (``agreement_goals``), shown read-only beside the young person's."""

    agreement_id: int
    job_title: str
    company: str
    text: str
    is_sub_goal: bool
    reached_on: date | None


#: Plans whose goals are shown: every plan but those that never came to anything.
PLAN_STATES = (State.DRAFT, State.SENT, State.CONFIRMED, State.ACTIVE, State.ENDED)


def plan_goals_of(participant: Participant) -> list[PlanGoal]:
    """Return the goals of the young person's internship plans, newest plan first, in the plan's order."""
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.participant_id == participant.id, Agreement.state.in_(PLAN_STATES))
        .options(selectinload(Agreement.goals), selectinload(Agreement.job_function).selectinload(JobFunction.company))
        .order_by(Agreement.start_date.desc(), Agreement.id.desc())).all()
    return [PlanGoal(a.id, a.job_function.title, a.job_function.company.name, goal.text, goal.parent_id is not None,
                     goal.reached_on) for a in agreements for goal in a.goals]


# Self-assessments ------------------------------------------------------------------------------------------------

def record_assessment(participant: Participant, goal: LearningGoal | None, score, sentence: str = "") -> SelfAssessment:
    """Keep the young person's answer to "How is it going?" for one of their active goals."""
    if goal is None or goal.participant_id != participant.id:
        raise GoalError(_("This goal is not one of yours."))
    if goal.state is not GoalState.ACTIVE:
        raise GoalError(_("This goal is finished. You can say how it goes for your active goals."))
    problem = score_problem(score)
    if problem:
        raise GoalError(problem)
    sentence = (sentence or "").strip()
    if len(sentence) > MAX_SENTENCE:
        raise GoalError(_("Write at most %(n)s characters.", n=MAX_SENTENCE))
    assessment = SelfAssessment(partnership_id=participant.partnership_id, participant_id=participant.id,
                                goal=goal, score=score, sentence=sentence)
    db.session.add(assessment)
    db.session.flush()
    return assessment


def _start_of(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def assessments_of(participant: Participant, since: date | None = None, until: date | None = None
                   ) -> list[SelfAssessment]:
    """Return the young person's self-assessments given from ``since`` to ``until`` (days where the service is
    used, both included; None: no limit), oldest first, each with its goal."""
    stmt = (select(SelfAssessment).where(SelfAssessment.participant_id == participant.id)
            .options(selectinload(SelfAssessment.goal)))
    if since is not None:
        stmt = stmt.where(SelfAssessment.at >= _start_of(since))
    if until is not None:
        stmt = stmt.where(SelfAssessment.at < _start_of(until + timedelta(days=1)))
    return list(db.session.scalars(stmt.order_by(SelfAssessment.at, SelfAssessment.id)))


# The young person's own page -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting on the young person's page: when and what, in words for the young person."""

    day: date
    title: str
    place: str = ""


#: Where the young person's next meetings come from: functions (young person, today) -> meetings on or after
#: today. Another feature adds its own with ``register_meeting_source``.
MEETING_SOURCES: list[Callable[[Participant, date], Iterable[Meeting]]] = []


def register_meeting_source(source: Callable[[Participant, date], Iterable[Meeting]]):
    """Add a source of the young person's meetings (usable as a decorator); each is added once."""
    if source not in MEETING_SOURCES:
        MEETING_SOURCES.append(source)
    return source


@register_meeting_source
def internship_meetings(participant: Participant, today: date) -> list[Meeting]:
    """The first day and the follow-up meetings of the young person's agreed internships."""
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.participant_id == participant.id,
                                Agreement.state.in_((State.CONFIRMED, State.ACTIVE)))
        .options(selectinload(Agreement.job_function).selectinload(JobFunction.company))).all()
    meetings = []
    for agreement in agreements:
        company = agreement.job_function.company.name
        if agreement.state is State.CONFIRMED and agreement.start_date >= today:
            meetings.append(Meeting(agreement.start_date, _("Your first day at %(company)s", company=company)))
        meetings.extend(Meeting(day, _("Follow-up meeting about your internship at %(company)s", company=company))
                        for day in follow_up_dates(agreement) if day >= today)
    return meetings


def next_meetings(participant: Participant, today: date, *, limit: int = 5) -> list[Meeting]:
    """Return the young person's next meetings from every source, soonest first."""
    meetings = [meeting for source in MEETING_SOURCES for meeting in source(participant, today)]
    return sorted(meetings, key=lambda m: (m.day, m.title))[:limit]


#: The parts of the internship plan the young person sees, in words for them: never the support need (it may
#: speak of health), nor the match's explanation.
OWN_PLAN_QUESTIONS = (
    ("purpose", _l("Why this internship")),
    ("tasks", _l("What you do")),
    ("works_with", _l("Who you work with")),
    ("meeting", _l("Where and when you meet")),
    ("follow_up_plan", _l("How we follow up")),
)


@dataclass(frozen=True, slots=True)
class OwnPlan:
    """What the young person sees of their internship plan."""

    job_title: str
    company: str
    start_date: date
    planned_weeks: int
    weekly_hours: int
    schedule: str
    answers: tuple[tuple[str, str], ...]
    goals: tuple[str, ...]


def own_plan(participant: Participant) -> OwnPlan | None:
    """Return the young person's current agreed internship plan (active, else confirmed), or None."""
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.participant_id == participant.id,
                                Agreement.state.in_((State.ACTIVE, State.CONFIRMED)))
        .order_by(Agreement.start_date.desc(), Agreement.id.desc())).all()
    if not agreements:
        return None
    agreement = next((a for a in agreements if a.state is State.ACTIVE), agreements[0])
    return OwnPlan(job_title=agreement.job_function.title, company=agreement.job_function.company.name,
                   start_date=agreement.start_date, planned_weeks=agreement.planned_weeks,
                   weekly_hours=agreement.weekly_hours, schedule=agreement.schedule,
                   answers=tuple((str(question), getattr(agreement, name)) for name, question in OWN_PLAN_QUESTIONS
                                 if getattr(agreement, name).strip()),
                   goals=tuple(goal.text for goal in agreement.goals))


@dataclass(frozen=True, slots=True)
class OwnGoal:
    """One of the young person's active goals, as their page shows it."""

    id: int
    wording: str
    activities: str
    activity_owner: str
    activity_due: date | None
    measure_how: str
    measure_on: date | None
    #: Their latest answer (score, sentence, when), or None.
    latest: tuple[int, str, datetime] | None


@dataclass(frozen=True, slots=True)
class OwnPage:
    """Everything the young person's page shows: their own data only, no health data, no one else's."""

    first_name: str
    goals: tuple[OwnGoal, ...]
    finished: tuple[tuple[str, GoalState], ...]
    meetings: tuple[Meeting, ...]
    plan: OwnPlan | None
    #: Whom the young person asks: the coordinator named on the case, else the consultant (name, e-mail).
    contact: tuple[str, str] | None
    branding: object = None


def contact_of(participant: Participant) -> tuple[str, str] | None:
    """Return whom the young person asks about their goals and link: their coordinator, else consultant."""
    person = participant.coordinator or participant.consultant
    return (person.name, person.email) if person is not None else None


def own_page(participant: Participant, today: date) -> OwnPage:
    """Build what the young person's own page shows."""
    from placement.partnerships.services import branding

    goals = goals_of(participant)
    active = tuple(OwnGoal(g.id, g.wording, g.activities, g.activity_owner, g.activity_due, g.measure_how,
                           g.measure_on, (g.assessments[-1].score, g.assessments[-1].sentence, g.assessments[-1].at)
                           if g.assessments else None)
                   for g in goals if g.state is GoalState.ACTIVE)
    finished = tuple((g.wording, g.state) for g in goals if g.state is not GoalState.ACTIVE)
    return OwnPage(first_name=first_name(participant.name), goals=active, finished=finished,
                   meetings=tuple(next_meetings(participant, today)), plan=own_plan(participant),
                   contact=contact_of(participant), branding=branding(participant.partnership))
