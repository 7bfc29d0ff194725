"""Pages for young people: list, add, show, change, deactivate. Names never go into a URL (ids only)."""

from types import SimpleNamespace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from placement import locking
from placement.agreements.models import Agreement
from placement.agreements.plans import standing
from placement.audit.reads import AGREEMENTS, BASE, HEALTH, PROGRESS, audit_read
from placement.auth.access import (
    CASE_EDITORS,
    CASE_ROLES,
    get_participant_or_404,
    in_partnership,
    may_see_participant,
    participant_scope,
    roles_required,
)
from placement.auth.models import Partnership, Role, User
from placement.extensions import db
from placement.participants import services
from placement.participants.forms import CASE_PEOPLE_FIELDS, ParticipantForm
from placement.participants.models import Disruption, Participant
from placement.participants.needs import NEEDS, SUPPORT_HIGH, SUPPORT_LOW
from placement.progress.services import progress_of

bp = Blueprint("participants", __name__, url_prefix="/participants")

STATUSES = ("active", "inactive", "all")
SORTS = tuple(services.PARTICIPANT_SORTS)


def _partnership_for_new_participant() -> Partnership:
    """An admin may file a young person under any partnership (``?partnership=ID``); others use their own."""
    if current_user.is_admin and request.args.get("partnership", type=int):
        return db.get_or_404(Partnership, request.args.get("partnership", type=int))
    return current_user.partnership


def _form(partnership_id: int, participant: Participant | None = None) -> ParticipantForm:
    form = ParticipantForm(obj=participant, people=services.case_people(partnership_id, participant))
    if request.method == "GET" and participant is not None:
        for name in CASE_PEOPLE_FIELDS:
            form[name].data = getattr(participant, name) or 0
        form.consent.data = participant.consent.value if participant.consent else ""
    return form


def _warn_about_age(form: ParticipantForm) -> None:
    if not form.date_of_birth.errors:
        form.age_warning = services.age_warning(form.date_of_birth.data,
                                                form.course_start.data or services.local_today())


def _saved(participant: Participant, message: str):
    flash(message, "success")
    warning = services.age_warning(participant.date_of_birth, participant.course_start or services.local_today())
    if warning:
        flash(warning, "warning")
    if not may_see_participant(participant):
        flash(_("You are not named on this young person's case, so you cannot open the record."), "info")
        return redirect(url_for("participants.participant_list"))
    return redirect(url_for("participants.participant_detail", participant_id=participant.id))


@bp.route("", methods=["GET", "POST"])
@roles_required(CASE_ROLES)
def participant_list():
    """List the young people the user works on, with filters, sorting and pages.

    A search by name is sent by POST (the form carries it), so no name ever stands in a URL or an access log; it
    shows the matches on one page.
    """
    consultant = request.args.get("consultant", "")
    filters = services.ParticipantFilters(
        consultant_id=0 if consultant == "none" else request.args.get("consultant", type=int),
        status=request.args.get("status", "active"), sort=request.args.get("sort", "name"))
    stmt = services.participant_query(participant_scope(select(Participant), Participant), filters).options(
        selectinload(Participant.consultant), selectinload(Participant.partnership))
    query = request.form.get("q", "").strip()[:100] if request.method == "POST" else ""
    if query:
        ids = services.name_matches(stmt, query)
        found = {p.id: p for p in db.session.scalars(select(Participant).where(Participant.id.in_(ids)).options(
            selectinload(Participant.consultant), selectinload(Participant.partnership)))}
        items = [found[ident] for ident in ids]
        page = SimpleNamespace(items=items, total=len(items), pages=1)
    else:
        page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    audit_read(list(page.items), (BASE,))
    db.session.commit()
    consultants = db.session.scalars(in_partnership(
        select(User).where(User.role == Role.CONSULTANT), User.partnership_id).order_by(User.name, User.id)).all()
    return render_template("participants/participant_list.html", page=page, filters=filters, consultant=consultant,
                           consultants=consultants, statuses=STATUSES, sorts=SORTS, today=services.local_today(),
                           query=query)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def participant_create():
    """Add a young person."""
    partnership = _partnership_for_new_participant()
    form = _form(partnership.id)
    if request.method == "GET":
        form.home_municipality.data = partnership.municipality
    if form.validate_on_submit():
        participant = services.create_participant(partnership, form.values(), current_user)
        db.session.commit()
        return _saved(participant, _("%(name)s was added.", name=participant.name))
    if form.is_submitted():
        _warn_about_age(form)
    return render_template("participants/participant_form.html", form=form, participant=None,
                           partnership=partnership, needs=NEEDS)


@bp.get("/<int:participant_id>")
@roles_required(CASE_ROLES)
def participant_detail(participant_id: int):
    """Show a young person's record; the opening is written to the audit log (special-category data)."""
    participant = get_participant_or_404(participant_id)
    if (ask := audit_read(participant, (BASE, HEALTH, PROGRESS, AGREEMENTS))) is not None:
        return ask
    db.session.commit()
    today = services.local_today()
    disruptions = [d for d in Disruption if d.value in (participant.disruptions or ())]
    agreements = db.session.scalars(select(Agreement).where(Agreement.participant_id == participant.id)
                                    .order_by(Agreement.start_date.desc(), Agreement.id.desc())).all()
    return render_template("participants/participant_detail.html", participant=participant, needs=NEEDS,
                           agreements=agreements, standing=standing(agreements),
                           age=participant.age_on(today), disruptions=disruptions,
                           age_warning=services.age_warning(participant.date_of_birth,
                                                            participant.course_start or today),
                           course=services.course(participant, today), support_low=SUPPORT_LOW,
                           support_high=SUPPORT_HIGH, progress=progress_of(participant, today))


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def participant_edit(participant_id: int):
    """Change a young person's record."""
    participant = get_participant_or_404(participant_id)
    form = _form(participant.partnership_id, participant)
    clash = None
    if form.validate_on_submit():
        clash = locking.save(form, participant, lambda: services.apply_participant(participant, form.values()),
                             current=lambda: {"occupation_ids": [o.id for o in participant.occupations]})
        if clash is None:
            return _saved(participant, _("The changes were saved."))
    _warn_about_age(form)
    if (ask := audit_read(participant, (BASE, HEALTH))) is not None:
        return ask
    db.session.commit()
    return render_template("participants/participant_form.html", form=form, participant=participant,
                           partnership=participant.partnership, needs=NEEDS, conflict=clash), 409 if clash else 200


@bp.post("/<int:participant_id>/active")
@roles_required(CASE_EDITORS)
def participant_set_active(participant_id: int):
    """Deactivate a young person (the course has ended) or make them active again."""
    participant = get_participant_or_404(participant_id)
    participant.active = request.form.get("active") == "1"
    db.session.commit()
    flash(_("%(name)s is active again.", name=participant.name) if participant.active
          else _("%(name)s is deactivated.", name=participant.name), "success")
    return redirect(url_for("participants.participant_detail", participant_id=participant.id))


from placement.participants import csv_views  # noqa: E402, F401 - the import/export pages share this blueprint
