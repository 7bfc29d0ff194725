"""Write the audit log from the session, so that no service can forget it."""

import enum
from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from placement.audit.models import Audited, AuditEvent
from placement.database import utcnow

_SKIPPED = frozenset({"created_at", "updated_at"})


def set_actor(user_id: int | None, label: str) -> None:
    """Name who is acting in this app context; the audit log records it."""
    g.audit_actor = (user_id, label)


def _actor() -> tuple[int | None, str]:
    if has_app_context():
        return g.get("audit_actor", (None, "system"))
    return None, "system"


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _changes(obj: Audited, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _SKIPPED or key in obj.__audit_exclude__:
            continue
        if action == "create":
            value = getattr(obj, key)
            if value not in (None, ""):
                changes[key] = [None, _plain(value)]
        elif action == "update":
            history = state.attrs[key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old != new:
                    changes[key] = [_plain(old), _plain(new)]
        else:
            changes[key] = [_plain(getattr(obj, key)), None]
    if action == "update":
        # A changed secret is recorded as changed, never with its value.
        changes.update({k: ["***", "***"] for k in obj.__audit_exclude__ if state.attrs[k].history.has_changes()})
    return changes


def record_access(session: Session, obj: Audited) -> None:
    """Record that the current actor opened a record with special-category data (GDPR art. 9)."""
    actor_id, actor_label = _actor()
    session.execute(insert(AuditEvent.__table__).values(
        at=utcnow(), actor_id=actor_id, actor_label=actor_label, action="view", entity=obj.__tablename__,
        entity_id=str(inspect(obj).identity[0]), partnership_id=obj.audit_partnership_id, changes={}))


def record_event(session: Session, obj: Audited, action: str, changes: dict) -> None:
    """Record an event about a record beyond its creation, changes and deletion, e.g. why it was withdrawn."""
    actor_id, actor_label = _actor()
    session.execute(insert(AuditEvent.__table__).values(
        at=utcnow(), actor_id=actor_id, actor_label=actor_label, action=action, entity=obj.__tablename__,
        entity_id=",".join(str(i) for i in inspect(obj).identity or ()), partnership_id=obj.audit_partnership_id,
        changes={key: [_plain(old), _plain(new)] for key, (old, new) in changes.items()}))


def record_suggestions(session: Session, participant) -> bool:
    """Record that a young person's internship suggestions were shown, at most once a day (UTC).

    The dashboard's funnel counts these as its first step, "suggested". Return whether an event was written.
    """
    now = utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    entity_id = str(participant.id)
    already = session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "suggest", AuditEvent.entity == "participants", AuditEvent.entity_id == entity_id,
        AuditEvent.at >= midnight).limit(1))
    if already is not None:
        return False
    actor_id, actor_label = _actor()
    session.execute(insert(AuditEvent.__table__).values(
        at=now, actor_id=actor_id, actor_label=actor_label, action="suggest", entity="participants",
        entity_id=entity_id, partnership_id=participant.partnership_id, changes={}))
    return True


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("The audit log is append-only.")


@event.listens_for(Session, "after_flush")
def _record(session: Session, _context) -> None:
    rows = []
    actor_id, actor_label = _actor()
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            identity = inspect(obj).identity
            rows.append({
                "at": utcnow(), "actor_id": actor_id, "actor_label": actor_label, "action": action,
                "entity": obj.__tablename__, "entity_id": ",".join(str(i) for i in identity or ()),
                "partnership_id": obj.audit_partnership_id, "changes": changes,
            })
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)
