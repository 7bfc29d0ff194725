"""Scheduling and recording the job checks; the rules a check's answer must keep. Callers commit.

A hire counts for retention when the internship ended in a job (ordinary, flex-job, wage subsidy, protected)
with a known job start, and the job centre has not rejected it (a rejected flex-job never started).
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from placement import sanity
from placement.agreements.models import Agreement, AgreementEvent, Decision, Outcome, State
from placement.auth.models import User
from placement.database import utcnow
from placement.extensions import db
from placement.progress.services import add_months
from placement.retention.models import CHECK_MONTHS, Employment, JobCheck

#: A check may be recorded this many days before it is due (the consultant calls in the week before).
EARLY_DAYS = 14
#: Label of a check answered through the mentor's e-mailed link, or read from a history import.
BY_MENTOR_LINK = "mentor (link)"
BY_IMPORT = "history import"


class CheckError(Exception):
    """The answer breaks a rule; nothing was changed."""


#: The agreements whose job checks count: hires with a job start that the job centre did not reject.
COUNTS = and_(Agreement.state == State.ENDED, Agreement.outcome != Outcome.NOT_HIRED,
              Agreement.outcome_start.is_not(None),
              or_(Agreement.decision.is_(None), Agreement.decision != Decision.REJECTED))


def is_followed(agreement: Agreement) -> bool:
    """Tell whether the agreement's job is followed by checks (see COUNTS)."""
    return (agreement.state is State.ENDED and agreement.outcome is not None and agreement.outcome.is_hire
            and agreement.outcome_start is not None and agreement.decision is not Decision.REJECTED)


def schedule(agreement: Agreement) -> list[JobCheck]:
    """Give a hire its four checks (1, 3, 6, 12 months after the job's start); move unrecorded ones when the job's
    start changed. Returns the agreement's checks in month order."""
    existing = {c.month: c for c in db.session.scalars(select(JobCheck).where(JobCheck.agreement_id == agreement.id))}
    if agreement.outcome_start is None:
        return sorted(existing.values(), key=lambda c: c.month)
    for month in CHECK_MONTHS:
        due = add_months(agreement.outcome_start, month)
        check = existing.get(month)
        if check is None:
            check = existing[month] = JobCheck(partnership_id=agreement.partnership_id, agreement_id=agreement.id,
                                               month=month, due_on=due)
            db.session.add(check)
        elif check.status is None:
            check.due_on = due
    return [existing[m] for m in CHECK_MONTHS]


def checks_of(agreement: Agreement) -> list[JobCheck]:
    """Return the agreement's checks in month order (none for an agreement that did not end in a job)."""
    return list(db.session.scalars(select(JobCheck).where(JobCheck.agreement_id == agreement.id)
                                   .order_by(JobCheck.month)))


def earliest_record_day(check: JobCheck) -> date:
    """Return the first day the check's answer may be recorded."""
    return check.due_on - timedelta(days=EARLY_DAYS)


def answer_problems(check: JobCheck, *, status: Employment, checked_on: date | None, hours: int | None,
                    reason: str, today: date) -> dict[str, str]:
    """Return why an answer cannot be recorded, per field ("" for the whole check); empty when it can."""
    problems: dict[str, str] = {}
    agreement = check.agreement
    if not is_followed(agreement):
        problems[""] = _("This internship did not end in a job that is followed up.")
        return problems
    if earliest_record_day(check) > today:
        problems[""] = _("The %(month)s-month check is due on %(due)s; it can be recorded from %(first)s.",
                         month=check.month, due=sanity.day_text(check.due_on),
                         first=sanity.day_text(earliest_record_day(check)))
    if checked_on is None:
        problems["checked_on"] = _("Enter the day you learnt the answer.")
    else:
        problem = sanity.past_date_problem(checked_on, today)
        if problem is None and checked_on < agreement.outcome_start:
            problem = _("The date cannot be before the job started (%(start)s).",
                        start=sanity.day_text(agreement.outcome_start))
        if problem:
            problems["checked_on"] = problem
    if status is Employment.EMPLOYED and hours is None:
        problems["hours"] = _("Enter the weekly hours in the job.")
    if hours is not None and not 1 <= hours <= 40:
        problems["hours"] = _("The weekly hours must be between 1 and 40.")
    if status is Employment.NOT_EMPLOYED and not reason.strip():
        problems["reason"] = _("Say why the job ended.")
    return problems


def record(check: JobCheck, *, status: Employment, checked_on: date, hours: int | None = None, reason: str = "",
           note: str = "", user: User | None = None, label: str = "", today: date) -> None:
    """Record (or correct) the check's answer and write it on the agreement's timeline.

    ``user`` is who recorded it; without one, ``label`` says who (the mentor's link, a history import).
    Raises CheckError with the first problem; nothing is changed then."""
    problems = answer_problems(check, status=status, checked_on=checked_on, hours=hours, reason=reason, today=today)
    if problems:
        raise CheckError(next(iter(problems.values())))
    check.status, check.checked_on = status, checked_on
    check.hours = hours if status is Employment.EMPLOYED else None
    check.reason = reason.strip() if status is Employment.NOT_EMPLOYED else ""
    check.note = note.strip()
    check.recorded_by_id = user.id if user else None
    check.recorded_label = user.name if user else label
    check.recorded_at = utcnow()
    agreement = check.agreement
    db.session.add(AgreementEvent(agreement=agreement, actor_id=check.recorded_by_id, actor_label=check.recorded_label,
                                  from_state=agreement.state, to_state=agreement.state, kind="job_check",
                                  comment=f"{check.month}: {status.value}"))


def due(partnership_ids: tuple[int, ...] | None, today: date, *, consultant_id: int | None = None,
        limit: int = 200) -> list[JobCheck]:
    """Return the unrecorded checks that can be recorded by ``today`` (oldest first), of the partnerships (None:
    all) and, when given, of one consultant's hires."""
    stmt = (select(JobCheck).join(JobCheck.agreement)
            .where(COUNTS, JobCheck.status.is_(None), JobCheck.due_on <= today + timedelta(days=EARLY_DAYS)))
    if partnership_ids is not None:
        stmt = stmt.where(JobCheck.partnership_id.in_(partnership_ids))
    if consultant_id is not None:
        stmt = stmt.where(Agreement.consultant_id == consultant_id)
    return list(db.session.scalars(stmt.order_by(JobCheck.due_on, JobCheck.id).limit(limit)))
