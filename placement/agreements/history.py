"""Internships from before the service: created directly in their state, active or ended, with their outcome.

A partnership starts with history (issue 5 §4). An imported internship skips the plan and the mentor's
confirmation: it is created as it stands, with one timeline entry of kind "import". The outcome and decision
must make sense by the same rules as ``services.record_outcome`` and ``services.record_decision``; the rules are
checked here, once, for the CSV import and for any other caller. Callers commit.

An imported hire gets its four job checks (``placement.retention``), as a hire recorded in the service does; the
answers the import knows (``CheckAnswer``, per month) are recorded as of the check's due date, by "history import",
with the service's rules, and a check not yet due cannot have an answer.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from placement import sanity
from placement.agreements.models import Agreement, AgreementEvent, Decision, State
from placement.agreements.services import Actor, AgreementError
from placement.extensions import db
from placement.network.models import JobFunction, Mentor
from placement.participants.models import Participant
from placement.progress.services import add_months
from placement.retention import services as retention
from placement.retention.models import CHECK_MONTHS, Employment

#: The states an internship can be imported in: what happened before the service knew of it.
IMPORT_STATES = (State.ACTIVE, State.ENDED)
#: The timeline entry of an imported internship.
EVENT_KIND = "import"
EVENT_COMMENT = "imported"

_AFTER_THE_END = ("ended_on", "outcome", "outcome_hours", "outcome_start", "not_hired_reason", "decision",
                  "decision_date", "place_after_hire")


def problems(values: Mapping) -> list[tuple[str, str]]:
    """Return (field, message) for every rule an imported internship breaks; empty when it may be created.

    ``values``: ``state`` (``active`` or ``ended``), ``start_date``, ``ended_on``, ``outcome``,
    ``outcome_hours``, ``outcome_start``, ``not_hired_reason``, ``decision``, ``decision_date`` and
    ``place_after_hire``, as ``placement.progress.forms.InternshipHistoryForm.values()`` gives them.
    """
    found: list[tuple[str, str]] = []
    state = State(values["state"])
    if state not in IMPORT_STATES:
        return [("state", _("Import an internship as active or ended."))]
    if state is State.ACTIVE:
        return [(name, _("Only an ended internship has this; leave it empty for an active one."))
                for name in _AFTER_THE_END if values.get(name) is not None]
    outcome, ended_on = values.get("outcome"), values.get("ended_on")
    if ended_on is None:
        found.append(("ended_on", _("An ended internship needs its last day.")))
    elif values.get("start_date") is not None and ended_on < values["start_date"]:
        found.append(("ended_on", _("The internship cannot end before it started.")))
    if outcome is None:
        found.append(("outcome", _("An ended internship needs its outcome.")))
        return found
    if outcome.is_hire:
        found += [(name, _("A hire needs the weekly hours and the start date of the job."))
                  for name in ("outcome_hours", "outcome_start") if values.get(name) is None]
        if values.get("not_hired_reason") is not None:
            found.append(("not_hired_reason", _("Only an internship that did not end in a hire has a reason for "
                                                "it.")))
    else:
        if values.get("not_hired_reason") is None:
            found.append(("not_hired_reason", _("Say why the internship did not end in a hire.")))
        found += [(name, _("Only a hire has the job's hours and start date."))
                  for name in ("outcome_hours", "outcome_start") if values.get(name) is not None]
        if values.get("place_after_hire") is not None:
            found.append(("place_after_hire", _("This is asked only when an internship ended in a hire.")))
    decision, decided_on = values.get("decision"), values.get("decision_date")
    if not outcome.needs_decision:
        found += [(name, _("Only a flex-job, wage-subsidy job or protected employment awaits a decision."))
                  for name in ("decision", "decision_date") if values.get(name) is not None]
    elif decision in (Decision.APPROVED, Decision.REJECTED) and decided_on is None:
        found.append(("decision_date", _("Give the date of the job centre's decision.")))
    elif decision in (None, Decision.PENDING) and decided_on is not None:
        found.append(("decision", _("A decision with a date is approved or rejected.")))
    elif problem := sanity.decision_start_problem(values.get("start_date"), decided_on):
        found.append(("decision_date", problem))
    return found


@dataclass(frozen=True, slots=True)
class CheckAnswer:
    """What an imported line says of one job check: still employed (with the weekly hours), no longer (why), or
    unknown."""

    status: Employment
    hours: int | None = None
    reason: str = ""


def check_problems(values: Mapping, answers: Mapping[int, CheckAnswer], today: date) -> list[tuple[int, str, str]]:
    """Return (month, field, message) for every rule the job checks' answers of an imported internship break;
    ``field`` is ``status``, ``hours`` or ``reason``. ``values`` as for ``problems`` (and valid by it)."""
    found: list[tuple[int, str, str]] = []
    if not answers:
        return found
    outcome, start = values.get("outcome"), values.get("outcome_start")
    followed = (State(values["state"]) is State.ENDED and outcome is not None and outcome.is_hire
                and start is not None)
    for month in sorted(answers):
        if month not in CHECK_MONTHS:
            raise ValueError(f"no job check {month} months after the job's start")
        answer = answers[month]
        if not followed:
            found.append((month, "status", _("Only an ended internship that led to a job with a start date has "
                                             "job checks.")))
            continue
        if values.get("decision") is Decision.REJECTED:
            found.append((month, "status", _("The job centre rejected the job, so it is not followed up.")))
            continue
        due = add_months(start, month)
        if due > today:
            found.append((month, "status", _("The %(month)s-month check is due on %(due)s and cannot be recorded "
                                             "before then.", month=month, due=sanity.day_text(due))))
        if answer.status is Employment.EMPLOYED:
            if answer.hours is None:
                found.append((month, "hours", _("Enter the weekly hours in the job.")))
            elif not 1 <= answer.hours <= 40:
                found.append((month, "hours", _("The weekly hours must be between 1 and 40.")))
        elif answer.hours is not None:
            found.append((month, "hours", _("Only a young person still employed has weekly hours in the job.")))
        if answer.status is Employment.NOT_EMPLOYED:
            if not answer.reason.strip():
                found.append((month, "reason", _("Say why the job ended.")))
        elif answer.reason.strip():
            found.append((month, "reason", _("Only a job that ended has a reason why.")))
    return found


def import_agreement(participant: Participant, job_function: JobFunction, mentor: Mentor, values: Mapping,
                     actor: Actor, *, answers: Mapping[int, CheckAnswer] | None = None,
                     today: date | None = None) -> Agreement:
    """Create an internship as it stands (active or ended, with its outcome), or raise AgreementError.

    The young person's job consultant is the agreement's consultant. A flex-job, wage subsidy or protected
    employment without a recorded decision awaits one (pending), as after ``services.record_outcome``. A hire
    gets its four job checks; ``answers`` (month → answer) are recorded on them as of their due date, by
    "history import", against the service's ``today`` (default: the service's date).
    """
    today = today or sanity.today()
    found = problems(values)
    found += [(f"{month}:{field}", message) for month, field, message in check_problems(values, answers or {}, today)]
    if found:
        raise AgreementError(" ".join(message for _field, message in found))
    if job_function.company.partnership_id != participant.partnership_id:
        raise AgreementError(_("The job function belongs to another partnership."))
    if mentor.company_id != job_function.company_id:
        raise AgreementError(_("The mentor must work at the job function's company."))
    state, outcome = State(values["state"]), values.get("outcome")
    decision = values.get("decision")
    if outcome is not None and outcome.needs_decision and decision is None:
        decision = Decision.PENDING
    agreement = Agreement(
        partnership_id=participant.partnership_id, participant=participant, job_function=job_function,
        mentor=mentor, consultant_id=participant.consultant_id, state=state, start_date=values["start_date"],
        planned_weeks=values["planned_weeks"], weekly_hours=values["weekly_hours"],
        ended_on=values.get("ended_on"), outcome=outcome, outcome_hours=values.get("outcome_hours"),
        outcome_start=values.get("outcome_start"), not_hired_reason=values.get("not_hired_reason"),
        decision=decision, decision_date=values.get("decision_date"),
        place_after_hire=values.get("place_after_hire"))
    db.session.add(agreement)
    db.session.add(AgreementEvent(agreement=agreement, actor_id=actor.user.id if actor.user else None,
                                  actor_label=actor.label, from_state=None, to_state=state, kind=EVENT_KIND,
                                  comment=EVENT_COMMENT))
    if outcome is not None and outcome.is_hire and agreement.outcome_start is not None:
        db.session.flush()  # the checks name the agreement
        checks = {check.month: check for check in retention.schedule(agreement)}
        db.session.flush()
        for month, answer in sorted((answers or {}).items()):
            check = checks[month]
            try:
                retention.record(check, status=answer.status, checked_on=check.due_on, hours=answer.hours,
                                 reason=answer.reason, label=retention.BY_IMPORT, today=today)
            except retention.CheckError as error:
                raise AgreementError(str(error)) from error
    return agreement
