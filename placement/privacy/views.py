"""Privacy pages: subject access archive, consent history, anonymisation (four eyes), erasure.

The retention period is a partnership's setting (``placement.partnerships``: its page, API and CLI).

Only record ids go into URLs and file names. Records of another partnership answer 404.
"""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from placement.audit.reads import BASE, audit_read
from placement.auth.access import ADMINS, CASE_EDITORS, get_participant_or_404, roles_required
from placement.auth.models import Role
from placement.extensions import db
from placement.participants.models import Consent
from placement.privacy import services
from placement.privacy.forms import AnonymisationRequestForm, ConsentForm, EraseForm

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

#: Who answers a subject access request, asks for and confirms an anonymisation.
PRIVACY_OFFICERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def _partnership_scope() -> int | None:
    return None if current_user.is_admin else current_user.partnership_id


@bp.get("/participants/<int:participant_id>/subject-access")
@roles_required(PRIVACY_OFFICERS)
def subject_access(participant_id: int):
    """Download every record about one young person as a ZIP (data.json and a printable summary.html)."""
    participant = get_participant_or_404(participant_id)
    archive = services.subject_access_archive(participant)
    db.session.commit()
    return send_file(io.BytesIO(archive), mimetype="application/zip", as_attachment=True,
                     download_name=f"subject-access-{participant.id}.zip", max_age=0)


@bp.route("/participants/<int:participant_id>/consent", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def consent(participant_id: int):
    """Record a consent event and see the young person's consent history."""
    participant = get_participant_or_404(participant_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            services.record_consent(participant, Consent(form.state.data), form.on.data, form.note.data or "",
                                    current_user)
        except services.PrivacyRefused as refused:
            db.session.rollback()
            form.on.errors = [*form.on.errors, str(refused)]
        else:
            db.session.commit()
            flash(_("The consent was recorded."), "success")
            return redirect(url_for("privacy.consent", participant_id=participant.id))
    if (ask := audit_read(participant, (BASE,))) is not None:
        return ask
    db.session.commit()
    return render_template("privacy/consent.html", participant=participant, form=form,
                           history=services.consent_history(participant))


def _anonymise_page(participant, form, status=200):
    pending = services.pending_request(participant)
    return render_template("privacy/anonymise.html", participant_id=participant.id, form=form, pending=pending,
                           anonymised=services.is_anonymised(participant),
                           may_decide=pending is not None and services.may_decide(pending, current_user),
                           erasure_problem=services.erasure_problem(participant)), status


@bp.route("/participants/<int:participant_id>/anonymise", methods=["GET", "POST"])
@roles_required(PRIVACY_OFFICERS)
def anonymise(participant_id: int):
    """Ask for a young person's anonymisation; confirm or cancel another person's request."""
    participant = get_participant_or_404(participant_id)
    form = AnonymisationRequestForm()
    if request.method == "POST":
        action = request.form.get("action", "request")
        try:
            if action in ("confirm", "cancel"):
                pending = services.pending_request(participant)
                if pending is None:
                    raise services.PrivacyRefused(_("No anonymisation of this record is waiting for confirmation."))
                if action == "confirm":
                    services.confirm_anonymisation(pending, current_user)
                    message = _("Record no. %(id)s is anonymised.", id=participant.id)
                else:
                    services.cancel_request(pending, current_user)
                    message = _("The request was cancelled.")
            elif form.validate_on_submit():
                services.request_anonymisation(participant, current_user, form.reason.data)
                message = _("The anonymisation is requested: another coordinator or an administrator must "
                            "confirm it.")
            else:
                return _anonymise_page(participant, form, 400)
        except services.PrivacyRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return _anonymise_page(participant, form, 409)
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("privacy.anonymise", participant_id=participant.id))
    return _anonymise_page(participant, form)


@bp.get("/requests")
@roles_required(PRIVACY_OFFICERS)
def requests():
    """The anonymisation requests waiting for a second person."""
    pending = services.pending_requests(_partnership_scope())
    return render_template("privacy/requests.html", pending=pending,
                           may_decide={r.id: services.may_decide(r, current_user) for r in pending},
                           due=services.falling_due(_partnership_scope()))


@bp.route("/participants/<int:participant_id>/erase", methods=["GET", "POST"])
@roles_required(ADMINS)
def erase(participant_id: int):
    """Delete a record created by mistake (administrators; only without internships beyond drafts)."""
    participant = get_participant_or_404(participant_id)
    form = EraseForm(participant_id=participant.id)
    problem = services.erasure_problem(participant)
    if problem is None and form.validate_on_submit():
        services.erase(participant)
        db.session.commit()
        flash(_("Record no. %(id)s was deleted.", id=participant_id), "success")
        return redirect(url_for("participants.participant_list"))
    return render_template("privacy/erase.html", participant_id=participant.id, form=form, problem=problem), \
        400 if form.errors else 200
