"""The agreement's workflow: the states, who may move it, places and capacity, follow-up, outcome, decision.

Every change goes through ``transition`` or one of the recording functions below, so each step is checked,
versioned (optimistic locking) and written to the timeline. Callers commit.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from placement import sanity
from placement.agreements.models import (
    HOLDS_PLACE,
    Agreement,
    AgreementEvent,
    Decision,
    FollowUp,
    Goal,
    NotHiredReason,
    Outcome,
    PlaceAfterHire,
    State,
)
from placement.auth.models import User
from placement.extensions import db
from placement.network.models import Company, JobFunction, Mentor
from placement.participants.services import local_today
from placement.retention import services as retention
from placement.workdays import next_workday


class AgreementError(Exception):
    """A step that is not allowed now; nothing was changed."""


class StaleAgreement(AgreementError):
    """Someone else changed the agreement meanwhile."""


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    sources: frozenset[State]
    target: State
    #: Who may take the step: "staff" (consultant, coordinator, admin) or "mentor" (account or e-mailed link).
    by: str


STEPS = {step.name: step for step in (
    Step("send", frozenset({State.DRAFT}), State.SENT, "staff"),
    Step("withdraw", frozenset({State.SENT}), State.DRAFT, "staff"),
    Step("confirm", frozenset({State.SENT}), State.CONFIRMED, "mentor"),
    Step("request_changes", frozenset({State.SENT}), State.DRAFT, "mentor"),
    Step("decline", frozenset({State.SENT}), State.DECLINED, "mentor"),
    Step("start", frozenset({State.CONFIRMED}), State.ACTIVE, "staff"),
    Step("end", frozenset({State.ACTIVE}), State.ENDED, "staff"),
    Step("cancel", frozenset({State.DRAFT, State.SENT, State.CONFIRMED}), State.CANCELLED, "staff"),
)}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user, or a mentor through the e-mailed link (``user`` None)."""

    user: User | None
    label: str
    is_mentor: bool


def today() -> date:
    """Return today where the service is used: the date rules below check against it (tests may pin it)."""
    return local_today()


def follow_up_date_problem(agreement: Agreement, held_on: date) -> str | None:
    """Say why a follow-up cannot have been held on ``held_on``, or None."""
    if held_on > today():
        return _("The follow-up on %(date)s cannot be in the future.", date=format_date(held_on, "long"))
    if held_on < agreement.start_date:
        return _("The follow-up on %(date)s cannot be before the internship started (%(start)s).",
                 date=format_date(held_on, "long"), start=format_date(agreement.start_date, "long"))
    return None


def hours_problem(weekly_hours: int, job_function: JobFunction, participant) -> str | None:
    """Say how the plan's weekly hours stray from the job function's offer and the young person's wish, or None.

    Not a refusal: a plan may differ, with a reason (e.g. a slow start agreed with the young person).
    """
    offer = job_function.hours_min <= weekly_hours <= job_function.hours_max
    wish = participant.hours_min <= weekly_hours <= participant.hours_max
    if offer and wish:
        return None
    values = {"hours": weekly_hours, "offer": f"{job_function.hours_min}–{job_function.hours_max}",
              "wish": f"{participant.hours_min}–{participant.hours_max}"}
    if not offer and not wish:
        return _("%(hours)s hours a week is outside both the job function's offer (%(offer)s) and the young "
                 "person's wish (%(wish)s).", **values)
    if not offer:
        return _("%(hours)s hours a week is outside the job function's offer (%(offer)s).", **values)
    return _("%(hours)s hours a week is outside the young person's wish (%(wish)s).", **values)


def started_on_problem(agreement: Agreement, started_on: date) -> str | None:
    """Say why the internship cannot have started on ``started_on``, or None."""
    if started_on > today():
        return _("The internship cannot have started on %(date)s: that is in the future.",
                 date=format_date(started_on, "long"))
    return None


def ended_on_problem(agreement: Agreement, ended_on: date) -> str | None:
    """Say why the internship cannot have ended on ``ended_on``, or None."""
    if ended_on > today():
        return _("The internship cannot have ended on %(date)s: that is in the future.",
                 date=format_date(ended_on, "long"))
    if ended_on < agreement.start_date:
        return _("The internship cannot end before it started.")
    return None


def decided_on_problem(agreement: Agreement, decided_on: date) -> str | None:
    """Say why the job centre cannot have decided on ``decided_on``, or None."""
    if decided_on > today():
        return _("The decision date %(date)s cannot be in the future.", date=format_date(decided_on, "long"))
    return sanity.decision_start_problem(agreement.start_date, decided_on)


def extension_problem(agreement: Agreement, until: date) -> str | None:
    """Say why the internship cannot be extended until ``until``, or None."""
    if until <= planned_end(agreement):
        return _("Extend beyond the planned end (%(end)s).", end=format_date(planned_end(agreement), "long"))
    return None


def check_version(agreement: Agreement, expected: int | None) -> None:
    """Refuse a change made on a version of the agreement that is no longer current."""
    if expected is not None and expected != agreement.version:
        raise StaleAgreement(_("The agreement was changed by someone else meanwhile. Here is the current version."))


#: What a change of an agreement is refused with: a rule, or a concurrent change of the same agreement that a
#: flush (an UPDATE ... WHERE version = the one loaded) found before the commit did.
REFUSALS = (AgreementError, StaleDataError)


def refusal(error: Exception) -> Exception:
    """Return the refusal to report for one of ``REFUSALS``: a lost race is a ``StaleAgreement`` (a 409)."""
    if isinstance(error, StaleDataError):
        return StaleAgreement(_("The agreement was changed by someone else meanwhile. Here is the current "
                                "version."))
    return error


def commit() -> None:
    """Commit the request's changes; a concurrent change of the same agreement makes this one fail whole."""
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleAgreement(_("The agreement was changed by someone else meanwhile. Here is the current "
                               "version.")) from error


def _event(agreement: Agreement, actor: Actor, to_state: State, kind: str, comment: str = "",
           from_state: State | None = None) -> AgreementEvent:
    event = AgreementEvent(agreement=agreement, actor_id=actor.user.id if actor.user else None,
                           actor_label=actor.label, from_state=from_state, to_state=to_state, kind=kind,
                           comment=comment.strip())
    db.session.add(event)
    return event


def allowed_steps(agreement: Agreement, actor: Actor) -> list[str]:
    """Return the steps this actor may take now."""
    by = "mentor" if actor.is_mentor else "staff"
    return [s.name for s in STEPS.values() if agreement.state in s.sources and s.by == by]


def transition(agreement: Agreement, step_name: str, actor: Actor, *, comment: str = "",
               expected_version: int | None = None) -> AgreementEvent:
    """Move the agreement one step, or raise AgreementError and change nothing."""
    step = STEPS.get(step_name)
    if step is None:
        raise AgreementError(_("Unknown step %(step)s.", step=step_name))
    check_version(agreement, expected_version)
    if (step.by == "mentor") != actor.is_mentor:
        raise AgreementError(_("Only the mentor confirms, requests changes or declines; only the job centre's "
                               "and the education place's staff send, start, end or cancel."))
    if agreement.state not in step.sources:
        raise AgreementError(_("An agreement that is “%(state)s” cannot take this step (%(step)s).",
                               state=agreement.state.label, step=step_name))
    if step_name == "request_changes" and not comment.strip():
        raise AgreementError(_("Say which changes are needed."))
    if step_name == "send":
        problems = plan_problems(agreement)
        if problems:
            raise AgreementError(_("The plan is not complete: %(missing)s.", missing="; ".join(problems)))
    if step_name == "confirm" and not agreement.capacity_override:
        problem = capacity_problem(agreement)
        if problem:
            raise AgreementError(problem)
    if step_name == "end" and agreement.outcome is None:
        raise AgreementError(_("Record the outcome when ending the internship."))
    previous = agreement.state
    agreement.state = step.target
    return _event(agreement, actor, step.target, "transition", comment, from_state=previous)


def plan_problems(agreement: Agreement) -> list[str]:
    """Return what the plan still lacks before it can go to the mentor."""
    missing = [label for field, label in (
        ("purpose", _("the purpose")), ("tasks", _("the job functions")),
        ("works_with", _("who the young person works with")), ("meeting", _("where and when they meet")),
        ("support", _("the support need")), ("follow_up_plan", _("how we follow up")))
        if not getattr(agreement, field).strip()]
    if not agreement.goals:
        missing.append(_("at least one goal"))
    if not agreement.mentor.email:
        missing.append(_("the mentor's e-mail address"))
    return missing


def _holding_place(column, ids, exclude_agreement_id: int | None) -> dict[int, int]:
    """Count the confirmed or active agreements per value of ``column`` (an Agreement column) among ``ids``."""
    stmt = (select(column, func.count(Agreement.id))
            .where(column.in_(list(ids)), Agreement.state.in_(HOLDS_PLACE))
            .group_by(column))
    if exclude_agreement_id is not None:
        stmt = stmt.where(Agreement.id != exclude_agreement_id)
    return dict(db.session.execute(stmt).all())


def places_taken(job_function_ids, *, exclude_agreement_id: int | None = None) -> dict[int, int]:
    """Return how many places each job function has taken by confirmed or active agreements."""
    return _holding_place(Agreement.job_function_id, job_function_ids, exclude_agreement_id)


def interns_of(mentor_ids, *, exclude_agreement_id: int | None = None) -> dict[int, int]:
    """Return how many confirmed or active interns each mentor has."""
    return _holding_place(Agreement.mentor_id, mentor_ids, exclude_agreement_id)


def capacity_problem(agreement: Agreement) -> str | None:
    """Say why confirming would overfill the job function or the mentor, or None."""
    job, mentor = agreement.job_function, agreement.mentor
    taken = places_taken([job.id], exclude_agreement_id=agreement.id).get(job.id, 0)
    if taken >= job.places:
        return _("All %(places)s places of “%(title)s” are taken. The consultant can record an override with a "
                 "reason.", places=job.places, title=job.title)
    interns = interns_of([mentor.id], exclude_agreement_id=agreement.id).get(mentor.id, 0)
    if interns >= mentor.max_interns:
        return _("%(mentor)s already has %(interns)s of %(max)s interns. The consultant can record an override "
                 "with a reason.", mentor=mentor.name, interns=interns, max=mentor.max_interns)
    return None


def record_override(agreement: Agreement, actor: Actor, reason: str, *, expected_version: int | None = None) -> None:
    """Allow confirming into a full job function or for a mentor at capacity, with the reason on the timeline."""
    check_version(agreement, expected_version)
    if not reason.strip():
        raise AgreementError(_("Give the reason for the override."))
    if agreement.state not in (State.DRAFT, State.SENT):
        raise AgreementError(_("An override is recorded before the mentor confirms."))
    agreement.capacity_override = reason.strip()
    _event(agreement, actor, agreement.state, "override", reason)


def planned_end(agreement: Agreement) -> date:
    """Return the last day of the internship as planned, or as extended."""
    end = agreement.start_date + timedelta(weeks=agreement.planned_weeks) - timedelta(days=1)
    return max(end, agreement.extended_until) if agreement.extended_until else end


def planned_follow_ups(agreement: Agreement) -> list[tuple[date, date]]:
    """Return (the day the plan gives, the day of the meeting) per follow-up: every ``follow_up_weeks`` from the start
    to the end, on the next working day when it would fall on a weekend or a Danish public holiday, unless the
    consultant moved it (``move_follow_up``)."""
    moves = agreement.follow_up_moves or {}
    pairs, step = [], timedelta(weeks=max(agreement.follow_up_weeks, 1))
    day, end = agreement.start_date + step, planned_end(agreement)
    while day <= end:
        planned = next_workday(day)
        moved = moves.get(planned.isoformat())
        pairs.append((planned, date.fromisoformat(moved) if moved else planned))
        day += step
    return pairs


def follow_up_dates(agreement: Agreement) -> list[date]:
    """Return the days of the follow-up meetings, in order (see ``planned_follow_ups``)."""
    return sorted(day for _planned, day in planned_follow_ups(agreement))


def move_problem(agreement: Agreement, planned: date, to: date, today: date) -> str | None:
    """Say why the follow-up the plan gives on ``planned`` cannot be moved to ``to``, or None."""
    if agreement.state not in (State.DRAFT, State.SENT, State.CONFIRMED, State.ACTIVE):
        return _("The follow-ups of an ended or cancelled internship are not moved.")
    if planned not in {p for p, _day in planned_follow_ups(agreement)}:
        return _("The plan has no follow-up on %(date)s.", date=sanity.day_text(planned))
    if to < today:
        return _("A follow-up is not moved to a day that has passed.")
    if to < agreement.start_date or to > planned_end(agreement):
        return _("A follow-up lies between the internship's start (%(start)s) and its planned end (%(end)s).",
                 start=sanity.day_text(agreement.start_date), end=sanity.day_text(planned_end(agreement)))
    if next_workday(to) != to:
        return _("%(date)s is a weekend day or a public holiday: choose a working day.", date=sanity.day_text(to))
    return None


def move_follow_up(agreement: Agreement, actor: Actor, planned: date, to: date, *,
                   expected_version: int | None = None) -> None:
    """Move one follow-up meeting to another working day (the calendar files follow); on the timeline."""
    check_version(agreement, expected_version)
    problem = move_problem(agreement, planned, to, today())
    if problem:
        raise AgreementError(problem)
    current = dict(planned_follow_ups(agreement))[planned]
    moves = dict(agreement.follow_up_moves or {})
    if to == planned:
        moves.pop(planned.isoformat(), None)
    else:
        moves[planned.isoformat()] = to.isoformat()
    agreement.follow_up_moves = moves or None
    _event(agreement, actor, agreement.state, "follow_up_moved",
           f"{sanity.day_text(current)} → {sanity.day_text(to)}")


def next_follow_up(agreement: Agreement, today: date) -> date | None:
    """Return the first planned follow-up not covered by a logged one (held on or after it), or None."""
    held = sorted(f.held_on for f in agreement.follow_ups)
    for planned in follow_up_dates(agreement):
        if not any(h >= planned for h in held):
            return planned
    return None


def is_overdue(agreement: Agreement, today: date) -> bool:
    """Tell whether an active internship has a follow-up that should have happened."""
    due = next_follow_up(agreement, today)
    return agreement.state is State.ACTIVE and due is not None and due < today


def log_follow_up(agreement: Agreement, author: User, held_on: date, note: str, next_step: str) -> FollowUp:
    """Log a follow-up meeting with its note and the next step."""
    if agreement.state is not State.ACTIVE:
        raise AgreementError(_("Follow-ups are logged while the internship is active."))
    problem = follow_up_date_problem(agreement, held_on)
    if problem:
        raise AgreementError(problem)
    follow_up = FollowUp(agreement=agreement, held_on=held_on, note=note.strip(), next_step=next_step.strip(),
                         author_id=author.id)
    db.session.add(follow_up)
    _event(agreement, Actor(author, author.name, False), agreement.state, "follow_up", note)
    return follow_up


def record_outcome(agreement: Agreement, actor: Actor, *, outcome: Outcome, ended_on: date,
                   hours: int | None = None, job_start: date | None = None,
                   reason: NotHiredReason | None = None, comment: str = "",
                   expected_version: int | None = None) -> AgreementEvent:
    """End the internship with its outcome; a flex-job, wage subsidy or protected employment awaits a decision."""
    check_version(agreement, expected_version)
    if actor.is_mentor or agreement.state is not State.ACTIVE:
        raise AgreementError(_("Only an active internship is ended, by the consultant or coordinator."))
    if outcome.is_hire and (hours is None or job_start is None):
        raise AgreementError(_("A hire needs the weekly hours and the start date of the job."))
    if not outcome.is_hire and reason is None:
        raise AgreementError(_("Say why the internship did not end in a hire."))
    problem = ended_on_problem(agreement, ended_on) or (
        sanity.job_start_problem(agreement.start_date, job_start) if outcome.is_hire else None)
    if problem:
        raise AgreementError(problem)
    agreement.outcome, agreement.ended_on = outcome, ended_on
    agreement.outcome_hours, agreement.outcome_start = (hours, job_start) if outcome.is_hire else (None, None)
    agreement.not_hired_reason = None if outcome.is_hire else reason
    agreement.decision = Decision.PENDING if outcome.needs_decision else None
    event = transition(agreement, "end", actor, comment=comment)
    if outcome.is_hire:
        retention.schedule(agreement)
    return event


def record_decision(agreement: Agreement, actor: Actor, decision: Decision, decided_on: date, comment: str = "",
                    *, expected_version: int | None = None) -> None:
    """Record the home municipality's job-centre decision on a flex-job, wage subsidy or protected employment."""
    check_version(agreement, expected_version)
    if agreement.outcome is None or not agreement.outcome.needs_decision:
        raise AgreementError(_("Only a flex-job, wage-subsidy job or protected employment awaits a decision."))
    if decision is Decision.PENDING:
        raise AgreementError(_("Record the decision: approved or rejected."))
    problem = decided_on_problem(agreement, decided_on)
    if problem:
        raise AgreementError(problem)
    agreement.decision, agreement.decision_date = decision, decided_on
    _event(agreement, actor, agreement.state, "decision", f"{decision.value}: {comment}".strip(": "))


def record_place_after_hire(agreement: Agreement, actor: Actor, choice: PlaceAfterHire, comment: str = "",
                            *, expected_version: int | None = None) -> None:
    """Record whether the company re-opened the internship place after hiring, so the network does not shrink.

    Re-opened: the place is free again (the ended agreement no longer holds it). Declined: the job function
    offers one place fewer.
    """
    check_version(agreement, expected_version)
    if agreement.outcome is None or not agreement.outcome.is_hire:
        raise AgreementError(_("This is asked only when an internship ended in a hire."))
    if agreement.place_after_hire is not None:
        raise AgreementError(_("What became of the place is already recorded."))
    agreement.place_after_hire = choice
    if choice is PlaceAfterHire.DECLINED:
        agreement.job_function.places = max(agreement.job_function.places - 1, 0)
    _event(agreement, actor, agreement.state, "place", f"{choice.value}: {comment}".strip(": "))


def record_extension(agreement: Agreement, actor: Actor, until: date, reason: str,
                     *, expected_version: int | None = None) -> None:
    """Extend the internship beyond its planned length, with the reason."""
    check_version(agreement, expected_version)
    if agreement.state is not State.ACTIVE:
        raise AgreementError(_("Only an active internship is extended."))
    if until <= planned_end(agreement) or not reason.strip():
        raise AgreementError(_("An extension needs a later end date and a reason."))
    agreement.extended_until = until
    _event(agreement, actor, agreement.state, "extension", f"{until:%d.%m.%Y}: {reason.strip()}")


def warnings(agreement: Agreement, today: date) -> list[str]:
    """Return what Danish practice calls for attention: overrunning internships, companies with too many interns."""
    found = []
    if agreement.state is State.ACTIVE:
        limit_weeks = current_app.config["INTERNSHIP_MAX_WEEKS"]
        if today > planned_end(agreement):
            found.append(_("The internship has run past its planned end (%(end)s) without a recorded extension.",
                           end=format_date(planned_end(agreement), "long")))
        elif agreement.extended_until is None and today > agreement.start_date + timedelta(weeks=limit_weeks):
            found.append(_("The internship has run longer than %(weeks)s weeks without a recorded extension.",
                           weeks=limit_weeks))
        company = agreement.job_function.company
        limit = company_intern_limit(company)
        interns = db.session.scalar(select(func.count(Agreement.id)).join(Agreement.job_function)
                                    .where(JobFunction.company_id == company.id, Agreement.state == State.ACTIVE))
        if interns > limit:
            found.append(_("%(company)s has %(interns)s interns; its size allows %(limit)s.", company=company.name,
                           interns=interns, limit=limit))
    return found


def company_intern_limit(company: Company) -> int:
    """Return how many interns a company's size allows (configurable ratio of interns to employees, at least 1)."""
    ratio = current_app.config["INTERNS_PER_EMPLOYEE"]
    return max(1, int((company.employees or 0) * ratio))


def new_agreement(*, participant, job_function: JobFunction, mentor: Mentor, consultant: User | None,
                  start_date: date, actor: Actor, match_explanation: dict | None = None, **plan) -> Agreement:
    """Create a draft agreement (from a match, carrying its explanation, or directly)."""
    if job_function.company.partnership_id != participant.partnership_id:
        raise AgreementError(_("The job function belongs to another partnership."))
    if mentor.company_id != job_function.company_id:
        raise AgreementError(_("The mentor must work at the job function's company."))
    goals = plan.pop("goals", [])
    agreement = Agreement(partnership_id=participant.partnership_id, participant=participant,
                          job_function=job_function, mentor=mentor, consultant=consultant, start_date=start_date,
                          match_explanation=match_explanation, **plan)
    for position, text in enumerate(g for g in goals if g.strip()):
        agreement.goals.append(Goal(position=position, text=text.strip()))
    db.session.add(agreement)
    db.session.flush()
    _event(agreement, actor, State.DRAFT, "transition", "")
    return agreement


def take_step(agreement: Agreement, step_name: str, actor: Actor, *, comment: str = "",
              expected_version: int | None = None, started_on: date | None = None) -> None:
    """Take one of the staff's workflow steps, with what goes with it (the mentor's e-mail on send and withdraw,
    the actual first day on start: ``started_on``, else the planned day or today, whichever is earlier)."""
    if step_name == "send":
        send_to_mentor(agreement, actor, comment=comment, expected_version=expected_version)
    elif step_name == "start":
        start_internship(agreement, actor, started_on or min(agreement.start_date, today()), comment=comment,
                         expected_version=expected_version)
    elif step_name == "withdraw":
        withdraw_from_mentor(agreement, actor, comment=comment, expected_version=expected_version)
    else:
        transition(agreement, step_name, actor, comment=comment, expected_version=expected_version)


def first_name(name: str) -> str:
    """Return the first of a person's names (a mentor sees no more of the young person)."""
    parts = name.split()
    return parts[0] if parts else ""


def start_internship(agreement: Agreement, actor: Actor, started_on: date, *, comment: str = "",
                     expected_version: int | None = None) -> None:
    """Start the confirmed internship on its actual first day; a day other than the planned one becomes the
    start (follow-ups and figures count from it) and the timeline keeps the planned day."""
    check_version(agreement, expected_version)
    if agreement.state is State.CONFIRMED and (problem := started_on_problem(agreement, started_on)):
        raise AgreementError(problem)
    planned = agreement.start_date
    if started_on != planned:
        note = _("Started on %(actual)s (planned %(planned)s).", actual=format_date(started_on, "long"),
                 planned=format_date(planned, "long"))
        comment = f"{note} {comment.strip()}".strip()
        agreement.start_date = started_on
    transition(agreement, "start", actor, comment=comment, expected_version=expected_version)


def _intern_first_name(agreement: Agreement) -> str:
    return first_name(agreement.participant.name)


def send_to_mentor(agreement: Agreement, actor: Actor, *, comment: str = "",
                   expected_version: int | None = None) -> str:
    """Send the plan to the mentor: move it to "sent" and put an e-mail with a fresh link in the outbox.

    The e-mail names the intern by first name (a mentor may have several), the consultant and their comment.
    Returns the link (the e-mail holds it too).
    """
    from placement.agreements import links
    from placement.mail.services import enqueue
    from placement.partnerships.services import signature as partnership_signature

    transition(agreement, "send", actor, comment=comment, expected_version=expected_version)
    url = links.issue(agreement)
    job = agreement.job_function
    consultant = actor.user.name if actor.user else ""
    body = _(
        "Dear %(mentor)s,\n\n%(consultant)s has sent you the plan for %(intern)s's internship as %(job)s at "
        "%(company)s, starting %(start)s.\n\n",
        mentor=agreement.mentor.name, consultant=consultant, intern=_intern_first_name(agreement), job=job.title,
        company=job.company.name, start=format_date(agreement.start_date, "long"))
    if comment.strip():
        body += _("%(consultant)s writes:\n%(comment)s\n\n", consultant=consultant, comment=comment.strip())
    body += _("Read the plan and confirm it, or ask for changes, here:\n%(url)s\n\n"
              "The link works once and for %(days)s days. You do not need an account.\n",
              url=url, days=current_app.config["MENTOR_LINK_DAYS"])
    if actor.user is not None:
        body += _("Questions about the plan: %(consultant)s, %(email)s\n", consultant=consultant,
                  email=actor.user.email)
    body += "\n" + partnership_signature(agreement.partnership)
    enqueue(agreement.mentor.email,
            _("Internship plan to confirm: %(intern)s, %(job)s", intern=_intern_first_name(agreement),
              job=job.title),
            body, partnership_id=agreement.partnership_id, agreement_id=agreement.id)
    return url


def withdraw_from_mentor(agreement: Agreement, actor: Actor, *, comment: str = "",
                         expected_version: int | None = None) -> None:
    """Take a sent plan back to draft, to change it and send it again: the mentor's link stops working at once
    and the mentor is told by e-mail."""
    from placement.agreements import links
    from placement.mail.services import enqueue
    from placement.partnerships.services import signature as partnership_signature

    transition(agreement, "withdraw", actor, comment=comment, expected_version=expected_version)
    links.revoke(agreement)
    job = agreement.job_function
    body = _("Dear %(mentor)s,\n\nThe plan for %(intern)s's internship as %(job)s has been taken back to be "
             "changed. The link you received no longer works; you will get a new one when the plan is sent "
             "again.\n", mentor=agreement.mentor.name, intern=_intern_first_name(agreement), job=job.title)
    if comment.strip():
        body += "\n" + comment.strip() + "\n"
    body += "\n" + partnership_signature(agreement.partnership)
    enqueue(agreement.mentor.email,
            _("Internship plan withdrawn: %(intern)s, %(job)s", intern=_intern_first_name(agreement), job=job.title),
            body, partnership_id=agreement.partnership_id, agreement_id=agreement.id)


#: The mentor's answers to a plan.
MENTOR_ANSWERS = ("confirm", "request_changes", "decline")


def mentor_answer(agreement: Agreement, answer: str, actor: Actor, *, comment: str = "",
                  expected_version: int | None = None) -> AgreementEvent:
    """Take the mentor's answer (through the link or their account); the consultant is told by e-mail."""
    from placement.mail.services import enqueue

    if answer not in MENTOR_ANSWERS:
        raise AgreementError(_("Unknown step %(step)s.", step=answer))
    event = transition(agreement, answer, actor, comment=comment, expected_version=expected_version)
    consultant = agreement.consultant
    if consultant is not None:
        enqueue(consultant.email, _("The mentor answered: %(job)s (%(state)s)", job=agreement.job_function.title,
                                    state=agreement.state.label),
                _("%(mentor)s: %(state)s.\n\n%(comment)s\n", mentor=agreement.mentor.name,
                  state=agreement.state.label, comment=comment), partnership_id=agreement.partnership_id,
                agreement_id=agreement.id)
    return event


def track_record(job_function_ids) -> dict[int, tuple[int, int]]:
    """Return, per job function, the ended internships of its company and how many of them ended in a hire."""
    company_of = dict(db.session.execute(select(JobFunction.id, JobFunction.company_id)
                                         .where(JobFunction.id.in_(list(job_function_ids)))).all())
    rows = db.session.execute(
        select(JobFunction.company_id, func.count(Agreement.id),
               func.count(Agreement.id).filter(Agreement.outcome != Outcome.NOT_HIRED))
        .join(Agreement.job_function)
        .where(JobFunction.company_id.in_(set(company_of.values())), Agreement.state == State.ENDED)
        .group_by(JobFunction.company_id)).all()
    per_company = {company: (hires, ended) for company, ended, hires in rows}
    return {job: per_company.get(company, (0, 0)) for job, company in company_of.items()}
