"""Internship agreements: the plan (report section 8.6), the mentor's confirmation, follow-up, outcome, decision."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.auth.models import Partnership, User
from placement.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from placement.extensions import db
from placement.network.models import JobFunction, Mentor
from placement.participants.models import Participant


class State(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DRAFT: _l("Draft"),
    State.SENT: _l("Sent to mentor"),
    State.CONFIRMED: _l("Confirmed by mentor"),
    State.DECLINED: _l("Declined by mentor"),
    State.ACTIVE: _l("Active"),
    State.ENDED: _l("Ended"),
    State.CANCELLED: _l("Cancelled"),
}

#: States in which an agreement holds a place of its job function and of its mentor.
HOLDS_PLACE = frozenset({State.CONFIRMED, State.ACTIVE})


class Outcome(enum.StrEnum):
    ORDINARY_JOB = "ordinary_job"
    #: fleksjob
    FLEX_JOB = "flex_job"
    #: job med løntilskud for førtidspensionister
    WAGE_SUBSIDY = "wage_subsidy"
    #: beskyttet beskæftigelse
    PROTECTED = "protected"
    NOT_HIRED = "not_hired"

    @property
    def label(self):
        return OUTCOME_LABELS[self]

    @property
    def is_hire(self) -> bool:
        return self is not Outcome.NOT_HIRED

    @property
    def needs_decision(self) -> bool:
        """Flex-job, wage subsidy and protected employment are decided by the home municipality's job centre."""
        return self in (Outcome.FLEX_JOB, Outcome.WAGE_SUBSIDY, Outcome.PROTECTED)


OUTCOME_LABELS = {
    Outcome.ORDINARY_JOB: _l("Ordinary job"),
    Outcome.FLEX_JOB: _l("Flex-job"),
    Outcome.WAGE_SUBSIDY: _l("Wage-subsidy job (early-retirement pensioners)"),
    Outcome.PROTECTED: _l("Protected employment"),
    Outcome.NOT_HIRED: _l("Not hired"),
}


class NotHiredReason(enum.StrEnum):
    ANOTHER_INTERNSHIP = "another_internship"
    ANOTHER_COURSE = "another_course"
    HEALTH = "health"
    MOVED = "moved"
    STOPPED = "stopped"
    #: The young person did not fit the workplace: the matching ranks that job function last for them.
    WORKPLACE = "workplace"
    OTHER = "other"

    @property
    def label(self):
        return {NotHiredReason.ANOTHER_INTERNSHIP: _l("Another internship"),
                NotHiredReason.ANOTHER_COURSE: _l("Another course"), NotHiredReason.HEALTH: _l("Health"),
                NotHiredReason.MOVED: _l("Moved away"), NotHiredReason.STOPPED: _l("Stopped"),
                NotHiredReason.WORKPLACE: _l("Did not fit the workplace"), NotHiredReason.OTHER: _l("Other")}[self]

    @property
    def tied_to_workplace(self) -> bool:
        """Whether the internship ended for a reason of the workplace itself (the matching lowers it)."""
        return self is NotHiredReason.WORKPLACE


class Decision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self):
        return {Decision.PENDING: _l("Pending"), Decision.APPROVED: _l("Approved"),
                Decision.REJECTED: _l("Rejected")}[self]


class PlaceAfterHire(enum.StrEnum):
    """What became of the internship place when the company hired: the network must not shrink."""

    REOPENED = "reopened"
    DECLINED = "declined"


class Agreement(Audited, TimestampMixin, db.Model):
    __tablename__ = "agreements"
    #: The plan speaks of the young person (their support, schedule, goals): logged as changed, never its text.
    __audit_personal__ = frozenset({"schedule", "match_explanation", "purpose", "tasks", "works_with", "meeting",
                                    "support", "follow_up_plan"})
    __table_args__ = (
        CheckConstraint("weekly_hours BETWEEN 1 AND 40", name="weekly_hours"),
        CheckConstraint("planned_weeks BETWEEN 1 AND 260", name="planned_weeks"),
        # Covering indexes for the dashboard (placement/reports/services.py): the database answers the hire rates
        # and the funnel from the index alone instead of visiting every agreement row.
        Index("ix_agreements_report_ended", "state", "ended_on", "partnership_id", "participant_id", "outcome",
              "decision", "job_function_id", "mentor_id", "consultant_id", "start_date", "outcome_start"),
        Index("ix_agreements_report_progress", "participant_id", "state", "outcome", "start_date", "ended_on",
              "partnership_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    job_function_id: Mapped[int] = mapped_column(ForeignKey("job_functions.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id"), index=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[State] = mapped_column(enum_column(State, length=24), default=State.DRAFT, index=True)
    #: Optimistic locking: a change made on a stale version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    start_date: Mapped[date] = mapped_column(Date)
    planned_weeks: Mapped[int] = mapped_column(SmallInteger, default=26)
    weekly_hours: Mapped[int] = mapped_column(SmallInteger, default=15)
    schedule: Mapped[str] = mapped_column(Text, default="")
    #: The match that suggested this internship, with its explanation, when it came from one.
    match_explanation: Mapped[dict | None] = mapped_column(JSON)

    # The plan: the seven questions of the report's section 8.6.
    purpose: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[str] = mapped_column(Text, default="")
    works_with: Mapped[str] = mapped_column(Text, default="")
    meeting: Mapped[str] = mapped_column(Text, default="")
    support: Mapped[str] = mapped_column(Text, default="")
    follow_up_plan: Mapped[str] = mapped_column(Text, default="")
    #: Weeks between follow-up meetings; the follow-up dates come from it.
    follow_up_weeks: Mapped[int] = mapped_column(SmallInteger, default=4)
    #: Follow-up meetings moved from the day the plan gives: {planned day (ISO): the day it was moved to (ISO)}.
    follow_up_moves: Mapped[dict | None] = mapped_column(JSON)

    #: Set when the agreement was confirmed into a full job function or for a mentor at capacity.
    capacity_override: Mapped[str] = mapped_column(Text, default="")
    #: A recorded extension beyond the planned length.
    extended_until: Mapped[date | None] = mapped_column(Date)

    ended_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, length=24))
    outcome_hours: Mapped[int | None] = mapped_column(SmallInteger)
    outcome_start: Mapped[date | None] = mapped_column(Date)
    not_hired_reason: Mapped[NotHiredReason | None] = mapped_column(enum_column(NotHiredReason, length=24))
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision, length=24))
    decision_date: Mapped[date | None] = mapped_column(Date)
    place_after_hire: Mapped[PlaceAfterHire | None] = mapped_column(enum_column(PlaceAfterHire, length=24))

    __mapper_args__ = {"version_id_col": version}

    partnership: Mapped[Partnership] = relationship()
    participant: Mapped[Participant] = relationship()
    job_function: Mapped[JobFunction] = relationship()
    mentor: Mapped[Mentor] = relationship()
    consultant: Mapped[User | None] = relationship()
    goals: Mapped[list["Goal"]] = relationship(back_populates="agreement", order_by="Goal.position",
                                               cascade="all, delete-orphan")
    events: Mapped[list["AgreementEvent"]] = relationship(back_populates="agreement",
                                                          order_by="AgreementEvent.id")
    follow_ups: Mapped[list["FollowUp"]] = relationship(back_populates="agreement", order_by="FollowUp.held_on")


class Goal(db.Model):
    """A goal or sub-goal, written so the young person understands it; marked reached later."""

    __tablename__ = "agreement_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    text: Mapped[str] = mapped_column(Text)
    #: A sub-goal names its goal.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_goals.id"))
    reached_on: Mapped[date | None] = mapped_column(Date)

    agreement: Mapped[Agreement] = relationship(back_populates="goals")


class AgreementEvent(db.Model):
    """One state transition: who, when, from and to, with an optional comment (the timeline)."""

    __tablename__ = "agreement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The user's name, or "mentor (link)" when the mentor acted through the e-mailed link.
    actor_label: Mapped[str] = mapped_column(String(254))
    from_state: Mapped[State | None] = mapped_column(enum_column(State, length=24))
    to_state: Mapped[State] = mapped_column(enum_column(State, length=24))
    #: Besides transitions: "follow_up", "follow_up_moved", "outcome", "decision", "extension", "override", "place".
    kind: Mapped[str] = mapped_column(String(20), default="transition")
    comment: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="events")


class FollowUp(db.Model):
    __tablename__ = "agreement_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agreement: Mapped[Agreement] = relationship(back_populates="follow_ups")


class MentorLink(db.Model):
    """A signed, expiring, single-use link that lets a mentor without an account confirm a plan (or answer a job
    check)."""

    __tablename__ = "mentor_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    #: Set on a link that asks the mentor whether a hire is still employed (placement/retention), not for the plan.
    job_check_id: Mapped[int | None] = mapped_column(ForeignKey("job_checks.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random part of the link; the link itself is never stored.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(db.Model):
    """A user's secret calendar-feed address for their internship meetings; only its digest is stored."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
