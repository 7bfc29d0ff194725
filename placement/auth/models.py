"""Partnerships, users, their server-side sessions and API tokens."""

import enum
import hashlib
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, SmallInteger, String, false
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
    #: The service desk that mentors and users are told to contact.
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    #: A PNG or SVG (checked by content, see ``placement.partnerships.logos``); loaded only when served.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mimetype: Mapped[str | None] = mapped_column(String(40))
    #: When set, the partnership's users can no longer log in and it is left out of pickers; its data stays.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Years after a young person's course ends before the record is anonymised (``flask retention run``).
    retention_years: Mapped[int] = mapped_column(SmallInteger, default=5, server_default="5")
    #: Move whenever any of the partnership's records / its company network change (``placement.revisions``,
    #: written with Core only); cached figures and search indexes are keyed by them.
    data_revision: Mapped[int] = mapped_column(Integer, server_default="0", deferred=True,
                                               deferred_group="revisions")
    network_revision: Mapped[int] = mapped_column(Integer, server_default="0", deferred=True,
                                                  deferred_group="revisions")
    #: The last network revision whose change cannot be followed row by row (``revisions.network_changes``).
    network_reset_revision: Mapped[int] = mapped_column(Integer, server_default="0", deferred=True,
                                                        deferred_group="revisions")

    __audit_exclude__ = frozenset({"logo", "data_revision", "network_revision", "network_reset_revision"})

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

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
    #: When the user (or ``flask users create``) last set the password; None while nobody knows it (an invited user
    #: who has not yet used the link): only then does an invitation link work.
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role: Mapped[Role] = mapped_column(enum_column(Role, length=20))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    #: Set for role ``mentor``: the company mentor this account acts as.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    #: The TOTP secret (base32); set while enrolling, in use once ``totp_enabled_at`` is set (``second_factor``).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The time step of the last accepted code: a code of that step or earlier is refused (no replay).
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)

    partnership: Mapped[Partnership] = relationship()
    mentor: Mapped["Mentor | None"] = relationship()  # noqa: F821 - resolved by the registry

    __audit_exclude__ = frozenset({"password_hash", "totp_secret"})
    #: The actor's e-mail is logged on each entry they write; the user record's own values are not.
    __audit_personal__ = frozenset({"name", "email"})

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
    #: A short summary of the browser's User-Agent at login, e.g. "Firefox on Linux" (never the IP address).
    user_agent: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: When a request last came with this session (updated at most once a minute, see ``load_session_user``).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The password was right but the second factor is still to come: the session opens no ordinary page.
    second_factor_pending: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()


class TokenScope(enum.StrEnum):
    """What an API token may do: read only (GET) or also change records."""

    READ = "read"
    READ_WRITE = "read_write"

    @property
    def label(self):
        return TOKEN_SCOPE_LABELS[self]


TOKEN_SCOPE_LABELS = {
    TokenScope.READ: _l("Read only"),
    TokenScope.READ_WRITE: _l("Read and write"),
}

#: The lifetimes a new API token may have, in days; there is no token that never expires.
TOKEN_LIFETIME_DAYS = (30, 90, 180, 365)
DEFAULT_TOKEN_LIFETIME_DAYS = 90


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
    #: Chosen at creation (``TOKEN_LIFETIME_DAYS``); the API refuses the token from then on.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, length=20), default=TokenScope.READ_WRITE)

    user: Mapped[User] = relationship()

    __audit_exclude__ = frozenset({"digest"})

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or utcnow())

    def is_live(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

    @property
    def audit_partnership_id(self) -> int | None:
        return self.user.partnership_id

    @staticmethod
    def digest_of(token: str) -> str:
        """Return the stored digest of a token."""
        return _token_digest(token)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor; only its SHA-256 digest is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
