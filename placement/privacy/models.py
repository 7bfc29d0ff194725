"""Consent events and four-eyes requests to anonymise or erase a young person's record."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.auth.models import User
from placement.database import UTCDateTime, enum_column, utcnow
from placement.extensions import db
from placement.participants.models import Consent


class ConsentEvent(db.Model):
    """One recorded consent state; the latest is copied to ``Participant.consent`` (the reports read that)."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    state: Mapped[Consent] = mapped_column(enum_column(Consent, length=20))
    #: The day the young person gave, declined or withdrew consent.
    on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What the consent covers; only statistics so far.
    scope: Mapped[str] = mapped_column(String(30), default="statistics")
    note: Mapped[str] = mapped_column(Text, default="")

    recorded_by: Mapped[User | None] = relationship()
    participant = relationship("Participant")


class RequestKind(enum.StrEnum):
    ANONYMISE = "anonymise"

    @property
    def label(self):
        return {RequestKind.ANONYMISE: _l("Anonymisation")}[self]


class RequestState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class PrivacyRequest(db.Model):
    """A request to anonymise a young person: one user asks, another confirms (four eyes); or the retention run."""

    __tablename__ = "privacy_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind, length=20), default=RequestKind.ANONYMISE)
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState, length=20), default=RequestState.PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
