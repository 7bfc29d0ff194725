"""The append-only audit log: who created, changed or deleted what, and when."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.database import UTCDateTime, utcnow
from placement.extensions import db


class Audited:
    """Marks a model whose creation, changes and deletion are written to the audit log."""

    #: Attributes whose values never go into the log (secrets): a change is recorded as "***".
    __audit_exclude__: frozenset[str] = frozenset()
    #: Personal fields: the log records that they were set or changed, with the field name, never the value.
    __audit_personal__: frozenset[str] = frozenset()
    #: Set instead of ``__audit_personal__`` on a model that is personal through and through (a young person):
    #: the fields whose values may be logged; every other column, including ones added later, is personal.
    __audit_not_personal__: frozenset[str] | None = None

    @classmethod
    def audit_is_personal(cls, key: str) -> bool:
        """Tell whether a field's value must stay out of the audit log."""
        if cls.__audit_not_personal__ is not None:
            return key not in cls.__audit_not_personal__
        return key in cls.__audit_personal__

    @property
    def audit_partnership_id(self) -> int | None:
        """Return the partnership the record belongs to, for scoping the log."""
        return getattr(self, "partnership_id", None)


class AuditEvent(db.Model):
    """One entry; rows are only ever inserted (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Who acted when no user did: "cli", "system", "mentor link".
    actor_label: Mapped[str] = mapped_column(String(254))
    #: create | update | delete
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(50), index=True)
    entity_id: Mapped[str] = mapped_column(String(64))
    partnership_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: {field: [old, new]}; secrets are "***", personal fields "changed" (see ``Audited``).
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Why a young person's record was read: a ``placement.audit.reads.Purpose`` value (None for changes).
    purpose: Mapped[str | None] = mapped_column(String(30))
    #: The reader's own words on the purpose (required for "other").
    purpose_note: Mapped[str | None] = mapped_column(String(500))
    #: For a read: the field group shown (base, health, progress, agreements), comma-separated.
    fields: Mapped[str | None] = mapped_column(String(100))
    #: For a read: the ids of the young people shown (one, or a list page's).
    records: Mapped[list | None] = mapped_column(JSON)
    #: The hash chain (``placement.audit.chain``): the previous entry's hash and this entry's own.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))

    actor = relationship("User")


class AuditSubject(db.Model):
    """Which young people an audit entry is about: lets a record's *Log* tab find list reads too (insert-only)."""

    __tablename__ = "audit_subjects"

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
