"""The audit log, for administrators."""

import json
import re
from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from placement.audit.forms import PurposeForm
from placement.audit.models import AuditEvent, AuditSubject
from placement.audit.reads import EXPORT, FIELD_GROUPS, PURPOSE_LABELS, write_read
from placement.auth.access import ADMINS, CASE_ROLES, get_participant_or_404, roles_required
from placement.auth.models import Role
from placement.csvtools import csv_response, write_csv
from placement.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")

ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"), "view": _l("Opened"),
           "suggest": _l("Suggestions shown"), "withdraw": _l("Withdrawn"),
           "purpose": _l("Purpose given")}
ENTITIES = {"partnerships": _l("Partnership"), "users": _l("User"), "api_tokens": _l("API token"),
            "companies": _l("Company"), "mentors": _l("Mentor"), "job_functions": _l("Job function"),
            "participants": _l("Young person"), "agreements": _l("Internship agreement"),
            "progress_measurements": _l("Progress measurement"), "partnership_targets": _l("Targets"),
            "matching_weights": _l("Matching weights"), "lexicon_entries": _l("Word list entry"),
            "account_links": _l("Invitation or reset link"), "young_person_links": _l("Young person's own link"),
            "learning_goals": _l("Learning goal"), "goal_self_assessments": _l("Self-assessment"),
            "job_checks": _l("Job check"), "meetings": _l("Meeting"), "meeting_actions": _l("Agreed action"),
            "status_notes": _l("Status note")}


#: A date as the log stores it.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@bp.app_template_filter("audit_value")
def audit_value(value) -> str:
    """Show a logged value: none as a dash, lists and objects as compact JSON, the rest as text."""
    if value is None:
        return "–"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:  # a logged date reads as users write dates (03.06.2027), not as stored
            return format_date(date.fromisoformat(value), "short")
        except ValueError:
            return value
    return str(value)


@bp.get("/")
@roles_required(ADMINS)
def index():
    """List audit events, newest first, filtered by entity type."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    entity = request.args.get("entity", "")
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"] * 2, error_out=False)
    entities = db.session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)).all()
    return render_template("audit/index.html", page=page, entity=entity, entities=entities, actions=ACTIONS,
                           entity_labels=ENTITIES, purposes=PURPOSE_LABELS)


def _local_path(target: str | None, fallback: str) -> str:
    """Return ``target`` if it is a path on this site (never another host), else ``fallback``."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.route("/purpose", methods=["GET", "POST"])
@roles_required(CASE_ROLES)
def purpose():
    """Ask why a record one is not named on is opened (or a bulk export made), then go on to it."""
    participant_id = request.args.get("participant", type=int)
    export = request.args.get("export") == "1"
    if participant_id is None and not export:
        abort(400, description="Name the record (participant) or the export (export=1).")
    participant = get_participant_or_404(participant_id) if participant_id is not None else None
    fallback = url_for("participants.participant_detail", participant_id=participant_id) if participant \
        else url_for("participants.participant_list")
    form = PurposeForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        write_read(db.session, [participant] if participant else [], (), form.purpose.data,
                   (form.note.data or "").strip(), action="purpose", entity_id=EXPORT if export else None)
        db.session.commit()
        return redirect(_local_path(form.next.data, fallback))
    return render_template("audit/purpose.html", form=form, participant_id=participant_id, export=export,
                           cancel=url_for("participants.participant_list"))


def _log_events(participant_id: int):
    return db.session.scalars(
        select(AuditEvent).join(AuditSubject, AuditSubject.event_id == AuditEvent.id)
        .where(AuditSubject.participant_id == participant_id, AuditEvent.action == "view")
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())).all()


def _participant_for_log(participant_id: int):
    """The record's log is for admins and the coordinators of its partnership; others get 404 or 403."""
    from placement.participants.models import Participant

    participant = db.session.get(Participant, participant_id)
    if participant is None or not (current_user.is_admin or participant.partnership_id == current_user.partnership_id):
        abort(404)
    return participant


LOG_READERS = frozenset({Role.ADMIN, Role.COORDINATOR})


@bp.get("/participants/<int:participant_id>")
@roles_required(LOG_READERS)
def participant_log(participant_id: int):
    """Show who has seen a young person's record, when, what and why."""
    participant = _participant_for_log(participant_id)
    return render_template("audit/participant_log.html", participant=participant,
                           events=_log_events(participant.id), purposes=PURPOSE_LABELS, groups=FIELD_GROUPS)


@bp.get("/participants/<int:participant_id>/log.csv")
@roles_required(LOG_READERS)
def participant_log_csv(participant_id: int):
    """Download a young person's access log as CSV."""
    participant = _participant_for_log(participant_id)
    # The page's columns, in the user's language: Danish Excel opens it as the coordinator reads it.
    rows = [[format_datetime(e.at, "dd.MM.yyyy HH:mm"), e.actor_label, e.actor.role.label if e.actor else "",
             ", ".join(str(FIELD_GROUPS.get(key, key)) for key in (e.fields or "").split(",") if key),
             len(e.records or []), str(PURPOSE_LABELS.get(e.purpose, e.purpose or "")), e.purpose_note or ""]
            for e in _log_events(participant.id)]
    columns = (_("When"), _("Who"), _("Role"), _("What"), _("Young people shown"), _("Why"), _("In their own words"))
    return csv_response(write_csv(columns, rows), f"adgangslog-{participant.id}.csv")
