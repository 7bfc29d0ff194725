"""A partnership's own weights for the match components."""

from sqlalchemy import Float, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from placement.audit.models import Audited
from placement.database import TimestampMixin
from placement.extensions import db


class MatchingWeights(Audited, TimestampMixin, db.Model):
    """A partnership's weights for the match components (defaults in ``placement.matching.types.Weights``)."""

    __tablename__ = "matching_weights"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), primary_key=True)
    interests: Mapped[float] = mapped_column(Float)
    structure: Mapped[float] = mapped_column(Float)
    demands: Mapped[float] = mapped_column(Float)
    social: Mapped[float] = mapped_column(Float)
    support: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float)
    distance: Mapped[float] = mapped_column(Float)
    track_record: Mapped[float] = mapped_column(Float)
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
