"""The start page and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from placement.agreements.access import start_page_work
from placement.audit.reads import AGREEMENTS, BASE, PROGRESS, audit_read
from placement.auth.access import (
    CASE_EDITORS,
    EVERYONE,
    in_partnership,
    may_see_participant,
    participant_scope,
    roles_required,
)
from placement.auth.models import Role
from placement.extensions import db
from placement.network.models import Company, JobFunction, Mentor
from placement.participants.models import Participant
from placement.participants.services import local_today
from placement.progress.services import due_select
from placement.progress.views import RECORDERS
from placement.retention.views import due_for_start_page

bp = Blueprint("main", __name__)


@bp.get("/")
@roles_required(EVERYONE)
def index():
    """Show the user's start page."""
    if current_user.role is Role.MENTOR:
        if current_user.mentor is not None:
            # A mentor starts with their interns' plans; their company's page is one click away.
            return redirect(url_for("mentor.my_agreements"))
        return render_template("main/index.html", counts=None)
    counts = {
        "companies": db.session.scalar(in_partnership(
            select(func.count(Company.id)).where(Company.active), Company.partnership_id)),
        "mentors": db.session.scalar(in_partnership(
            select(func.count(Mentor.id)).join(Mentor.company).where(Mentor.active), Company.partnership_id)),
        "job_functions": db.session.scalar(in_partnership(
            select(func.count(JobFunction.id)).join(JobFunction.company).where(JobFunction.active),
            Company.partnership_id)),
        "places": db.session.scalar(in_partnership(
            select(func.coalesce(func.sum(JobFunction.places), 0)).join(JobFunction.company)
            .where(JobFunction.active, Company.active), Company.partnership_id)),
    }
    work = None
    if current_user.role in CASE_EDITORS:
        work = start_page_work(local_today())
    due = None
    if current_user.role in RECORDERS:
        due = db.session.execute(participant_scope(due_select(local_today()), Participant)).all()
    retention = None
    if current_user.role in (Role.ADMIN, Role.COORDINATOR):
        from placement.privacy.services import falling_due, pending_requests

        scope = None if current_user.is_admin else current_user.partnership_id
        retention = {"due": falling_due(scope), "pending": len(pending_requests(scope))}
    course, named_by_course = _course_work(local_today())
    job_checks = due_for_start_page()
    _audit_start_page(work, due, named_by_course, job_checks)
    return render_template("main/index.html", counts=counts, work=work, due=due, retention=retention,
                           job_checks=job_checks, **course)


def _course_work(today) -> tuple[dict, list]:
    """The user's open actions from meetings, and (coordinators, admins) the status notes due or overdue; and the
    young people these name."""
    from placement.course.services import notes_due, open_actions_of

    notes = None
    if current_user.role in RECORDERS:
        people = db.session.scalars(participant_scope(
            select(Participant).where(Participant.active, Participant.course_start <= today), Participant))
        notes = notes_due(people, today)
    actions = open_actions_of(current_user)
    named = [a.meeting.participant for a in actions if may_see_participant(a.meeting.participant)]
    return ({"actions": actions, "notes_due": notes, "today": today},
            named + [period.participant for period in notes or ()])


def _audit_start_page(work: dict | None, due: list | None, named_by_course: list, job_checks: list | None) -> None:
    """Log the read of the young people the start page names: its internships, the job checks to record and the
    first measurements due."""
    named = [a for a, _missed in work["overdue"]] + [a for key in ("waiting", "ready", "decisions", "places")
                                                      for a in work[key]] if work else []
    named += [check.agreement for check in job_checks or ()]
    shown = [a.participant for a in named] + [participant for participant, _last in (due or [])[:5]] + named_by_course
    fields = (AGREEMENTS,) * bool(named) + (PROGRESS,) * bool(due) + (BASE,) * bool(named_by_course)
    if shown:
        audit_read(shown, fields)
        db.session.commit()


@bp.post("/language")
def set_language():
    """Switch the interface language (Danish or English)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    referrer = request.referrer or ""
    host = request.host_url
    return redirect(referrer if referrer.startswith(host) else url_for("main.index"))
