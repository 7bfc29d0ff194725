"""The course around the internship: status meetings and network meetings with their agreed actions, and the
status note (statusnotat) the youth coordinator writes every third month from the course start.

Agendas, minutes, actions and the note's text speak of the young person: the audit log records that they changed,
never their values.
"""

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.auth.models import User
from placement.database import TimestampMixin, UTCDateTime, enum_column
from placement.extensions import db
from placement.network.models import Mentor
from placement.participants.models import Participant


class MeetingKind(enum.StrEnum):
    #: statusmøde: the course's status with the municipality's caseworker, on the status note
    STATUS = "status"
    #: netværksmøde: all actors around one young person
    NETWORK = "network"

    @property
    def label(self):
        return {MeetingKind.STATUS: _l("Status meeting"), MeetingKind.NETWORK: _l("Network meeting")}[self]


class Meeting(Audited, TimestampMixin, db.Model):
    """A status or network meeting about one young person."""

    __tablename__ = "meetings"
    __audit_personal__ = frozenset({"agenda", "minutes"})
    __table_args__ = (CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration_minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, length=20))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    #: Local time where the service is used (``BABEL_DEFAULT_TIMEZONE``).
    starts_at: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(SmallInteger, default=60)
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    participant: Mapped[Participant] = relationship()
    attendees: Mapped[list["MeetingAttendee"]] = relationship(
        back_populates="meeting", order_by="MeetingAttendee.id", cascade="all, delete-orphan")
    actions: Mapped[list["MeetingAction"]] = relationship(
        back_populates="meeting", order_by="[MeetingAction.deadline, MeetingAction.id]", cascade="all, delete-orphan")


class MeetingAttendee(db.Model):
    """Someone taking part: a user (the case people), a mentor of the network, or another person by name and role."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (CheckConstraint("user_id IS NOT NULL OR mentor_id IS NOT NULL OR name <> ''", name="who"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id"))
    #: Another person (the young person, a relative, a psychologist…): their name and role in their own words.
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    user: Mapped[User | None] = relationship()
    mentor: Mapped[Mentor | None] = relationship()


class MeetingAction(Audited, db.Model):
    """An action agreed in a meeting: what, who owns it (a user, or another person by name) and by when."""

    __tablename__ = "meeting_actions"
    __audit_personal__ = frozenset({"text", "owner_name"})
    __table_args__ = (CheckConstraint("owner_id IS NOT NULL OR owner_name <> ''", name="owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: A user owns it: it stays on their start page until marked done.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    deadline: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def audit_partnership_id(self) -> int | None:
        return self.meeting.partnership_id

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner is not None else self.owner_name


class NoteState(enum.StrEnum):
    DRAFT = "draft"
    #: Locked: the text and the period's documentation no longer change.
    FINAL = "final"

    @property
    def label(self):
        return {NoteState.DRAFT: _l("Draft"), NoteState.FINAL: _l("Final")}[self]


class StatusNote(Audited, TimestampMixin, db.Model):
    """The status note (statusnotat) of one three-month period of a young person's course.

    Period ``number`` n runs from the course start + 3(n−1) months to the day before the course start + 3n
    months, the day the note is due.
    """

    __tablename__ = "status_notes"
    __audit_personal__ = frozenset({"text", "facts"})
    __table_args__ = (UniqueConstraint("participant_id", "number"),
                      CheckConstraint("number >= 1", name="number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(SmallInteger)
    period_start: Mapped[date] = mapped_column(Date)
    #: The day the note is due (the period's last day is the day before).
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[NoteState] = mapped_column(enum_column(NoteState, length=20), default=NoteState.DRAFT)
    #: The coordinator's text, drafted by the service from the period's documentation.
    text: Mapped[str] = mapped_column(Text, default="")
    #: The period's documentation as it stood when the note was marked final (None while a draft: read live).
    facts: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Shared with the case's caseworker, who then reads it in the service.
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    participant: Mapped[Participant] = relationship()
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])
    shared_by: Mapped[User | None] = relationship(foreign_keys=[shared_by_id])

    @property
    def is_final(self) -> bool:
        return self.state is NoteState.FINAL
