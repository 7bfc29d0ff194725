"""The partnership's company network: companies, their mentors and the job functions they offer."""

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.auth.models import Partnership
from placement.database import TimestampMixin, enum_column
from placement.extensions import db
from placement.profile import ProfileMixin


class CompanyKind(enum.StrEnum):
    ORDINARY = "ordinary"
    #: The education place's own social-economic workplace (socialøkonomisk virksomhed).
    SOCIAL_ECONOMIC = "social_economic"

    @property
    def label(self):
        return {CompanyKind.ORDINARY: _l("Ordinary company"),
                CompanyKind.SOCIAL_ECONOMIC: _l("Social-economic workplace")}[self]


class NetworkStamped:
    """``network_revision``: the partnership's network revision at which this row last changed, written at commit by
    ``placement.revisions`` (Core, so neither the audit log nor the row's version sees it); 0 before any change since
    migration 0022. Caches of the network follow changes row by row through it (``revisions.network_changes``)."""

    network_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True, deferred=True)
    __audit_exclude__ = frozenset({"network_revision"})


class Company(NetworkStamped, Audited, TimestampMixin, db.Model):
    __tablename__ = "companies"
    #: The duplicate check (a similar name in the same postcode) reads a partnership's companies by postcode.
    __table_args__ = (Index("ix_companies_partnership_id_postcode", "partnership_id", "postcode"),)
    #: The contact person; the company's own name, CVR and address are business data and logged.
    __audit_personal__ = frozenset({"contact_name", "contact_email", "contact_phone"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    #: Danish company registration number: 8 digits passing the modulus-11 check; unique service-wide.
    cvr: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[CompanyKind] = mapped_column(enum_column(CompanyKind, length=20), default=CompanyKind.ORDINARY)
    address: Mapped[str] = mapped_column(String(200), default="")
    #: Checked against the Danish postcode table, which also gives the coordinates.
    postcode: Mapped[str] = mapped_column(String(4))
    town: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    industry: Mapped[str] = mapped_column(String(120), default="")
    employees: Mapped[int | None] = mapped_column(Integer, CheckConstraint("employees >= 0", name="employees"))
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    #: Notes on the relationship with the company (no personal data about young people).
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    partnership: Mapped[Partnership] = relationship()
    mentors: Mapped[list["Mentor"]] = relationship(back_populates="company", order_by="Mentor.name")
    job_functions: Mapped[list["JobFunction"]] = relationship(back_populates="company",
                                                               order_by="JobFunction.title")

    def __str__(self) -> str:
        return self.name


class Mentor(NetworkStamped, Audited, TimestampMixin, db.Model):
    __tablename__ = "mentors"
    __audit_personal__ = frozenset({"name", "email", "phone", "experience_notes"})

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    #: Experience with young people with disabilities: 1 none … 5 long and broad experience.
    experience_level: Mapped[int] = mapped_column(
        SmallInteger, CheckConstraint("experience_level BETWEEN 1 AND 5", name="experience_level"), default=1)
    experience_notes: Mapped[str] = mapped_column(Text, default="")
    #: How many interns the mentor can take at a time.
    max_interns: Mapped[int] = mapped_column(
        SmallInteger, CheckConstraint("max_interns BETWEEN 0 AND 20", name="max_interns"), default=1)
    active: Mapped[bool] = mapped_column(default=True)
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    company: Mapped[Company] = relationship(back_populates="mentors")
    job_functions: Mapped[list["JobFunction"]] = relationship(back_populates="mentor")

    @property
    def audit_partnership_id(self) -> int | None:
        return self.company.partnership_id

    def __str__(self) -> str:
        return self.name


class JobFunction(NetworkStamped, Audited, ProfileMixin, TimestampMixin, db.Model):
    """Concrete, routine, measurable tasks a company offers an intern (arbejdsfunktion)."""

    __tablename__ = "job_functions"
    __table_args__ = (
        CheckConstraint("hours_min >= 1 AND hours_min <= hours_max AND hours_max <= 40", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    tasks: Mapped[str] = mapped_column(Text, default="")
    occupation_id: Mapped[int | None] = mapped_column(ForeignKey("occupations.id"), index=True)
    #: Weekly hours the workplace can offer, as a range.
    hours_min: Mapped[int] = mapped_column(SmallInteger, default=10)
    hours_max: Mapped[int] = mapped_column(SmallInteger, default=30)
    #: Internship places this job function offers at a time.
    places: Mapped[int] = mapped_column(SmallInteger, CheckConstraint("places BETWEEN 0 AND 50", name="places"),
                                        default=1)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id"), index=True)
    #: Set when the work happens elsewhere than at the company's address.
    location_address: Mapped[str] = mapped_column(String(200), default="")
    location_postcode: Mapped[str | None] = mapped_column(String(4))
    location_town: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(default=True)
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    company: Mapped[Company] = relationship(back_populates="job_functions")
    mentor: Mapped[Mentor | None] = relationship(back_populates="job_functions")
    occupation: Mapped["Occupation | None"] = relationship()  # noqa: F821 - resolved by the registry

    @property
    def audit_partnership_id(self) -> int | None:
        return self.company.partnership_id

    @property
    def postcode(self) -> str:
        """Return the postcode where the work happens."""
        return self.location_postcode or self.company.postcode

    @property
    def town(self) -> str:
        """Return the town where the work happens."""
        return self.location_town if self.location_postcode else self.company.town

    def __str__(self) -> str:
        return self.title
