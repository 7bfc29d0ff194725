"""Partnerships, users, their server-side sessions and API tokens."""

import enum
import hashlib
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from placement.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    #: ungekoordinator, at the education place
    COORDINATOR = "coordinator"
    #: jobkonsulent / praktikvejleder, at the education place
    CONSULTANT = "consultant"
    #: koordinerende sagsbehandler, at the municipality
    CASEWORKER = "caseworker"
    #: virksomhedsmentor; the account is linked to a company's mentor record
    MENTOR = "mentor"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Youth coordinator"),
    Role.CONSULTANT: _l("Job consultant"),
    Role.CASEWORKER: _l("Caseworker"),
    Role.MENTOR: _l("Company mentor"),
}


class Partnership(Audited, TimestampMixin, db.Model):
    """A municipality's job centre working with an education place / social-economic enterprise."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    municipality: Mapped[str] = mapped_column(String(120))
    education_place: Mapped[str] = mapped_column(String(200))
    #: Postcode of the education place; the default centre for distances.
    postcode: Mapped[str] = mapped_column(String(4))

    @property
    def audit_partnership_id(self) -> int | None:
        return self.id

    def __str__(self) -> str:
        return self.name


class User(Audited, UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, length=20))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    #: Set for role ``mentor``: the company mentor this account acts as.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))

    partnership: Mapped[Partnership] = relationship()
    mentor: Mapped["Mentor | None"] = relationship()  # noqa: F821 - resolved by the registry

    __audit_exclude__ = frozenset({"password_hash"})

    #: The server-side session this request runs in (set by the user loader, not stored).
    session_key = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def get_id(self) -> str:
        # Flask-Login keeps this in the cookie: the session key, never the user id, so logout can revoke it.
        return self.session_key or ""

    def __str__(self) -> str:
        return self.name


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserSession(db.Model):
    """A login; logging out or deactivation ends it, so a replayed cookie is refused."""

    __tablename__ = "user_sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True, default=lambda: secrets.token_urlsafe(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(Audited, db.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters, shown so the owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __audit_exclude__ = frozenset({"digest"})

    @property
    def audit_partnership_id(self) -> int | None:
        return self.user.partnership_id

    @staticmethod
    def digest_of(token: str) -> str:
        """Return the stored digest of a token."""
        return _token_digest(token)
