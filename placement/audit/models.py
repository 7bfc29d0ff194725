"""The append-only audit log: who created, changed or deleted what, and when."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.database import UTCDateTime, utcnow
from placement.extensions import db


class Audited:
    """Marks a model whose creation, changes and deletion are written to the audit log."""

    #: Attributes whose values never go into the log (secrets).
    __audit_exclude__: frozenset[str] = frozenset()

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
    #: {field: [old, new]}; secrets are left out.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")
