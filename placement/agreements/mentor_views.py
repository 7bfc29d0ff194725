"""The mentor's pages: the plan through the e-mailed link (no account), and a mentor account's interns.

A mentor sees only what the plan says: the young person's first name, the job function, the company, the dates,
hours and schedule, the seven answers and the goals; never disabilities, disruptions, health or support notes.
The templates get a ``MentorPlan`` built here, not the agreement, so they cannot reach more than that.
"""

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from placement.agreements import copies, links, services
from placement.agreements.calendar_views import ics_response
from placement.agreements.mentor_forms import MentorAnswerForm
from placement.agreements.models import Agreement, State
from placement.agreements.services import Actor, StaleAgreement
from placement.auth.access import roles_required
from placement.auth.models import Role
from placement.extensions import db
from placement.linkpages import act_through_link, mentor_refused, private
from placement.partnerships.services import branding as partnership_branding

bp = Blueprint("mentor", __name__, url_prefix="/m")

MENTORS = frozenset({Role.MENTOR})
#: The states in which a mentor account sees an agreement: from the moment it was sent to them.
MENTOR_VISIBLE = (State.SENT, State.CONFIRMED, State.ACTIVE, State.ENDED)

#: The seven questions of the report's section 8.6, in its order, with the plan field answering each.
QUESTIONS = (
    ("purpose", _l("What is the purpose of the internship?")),
    ("tasks", _l("Which job functions can the young person take on?")),
    ("works_with", _l("Who will the young person work with?")),
    ("meeting", _l("Where and when does the young person meet, and what are the working hours?")),
    ("support", _l("What support does the young person need at work?")),
    ("goals", _l("What are the goals and sub-goals of the internship?")),
    ("follow_up_plan", _l("When and how do we follow up?")),
)


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str = ""
    #: Only for the goals: (goal, [sub-goals]).
    goals: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class MentorPlan:
    """What a mentor may see of an agreement."""

    id: int
    version: int
    state: State
    first_name: str
    job_title: str
    company: str
    start_date: date
    planned_weeks: int
    weekly_hours: int
    schedule: str
    answers: tuple[Answer, ...]
    #: Whose service this is, with its service desk (``placement.partnerships.services.Branding``).
    service: object = None
    #: The job consultant the mentor asks about the plan ("" when none is named on the agreement).
    contact_name: str = ""
    contact_email: str = ""
    #: The planned meetings: the start and the follow-ups.
    follow_ups: tuple[date, ...] = ()


def _goals(agreement: Agreement) -> tuple[tuple[str, tuple[str, ...]], ...]:
    top = [goal for goal in agreement.goals if goal.parent_id is None]
    return tuple((goal.text, tuple(sub.text for sub in agreement.goals if sub.parent_id == goal.id))
                 for goal in top)


def mentor_plan(agreement: Agreement) -> MentorPlan:
    """Return the plan as the mentor sees it."""
    answers = tuple(Answer(str(question), goals=_goals(agreement)) if field == "goals"
                    else Answer(str(question), getattr(agreement, field)) for field, question in QUESTIONS)
    job = agreement.job_function
    return MentorPlan(id=agreement.id, version=agreement.version, state=agreement.state,
                      first_name=services.first_name(agreement.participant.name), job_title=job.title,
                      company=job.company.name, start_date=agreement.start_date,
                      planned_weeks=agreement.planned_weeks, weekly_hours=agreement.weekly_hours,
                      schedule=agreement.schedule, answers=answers,
                      service=partnership_branding(agreement.partnership),
                      contact_name=agreement.consultant.name if agreement.consultant else "",
                      contact_email=agreement.consultant.email if agreement.consultant else "",
                      follow_ups=tuple(services.follow_up_dates(agreement)))


def _show_version(form: MentorAnswerForm, version: int) -> None:
    # The page always carries the version it shows, also when it is shown again after an error.
    form.version.raw_data = None
    form.version.data = version


def _refused(error: links.LinkRefused):
    """Answer a refused link (``linkpages.mentor_refused``), naming the plan it was for."""
    agreement = db.session.get(Agreement, error.agreement_id) if error.agreement_id else None
    plan = mentor_plan(agreement) if agreement is not None else None
    summary = _("The plan: %(job)s at %(company)s.", job=plan.job_title, company=plan.company) if plan else None
    return mentor_refused(error, plan, summary)


def _answer_or_confirm(form: MentorAnswerForm) -> bool:
    """Tell whether the answer may be recorded now: declining is irreversible, so it takes a second, explicit
    step (the page asks again, keeping the comment); else mark the form as the confirming one and say no."""
    if form.answer.data != "decline" or form.decline_confirmed.data == "yes":
        return True
    form.decline_confirmed.raw_data = None
    form.decline_confirmed.data = "yes"
    return False


def _copy_links(agreement: Agreement) -> dict | None:
    """Return the links to the mentor's own copy of a confirmed plan (PDF and calendar), or None."""
    if agreement.state not in (State.CONFIRMED, State.ACTIVE):
        return None
    token = copies.issue(agreement)
    return {"pdf": url_for(".copy_pdf", token=token), "ics": url_for(".copy_ics", token=token)}


@bp.route("/<token>", methods=["GET", "POST"])
def link(token: str):
    """Show the plan to the mentor through the e-mailed link and take their answer (no account needed)."""
    act_through_link("mentor link")
    try:
        found = links.resolve(token)
    except links.LinkRefused as error:
        return _refused(error)
    agreement = db.session.get(Agreement, found.agreement_id)
    form = MentorAnswerForm()
    problem = None
    submitted = form.validate_on_submit()
    if submitted and not _answer_or_confirm(form):
        _show_version(form, agreement.version)
        plan = mentor_plan(agreement)
        return private(make_response(render_template(
            "agreements/mentor_plan.html", plan=plan, form=form, confirm_decline=True,
            action=url_for(".link", token=token), through_link=True, branding=plan.service)))
    if submitted:
        actor = Actor(None, f"{agreement.mentor.name} (link)", True)
        try:
            services.mentor_answer(agreement, form.answer.data, actor, comment=form.comment.data or "",
                                   expected_version=form.version.data)
            links.use(found)
            services.commit()
        except services.REFUSALS as caught:
            error = services.refusal(caught)
            db.session.rollback()
            problem = str(error)
            if isinstance(error, StaleAgreement):
                try:  # changed meanwhile: show the current version, if it still waits for an answer
                    found = links.resolve(token)
                except links.LinkRefused as refused:
                    return _refused(refused)
                agreement = db.session.get(Agreement, found.agreement_id)
        else:
            plan = mentor_plan(agreement)
            copy = _copy_links(agreement)
            db.session.commit()
            return private(make_response(render_template("agreements/mentor_thanks.html", plan=plan,
                                                          copy=copy, branding=plan.service)))
    _show_version(form, agreement.version)
    plan = mentor_plan(agreement)
    return private(make_response(render_template(
        "agreements/mentor_plan.html", plan=plan, form=form, problem=problem,
        action=url_for(".link", token=token), through_link=True, branding=plan.service)))


# A mentor with an account ----------------------------------------------------------------------------------------

def _own_agreement_or_404(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if (agreement is None or current_user.mentor_id is None or agreement.mentor_id != current_user.mentor_id
            or agreement.state not in MENTOR_VISIBLE):
        abort(404)
    return agreement


@bp.get("/agreements")
@roles_required(MENTORS)
def my_agreements():
    """List the internships the mentor is mentor of, newest start first."""
    agreements = []
    if current_user.mentor_id is not None:
        agreements = db.session.scalars(
            select(Agreement).where(Agreement.mentor_id == current_user.mentor_id,
                                    Agreement.partnership_id == current_user.partnership_id,
                                    Agreement.state.in_(MENTOR_VISIBLE))
            .order_by(Agreement.start_date.desc(), Agreement.id.desc())).all()
    return render_template("agreements/mentor_list.html", plans=[mentor_plan(a) for a in agreements])


@bp.route("/agreements/<int:agreement_id>", methods=["GET", "POST"])
@roles_required(MENTORS)
def agreement(agreement_id: int):
    """Show one of the mentor's internship plans and, while it waits for them, take their answer."""
    found = _own_agreement_or_404(agreement_id)
    form = MentorAnswerForm()
    problem = None
    if request.method == "POST" and found.state is not State.SENT:
        flash(_("This plan no longer waits for your answer."), "warning")
        return redirect(url_for(".agreement", agreement_id=found.id))
    submitted = form.validate_on_submit()
    if submitted and not _answer_or_confirm(form):
        _show_version(form, found.version)
        return render_template("agreements/mentor_plan.html", plan=mentor_plan(found), form=form,
                               confirm_decline=True, action=url_for(".agreement", agreement_id=found.id),
                               through_link=False)
    if submitted:
        user = current_user._get_current_object()
        try:
            services.mentor_answer(found, form.answer.data, Actor(user, user.name, True),
                                   comment=form.comment.data or "", expected_version=form.version.data)
            services.commit()
        except StaleAgreement as error:
            db.session.rollback()
            flash(str(error), "warning")
            return redirect(url_for(".agreement", agreement_id=agreement_id))
        except services.REFUSALS as caught:
            error = services.refusal(caught)
            db.session.rollback()
            problem = str(error)
        else:
            flash(_("Thank you. Your answer is recorded: %(state)s.", state=found.state.label), "success")
            return redirect(url_for(".agreement", agreement_id=found.id))
    _show_version(form, found.version)
    copy = _copy_links(found)
    db.session.commit()
    return render_template("agreements/mentor_plan.html", plan=mentor_plan(found),
                           form=form if found.state is State.SENT else None, problem=problem, copy=copy,
                           action=url_for(".agreement", agreement_id=found.id), through_link=False)


# The mentor's own copy of a confirmed plan ------------------------------------------------------------------------

def _copy_or_refused(token: str) -> Agreement:
    try:
        return copies.resolve(token)
    except links.LinkRefused as error:
        abort(_refused(error))


@bp.get("/copy/<token>/plan.pdf")
def copy_pdf(token: str):
    """The confirmed plan as a PDF: what the mentor's page shows, to keep or print."""
    act_through_link("mentor link")
    plan = mentor_plan(_copy_or_refused(token))
    html = render_template("agreements/mentor_copy.html", plan=plan)
    response = make_response(copies.pdf(html))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="praktikplan-{plan.id}.pdf"'
    return private(response)


@bp.get("/copy/<token>/plan.ics")
def copy_ics(token: str):
    """The confirmed plan's meetings (the start and the follow-ups) as a calendar file."""
    act_through_link("mentor link")
    agreement = _copy_or_refused(token)
    return private(ics_response([agreement], f"praktik-{agreement.id}.ics"))
