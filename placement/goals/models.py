"""Goals the young person owns, worked with in the learning circle (DOMAIN.md, "The learning circle").

1. the goal, in the young person's own words; 2. the activities we start together (who, by when); 3. how and when
we measure it together; 4. what we learned and which new goal follows. The young person opens their own page
through a signed link (``YoungPersonLink``) and says how it is going (``SelfAssessment``).
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.auth.models import User
from placement.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from placement.extensions import db
from placement.participants.models import Participant


class GoalState(enum.StrEnum):
    ACTIVE = "active"
    REACHED = "reached"
    #: Changed into another goal (the new goal names this one in ``follows_id``).
    CHANGED = "changed"
    DROPPED = "dropped"

    @property
    def label(self):
        return GOAL_STATE_LABELS[self]


GOAL_STATE_LABELS = {
    GoalState.ACTIVE: _l("Active"),
    GoalState.REACHED: _l("Reached"),
    GoalState.CHANGED: _l("Changed"),
    GoalState.DROPPED: _l("Dropped"),
}


class LearningGoal(Audited, TimestampMixin, db.Model):
    """A goal of the young person, in the four steps of the learning circle."""

    __tablename__ = "learning_goals"
    #: The steps' texts speak of the young person: the audit log records that they changed, never their words.
    __audit_personal__ = frozenset({"wording", "activities", "activity_owner", "measure_how", "learned"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: Step 1: the goal in the young person's own words (easy Danish); never empty.
    wording: Mapped[str] = mapped_column(Text)
    #: Step 2: the activities we start together, who takes part and by when.
    activities: Mapped[str] = mapped_column(Text, default="")
    activity_owner: Mapped[str] = mapped_column(String(200), default="")
    activity_due: Mapped[date | None] = mapped_column(Date)
    #: Step 3: how we measure it together with the young person, and when.
    measure_how: Mapped[str] = mapped_column(Text, default="")
    measure_on: Mapped[date | None] = mapped_column(Date)
    #: Step 4: what we learned (the new goal that follows names this one in its ``follows_id``).
    learned: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[GoalState] = mapped_column(enum_column(GoalState, length=20), default=GoalState.ACTIVE, index=True)
    #: The goal this one follows (step 4 of the earlier goal's circle).
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("learning_goals.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    participant: Mapped[Participant] = relationship()
    follows: Mapped["LearningGoal | None"] = relationship(remote_side=[id])
    events: Mapped[list["GoalEvent"]] = relationship(back_populates="goal", order_by="GoalEvent.id",
                                                     cascade="all, delete-orphan", passive_deletes=True)
    assessments: Mapped[list["SelfAssessment"]] = relationship(
        back_populates="goal", order_by="SelfAssessment.id", cascade="all, delete-orphan", passive_deletes=True)


class GoalEvent(db.Model):
    """One line of a goal's history: who, when, what (written, changed which steps, moved to which state)."""

    __tablename__ = "learning_goal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("learning_goals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))
    #: "created", "edited" or "state".
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[GoalState | None] = mapped_column(enum_column(GoalState, length=20))
    to_state: Mapped[GoalState | None] = mapped_column(enum_column(GoalState, length=20))
    #: For "edited": the names of the fields changed, comma-separated (never their text).
    fields: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    goal: Mapped[LearningGoal] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


#: The self-assessment's scale: 1 very bad … 5 very good.
SCORE_MIN, SCORE_MAX = 1, 5


class SelfAssessment(Audited, db.Model):
    """The young person's own answer to "How is it going?" for one goal, given on their own page."""

    __tablename__ = "goal_self_assessments"
    __audit_personal__ = frozenset({"sentence"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("learning_goals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: 1 very bad, 2 bad, 3 so-so, 4 good, 5 very good (shown as faces).
    score: Mapped[int] = mapped_column(
        SmallInteger, CheckConstraint(f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="score"))
    #: The young person's optional sentence.
    sentence: Mapped[str] = mapped_column(Text, default="")

    goal: Mapped[LearningGoal] = relationship(back_populates="assessments")


class YoungPersonLink(Audited, db.Model):
    """The signed, expiring, revocable link to the young person's own page; only its digest is stored.

    Not single-use: the young person comes back to it. Issuing a new link revokes the earlier ones.
    """

    __tablename__ = "young_person_links"
    __audit_exclude__ = frozenset({"digest"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random part of the link.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant: Mapped[Participant] = relationship()
    created_by: Mapped[User | None] = relationship()
