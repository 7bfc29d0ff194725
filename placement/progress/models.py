"""Progress measurement: the four parameters of distance to the labour market (report sections 2 and 7.5)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.database import TimestampMixin
from placement.extensions import db
from placement.participants.models import Participant

SCALE_MIN, SCALE_MAX = 1, 10


@dataclass(frozen=True, slots=True)
class Parameter:
    key: str
    label: object
    help: object


#: Scored 1–10 together with the young person, at the start and at least every six months.
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("motivation", _l("Motivation"), _l("Wish and belief in a future on the labour market")),
    Parameter("work_identity", _l("Work identity"), _l("Seeing oneself as someone who works")),
    Parameter("clarification", _l("Clarification"), _l("Clarity about wishes for work or education")),
    Parameter("knowledge", _l("Knowledge"), _l("Knowledge of the labour market and job options")),
)
PARAMETER_KEYS: tuple[str, ...] = tuple(p.key for p in PARAMETERS)


def _scale(key: str):
    return mapped_column(SmallInteger, CheckConstraint(f"{key} BETWEEN {SCALE_MIN} AND {SCALE_MAX}", name=key))


class Measurement(Audited, TimestampMixin, db.Model):
    """One measurement of the four parameters, recorded by the youth coordinator with the young person."""

    __tablename__ = "progress_measurements"
    __audit_personal__ = frozenset({"comment"})
    #: Covering index for the success criteria's first-and-latest measurement per young person.
    __table_args__ = (Index("ix_progress_measurements_development", "participant_id", "measured_on", "id",
                            "motivation", "work_identity", "clarification", "knowledge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date] = mapped_column(Date, index=True)
    motivation: Mapped[int] = _scale("motivation")
    work_identity: Mapped[int] = _scale("work_identity")
    clarification: Mapped[int] = _scale("clarification")
    knowledge: Mapped[int] = _scale("knowledge")
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    participant: Mapped[Participant] = relationship()

    @property
    def audit_partnership_id(self) -> int | None:
        return self.participant.partnership_id

    @property
    def total(self) -> int:
        return sum(getattr(self, key) for key in PARAMETER_KEYS)
