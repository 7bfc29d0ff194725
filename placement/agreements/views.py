"""Pages for internship agreements: the list, a new plan (from a match or directly), the agreement with its
timeline and the steps allowed now, the plan's edits, follow-ups and a printable plan.

Staff (``CASE_EDITORS``) act; caseworkers read; an agreement is visible to whoever works on its young person's
case. Every change is made on the version the user saw: a change on a stale page, or a step that is not allowed
now, is refused with a message and changes nothing. Names never go into a URL (ids only).
"""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from placement.agreements import plans, services
from placement.agreements.access import (
    agreement_scope,
    get_agreement_or_404,
    may_act,
    staff_actor,
)
from placement.agreements.forms import (
    AgreementEditForm,
    AgreementForm,
    ChooseForm,
    DecisionForm,
    EndForm,
    ExtensionForm,
    FollowUpForm,
    GoalForm,
    MoveFollowUpForm,
    OverrideForm,
    PlaceForm,
    StartForm,
    StepForm,
)
from placement.agreements.models import Agreement, Decision, Goal, PlaceAfterHire, State
from placement.agreements.services import AgreementError
from placement.audit.reads import AGREEMENTS, BASE, audit_read
from placement.auth.access import (
    CASE_EDITORS,
    CASE_ROLES,
    get_or_404,
    get_participant_or_404,
    in_partnership,
    participant_scope,
    roles_required,
)
from placement.auth.models import Role
from placement.extensions import db
from placement.matches.services import COMPONENT_LABELS
from placement.network.models import Company, JobFunction, Mentor
from placement.participants.models import Participant
from placement.participants.services import local_today
from placement.retention import views as retention_views

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

#: The steps the staff take with a comment only; ending needs the outcome (``agreement_end``).
SIMPLE_STEPS = ("send", "withdraw", "start", "cancel")


# Helpers -------------------------------------------------------------------------------------------------------

def _detail(agreement: Agreement):
    return redirect(url_for("agreements.agreement_detail", agreement_id=agreement.id))


def _form_problems(form) -> str:
    if form.errors.get("version"):
        return _("The form was incomplete. Reload the page and try again.")
    return " ".join(f"{form[name].label.text}: {' '.join(str(e) for e in errors)}"
                    for name, errors in form.errors.items() if name in form)


def _act(agreement: Agreement, form, change, success: str, key: str | None = None):
    """Make one change on the version the user saw, and commit it; on refusal nothing is changed.

    A form that does not validate is shown again on the agreement's page (``key``: its place there), with the
    problems on its fields and what was typed; a refused step is flashed and the current version shown.
    """
    if not form.validate_on_submit():
        if key is None or form.errors.get("version") or form.errors.get("csrf_token") \
                or key not in _forms(agreement, local_today()):
            flash(_form_problems(form), "error")
            return _detail(agreement)
        return _page(agreement, bound={key: form}), 400
    try:
        change(form.values())
        services.commit()
    except services.REFUSALS as caught:
        error = services.refusal(caught)
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(success, "success")
    return _detail(agreement)


def _mentors(job_function: JobFunction, current: Mentor | None = None) -> list[Mentor]:
    """The mentors a plan may name: the company's active ones, and the one it names already."""
    return [m for m in job_function.company.mentors if m.active or (current is not None and m.id == current.id)]


def _offered(job_function: JobFunction) -> bool:
    return job_function.active and job_function.company.active


# The list ------------------------------------------------------------------------------------------------------

@bp.get("")
@roles_required(CASE_ROLES)
def agreement_list():
    """List the agreements of the young people the user works on, by state, newest start first."""
    state = request.args.get("state", "")
    stmt = agreement_scope(select(Agreement)).options(
        selectinload(Agreement.participant), selectinload(Agreement.mentor),
        selectinload(Agreement.job_function).selectinload(JobFunction.company))
    if state in {s.value for s in State}:
        stmt = stmt.where(Agreement.state == State(state))
    else:
        state = ""
    page = db.paginate(stmt.order_by(Agreement.start_date.desc(), Agreement.id.desc()),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    audit_read([a.participant for a in page.items], (AGREEMENTS,))
    db.session.commit()
    return render_template("agreements/agreement_list.html", page=page, state=state, states=list(State))


# A new agreement -----------------------------------------------------------------------------------------------

def _choose(participant: Participant | None, job_function: JobFunction | None):
    """Let the user choose the young person and the job function (a GET form: ids in the query only)."""
    people = db.session.scalars(participant_scope(select(Participant).where(Participant.active), Participant)
                                .order_by(Participant.name, Participant.id)).all()
    jobs = select(JobFunction).join(JobFunction.company).where(JobFunction.active, Company.active)
    if participant is not None:
        jobs = jobs.where(Company.partnership_id == participant.partnership_id)
    else:
        jobs = in_partnership(jobs, Company.partnership_id)
    jobs = db.session.scalars(jobs.options(selectinload(JobFunction.company))
                              .order_by(Company.name, JobFunction.title, JobFunction.id)).all()
    form = ChooseForm(formdata=None, participant_id=participant.id if participant else None,
                      job_function_id=job_function.id if job_function else None)
    form.participant_id.choices = [SelectChoice(p.id, p.name) for p in people]
    form.job_function_id.choices = [SelectChoice(j.id, f"{j.title} · {j.company.name}") for j in jobs]
    audit_read(list(people), (BASE,))
    db.session.commit()
    return render_template("agreements/choose.html", form=form, people=people, jobs=jobs)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def agreement_create():
    """Make a draft agreement for a young person and a job function, from a match or chosen directly.

    From a match (``?participant_id=&job_function_id=``) the match is scored again and its explanation is kept
    on the agreement; a direct choice (``direct=1``) keeps none.
    """
    participant_id = request.args.get("participant_id", type=int)
    job_function_id = request.args.get("job_function_id", type=int)
    participant = get_participant_or_404(participant_id) if participant_id else None
    job_function = get_or_404(JobFunction, job_function_id) if job_function_id else None
    if participant is not None and job_function is not None \
            and job_function.company.partnership_id != participant.partnership_id:
        abort(404)
    if job_function is not None and not _offered(job_function):
        flash(_("“%(title)s” is not offered now (deactivated).", title=job_function.title), "warning")
        job_function = None
    if participant is None or job_function is None:
        return _choose(participant, job_function)

    mentors = _mentors(job_function)
    today = local_today()
    form = AgreementForm(mentors=mentors, data=plans.plan_defaults(participant, job_function, today),
                         job_function=job_function, participant=participant)
    if form.validate_on_submit():
        from_match = request.args.get("direct") != "1"
        consultant = current_user._get_current_object() if current_user.role is Role.CONSULTANT \
            else participant.consultant
        try:
            agreement = plans.create_agreement(
                participant=participant, job_function=job_function, mentor=db.session.get(Mentor, form.mentor_id.data),
                values=form.values(), actor=staff_actor(), consultant=consultant,
                match_explanation=plans.match_explanation(participant, job_function, today) if from_match else None)
            services.commit()
        except services.REFUSALS as caught:
            error = services.refusal(caught)
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("The draft agreement was saved. Send it to the mentor when the plan is complete."), "success")
            return _detail(agreement)
    if (ask := audit_read(participant, (BASE,))) is not None:  # the form shows the young person's name and hours
        return ask
    db.session.commit()
    return render_template("agreements/agreement_form.html", form=form, agreement=None, participant=participant,
                           job_function=job_function, mentors=mentors)


# The agreement -------------------------------------------------------------------------------------------------

#: The forms of the agreement's page by their place there: the form and the prefix of its fields' ids.
FORMS = {"send": (StepForm, "send"), "withdraw": (StepForm, "withdraw"), "start": (StartForm, "start"),
         "cancel": (StepForm, "cancel"),
         "end": (EndForm, "end"), "decision": (DecisionForm, "decision"), "place": (PlaceForm, "place"),
         "override": (OverrideForm, "override"), "extension": (ExtensionForm, "extension"),
         "follow_up": (FollowUpForm, "follow-up"), "goal": (GoalForm, "goal"),
         "move_follow_up": (MoveFollowUpForm, "move")}


def _form(key: str, agreement: Agreement, **data):
    """The form at ``key`` for this agreement: bound to the request's data, or empty with ``data`` shown."""
    form_class, prefix = FORMS[key]
    if data:
        return form_class(formdata=None, data=data, id_prefix=prefix, agreement=agreement)
    return form_class(id_prefix=prefix, agreement=agreement)


def _forms(agreement: Agreement, today, bound: dict | None = None) -> dict:
    """The forms of the steps allowed now for this user, each carrying the version shown; ``bound``: a form the
    user sent that did not validate, shown instead of its empty one."""
    if not may_act(agreement):
        return {}
    version = {"version": agreement.version}
    forms = {}
    for step in services.allowed_steps(agreement, staff_actor()):
        if step == "start":
            forms["start"] = _form("start", agreement, **version, started_on=min(agreement.start_date, today))
        elif step in SIMPLE_STEPS:
            forms[step] = _form(step, agreement, **version)
        elif step == "end":
            forms["end"] = _form("end", agreement, **version, ended_on=today)
    if agreement.decision is Decision.PENDING:
        forms["decision"] = _form("decision", agreement, **version, decided_on=today)
    if agreement.outcome is not None and agreement.outcome.is_hire and agreement.place_after_hire is None:
        forms["place"] = _form("place", agreement, **version)
    if agreement.state in (State.DRAFT, State.SENT) and not agreement.capacity_override \
            and services.capacity_problem(agreement):
        forms["override"] = _form("override", agreement, **version)
    if agreement.state is State.ACTIVE:
        forms["extension"] = _form("extension", agreement, **version)
        forms["follow_up"] = _form("follow_up", agreement, **version, held_on=today)
    if agreement.state in (State.ACTIVE, State.ENDED):
        forms["goal"] = _form("goal", agreement, **version)
    if agreement.state in (State.DRAFT, State.SENT, State.CONFIRMED, State.ACTIVE):
        forms["move_follow_up"] = _form("move_follow_up", agreement, **version)
    for key, form in (bound or {}).items():
        if key in forms:
            forms[key] = form
    return forms


def _page(agreement: Agreement, bound: dict | None = None):
    """The agreement's page; ``bound``: a form sent that did not validate, by its place on the page."""
    if (ask := audit_read(agreement.participant, (AGREEMENTS,), record=agreement)) is not None:
        return ask
    db.session.commit()
    today = local_today()
    return render_template(
        "agreements/agreement_detail.html", agreement=agreement, today=today,
        forms=_forms(agreement, today, bound), may_act=may_act(agreement), goals=plans.goal_tree(agreement),
        warnings=services.warnings(agreement, today),
        next_follow_up=services.next_follow_up(agreement, today), overdue=services.is_overdue(agreement, today),
        planned_end=services.planned_end(agreement), follow_up_dates=services.follow_up_dates(agreement),
        planned_follow_ups=services.planned_follow_ups(agreement),
        capacity_problem=services.capacity_problem(agreement) if agreement.state in (State.DRAFT, State.SENT)
        else None,
        plan_problems=services.plan_problems(agreement) if agreement.state is State.DRAFT else [],
        event_kinds=plans.EVENT_KINDS | retention_views.EVENT_KINDS, event_comment=retention_views.event_comment,
        job_checks=retention_views.check_rows(agreement), place_labels=plans.PLACE_LABELS,
        component_labels=COMPONENT_LABELS,
        match_on=date.fromisoformat(agreement.match_explanation["on"]) if agreement.match_explanation else None)


@bp.get("/<int:agreement_id>")
@roles_required(CASE_ROLES)
def agreement_detail(agreement_id: int):
    """Show an agreement: its plan, goals, warnings, follow-ups, timeline, and the steps allowed now."""
    return _page(get_agreement_or_404(agreement_id))


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def agreement_edit(agreement_id: int):
    """Change a draft's plan, on the version the user saw."""
    agreement = get_agreement_or_404(agreement_id)
    if agreement.state is not State.DRAFT:
        flash(_("Only a draft plan is changed; this one is “%(state)s”.", state=agreement.state.label), "error")
        return _detail(agreement)
    mentors = _mentors(agreement.job_function, agreement.mentor)
    form = AgreementEditForm(mentors=mentors, job_function=agreement.job_function, participant=agreement.participant,
                             data={**{name: getattr(agreement, name) for name in plans.PLAN_FIELDS},
                                   "mentor_id": agreement.mentor_id, "goals": plans.goals_text(agreement),
                                   "version": agreement.version})
    if form.validate_on_submit():
        try:
            plans.update_plan(agreement, db.session.get(Mentor, form.mentor_id.data), form.values(), staff_actor(),
                              expected_version=form.version.data)
            services.commit()
        except services.REFUSALS as caught:
            error = services.refusal(caught)
            db.session.rollback()
            flash(str(error), "error")
            return _detail(agreement)
        flash(_("The plan was saved."), "success")
        return _detail(agreement)
    if (ask := audit_read(agreement.participant, (AGREEMENTS,), record=agreement)) is not None:
        return ask
    db.session.commit()
    return render_template("agreements/agreement_form.html", form=form, agreement=agreement,
                           participant=agreement.participant, job_function=agreement.job_function, mentors=mentors)


@bp.post("/<int:agreement_id>/steps/<step>")
@roles_required(CASE_EDITORS)
def agreement_step(agreement_id: int, step: str):
    """Send the plan to the mentor, start the internship or cancel the agreement."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.take_step(agreement, step, staff_actor(), comment=values.get("comment") or "",
                           expected_version=values["version"], started_on=values.get("started_on"))

    success = {"send": _("The plan was sent to the mentor by e-mail."),
               "withdraw": _("The plan is a draft again: the mentor's link no longer works. Change it and send it "
                             "again."),
               "start": _("The internship has started."),
               "cancel": _("The agreement was cancelled.")}.get(step, _("Saved."))
    if step not in SIMPLE_STEPS:
        return _act(agreement, StepForm(), change, success)
    return _act(agreement, _form(step, agreement), change, success, step)


@bp.post("/<int:agreement_id>/end")
@roles_required(CASE_EDITORS)
def agreement_end(agreement_id: int):
    """End the internship with its outcome: a hire (kind, hours, start) or not hired (reason)."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.record_outcome(agreement, staff_actor(), outcome=values["outcome"], ended_on=values["ended_on"],
                                hours=values["outcome_hours"], job_start=values["outcome_start"],
                                reason=values["not_hired_reason"], comment=values["comment"] or "",
                                expected_version=values["version"])

    return _act(agreement, _form("end", agreement), change, _("The internship has ended."), "end")


@bp.post("/<int:agreement_id>/decision")
@roles_required(CASE_EDITORS)
def agreement_decision(agreement_id: int):
    """Record the home municipality's job-centre decision on a flex-job, wage subsidy or protected employment."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.record_decision(agreement, staff_actor(), Decision(values["decision"]), values["decided_on"],
                                 values["comment"] or "", expected_version=values["version"])

    return _act(agreement, _form("decision", agreement), change, _("The decision was recorded."), "decision")


@bp.post("/<int:agreement_id>/place")
@roles_required(CASE_EDITORS)
def agreement_place(agreement_id: int):
    """Record what became of the internship place after a hire: re-opened, or the company declined."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.record_place_after_hire(agreement, staff_actor(), PlaceAfterHire(values["choice"]),
                                         values["comment"] or "", expected_version=values["version"])

    return _act(agreement, _form("place", agreement), change, _("What became of the place was recorded."),
                "place")


@bp.post("/<int:agreement_id>/override")
@roles_required(CASE_EDITORS)
def agreement_override(agreement_id: int):
    """Allow the mentor to confirm into a full job function or at capacity, with the reason."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        if not services.capacity_problem(agreement):
            raise AgreementError(_("There is room: no override is needed."))
        services.record_override(agreement, staff_actor(), values["reason"] or "", expected_version=values["version"])

    return _act(agreement, _form("override", agreement), change, _("The override was recorded."), "override")


@bp.post("/<int:agreement_id>/extension")
@roles_required(CASE_EDITORS)
def agreement_extension(agreement_id: int):
    """Extend an active internship beyond its planned end, with the reason."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.record_extension(agreement, staff_actor(), values["until"], values["reason"] or "",
                                  expected_version=values["version"])

    return _act(agreement, _form("extension", agreement), change, _("The extension was recorded."),
                "extension")


@bp.post("/<int:agreement_id>/follow-ups")
@roles_required(CASE_EDITORS)
def follow_up_create(agreement_id: int):
    """Log a follow-up meeting of an active internship, with its note and the next step."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.check_version(agreement, values["version"])
        services.log_follow_up(agreement, current_user._get_current_object(), values["held_on"], values["note"] or "",
                               values["next_step"] or "")

    return _act(agreement, _form("follow_up", agreement), change, _("The follow-up was logged."), "follow_up")


@bp.post("/<int:agreement_id>/follow-ups/move")
@roles_required(CASE_EDITORS)
def follow_up_move(agreement_id: int):
    """Move one planned follow-up meeting to another working day."""
    agreement = get_agreement_or_404(agreement_id)

    def change(values):
        services.move_follow_up(agreement, staff_actor(), values["planned"], values["to"],
                                expected_version=values["version"])

    return _act(agreement, _form("move_follow_up", agreement), change, _("The follow-up was moved."))


@bp.post("/<int:agreement_id>/goals/<int:goal_id>/reached")
@roles_required(CASE_EDITORS)
def goal_reached(agreement_id: int, goal_id: int):
    """Mark a goal reached today."""
    agreement = get_agreement_or_404(agreement_id)
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.agreement_id != agreement.id:
        abort(404)

    def change(values):
        plans.mark_goal_reached(agreement, goal, staff_actor(), local_today(), expected_version=values["version"])

    return _act(agreement, GoalForm(), change, _("The goal is marked reached."))


@bp.get("/<int:agreement_id>/print")
@roles_required(CASE_ROLES)
def agreement_print(agreement_id: int):
    """Show the plan ready to print and sign: only what the plan says, no diagnoses or health notes."""
    agreement = get_agreement_or_404(agreement_id)
    if (ask := audit_read(agreement.participant, (AGREEMENTS,), record=agreement)) is not None:
        return ask
    db.session.commit()
    return render_template("agreements/agreement_print.html", agreement=agreement, goals=plans.goal_tree(agreement),
                           planned_end=services.planned_end(agreement),
                           follow_up_dates=services.follow_up_dates(agreement))
