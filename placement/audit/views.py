"""The audit log, for administrators."""

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from placement.audit.models import AuditEvent
from placement.auth.access import ADMINS, roles_required
from placement.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


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
    return render_template("audit/index.html", page=page, entity=entity, entities=entities)
