"""Reads with a purpose: every response that shows a young person's personal data writes one audit entry.

The entry names the young people shown (``records``, and one ``audit_subjects`` row each, for a record's *Log*
tab), the field group shown (base, health, progress, agreements) and the purpose. A user named on the case reads
for case work; a list's purpose is case work or, when it holds cases one is not named on, an overview; opening a
record one is not named on (a coordinator across the partnership, an admin) asks once per record and day for a
purpose, kept as a ``purpose`` entry (the per-user-per-day marker); a bulk export asks every time.
"""

import enum
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from placement.audit.models import AuditEvent, AuditSubject
from placement.audit.services import _actor, append
from placement.database import utcnow


class Purpose(enum.StrEnum):
    CASE_WORK = "case_work"
    OVERVIEW = "overview"
    COORDINATION = "coordination"
    QUALITY_ASSURANCE = "quality_assurance"
    SUPERVISION = "supervision"
    OTHER = "other"
    #: The young person opening their own page through their link (placement/goals).
    OWN_ACCESS = "own_access"

    @property
    def label(self):
        return PURPOSE_LABELS[self]


PURPOSE_LABELS = {
    Purpose.CASE_WORK: _l("Case work"),
    Purpose.OVERVIEW: _l("Overview of the cases"),
    Purpose.COORDINATION: _l("Coordination"),
    Purpose.QUALITY_ASSURANCE: _l("Quality assurance"),
    Purpose.SUPERVISION: _l("Supervision"),
    Purpose.OTHER: _l("Other (describe it)"),
    Purpose.OWN_ACCESS: _l("The young person's own access"),
}
#: The purposes a reader chooses from; "other" needs their own words.
CHOOSABLE = (Purpose.COORDINATION, Purpose.QUALITY_ASSURANCE, Purpose.SUPERVISION, Purpose.OTHER)

#: Field groups.
BASE, HEALTH, PROGRESS, AGREEMENTS = "base", "health", "progress", "agreements"
FIELD_GROUPS = {BASE: _l("Base data"), HEALTH: _l("Health"), PROGRESS: _l("Progress"),
                AGREEMENTS: _l("Internships")}

#: ``entity_id`` of the purpose markers and reads of bulk exports.
EXPORT = "export"
#: ``entity_id`` of the reads of a personal calendar feed, fetched by a calendar program for the feed's owner.
CALENDAR_FEED = "calendar_feed"
#: A purpose given for an export serves the export that follows it within this time, once.
EXPORT_PURPOSE_VALID = timedelta(minutes=30)


def write_read(session: Session, participants: Iterable, fields: Iterable[str], purpose: str, note: str | None = None,
               *, record=None, entity_id: str | None = None, action: str = "view") -> int:
    """Write one read entry naming the young people shown; return its id."""
    people = list(participants)
    ids = sorted({p.id for p in people})
    partnerships = {p.partnership_id for p in people}
    if entity_id is None:
        entity_id = str(record.id) if record is not None else (str(ids[0]) if len(ids) == 1 else "")
    actor_id, actor_label = _actor()
    [event_id] = append(session.connection(), [dict(
        at=utcnow(), actor_id=actor_id, actor_label=actor_label, action=action,
        entity=record.__tablename__ if record is not None else "participants", entity_id=entity_id,
        partnership_id=partnerships.pop() if len(partnerships) == 1 else None, changes={},
        purpose=str(purpose), purpose_note=note or None, fields=",".join(fields), records=ids)])
    if ids:
        session.execute(insert(AuditSubject.__table__), [{"event_id": event_id, "participant_id": i} for i in ids])
    return event_id


def named_on(user, participant) -> bool:
    """Tell whether the user is named on the young person's case (consultant, coordinator or caseworker)."""
    return user.id in (participant.consultant_id, participant.coordinator_id, participant.caseworker_id)


def _midnight() -> datetime:
    """Return when today began where the service is used (the configured time zone), as a UTC time."""
    from placement.agreements.services import today

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(today(), time(0), tzinfo=zone).astimezone(UTC)


def given_purpose(session: Session, user_id: int, participant_id: int) -> tuple[str, str | None] | None:
    """Return the purpose the user gave for this young person's record today, if any."""
    row = session.execute(select(AuditEvent.purpose, AuditEvent.purpose_note).where(
        AuditEvent.action == "purpose", AuditEvent.actor_id == user_id, AuditEvent.entity == "participants",
        AuditEvent.entity_id == str(participant_id), AuditEvent.at >= _midnight())
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row.purpose, row.purpose_note) if row else None


def export_purpose(session: Session, user_id: int) -> tuple[str, str | None] | None:
    """Return the purpose given for the next export, unless an export used it already or it has expired."""
    row = session.execute(select(AuditEvent.id, AuditEvent.purpose, AuditEvent.purpose_note).where(
        AuditEvent.action == "purpose", AuditEvent.actor_id == user_id, AuditEvent.entity == "participants",
        AuditEvent.entity_id == EXPORT, AuditEvent.at >= utcnow() - EXPORT_PURPOSE_VALID)
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    if row is None:
        return None
    used = session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "view", AuditEvent.actor_id == user_id, AuditEvent.entity_id == EXPORT,
        AuditEvent.id > row.id).limit(1))
    return None if used is not None else (row.purpose, row.purpose_note)


def check_purpose(purpose: str, note: str) -> str | None:
    """Return why a purpose given by a reader is refused, or None."""
    if purpose not in {p.value for p in CHOOSABLE}:
        return str(_l("Choose the purpose of opening the record."))
    if purpose == Purpose.OTHER and not note.strip():
        return str(_l('Describe the purpose in your own words when you choose "Other".'))
    if len(note) > 500:
        return str(_l("Keep the description of the purpose to 500 characters."))
    return None


def _ask(**target):
    return redirect(url_for("audit.purpose", next=request.full_path.rstrip("?"), **target))


def audit_read(shown, fields: Iterable[str], *, record=None, bulk: bool = False, api: bool = False,
               feed: bool = False):
    """Write this response's read entry; return None, or the response that asks for a purpose first.

    ``shown`` is one young person (a record page) or a list of them (a list page, a candidates list, an export).
    Call it once per view, after the access checks; the view commits. ``feed``: a calendar program fetches the
    list for the feed's owner (the view names them with ``set_actor``); nobody is there to ask for a purpose, so
    it is the owner's case work.
    """
    from placement.extensions import db

    fields = tuple(fields)
    if feed:
        if shown:
            write_read(db.session, shown, fields, Purpose.CASE_WORK, entity_id=CALENDAR_FEED)
        return None
    if bulk:
        given = export_purpose(db.session, current_user.id)
        if given is None:
            if api:
                abort(400, description="Give the purpose of this export first.")
            return _ask(export=1)
        write_read(db.session, shown, fields, *given, entity_id=EXPORT)
        return None
    if isinstance(shown, list | tuple):
        if shown:
            purpose = Purpose.CASE_WORK if all(named_on(current_user, p) for p in shown) else Purpose.OVERVIEW
            write_read(db.session, shown, fields, purpose, record=record)
        return None
    if named_on(current_user, shown):
        write_read(db.session, [shown], fields, Purpose.CASE_WORK, record=record)
        return None
    given = given_purpose(db.session, current_user.id, shown.id)
    if given is None and api:
        purpose, note = request.args.get("purpose", ""), request.args.get("purpose_note", "")
        problem = check_purpose(purpose, note)
        if problem:
            abort(400, description=f"The query parameter purpose is required for a record you are not named on "
                                   f"({', '.join(p.value for p in CHOOSABLE)}; purpose_note for other): {problem}")
        given = (purpose, note.strip())
        write_read(db.session, [shown], (), *given, action="purpose")  # today's marker, as the page's form writes
    if given is None:
        return _ask(participant=shown.id)
    write_read(db.session, [shown], fields, *given, record=record)
    return None
