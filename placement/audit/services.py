"""Write the audit log from the session, so that no service can forget it."""

import enum
import threading
from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import Connection, event, insert, inspect, select, text
from sqlalchemy.orm import Session

from placement import revisions
from placement.audit import chain
from placement.audit.models import Audited, AuditEvent, AuditSubject
from placement.auth.models import Partnership
from placement.database import utcnow
from placement.imports.bulk import insert_many

_SKIPPED = frozenset({"created_at", "updated_at"})
#: What the log holds instead of a personal field's value.
PERSONAL = "changed"
#: ``entity_id`` of the one entry that logs the rows a bulk import created (their ids are its ``records``).
BULK_IMPORT = "import"


def append(connection: Connection, rows: list[dict]) -> list[int]:
    """Chain and insert audit entries; return their ids. Every entry goes through here.

    On PostgreSQL a transaction-level advisory lock makes reading the last hash and inserting one step, so two
    transactions cannot fork the chain (the lock is held until commit); SQLite lets one writer in at a time. The
    unique ``prev_hash`` refuses a fork should anything get past that.
    """
    table = AuditEvent.__table__
    chain.link(rows, _last_hash(connection))
    if len(rows) > 1 and all(row.keys() == rows[0].keys() for row in rows):  # many at once (e.g. an import)
        return insert_many(connection, table, rows)  # in order (ids from the sequence, then COPY on PostgreSQL)
    return [connection.execute(insert(table).returning(table.c.id), row).scalar_one() for row in rows]


def _last_hash(connection: Connection) -> str:
    """Take the chain's lock (PostgreSQL; held until commit) and return the last entry's hash."""
    if connection.dialect.name == "postgresql":  # lock, then read, in one round trip (migration 0020)
        return connection.scalar(text("SELECT audit_chain_tip(:key)"), {"key": chain.ADVISORY_LOCK_KEY}) \
            or chain.GENESIS
    table = AuditEvent.__table__
    return connection.scalar(select(table.c.hash).order_by(table.c.id.desc()).limit(1)) or chain.GENESIS


@event.listens_for(AuditEvent, "before_insert")
def _chain_added_entry(_mapper, connection: Connection, entry: AuditEvent) -> None:
    """Chain an entry added through the ORM (``session.add(AuditEvent(...))``) like those written by ``append``."""
    if entry.at is None:
        entry.at = utcnow()
    row = {column: getattr(entry, column) for column in chain.HASHED_COLUMNS}
    chain.link([row], _last_hash(connection))
    entry.changes, entry.records, entry.prev_hash, entry.hash = (row["changes"], row.get("records"),
                                                                 row["prev_hash"], row["hash"])


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
        personal = obj.audit_is_personal(key)
        if action == "create":
            value = getattr(obj, key)
            if value not in (None, ""):
                changes[key] = [None, PERSONAL if personal else _plain(value)]
        elif action == "update":
            history = state.attrs[key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old != new:
                    changes[key] = [PERSONAL, PERSONAL] if personal else [_plain(old), _plain(new)]
        elif personal:
            changes[key] = [PERSONAL, None]
        else:
            changes[key] = [_plain(getattr(obj, key)), None]
    if action == "update":
        # A changed secret is recorded as changed, never with its value.
        changes.update({k: ["***", "***"] for k in obj.__audit_exclude__ if state.attrs[k].history.has_changes()})
    return changes


def record_event(session: Session, obj: Audited, action: str, changes: dict) -> None:
    """Record an event about a record beyond its creation, changes and deletion, e.g. why it was withdrawn."""
    actor_id, actor_label = _actor()
    append(session.connection(), [dict(
        at=utcnow(), actor_id=actor_id, actor_label=actor_label, action=action, entity=obj.__tablename__,
        entity_id=",".join(str(i) for i in inspect(obj).identity or ()), partnership_id=obj.audit_partnership_id,
        changes={key: [_plain(old), _plain(new)] for key, (old, new) in changes.items()})])


#: The young people whose "suggestions shown" entry this worker has seen committed, for one UTC day.
_suggested: dict[date, set] = {}
_suggested_lock = threading.Lock()


def _suggested_today(day: date, known: tuple, *, remember: bool = False) -> bool:
    """Tell whether this worker knows of today's entry (``remember``: note that it exists); yesterday's are
    forgotten."""
    with _suggested_lock:
        if day not in _suggested:
            _suggested.clear()
            _suggested[day] = set()
        if remember:
            if len(_suggested[day]) >= 100_000:  # a bound, far above a day's young people
                _suggested[day].clear()
            _suggested[day].add(known)
        return known in _suggested[day]


def record_suggestions(session: Session, participant) -> bool:
    """Record that a young person's internship suggestions were shown, at most once a day (UTC).

    The dashboard's funnel counts these as its first step, "suggested". Return whether an event was written.
    """
    now = utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    entity_id = str(participant.id)
    # The partnership's creation time tells apart databases emptied and refilled under one address (the tests).
    partnership = session.get(Partnership, participant.partnership_id)
    known = (str(session.get_bind().url), participant.partnership_id, partnership and partnership.created_at,
             participant.id)
    if _suggested_today(midnight.date(), known):
        return False
    already = session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "suggest", AuditEvent.entity == "participants", AuditEvent.entity_id == entity_id,
        AuditEvent.at >= midnight).limit(1))
    if already is not None:
        _suggested_today(midnight.date(), known, remember=True)  # committed: no need to ask again today
        return False
    actor_id, actor_label = _actor()
    append(session.connection(), [dict(
        at=now, actor_id=actor_id, actor_label=actor_label, action="suggest", entity="participants",
        entity_id=entity_id, partnership_id=participant.partnership_id, changes={})])
    revisions.bump(session, participant.partnership_id)  # the results' funnel counts these entries
    return True


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent | AuditSubject):
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
            state = inspect(obj)
            # A new row has no identity key until the flush is over; its primary key is already known.
            identity = state.identity or state.mapper.primary_key_from_instance(obj)
            rows.append({
                "at": utcnow(), "actor_id": actor_id, "actor_label": actor_label, "action": action,
                "entity": obj.__tablename__, "entity_id": ",".join(str(i) for i in identity or ()),
                "partnership_id": obj.audit_partnership_id, "changes": changes,
            })
    if rows:
        append(session.connection(), rows)


def record_creates(connection: Connection, model: type[Audited], rows: list[dict], partnership_id: int | None) -> None:
    """Log rows inserted without the ORM (a bulk import) as the ORM's flush would: one ``create`` entry per row.

    ``rows`` hold each new row's column values by column key, its ``id`` and its defaults included; the entries are
    those ``_changes`` writes for a record created through the ORM, chained in one go. Moves the partnership's
    revisions, as ``record_bulk_create`` does.
    """
    if not rows:
        return
    actor_id, actor_label = _actor()
    logged = [(attr.key, attr.columns[0].key, model.audit_is_personal(attr.key))
              for attr in inspect(model).column_attrs
              if attr.key not in _SKIPPED and attr.key not in model.__audit_exclude__]
    revisions.rows_written(connection, partnership_id, model.__tablename__, [row["id"] for row in rows])
    now = utcnow()
    append(connection, [{
        "at": now, "actor_id": actor_id, "actor_label": actor_label, "action": "create", "entity": model.__tablename__,
        "entity_id": str(row["id"]), "partnership_id": partnership_id, "changes": _created(row, logged),
    } for row in rows])


#: Values logged as they are (``_plain`` would return them unchanged, at the cost of two ``isinstance`` each).
_JSON_TYPES = frozenset({str, int, float, bool})


def _created(row: dict, logged: list[tuple[str, str, bool]]) -> dict:
    """A new row's ``changes``, as ``_changes`` writes them for a record created through the ORM."""
    changes = {}
    for key, column, personal in logged:
        value = row.get(column)
        if value is not None and value != "":
            changes[key] = [None, PERSONAL if personal else value if type(value) in _JSON_TYPES else _plain(value)]
    return changes


def record_bulk_create(connection: Connection, model: type[Audited], ids: list[int],
                       partnership_id: int | None) -> None:
    """Log the creation of rows inserted without the ORM (a bulk import) as one entry naming them all.

    The entry's ``records`` holds the new rows' ids and ``changes`` their number (``{"count": [None, n]}``);
    ``entity_id`` is ``import``. One entry per import, not one per row: a large import spends its time here. Moves
    the partnership's revisions: a few rows of its network are followed row by row (``revisions.rows_written``).
    """
    if not ids:
        return
    actor_id, actor_label = _actor()
    revisions.rows_written(connection, partnership_id, model.__tablename__, ids)
    append(connection, [{"at": utcnow(), "actor_id": actor_id, "actor_label": actor_label, "action": "create",
                         "entity": model.__tablename__, "entity_id": BULK_IMPORT, "partnership_id": partnership_id,
                         "changes": {"count": [None, len(ids)]}, "records": list(ids)}])
