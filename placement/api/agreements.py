"""Internship agreements in the JSON API: list, create, read, and every step of the workflow.

The same services as the pages (``placement.agreements.services``), so the same rules: a step that is not allowed
now answers 409 with the service's message and changes nothing; a change made on a stale ``version`` answers 409
with ``"stale": true`` and the current version. Only whoever works on the young person's case sees an agreement
(404 otherwise); caseworkers read, the education place's staff change.
"""


from flask import abort, current_app, jsonify
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, Field, IntegerField, SelectField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from placement import sanity
from placement.agreements import services
from placement.agreements.access import agreement_scope, get_agreement_or_404, staff_actor
from placement.agreements.models import Agreement, Decision, NotHiredReason, Outcome, State
from placement.agreements.services import AgreementError, StaleAgreement
from placement.api.auth import roles_required
from placement.api.schemas import plain
from placement.api.validation import UNKNOWN_ID, bind, body_id, json_object
from placement.api.views import MAX_PER_PAGE, _created, _int_arg, bp, query_arg
from placement.audit.reads import AGREEMENTS, audit_read
from placement.auth.access import CASE_EDITORS, CASE_ROLES, may_see, may_see_participant
from placement.auth.models import Role
from placement.extensions import db
from placement.forms import BaseForm
from placement.network.models import JobFunction, Mentor
from placement.participants.models import Participant

#: Longest free text of a plan answer or comment.
TEXT = 5000
MAX_GOALS = 30
MAX_GOAL_LENGTH = 500

#: What a list shows of each agreement.
AGREEMENT_KEYS: tuple[str, ...] = (
    "id", "partnership_id", "participant_id", "job_function_id", "mentor_id", "consultant_id", "state", "version",
    "start_date", "planned_weeks", "weekly_hours", "outcome", "decision", "created_at", "updated_at")
#: One agreement's columns; goals, timeline, follow-ups and the computed parts are added.
AGREEMENT_DETAIL_KEYS: tuple[str, ...] = (
    *AGREEMENT_KEYS[:-2], "schedule", "purpose", "tasks", "works_with", "meeting", "support", "follow_up_plan",
    "follow_up_weeks", "capacity_override", "extended_until", "ended_on", "outcome_hours", "outcome_start",
    "not_hired_reason", "decision_date", "place_after_hire", *AGREEMENT_KEYS[-2:])
GOAL_KEYS: tuple[str, ...] = ("id", "position", "text", "parent_id", "reached_on")
EVENT_KEYS: tuple[str, ...] = ("id", "at", "actor_id", "actor_label", "kind", "from_state", "to_state", "comment")
FOLLOW_UP_KEYS: tuple[str, ...] = ("id", "held_on", "note", "next_step", "author_id")


# Bodies --------------------------------------------------------------------------------------------------------

class GoalsField(Field):
    """The goals as a JSON array of strings, each written so the young person understands it."""

    def process_formdata(self, valuelist):
        self.data = [value.strip() for value in valuelist if value.strip()]

    def pre_validate(self, form):
        if len(self.data) > MAX_GOALS:
            raise ValidationError(f"At most {MAX_GOALS} goals.")
        if any(len(goal) > MAX_GOAL_LENGTH for goal in self.data):
            raise ValidationError(f"A goal has at most {MAX_GOAL_LENGTH} characters.")


def _text(label: str, *, required: bool = False):
    return TextAreaField(label, validators=[InputRequired() if required else Optional(), Length(max=TEXT)])


def _version():
    return IntegerField("The version of the agreement the change is made on", validators=[InputRequired()])


class AgreementCreateForm(BaseForm):
    """A draft agreement: dates, hours and the seven answers of the report's section 8.6."""

    start_date = DateField("Start date", validators=[InputRequired(), sanity.course_date_window()])
    planned_weeks = IntegerField("Planned length in weeks", default=26, validators=[InputRequired(),
                                                                                    NumberRange(1, 260)])
    weekly_hours = IntegerField("Hours per week", default=15, validators=[InputRequired(), NumberRange(1, 40)])
    schedule = _text("Which days and times")
    purpose = _text("1. What is the purpose of the internship?")
    tasks = _text("2. Which job functions can the young person take on?")
    works_with = _text("3. Who will the young person work with?")
    meeting = _text("4. Where and when does the young person meet, and what are the working hours?")
    support = _text("5. What is the young person's support need? Only what the mentor needs to know; no diagnoses")
    goals = GoalsField("6. The goals, one string each, written so the young person understands them",
                       default=list)
    follow_up_plan = _text("7. When and how do we follow up?")
    follow_up_weeks = IntegerField("Weeks between follow-up meetings", default=4,
                                   validators=[InputRequired(), NumberRange(1, 26)])


class TransitionForm(BaseForm):
    step = SelectField("The step: send, start or cancel (confirm, request_changes and decline are the mentor's)",
                       validators=[InputRequired()], choices=[SelectChoice(name, name) for name in services.STEPS])
    version = _version()
    comment = _text("A comment for the timeline")

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:  # an unknown step is answered with the steps this agreement may take now
            self.step.invalid_choice_message = self.step.invalid_value_message = (
                f"Unknown step. Allowed now: {', '.join(allowed)}." if allowed
                else "Unknown step. No step is allowed now.")


class FollowUpForm(BaseForm):
    held_on = DateField("The day of the follow-up meeting", validators=[InputRequired(), sanity.course_date_window()])
    note = _text("What was talked about", required=True)
    next_step = _text("The next step")


class OutcomeForm(BaseForm):
    outcome = SelectField("How the internship ended", validators=[InputRequired()],
                          choices=[SelectChoice(o.value, o.value) for o in Outcome])
    ended_on = DateField("The last day of the internship", validators=[InputRequired(), sanity.course_date_window()])
    hours = IntegerField("For a hire: hours per week in the job", validators=[Optional(), NumberRange(1, 40)])
    job_start = DateField("For a hire: the day the job starts", validators=[Optional(), sanity.course_date_window()])
    reason = SelectField("Without a hire: why", validators=[Optional()], default="",
                         choices=[SelectChoice("", ""), *(SelectChoice(r.value, r.value) for r in NotHiredReason)])
    comment = _text("A comment for the timeline")
    version = _version()


class DecisionForm(BaseForm):
    decision = SelectField("The home municipality's job-centre decision", validators=[InputRequired()],
                           choices=[SelectChoice(d.value, d.value) for d in (Decision.APPROVED, Decision.REJECTED)])
    decided_on = DateField("The day of the decision", validators=[InputRequired(), sanity.course_date_window()])
    comment = _text("A comment for the timeline")
    version = _version()


# Serialisers ---------------------------------------------------------------------------------------------------

def _columns(obj, keys: tuple[str, ...]) -> dict:
    return {key: plain(getattr(obj, key)) for key in keys}


def agreement(obj: Agreement) -> dict:
    """Serialise an agreement for lists."""
    return _columns(obj, AGREEMENT_KEYS)


def agreement_detail(obj: Agreement) -> dict:
    """Serialise an agreement with its goals, timeline, follow-ups, warnings and the steps you may take now."""
    today = services.today()
    data = _columns(obj, AGREEMENT_DETAIL_KEYS)
    data["match_explanation"] = obj.match_explanation
    data["goals"] = [_columns(goal, GOAL_KEYS) for goal in obj.goals]
    data["events"] = [_columns(event, EVENT_KEYS) for event in obj.events]
    data["follow_ups"] = [_columns(follow_up, FOLLOW_UP_KEYS) for follow_up in obj.follow_ups]
    data["follow_up_dates"] = [day.isoformat() for day in services.follow_up_dates(obj)]
    data["planned_end"] = services.planned_end(obj).isoformat()
    data["warnings"] = [str(warning) for warning in services.warnings(obj, today)]
    may_act = current_user.role in CASE_EDITORS
    data["allowed_steps"] = services.allowed_steps(obj, staff_actor()) if may_act else []
    return data


# Helpers -------------------------------------------------------------------------------------------------------

def _conflict(error: AgreementError, found: Agreement | None = None):
    """Answer a refused step: nothing was changed; a stale version is told the current one."""
    db.session.rollback()
    body = {"error": "Conflict", "message": str(error)}
    if isinstance(error, StaleAgreement) and found is not None:
        body.update(stale=True, version=found.version)
    response = jsonify(body)
    response.status_code = 409
    return response


def _parties(body: dict) -> tuple[tuple, dict[str, list[str]]]:
    """Return the young person, job function and mentor the body names, or the problems with them."""
    problems: dict[str, list[str]] = {}
    found = {}
    for key, model in (("participant_id", Participant), ("job_function_id", JobFunction), ("mentor_id", Mentor)):
        ident, problem = body_id(body, key)
        if problem:
            problems[key] = problem
            continue
        obj = db.session.get(model, ident)
        visible = obj is not None and (may_see_participant(obj) if model is Participant else may_see(obj))
        if not visible:
            problems[key] = [UNKNOWN_ID]
        else:
            found[key] = obj
    participant, job, mentor = (found.get(k) for k in ("participant_id", "job_function_id", "mentor_id"))
    if participant is not None and job is not None and job.company.partnership_id != participant.partnership_id:
        problems["job_function_id"] = ["The job function belongs to another partnership."]
    if job is not None and mentor is not None and mentor.company_id != job.company_id:
        problems["mentor_id"] = ["The mentor must work at the job function's company."]
    return (participant, job, mentor), problems


# Endpoints -----------------------------------------------------------------------------------------------------

@bp.get("/agreements")
@roles_required(CASE_ROLES)
def list_agreements():
    """List the agreements of the young people you work on: filter with ``state`` and ``participant_id``."""
    stmt = agreement_scope(select(Agreement))
    state = query_arg("state")
    if state is not None:
        if state not in {s.value for s in State}:
            abort(400, description="The query parameter state must be one of: "
                                   + ", ".join(s.value for s in State) + ".")
        stmt = stmt.where(Agreement.state == State(state))
    participant_id = _int_arg("participant_id")
    if participant_id is not None:
        stmt = stmt.where(Agreement.participant_id == participant_id)
    page = _int_arg("page", 1)
    per_page = _int_arg("per_page", min(current_app.config["PAGE_SIZE"], MAX_PER_PAGE), maximum=MAX_PER_PAGE)
    pagination = db.paginate(stmt.order_by(Agreement.start_date.desc(), Agreement.id.desc()), page=page,
                             per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)
    audit_read([a.participant for a in pagination.items], (AGREEMENTS,))
    db.session.commit()
    return {"items": [agreement(a) for a in pagination.items], "page": page, "per_page": per_page,
            "total": pagination.total}


@bp.post("/agreements")
@roles_required(CASE_EDITORS)
def create_agreement():
    """Make a draft agreement; send it to the mentor with the transition ``send`` when the plan is complete."""
    body = json_object()
    (participant, job, mentor), problems = _parties(body)
    form = bind(AgreementCreateForm, body, extra=("participant_id", "job_function_id", "mentor_id"),
                errors=problems)
    values = {name: "" if value is None else value for name, value in form.values().items()}
    consultant = current_user._get_current_object() if current_user.role is Role.CONSULTANT \
        else participant.consultant
    try:
        created = services.new_agreement(participant=participant, job_function=job, mentor=mentor,
                                         consultant=consultant, actor=staff_actor(), **values)
        services.commit()
    except services.REFUSALS as caught:
        error = services.refusal(caught)
        return _conflict(error)
    return _created(agreement_detail(created), ".get_agreement", agreement_id=created.id)


@bp.get("/agreements/<int:agreement_id>")
@roles_required(CASE_ROLES)
def get_agreement(agreement_id: int):
    """Show an agreement with its goals, timeline, follow-ups, outcome, decision, warnings and allowed steps."""
    agreement = get_agreement_or_404(agreement_id)
    body = agreement_detail(agreement)
    audit_read(agreement.participant, (AGREEMENTS,), record=agreement, api=True)  # the plan speaks of a young person
    db.session.commit()
    return body


@bp.post("/agreements/<int:agreement_id>/transitions")
@roles_required(CASE_EDITORS)
def agreement_transition(agreement_id: int):
    """Take a step: ``send`` puts an e-mail with the mentor's link in the outbox; ``withdraw`` takes a sent plan
    back to draft (the link stops working); ``start``; ``cancel``."""
    found = get_agreement_or_404(agreement_id)
    form = bind(TransitionForm, json_object(), allowed=services.allowed_steps(found, staff_actor()))
    step, version, comment = form.step.data, form.version.data, form.comment.data or ""
    try:
        services.take_step(found, step, staff_actor(), comment=comment, expected_version=version)
        services.commit()
    except services.REFUSALS as caught:
        error = services.refusal(caught)
        return _conflict(error, found)
    return agreement_detail(found)


@bp.post("/agreements/<int:agreement_id>/follow-ups")
@roles_required(CASE_EDITORS)
def agreement_follow_up(agreement_id: int):
    """Log a follow-up meeting of an active internship, with a note and the next step."""
    found = get_agreement_or_404(agreement_id)
    form = bind(FollowUpForm, json_object())
    try:
        services.log_follow_up(found, current_user._get_current_object(), form.held_on.data, form.note.data or "",
                               form.next_step.data or "")
        services.commit()
    except services.REFUSALS as caught:
        error = services.refusal(caught)
        return _conflict(error, found)
    return _created(agreement_detail(found), ".get_agreement", agreement_id=found.id)


@bp.post("/agreements/<int:agreement_id>/outcome")
@roles_required(CASE_EDITORS)
def agreement_outcome(agreement_id: int):
    """End an active internship with its outcome; a flex-job, wage subsidy or protected employment then awaits
    the job centre's decision."""
    found = get_agreement_or_404(agreement_id)
    form = bind(OutcomeForm, json_object())
    try:
        services.record_outcome(found, staff_actor(), outcome=Outcome(form.outcome.data), ended_on=form.ended_on.data,
                                hours=form.hours.data, job_start=form.job_start.data,
                                reason=NotHiredReason(form.reason.data) if form.reason.data else None,
                                comment=form.comment.data or "", expected_version=form.version.data)
        services.commit()
    except services.REFUSALS as caught:
        error = services.refusal(caught)
        return _conflict(error, found)
    return agreement_detail(found)


@bp.post("/agreements/<int:agreement_id>/decision")
@roles_required(CASE_EDITORS)
def agreement_decision(agreement_id: int):
    """Record the home municipality's job-centre decision: approved or rejected, with its date."""
    found = get_agreement_or_404(agreement_id)
    form = bind(DecisionForm, json_object())
    try:
        services.record_decision(found, staff_actor(), Decision(form.decision.data), form.decided_on.data,
                                 form.comment.data or "", expected_version=form.version.data)
        services.commit()
    except services.REFUSALS as caught:
        error = services.refusal(caught)
        return _conflict(error, found)
    return agreement_detail(found)
