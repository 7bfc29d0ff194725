"""Accounts: passwords, server-side sessions and API tokens."""

import secrets
from datetime import timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select, update

from placement.auth.models import ApiToken, Partnership, Role, User, UserSession
from placement.database import utcnow
from placement.extensions import db

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
    """Return why a new password is too weak (a translated sentence for the user), or None."""
    if len(password) < 10:
        return "too_short"
    return None


def create_user(*, email: str, name: str, password: str, role: Role, partnership: Partnership,
                mentor_id: int | None = None) -> User:
    """Create a user account."""
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=hash_password(password), role=role,
                partnership=partnership, mentor_id=mentor_id)
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


def start_session(user: User) -> UserSession:
    """Open a server-side session for a user who has just logged in."""
    lifetime: timedelta = current_app.config["SESSION_LIFETIME"]
    login = UserSession(user=user, expires_at=utcnow() + lifetime)
    db.session.add(login)
    db.session.flush()
    user.session_key = login.key
    return login


def load_session_user(key: str) -> User | None:
    """Return the user of a live session, or None when it ended, expired or the user was deactivated."""
    login = db.session.get(UserSession, key)
    if login is None or login.ended_at is not None or login.expires_at <= utcnow() or not login.user.active:
        return None
    login.user.session_key = key
    return login.user


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
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = now


def issue_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and never stored."""
    plain = "plc_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), digest=ApiToken.digest_of(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.flush()
    return token, plain


def user_for_api_token(plain: str) -> User | None:
    """Return the active user owning a live API token, or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == ApiToken.digest_of(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    # Core update: a token's use is not a change for the audit log.
    db.session.execute(update(ApiToken.__table__).where(ApiToken.__table__.c.id == token.id)
                       .values(last_used_at=utcnow()))
    return token.user
