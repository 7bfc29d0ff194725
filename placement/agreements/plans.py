"""The plan's own work on top of the workflow (``services``): goals and sub-goals, edits while a draft, goals
reached, what a new plan starts from, the match it came from, and where a young person stands.

Like ``services``, nothing here commits, renders or reads ``request``: the view commits with
``services.commit()``.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from placement.agreements import services
from placement.agreements.models import (
    Agreement,
    Decision,
    Goal,
    Outcome,
    PlaceAfterHire,
    State,
)
from placement.agreements.services import Actor, AgreementError
from placement.database import utcnow
from placement.extensions import db
from placement.network.models import JobFunction, Mentor
from placement.participants.models import Participant
from placement.participants.needs import SUPPORT_HIGH, SUPPORT_LOW

#: The plan's fields a form sets directly (the goals and the mentor are handled apart).
PLAN_FIELDS = ("start_date", "planned_weeks", "weekly_hours", "schedule", "purpose", "tasks", "works_with",
               "meeting", "support", "follow_up_plan", "follow_up_weeks")
#: A line of the goals text that starts with this is a sub-goal of the goal above it.
SUB_GOAL_MARK = "-"
MAX_GOAL_LENGTH = 500

#: What each kind of timeline entry means (``AgreementEvent.kind``).
EVENT_KINDS = {
    "transition": _l("Step"),
    "follow_up": _l("Follow-up"),
    "follow_up_moved": _l("Follow-up moved"),
    "outcome": _l("Outcome"),
    "decision": _l("Job-centre decision"),
    "extension": _l("Extension"),
    "override": _l("Capacity override"),
    "place": _l("The place after the hire"),
    "plan": _l("Plan changed"),
    "hours": _l("Hours outside the offer or the wish"),
    "goal": _l("Goal reached"),
    "import": _l("Imported from earlier records"),
}

PLACE_LABELS = {
    PlaceAfterHire.REOPENED: _l("The company re-opens the place for a new intern"),
    PlaceAfterHire.DECLINED: _l("The company declined a new place"),
}


# Goals ---------------------------------------------------------------------------------------------------------

def parse_goals(text: str) -> list[tuple[str, list[str]]]:
    """Read goals, one per line; a line starting with "-" is a sub-goal of the goal above it.

    Raise ValueError when a sub-goal comes before any goal or a line is too long.
    """
    goals: list[tuple[str, list[str]]] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        is_sub = line.startswith(SUB_GOAL_MARK)
        line = line.lstrip(SUB_GOAL_MARK).strip() if is_sub else line
        if not line:
            continue
        if len(line) > MAX_GOAL_LENGTH:
            raise ValueError(_("A goal can be at most %(n)s characters long.", n=MAX_GOAL_LENGTH))
        if is_sub:
            if not goals:
                raise ValueError(_("A sub-goal (a line starting with “-”) must come after the goal it belongs to."))
            goals[-1][1].append(line)
        else:
            goals.append((line, []))
    return goals


def goal_tree(agreement: Agreement) -> list[tuple[Goal, list[Goal]]]:
    """Return the goals in order, each with its sub-goals."""
    children: dict[int, list[Goal]] = {}
    for goal in agreement.goals:
        if goal.parent_id is not None:
            children.setdefault(goal.parent_id, []).append(goal)
    return [(goal, children.get(goal.id, [])) for goal in agreement.goals if goal.parent_id is None]


def goals_text(agreement: Agreement) -> str:
    """Write the goals back as the text they are edited in."""
    lines = []
    for goal, subs in goal_tree(agreement):
        lines.append(goal.text)
        lines.extend(f"{SUB_GOAL_MARK} {sub.text}" for sub in subs)
    return "\n".join(lines)


def set_goals(agreement: Agreement, text: str) -> None:
    """Replace the agreement's goals with those of the text; a goal kept word for word keeps its date reached."""
    parsed = parse_goals(text)
    reached = {(goal.parent_id is None, goal.text): goal.reached_on for goal in agreement.goals}
    # Sub-goals name their goal: remove them first, so no row points at a removed one.
    for goal in [g for g in agreement.goals if g.parent_id is not None]:
        agreement.goals.remove(goal)
    db.session.flush()
    agreement.goals.clear()
    db.session.flush()
    position = 0
    for text_, subs in parsed:
        goal = Goal(position=position, text=text_, reached_on=reached.get((True, text_)))
        agreement.goals.append(goal)
        db.session.flush()
        for sub in subs:
            position += 1
            agreement.goals.append(Goal(position=position, text=sub, parent_id=goal.id,
                                        reached_on=reached.get((False, sub))))
        position += 1
    db.session.flush()


def mark_goal_reached(agreement: Agreement, goal: Goal, actor: Actor, reached_on: date,
                      *, expected_version: int | None = None) -> None:
    """Record the day the young person reached a goal (during or at the end of the internship)."""
    services.check_version(agreement, expected_version)
    if goal.agreement_id != agreement.id:
        raise AgreementError(_("This goal belongs to another agreement."))
    if agreement.state not in (State.ACTIVE, State.ENDED):
        raise AgreementError(_("Goals are marked reached once the internship has started."))
    if goal.reached_on is not None:
        raise AgreementError(_("This goal is already marked reached."))
    if reached_on < agreement.start_date:
        raise AgreementError(_("A goal cannot be reached before the internship started."))
    goal.reached_on = reached_on
    _touch(agreement)
    services._event(agreement, actor, agreement.state, "goal", goal.text)  # the timeline has one writer


def _touch(agreement: Agreement) -> None:
    # A change of a goal alone would not update the agreement's row, so its version would stay: setting the
    # timestamp makes the row (and its version) change, and a page showing the old goals becomes stale.
    agreement.updated_at = utcnow()


# Creating and editing ------------------------------------------------------------------------------------------

def plan_defaults(participant: Participant, job_function: JobFunction, today: date) -> dict:
    """Return what a new plan starts from: the job function's tasks, mentor and hours, the support-need level.

    The support answer starts from the record's own text about the support the young person needs (the consultant
    edits it before the mentor reads it: no diagnoses), or from the level's wording when there is none.
    """
    low, high = max(participant.hours_min, job_function.hours_min), min(participant.hours_max, job_function.hours_max)
    support = (participant.support_notes or "").strip() or _(
        "Support need %(level)s of 5 (1: %(low)s … 5: %(high)s).", level=participant.support_need,
        low=SUPPORT_LOW, high=SUPPORT_HIGH)
    return {
        "mentor_id": job_function.mentor_id if job_function.mentor and job_function.mentor.active else None,
        "start_date": today,
        "weekly_hours": low if low <= high else participant.hours_min,
        "tasks": job_function.tasks or job_function.title,
        "support": support,
    }


def match_explanation(participant: Participant, job_function: JobFunction, today: date) -> dict | None:
    """Score the pair as the matching page does and keep what it showed; None when the job is not offered."""
    from placement.matches.services import compare

    try:
        (scored,) = compare(participant, [job_function.id])
    except LookupError:
        return None
    return {
        "on": today.isoformat(),
        "total": scored.total,
        "rank": scored.rank,
        "distance_km": scored.distance_km,
        "components": [{"name": c.name, "value": c.value, "weight": c.weight, "sentence": c.sentence}
                       for c in scored.components],
        "reasons": [str(reason.label) for reason in scored.reasons],
    }


def create_agreement(*, participant: Participant, job_function: JobFunction, mentor: Mentor, values: dict,
                     actor: Actor, consultant, match_explanation: dict | None = None) -> Agreement:
    """Create a draft agreement from the form's values, with its goals and sub-goals."""
    plan = {name: values[name] for name in PLAN_FIELDS if name in values}
    start_date = plan.pop("start_date")
    agreement = services.new_agreement(participant=participant, job_function=job_function, mentor=mentor,
                                       consultant=consultant, start_date=start_date, actor=actor,
                                       match_explanation=match_explanation, **_blanks(plan))
    set_goals(agreement, values.get("goals", ""))
    _hours_reason(agreement, actor, values)
    return agreement


def _hours_reason(agreement: Agreement, actor: Actor, values: dict) -> None:
    """Keep the reason for hours outside the offer or the wish on the timeline."""
    reason = (values.get("hours_reason") or "").strip()
    if reason and services.hours_problem(agreement.weekly_hours, agreement.job_function, agreement.participant):
        services._event(agreement, actor, agreement.state, "hours", reason)


def update_plan(agreement: Agreement, mentor: Mentor, values: dict, actor: Actor,
                *, expected_version: int | None = None) -> None:
    """Change a draft's plan; the change shows on the timeline."""
    services.check_version(agreement, expected_version)
    if agreement.state is not State.DRAFT:
        raise AgreementError(_("Only a draft plan is changed; this one is “%(state)s”.", state=agreement.state.label))
    if mentor.company_id != agreement.job_function.company_id:
        raise AgreementError(_("The mentor must work at the job function's company."))
    agreement.mentor = mentor
    for name, value in _blanks({name: values[name] for name in PLAN_FIELDS if name in values}).items():
        setattr(agreement, name, value)
    set_goals(agreement, values.get("goals", ""))
    _touch(agreement)
    services._event(agreement, actor, agreement.state, "plan")  # the timeline has one writer
    _hours_reason(agreement, actor, values)


def _blanks(plan: dict) -> dict:
    return {name: "" if value is None else value for name, value in plan.items()}


# Where a young person stands -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Standing:
    """The latest outcome of a young person's internships and, where one is needed, the job centre's decision."""

    agreement: Agreement
    outcome: Outcome
    decision: Decision | None


def standing(agreements: list[Agreement]) -> Standing | None:
    """Return where the young person stands after their latest ended internship, or None."""
    ended = [a for a in agreements if a.state is State.ENDED and a.outcome is not None]
    if not ended:
        return None
    latest = max(ended, key=lambda a: (a.ended_on or date.min, a.id))
    return Standing(latest, latest.outcome, latest.decision)


def event_comment(event) -> str:
    """Return an event's comment for people: a recorded decision or choice in words, not its code."""
    comment = event.comment or ""
    code, _sep, rest = comment.partition(":")
    words = None
    if event.kind == "decision" and code in {d.value for d in Decision}:
        words = Decision(code).label
    elif event.kind == "place" and code in {p.value for p in PlaceAfterHire}:
        words = PLACE_LABELS[PlaceAfterHire(code)]
    if words is None:
        return comment
    return f"{words}: {rest.strip()}" if rest.strip() else str(words)
