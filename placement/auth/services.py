"""Accounts: passwords, server-side sessions and API tokens."""

import functools
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, has_request_context
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from placement.auth import passwords
from placement.auth.models import (
    DEFAULT_TOKEN_LIFETIME_DAYS,
    TOKEN_LIFETIME_DAYS,
    ApiToken,
    Partnership,
    Role,
    TokenScope,
    User,
    UserSession,
)
from placement.database import utcnow
from placement.extensions import db

#: How exactly a token's last use is kept (its owner sees the minute, not every request).
LAST_USED_PRECISION = timedelta(minutes=1)
#: Verified against when the e-mail is unknown, so a failed login takes as long either way.
_DUMMY_HASH = PasswordHasher().hash("not a password")


def _hasher() -> PasswordHasher:
    if current_app.config.get("PASSWORD_HASH_CHEAP"):
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a new password is too weak (a translated sentence for the user), or None.

    The rules (``placement.auth.passwords``) apply when a password is set, never when logging in.
    """
    return passwords.password_problem(password, email=email, name=name)


def create_user(*, email: str, name: str, password: str, role: Role, partnership: Partnership,
                mentor_id: int | None = None, password_known: bool = True) -> User:
    """Create a user account.

    ``password_known`` False: nobody knows ``password`` (an invited user chooses theirs through a link), so
    ``password_set_at`` stays empty and only then does an invitation link work.
    """
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=hash_password(password), role=role,
                partnership=partnership, mentor_id=mentor_id, password_set_at=utcnow() if password_known else None)
    db.session.add(user)
    db.session.flush()
    return user


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = find_user_by_email(email)
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def start_session(user: User, *, user_agent: str = "", pending: bool = False) -> UserSession:
    """Open a server-side session for a user who has just logged in.

    ``user_agent`` is a short summary of the browser (``placement.accounts.devices.describe``), shown to the user
    under *My sessions*. ``pending``: the second factor is still to come (``placement.auth.second_factor``); such
    a session opens no ordinary page and lives only ``TOTP_PENDING_MINUTES`` until the second step completes it.
    """
    lifetime: timedelta = current_app.config["SESSION_LIFETIME"]
    if pending:
        lifetime = timedelta(minutes=current_app.config["TOTP_PENDING_MINUTES"])
    now = utcnow()
    login = UserSession(user=user, expires_at=now + lifetime, user_agent=user_agent[:200], last_seen_at=now,
                        second_factor_pending=pending)
    db.session.add(login)
    db.session.flush()
    user.session_key = login.key
    return login


@functools.cache
def _session_query() -> Select:
    """The query of ``load_session_user``, built once (building it costs about as much as running it)."""
    sessions = UserSession.__table__.c
    return (select(User, sessions.ended_at, sessions.expires_at, sessions.last_seen_at,
                   sessions.second_factor_pending)
            .join(UserSession.__table__, sessions.user_id == User.id).join(User.partnership)
            .where(sessions.key == bindparam("key"))
            .options(contains_eager(User.partnership).undefer_group("revisions")))


def load_session_user(key: str) -> User | None:
    """Return the user of a live session, or None when it ended, expired or the user was deactivated."""
    # One query for the session's state, its user and the user's partnership (with its revisions, the keys of the
    # cached figures and search index: ``placement.revisions``): every logged-in request pays for it.
    row = db.session.execute(_session_query(), {"key": key}).first()
    if row is None:
        return None
    user, ended_at, expires_at, last_seen_at, pending = row
    if ended_at is not None or expires_at <= utcnow() or not user.active:
        return None
    if pending:
        return None  # only the second-step pages open it (``placement.auth.second_factor.pending_session``)
    if user.partnership.archived_at is not None:
        return None  # an archived partnership's users can no longer log in
    if _idle_too_long(key, last_seen_at):
        return None
    _touch_session(key, last_seen_at)
    user.session_key = key
    return user


#: ``UserSession.last_seen_at`` is written at most this often per session.
LAST_SEEN_EVERY = timedelta(minutes=1)


def _idle_too_long(key: str, last_seen_at: datetime | None) -> bool:
    """End a session unused longer than ``SESSION_IDLE_MINUTES`` and tell the user why they must log in again.

    ``last_seen_at`` is written at most once a minute, so a session ends between N and N+1 minutes of idleness.
    """
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if not minutes or last_seen_at is None or utcnow() - last_seen_at <= timedelta(minutes=minutes):
        return False
    with db.engine.begin() as connection:  # its own transaction: the request may never commit
        connection.execute(update(UserSession.__table__).where(UserSession.__table__.c.key == key,
                                                              UserSession.__table__.c.ended_at.is_(None))
                           .values(ended_at=utcnow()))
    if has_request_context():
        flash(_("You were logged out after %(minutes)d minutes without activity.", minutes=minutes), "info")
    return True


def _touch_session(key: str, last_seen_at: datetime | None) -> None:
    """Record that the session was just used (at most once a minute).

    One UPDATE in its own short transaction: the request's session may never commit (a GET), and must not be
    committed early by the loader.
    """
    now = utcnow()
    if last_seen_at is not None and now - last_seen_at < LAST_SEEN_EVERY:
        return
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Never wait on a request that holds the row: a missed "last seen" is retried on the next request.
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
            connection.execute(update(UserSession.__table__).where(UserSession.__table__.c.key == key)
                               .values(last_seen_at=now))
    except OperationalError:
        return


def end_session(key: str | None) -> None:
    """End a server-side session, so its cookie is worthless from now on."""
    if key:
        db.session.execute(update(UserSession).where(UserSession.key == key, UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))


def deactivate_user(user: User) -> None:
    """Deactivate a user and end all their sessions and API tokens."""
    user.active = False
    now = utcnow()
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=now))
    revoke_api_tokens(user, now)


def revoke_api_tokens(user: User, now=None) -> int:
    """Revoke all the user's live API tokens (each revocation is audited); return how many."""
    revoked = 0
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = now or utcnow()
        revoked += 1
    return revoked


def issue_api_token(user: User, name: str, *, days: int = DEFAULT_TOKEN_LIFETIME_DAYS,
                    scope: TokenScope = TokenScope.READ_WRITE) -> tuple[ApiToken, str]:
    """Create an API token valid for ``days`` (one of ``TOKEN_LIFETIME_DAYS``); the plain token is returned once
    and never stored."""
    if days not in TOKEN_LIFETIME_DAYS:
        raise ValueError(f"an API token lives {', '.join(map(str, TOKEN_LIFETIME_DAYS))} days, not {days}")
    plain = "plc_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), digest=ApiToken.digest_of(plain), prefix=plain[:10],
                     expires_at=utcnow() + timedelta(days=days), scope=TokenScope(scope))
    db.session.add(token)
    db.session.flush()
    return token, plain


@functools.cache
def _token_query() -> Select:
    """One query for a token, its user and the user's partnership (with its revisions, as a session's), built once."""
    return (select(ApiToken).join(ApiToken.user).join(User.partnership)
            .where(ApiToken.digest == bindparam("digest"))
            .options(contains_eager(ApiToken.user).contains_eager(User.partnership).undefer_group("revisions")))


def check_api_token(plain: str) -> tuple[ApiToken | None, str | None]:
    """Return ``(token, None)`` for a live token of an active user (the caller records its use: ``record_use``),
    or ``(None, reason)`` with reason ``unknown``, ``revoked``, ``expired`` or ``deactivated``."""
    token = db.session.scalar(_token_query(), {"digest": ApiToken.digest_of(plain)})
    if token is None:
        return None, "unknown"
    if token.revoked_at is not None:
        return None, "revoked"
    if not token.user.active or token.user.partnership.archived_at is not None:
        return None, "deactivated"  # an archived partnership's users can no longer log in, nor use the API
    if token.is_expired(utcnow()):
        return None, "expired"
    return token, None


def record_use(token: ApiToken) -> bool:
    """Write when the token was last used, at most once a minute (its owner reads the minute, not every request);
    return whether it was written (the caller commits it then)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return False
    # Core update: a token's use is not a change for the audit log.
    db.session.execute(update(ApiToken.__table__).where(ApiToken.__table__.c.id == token.id)
                       .values(last_used_at=now))
    set_committed_value(token, "last_used_at", now)
    return True


def user_for_api_token(plain: str) -> User | None:
    """Return the active user owning a live API token, or None."""
    token, _reason = check_api_token(plain)
    if token is not None:
        record_use(token)
    return token.user if token else None


def revoke_api_token(token: ApiToken) -> bool:
    """Revoke a token (its owner or an admin; the audit log records who); False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True
