"""Personal calendar feeds: a secret address per user that a calendar program subscribes to.

Only the SHA-256 digest of the key is stored, as for API tokens; the address is shown once. The feed holds the
start and follow-up meetings of the confirmed and active internships of the young people the key's user works
on, decided by the same rule as every page (``participant_scope_for``), since nobody is logged in when a
calendar program fetches it.
"""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from placement.agreements.models import Agreement, CalendarFeed, State
from placement.auth.access import CASE_ROLES, participant_scope_for
from placement.auth.models import User
from placement.database import utcnow
from placement.extensions import db
from placement.network.models import JobFunction
from placement.participants.models import Participant

#: The internships whose meetings a feed holds.
FEED_STATES = (State.CONFIRMED, State.ACTIVE)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    """Return the user's feed, or None."""
    return db.session.get(CalendarFeed, user.id)


def issue_feed(user: User) -> str:
    """Create the user's feed, or replace its key (the old address stops working); return the new key."""
    key = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.digest, feed.created_at = _digest(key), utcnow()
    db.session.flush()
    return key


def remove_feed(user: User) -> None:
    """Turn the user's feed off: its address stops working."""
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def user_for_feed(key: str) -> User | None:
    """Return the active staff user whose feed this key opens, or None (also when their partnership is archived:
    its users can no longer log in)."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.digest == _digest(key)))
    user = db.session.get(User, feed.user_id) if feed is not None else None
    if user is None or not user.active or user.role not in CASE_ROLES or user.partnership.archived_at is not None:
        return None
    return user


def feed_agreements(user: User) -> list[Agreement]:
    """Return the confirmed and active agreements of the young people ``user`` works on, by start date."""
    stmt = (select(Agreement).join(Agreement.participant).where(Agreement.state.in_(FEED_STATES))
            .options(selectinload(Agreement.job_function).selectinload(JobFunction.company),
                     selectinload(Agreement.participant))
            .order_by(Agreement.start_date, Agreement.id))
    return list(db.session.scalars(participant_scope_for(user, stmt, Participant)))
