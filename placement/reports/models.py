"""A partnership's success criteria: the targets its results are read against."""

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from placement.audit.models import Audited
from placement.database import TimestampMixin
from placement.extensions import db


class Targets(Audited, TimestampMixin, db.Model):
    __tablename__ = "partnership_targets"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), primary_key=True)
    #: Young people the partnership set out to enrol (the report's partnerships: 10 each, 40 in all).
    enrolled: Mapped[int] = mapped_column(SmallInteger, CheckConstraint("enrolled >= 0", name="enrolled"), default=10)
    #: Share of those in their course at least a year who should have come closer to the labour market (0–1).
    closer_share: Mapped[float] = mapped_column(Float, CheckConstraint("closer_share BETWEEN 0 AND 1",
                                                                       name="closer_share"), default=0.87)
    #: Share of the hires that should be an ordinary job or a flex-job (the rest: wage subsidy, protected).
    ordinary_or_flex_share: Mapped[float] = mapped_column(
        Float, CheckConstraint("ordinary_or_flex_share BETWEEN 0 AND 1", name="ordinary_or_flex_share"), default=0.8)
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
