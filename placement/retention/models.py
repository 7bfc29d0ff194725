"""Job checks: one row per hire and month (1, 3, 6, 12 after the job's start), scheduled when the internship ends
in a job and filled in when the consultant (or the mentor, by link, or a history import) records it.

The reason a job ended and the note speak of the young person: the audit log records that they changed, never
their values.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.agreements.models import Agreement
from placement.audit.models import Audited
from placement.database import TimestampMixin, UTCDateTime, enum_column
from placement.extensions import db

#: Months after the job's start at which the service asks whether the young person is still employed.
CHECK_MONTHS = (1, 3, 6, 12)
#: The months the dashboard reports retention for (1 month is a first contact, not a figure).
RETENTION_MONTHS = (3, 6, 12)


class Employment(enum.StrEnum):
    EMPLOYED = "employed"
    NOT_EMPLOYED = "not_employed"
    #: Asked, but nobody could say (no answer from the young person or the company).
    UNKNOWN = "unknown"

    @property
    def label(self):
        return {Employment.EMPLOYED: _l("Still employed"), Employment.NOT_EMPLOYED: _l("No longer employed"),
                Employment.UNKNOWN: _l("Unknown")}[self]


class JobCheck(Audited, TimestampMixin, db.Model):
    """Is the young person still in the job ``month`` months after its start? ``status`` None: not recorded yet."""

    __tablename__ = "job_checks"
    __audit_personal__ = frozenset({"reason", "note"})
    __table_args__ = (
        UniqueConstraint("agreement_id", "month"),
        CheckConstraint("month IN (1, 3, 6, 12)", name="month"),
        CheckConstraint("hours IS NULL OR hours BETWEEN 1 AND 40", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    month: Mapped[int] = mapped_column(SmallInteger)
    #: The job's start plus ``month`` months: from this day the check is due.
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[Employment | None] = mapped_column(enum_column(Employment, length=20))
    #: The day the status was learnt (not in the future, not before the job started).
    checked_on: Mapped[date | None] = mapped_column(Date)
    #: Weekly hours in the job when still employed.
    hours: Mapped[int | None] = mapped_column(SmallInteger)
    #: Why the job ended, when no longer employed.
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The user's name, "mentor (link)" or "history import".
    recorded_label: Mapped[str] = mapped_column(String(254), default="")
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship()
