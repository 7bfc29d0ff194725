"""The audit log, for administrators."""

import json

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from placement.audit.models import AuditEvent
from placement.auth.access import ADMINS, roles_required
from placement.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")

ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"), "view": _l("Opened"),
           "suggest": _l("Suggestions shown"), "withdraw": _l("Withdrawn")}
ENTITIES = {"partnerships": _l("Partnership"), "users": _l("User"), "api_tokens": _l("API token"),
            "companies": _l("Company"), "mentors": _l("Mentor"), "job_functions": _l("Job function"),
            "participants": _l("Young person"), "agreements": _l("Internship agreement"),
            "progress_measurements": _l("Progress measurement"), "partnership_targets": _l("Targets"),
            "matching_weights": _l("Matching weights")}


@bp.app_template_filter("audit_value")
def audit_value(value) -> str:
    """Show a logged value: none as a dash, lists and objects as compact JSON, the rest as text."""
    if value is None:
        return "–"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
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
                           entity_labels=ENTITIES)
