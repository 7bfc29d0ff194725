"""The link e-mailed to a mentor: signed, expiring and single-use, so a mentor needs no account to confirm.

A link asks about one thing: the plan, or (``job_check_id`` set) whether a hire is still employed at one of the job
checks (placement/retention). A plan link never opens a check's question, nor a check link the plan.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from placement.agreements.models import Agreement, MentorLink, State
from placement.database import utcnow
from placement.extensions import db
from placement.urls import external_url


class LinkRefused(Exception):
    """The link is forged, expired, used already, or its agreement no longer waits for the mentor.

    ``gone`` is True for a real link that no longer works (expired, used, answered: 410 Gone) and False for one
    this service never issued (forged or mangled: 404).
    """

    def __init__(self, message: str, *, gone: bool, agreement_id: int | None = None) -> None:
        super().__init__(message)
        self.gone = gone
        #: The agreement of a real link, so the page can name whom to ask for a new one.
        self.agreement_id = agreement_id


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="mentor-link")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def revoke(agreement: Agreement, check=None) -> None:
    """Stop every unused link of the agreement (with ``check``, a job check: only the links asking about it)."""
    stmt = update(MentorLink).where(MentorLink.agreement_id == agreement.id, MentorLink.used_at.is_(None))
    if check is not None:
        stmt = stmt.where(MentorLink.job_check_id == check.id)
    db.session.execute(stmt.values(used_at=utcnow()))


def issue(agreement: Agreement, check=None) -> str:
    """Make a new link for the agreement's mentor (earlier unused links stop working) and return its URL.

    With ``check`` (a ``placement.retention.models.JobCheck`` of the agreement) the link asks about that check
    alone, and only that check's earlier links stop working."""
    revoke(agreement, check)
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    days = current_app.config["MENTOR_LINK_DAYS"]
    link = MentorLink(agreement_id=agreement.id, job_check_id=check.id if check is not None else None,
                      digest=_digest(secret), expires_at=now + timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    token = _serializer().dumps({"link": link.id, "secret": secret})
    return external_url("retention.mentor_check" if check is not None else "mentor.link", token=token)


def resolve(token: str) -> MentorLink:
    """Return the live plan link a token names, or raise LinkRefused."""
    link = _live(token, for_check=False)
    agreement = db.session.get(Agreement, link.agreement_id)
    if agreement.state is not State.SENT:
        raise LinkRefused(_("This plan no longer waits for your answer."), gone=True, agreement_id=agreement.id)
    return link


def resolve_check(token: str) -> MentorLink:
    """Return the live job-check link a token names, while its check waits for an answer; or raise LinkRefused."""
    from placement.retention.models import JobCheck
    from placement.retention.services import is_followed

    link = _live(token, for_check=True)
    check = db.session.get(JobCheck, link.job_check_id)
    if check.status is not None or not is_followed(check.agreement):
        raise LinkRefused(_("This question no longer waits for your answer. Thank you."), gone=True,
                          agreement_id=link.agreement_id)
    return link


def _live(token: str, *, for_check: bool) -> MentorLink:
    """Return the genuine, unused, unexpired link a token names, or raise LinkRefused; ``for_check``: a job check's
    link is wanted (any other is refused as not valid), else a plan's."""
    days = current_app.config["MENTOR_LINK_DAYS"]
    try:
        data = _serializer().loads(token, max_age=days * 24 * 3600)
        link = db.session.get(MentorLink, int(data["link"]))
        secret = str(data["secret"])
    except SignatureExpired as error:
        raise LinkRefused(_("This link has expired. Ask the job consultant for a new one."), gone=True,
                          agreement_id=_expired_agreement(token)) from error
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkRefused(_("This link is not valid or has expired. Ask the job consultant for a new one."),
                          gone=False) from error
    if link is None or not hmac.compare_digest(link.digest, _digest(secret)) \
            or (link.job_check_id is not None) != for_check:
        raise LinkRefused(_("This link is not valid or has expired. Ask the job consultant for a new one."),
                          gone=False)
    if link.used_at is not None:
        raise LinkRefused(_("This link has been used already. Ask the job consultant if something is missing."),
                          gone=True, agreement_id=link.agreement_id)
    if link.expires_at <= utcnow():
        raise LinkRefused(_("This link has expired. Ask the job consultant for a new one."), gone=True,
                          agreement_id=link.agreement_id)
    return link


def _expired_agreement(token: str) -> int | None:
    """Return the agreement of a genuine but expired link (its signature holds), or None."""
    _valid, data = _serializer().loads_unsafe(token)
    try:
        link = db.session.get(MentorLink, int(data["link"]))
        secret = str(data["secret"])
    except (KeyError, TypeError, ValueError):
        return None
    if link is None or not hmac.compare_digest(link.digest, _digest(secret)):
        return None
    return link.agreement_id


def use(link: MentorLink) -> None:
    """Spend the link: it cannot be used again."""
    link.used_at = utcnow()
