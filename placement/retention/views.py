"""Pages for the job checks after a hire: the check's page where staff record (or correct) the answer or ask the
mentor by e-mail, and the mentor's two questions through the e-mailed link (no account).

Staff who may act on the agreement (``CASE_EDITORS`` who work on the young person's case) record; a check of an
agreement the user does not see answers 404. Every response showing the check writes one read entry. The mentor's
page acts under the link's name in the audit log, shows only the first name and the job, and works once.
"""

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from placement.agreements import links
from placement.agreements import services as agreement_services
from placement.agreements.access import may_act, may_see_agreement, split_visible
from placement.agreements.models import Agreement
from placement.agreements.plans import event_comment as plan_event_comment
from placement.audit.reads import AGREEMENTS, audit_read
from placement.auth.access import CASE_EDITORS, roles_required
from placement.auth.models import Role
from placement.extensions import db
from placement.linkpages import act_through_link, mentor_refused, private
from placement.retention import asking, services
from placement.retention.forms import CheckForm, MentorCheckForm
from placement.retention.models import Employment, JobCheck

bp = Blueprint("retention", __name__)

#: The timeline's name for a recorded check (``plans.EVENT_KINDS`` names the others).
EVENT_KINDS = {"job_check": _l("Job check")}


def today() -> date:
    """Today for the check's date rules: the workflow's (tests pin it)."""
    return agreement_services.today()


# What the agreement's page and the start page show -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CheckRow:
    check: JobCheck
    #: "recorded", "missing" (due, not recorded) or "coming".
    state: str
    #: The check can be recorded (or corrected) now by the user.
    recordable: bool


def check_rows(agreement: Agreement, on: date | None = None) -> list[CheckRow]:
    """Return the agreement's job checks for its page, each with its state and whether the user may record it now."""
    checks = services.checks_of(agreement)
    if not checks:
        return []
    on = on or today()
    followed = services.is_followed(agreement) and may_act(agreement)
    rows = []
    for check in checks:
        state = "recorded" if check.status is not None else "missing" if check.due_on < on else "coming"
        rows.append(CheckRow(check, state, followed and services.earliest_record_day(check) <= on))
    return rows


def due_for_start_page(on: date | None = None) -> list[JobCheck] | None:
    """Return the checks the user should record now (consultants: their own hires; coordinators: their
    partnership's; admins: all), among the agreements they see; None for other roles."""
    if current_user.role not in CASE_EDITORS:
        return None
    partnerships = None if current_user.is_admin else (current_user.partnership_id,)
    consultant_id = current_user.id if current_user.role is Role.CONSULTANT else None
    checks = services.due(partnerships, on or today(), consultant_id=consultant_id)
    visible = {a.id for a in split_visible({c.agreement for c in checks})[0]}
    return [c for c in checks if c.agreement_id in visible]


def event_comment(event) -> str:
    """Return an event's comment for people; a recorded check as "3 months: Still employed"."""
    if event.kind == "job_check":
        month, _sep, status = (event.comment or "").partition(":")
        if month.strip().isdigit() and status.strip() in {e.value for e in Employment}:
            return f"{asking.months_text(int(month))}: {Employment(status.strip()).label}"
    return plan_event_comment(event)


# The check's page --------------------------------------------------------------------------------------------------

def _check_or_404(check_id: int) -> JobCheck:
    check = db.session.get(JobCheck, check_id)
    if check is None or not may_see_agreement(check.agreement):
        abort(404)
    return check


def _seen(check: JobCheck) -> str:
    return check.recorded_at.isoformat() if check.recorded_at else ""


def _prefill(check: JobCheck, on: date) -> dict:
    if check.status is None:
        return {"checked_on": on, "seen": ""}
    return {"status": check.status.value, "checked_on": check.checked_on, "hours": check.hours,
            "reason": check.reason, "note": check.note, "seen": _seen(check)}


def _page(check: JobCheck, form: CheckForm, on: date, status: int = 200):
    agreement = check.agreement
    if (ask := audit_read(agreement.participant, (AGREEMENTS,), record=check)) is not None:
        return ask
    checks = services.checks_of(agreement)
    page = render_template(
        "retention/check.html", check=check, agreement=agreement, form=form, today=on,
        first_name=agreement_services.first_name(agreement.participant.name),
        earlier=[c for c in checks if c.month < check.month], months_text=asking.months_text,
        followed=services.is_followed(agreement), earliest=services.earliest_record_day(check),
        pending=asking.pending_link(check), ask_problem=asking.ask_problem(check, on),
        by_mentor=check.recorded_label == services.BY_MENTOR_LINK)
    db.session.commit()
    return page, status


def _locked(check: JobCheck) -> JobCheck:
    """Load the check again, locked until the commit (PostgreSQL), so two answers do not both land."""
    return db.session.scalars(select(JobCheck).where(JobCheck.id == check.id).with_for_update()
                              .execution_options(populate_existing=True)).one()


@bp.route("/job-checks/<int:check_id>", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def check(check_id: int):
    """Show a job check with the job and the earlier checks, and record (or correct) its answer."""
    found = _check_or_404(check_id)
    on = today()
    if request.method == "GET":
        return _page(found, CheckForm(formdata=None, data=_prefill(found, on), check=found, today=on), on)
    form = CheckForm(check=found, today=on)
    if not form.validate_on_submit():
        return _page(found, form, on, 400)
    found = _locked(found)
    if (form.seen.data or "") != _seen(found):
        db.session.rollback()
        flash(_("Meanwhile %(who)s recorded this check. Here is what was recorded; correct it if needed.",
                who=found.recorded_label or "–"), "warning")
        return redirect(url_for(".check", check_id=found.id))
    correcting = found.status is not None
    try:
        services.record(found, **form.answer(), user=current_user._get_current_object(), today=on)
        db.session.commit()
    except services.CheckError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".check", check_id=found.id))
    message = _("The job check after %(months)s was corrected: %(status)s.") if correcting \
        else _("The job check after %(months)s was recorded: %(status)s.")
    flash(message % {"months": asking.months_text(found.month), "status": found.status.label}, "success")
    return redirect(url_for("agreements.agreement_detail", agreement_id=found.agreement_id, _anchor="job-checks"))


@bp.post("/job-checks/<int:check_id>/ask-mentor")
@roles_required(CASE_EDITORS)
def ask_mentor(check_id: int):
    """E-mail the mentor a single-use link to the check's two questions."""
    found = _check_or_404(check_id)
    try:
        asking.ask_mentor(found, current_user._get_current_object(), today())
        db.session.commit()
    except services.CheckError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("The mentor %(name)s was asked by e-mail. The answer is recorded here when it comes.",
                name=found.agreement.mentor.name), "success")
    return redirect(url_for(".check", check_id=found.id))


# The mentor's page through the e-mailed link -------------------------------------------------------------------

def _refused(error: links.LinkRefused):
    """Answer a refused link like the plan's (``linkpages.mentor_refused``), naming the job it was about."""
    agreement = db.session.get(Agreement, error.agreement_id) if error.agreement_id else None
    shown = asking.mentor_check(agreement) if agreement is not None else None
    summary = _("The job: %(job)s at %(company)s.", job=shown.job_title, company=shown.company) if shown else None
    return mentor_refused(error, shown, summary)


@bp.route("/m/job/<token>", methods=["GET", "POST"])
def mentor_check(token: str):
    """Ask the mentor, through the e-mailed link, whether the young person is still employed (no account needed)."""
    act_through_link("mentor link")
    try:
        link = links.resolve_check(token)
    except links.LinkRefused as error:
        return _refused(error)
    found = db.session.get(JobCheck, link.job_check_id)
    agreement = found.agreement
    shown = asking.mentor_check(agreement, found)
    on = today()
    form = MentorCheckForm(check=found, first_name=shown.first_name, today=on)
    status = 200
    if form.is_submitted():
        if form.validate_on_submit():
            found = _locked(found)
            if found.status is not None:  # answered meanwhile (the consultant, or this link twice at once)
                db.session.rollback()
                return _refused(links.LinkRefused(_("This question no longer waits for your answer. Thank you."),
                                                  gone=True, agreement_id=agreement.id))
            try:
                services.record(found, status=form.status(), checked_on=on, hours=form.hours.data,
                                reason=form.reason.data or "", label=services.BY_MENTOR_LINK, today=on)
                links.use(link)
                asking.tell_consultant(found)
                db.session.commit()
            except services.CheckError as error:
                db.session.rollback()
                form.problem = str(error)
            else:
                return private(make_response(render_template("retention/mentor_thanks.html", shown=shown,
                                                             branding=shown.service)))
        status = 400
    return private(make_response(render_template(
        "retention/mentor_check.html", shown=shown, form=form, months_text=asking.months_text,
        branding=shown.service), status))
