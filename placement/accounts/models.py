"""The links e-mailed to users to set their own password: an invitation, or a reset when it was forgotten."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.audit.models import Audited
from placement.auth.models import User
from placement.database import UTCDateTime, enum_column, utcnow
from placement.extensions import db


class LinkPurpose(enum.StrEnum):
    #: Sent when an account is created (or the invitation is sent again): the user chooses their first password.
    INVITE = "invite"
    #: Asked for on "Forgot password?": the user chooses a new password.
    RESET = "reset"


class AccountLink(Audited, db.Model):
    """A single-use, expiring link to set a password; only the SHA-256 of its secret is stored.

    Issuing a new link of a purpose spends the user's earlier unused ones of that purpose.
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, length=10))
    #: SHA-256 of the secret in the link; the link itself is never stored.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the link was used to set a password, or replaced by a newer link (then it no longer works either).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    __audit_exclude__ = frozenset({"digest"})

    @property
    def audit_partnership_id(self) -> int | None:
        return self.user.partnership_id
