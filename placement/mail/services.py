"""Put e-mails in the outbox and send them from there over SMTP, retrying until they go."""

import re
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from placement.database import utcnow
from placement.extensions import db
from placement.mail.models import OutboxMessage

#: After this many failed attempts a message waits for a person to look at it (it is never deleted).
MAX_ATTEMPTS = 12


def enqueue(recipient: str, subject: str, body: str, partnership_id: int | None = None,
            agreement_id: int | None = None) -> OutboxMessage:
    """Store an e-mail in the outbox; it is sent by ``flask outbox send`` (or read on the outbox page)."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, partnership_id=partnership_id,
                            agreement_id=agreement_id)
    db.session.add(message)
    db.session.flush()
    return message


def sending_enabled() -> bool:
    """Tell whether SMTP is configured; without it messages stay in the outbox."""
    return bool(current_app.config["MAIL_SERVER"])


def outbox_readable() -> bool:
    """Tell whether staff may read the stored e-mails: only in development or tests, and only while none is sent.

    The e-mails hold mentors' secret links; in production nobody but the mentor may open them.
    """
    config = current_app.config
    return not sending_enabled() and (config["ENV"] == "development" or bool(config.get("TESTING")))


def _smtp_send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config["MAIL_SENDER"], message.recipient, message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


#: Replaces a link that sets an account's password in the stored copy of a sent e-mail.
LINK_REMOVED = "[link removed after sending]"


def _without_account_links(body: str) -> str:
    """Return ``body`` without the links to set a password (invitation, reset): once the e-mail is sent, the
    outbox copy must not keep a working way into the account."""
    for rule in current_app.url_map.iter_rules("accounts.set_password"):
        body = re.sub(r"\S*" + re.escape(rule.rule) + r"\?\S*", LINK_REMOVED, body)
    return body


def send_pending(send=_smtp_send) -> tuple[int, int]:
    """Send every unsent message once; return (sent, failed). Each message is committed on its own.

    A sent message keeps its text for the outbox, but without links that set a password."""
    sent = failed = 0
    pending = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None),
                                                                 OutboxMessage.attempts < MAX_ATTEMPTS)
                                 .order_by(OutboxMessage.id)).all()
    for ident in pending:
        message = db.session.get(OutboxMessage, ident)
        message.attempts += 1
        try:
            send(message)
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:1000]
            failed += 1
        else:
            message.sent_at, message.last_error = utcnow(), ""
            message.body = _without_account_links(message.body)
            sent += 1
        db.session.commit()
    return sent, failed
