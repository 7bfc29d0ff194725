"""Young people in a resource course (ressourceforløb): who they are, what they need, who works on their case.

Disabilities, function disruptions and health notes are special-category data (GDPR art. 9): the audit log
records that they changed, never their values, and mentors never see them.
"""

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.auth.models import Partnership, User
from placement.database import TimestampMixin, enum_column
from placement.extensions import db
from placement.occupations.models import Occupation
from placement.profile import ProfileMixin


class Disruption(enum.StrEnum):
    """Acquired function disruptions (funktionsforstyrrelser) the report names."""

    ANXIETY = "anxiety"
    DEPRESSION = "depression"
    SOCIAL_PHOBIA = "social_phobia"
    RESIGNATION = "resignation"
    ISOLATION = "isolation"
    OTHER = "other"

    @property
    def label(self):
        return DISRUPTION_LABELS[self]


DISRUPTION_LABELS = {
    Disruption.ANXIETY: _l("Anxiety"),
    Disruption.DEPRESSION: _l("Depression"),
    Disruption.SOCIAL_PHOBIA: _l("Social phobia"),
    Disruption.RESIGNATION: _l("Resignation"),
    Disruption.ISOLATION: _l("Isolation"),
    Disruption.OTHER: _l("Other"),
}


class Transport(enum.StrEnum):
    WALKS = "walks"
    BIKES = "bikes"
    PUBLIC = "public"
    DRIVES = "drives"

    @property
    def label(self):
        return {Transport.WALKS: _l("Walks"), Transport.BIKES: _l("Bikes"),
                Transport.PUBLIC: _l("Public transport"), Transport.DRIVES: _l("Drives")}[self]


class Consent(enum.StrEnum):
    """Consent to use the young person's data in statistics."""

    GIVEN = "given"
    DECLINED = "declined"
    #: Given once, then withdrawn: out of the figures, as declined (placement/privacy records the history).
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return {Consent.GIVEN: _l("Given"), Consent.DECLINED: _l("Declined"), Consent.WITHDRAWN: _l("Withdrawn")}[self]


participant_occupations = Table(
    "participant_occupations",
    db.metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("occupation_id", ForeignKey("occupations.id"), primary_key=True),
)


class Participant(Audited, ProfileMixin, TimestampMixin, db.Model):
    """A young person (18–30) in a resource course.

    The profile columns (shared with job functions) mean, on this side: the *need* for structure and
    predictability, the *tolerance* of pace, social contact, physical and sensory load, and how independently
    the young person works.
    """

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("hours_min >= 1 AND hours_min <= hours_max AND hours_max <= 40", name="hours"),
    )
    #: Everything about a young person is personal (health data special-category): the audit log records that a
    #: field changed, never its value, except for these ids, links and flags.
    __audit_not_personal__ = frozenset({"id", "partnership_id", "consultant_id", "coordinator_id", "caseworker_id",
                                        "active", "consent", "version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date)
    #: The municipality whose job centre decides on flex-job, wage subsidy and protected employment.
    home_municipality: Mapped[str] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(4))
    town: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    #: Disabilities (funktionsnedsættelser), any combination.
    cognitive: Mapped[bool] = mapped_column(default=False)
    psychological: Mapped[bool] = mapped_column(default=False)
    physical: Mapped[bool] = mapped_column(default=False)
    #: ``Disruption`` values.
    disruptions: Mapped[list] = mapped_column(JSON, default=list)
    health_notes: Mapped[str] = mapped_column(Text, default="")

    #: Free text about what the young person likes; with the chosen occupations it drives the interest score.
    interests: Mapped[str] = mapped_column(Text, default="")
    #: Support needed in the job: 1 little (occasional contact) … 5 close, daily mentor support.
    support_need: Mapped[int] = mapped_column(
        SmallInteger, CheckConstraint("support_need BETWEEN 1 AND 5", name="support_need"), default=3)
    support_notes: Mapped[str] = mapped_column(Text, default="")
    hours_min: Mapped[int] = mapped_column(SmallInteger, default=10)
    hours_max: Mapped[int] = mapped_column(SmallInteger, default=20)
    #: How far the young person can travel to work, in km.
    max_km: Mapped[int] = mapped_column(SmallInteger, CheckConstraint("max_km BETWEEN 0 AND 200", name="max_km"),
                                        default=15)
    transport: Mapped[Transport] = mapped_column(enum_column(Transport, length=20), default=Transport.PUBLIC)

    #: The resource course: start and granted length (1–5 years, most often 3; None: not known yet).
    course_start: Mapped[date] = mapped_column(Date)
    course_years: Mapped[int | None] = mapped_column(
        SmallInteger, CheckConstraint("course_years BETWEEN 1 AND 5", name="course_years"))
    consent: Mapped[Consent | None] = mapped_column(enum_column(Consent, length=20))
    consent_date: Mapped[date | None] = mapped_column(Date)

    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    partnership: Mapped[Partnership] = relationship()
    consultant: Mapped[User | None] = relationship(foreign_keys=[consultant_id])
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])
    caseworker: Mapped[User | None] = relationship(foreign_keys=[caseworker_id])
    occupations: Mapped[list[Occupation]] = relationship(secondary=participant_occupations,
                                                         order_by=Occupation.label)

    def age_on(self, day: date) -> int:
        """Return the young person's age in whole years on a day."""
        return day.year - self.date_of_birth.year - (
            (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day))

    @property
    def disability_labels(self) -> list:
        return [label for flag, label in ((self.cognitive, _l("cognitive")), (self.psychological,
                _l("psychological")), (self.physical, _l("physical"))) if flag]

    def __str__(self) -> str:
        return self.name
