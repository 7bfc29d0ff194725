"""The link to the young person's own page: signed, expiring and revocable, so they need no account.

Unlike the mentor's link it is not single-use: the young person comes back to it until it expires or is revoked.
Only one link of a young person works at a time: issuing a new one revokes the earlier ones. Only the SHA-256 of
its random part is stored, so the link is shown (or e-mailed) once, when it is issued.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from placement.audit.models import AuditEvent
from placement.database import utcnow
from placement.extensions import db
from placement.goals.models import YoungPersonLink
from placement.participants.models import Participant
from placement.urls import external_url

#: Why a real link no longer works (``LinkRefused.reason``).
EXPIRED, REVOKED = "expired", "revoked"


class LinkRefused(Exception):
    """The link is forged, expired or revoked.

    ``gone`` is True for a real link that no longer works (410 Gone: the page names whom to ask for a new one) and
    False for one this service never issued (404).
    """

    def __init__(self, message: str, *, gone: bool, link: YoungPersonLink | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.gone = gone
        self.link = link
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="young-person-link")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _max_age() -> int:
    return int(current_app.config["YOUNG_PERSON_LINK_DAYS"]) * 24 * 3600


def live_link(participant: Participant) -> YoungPersonLink | None:
    """Return the young person's working link (not revoked, not expired), or None."""
    return db.session.scalar(select(YoungPersonLink).where(
        YoungPersonLink.participant_id == participant.id, YoungPersonLink.revoked_at.is_(None),
        YoungPersonLink.expires_at > utcnow()).order_by(YoungPersonLink.id.desc()).limit(1))


def revoke(participant: Participant) -> int:
    """Stop every working link of the young person; return how many were stopped."""
    links = db.session.scalars(select(YoungPersonLink).where(YoungPersonLink.participant_id == participant.id,
                                                             YoungPersonLink.revoked_at.is_(None))).all()
    now = utcnow()
    for link in links:  # through the ORM, so the audit log records each revocation
        link.revoked_at = now
    db.session.flush()
    return len([link for link in links if link.expires_at > now])


def issue(participant: Participant, user) -> str:
    """Make a new link to the young person's own page (earlier links stop working) and return its URL."""
    revoke(participant)
    secret = secrets.token_urlsafe(32)
    link = YoungPersonLink(partnership_id=participant.partnership_id, participant_id=participant.id,
                           digest=_digest(secret), created_by_id=user.id if user is not None else None,
                           expires_at=utcnow() + timedelta(seconds=_max_age()))
    db.session.add(link)
    db.session.flush()
    token = _serializer().dumps({"link": link.id, "secret": secret})
    return external_url("goals.own_page", token=token)


def _genuine(data) -> YoungPersonLink | None:
    """Return the stored link a token's data names, when its secret matches, else None."""
    try:
        link = db.session.get(YoungPersonLink, int(data["link"]))
        secret = str(data["secret"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if link is None or not hmac.compare_digest(link.digest, _digest(secret)):
        return None
    return link


def resolve(token: str) -> YoungPersonLink:
    """Return the working link a token names, or raise LinkRefused."""
    not_valid = _("This link does not work. Ask the people you work with for a new link.")
    expired = _("This link is too old. Ask for a new link.")
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired as error:
        _valid, data = _serializer().loads_unsafe(token)
        link = _genuine(data)
        raise LinkRefused(expired if link else not_valid, gone=link is not None, link=link,
                          reason=EXPIRED) from error
    except BadSignature as error:
        raise LinkRefused(not_valid, gone=False) from error
    link = _genuine(data)
    if link is None:
        raise LinkRefused(not_valid, gone=False)
    if link.revoked_at is not None:
        raise LinkRefused(_("This link has been stopped. Ask for a new link."), gone=True, link=link,
                          reason=REVOKED)
    if link.expires_at <= utcnow():
        raise LinkRefused(expired, gone=True, link=link, reason=EXPIRED)
    return link



def last_opened(link: YoungPersonLink) -> datetime | None:
    """Return when the young person last opened their page through this link (from the audit log), or None."""
    return db.session.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.entity == YoungPersonLink.__tablename__, AuditEvent.entity_id == str(link.id),
        AuditEvent.action == "view"))
