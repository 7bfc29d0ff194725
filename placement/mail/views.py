"""The outbox page: in development, where no mail is sent, the stored e-mails are read here.

Only in development (or tests) and while sending is not configured: the e-mails hold the mentors' secret links,
and in production staff must not be able to open a link meant for a mentor, so the pages answer 404. Each
user sees only the e-mails about agreements whose young person they work on.
"""

import re

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from placement.agreements.access import agreement_scope
from placement.agreements.models import Agreement
from placement.audit.reads import AGREEMENTS, audit_read
from placement.auth.access import CASE_EDITORS, roles_required
from placement.extensions import db
from placement.mail import services
from placement.mail.models import OutboxMessage

bp = Blueprint("mail", __name__)

_URL = re.compile(r"https?://[^\s<>\"']+")


@bp.app_template_global()
def outbox_readable() -> bool:
    """Tell the templates whether the outbox page exists (development only)."""
    return services.outbox_readable()


def linkify(text: str) -> Markup:
    """Return plain text as HTML with its web addresses as links; everything else escaped."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        end = match.start() + len(url)
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _visible(stmt):
    """Limit the e-mails to those about agreements whose young person the user works on (an admin: all)."""
    if current_user.is_admin:
        return stmt
    return stmt.where(OutboxMessage.agreement_id.in_(agreement_scope(select(Agreement.id))))


def _readable_or_404() -> None:
    if not services.outbox_readable():
        abort(404)


@bp.get("/outbox")
@roles_required(CASE_EDITORS)
def outbox():
    """List the stored e-mails of the partnership, newest first (development only)."""
    _readable_or_404()
    page = db.paginate(_visible(select(OutboxMessage)).order_by(OutboxMessage.id.desc()),
                       page=request.args.get("page", 1, type=int), error_out=False)
    # A plan's subject names the intern's first name: a read of the young people of the e-mails listed.
    about = {m.agreement_id for m in page.items if m.agreement_id is not None}
    if about:
        agreements = db.session.scalars(select(Agreement).where(Agreement.id.in_(about))).all()
        audit_read([a.participant for a in agreements], (AGREEMENTS,))
        db.session.commit()
    return render_template("mail/outbox.html", page=page)


@bp.get("/outbox/<int:message_id>")
@roles_required(CASE_EDITORS)
def message(message_id: int):
    """Show one stored e-mail with its links clickable (development only)."""
    _readable_or_404()
    found = db.session.scalar(_visible(select(OutboxMessage).where(OutboxMessage.id == message_id)))
    if found is None:
        abort(404)
    if found.agreement_id is not None:  # an e-mail with an internship plan: a read of that young person's data
        agreement = db.session.get(Agreement, found.agreement_id)
        if (ask := audit_read(agreement.participant, (AGREEMENTS,), record=agreement)) is not None:
            return ask
        db.session.commit()
    return render_template("mail/message.html", message=found, body=linkify(found.body))
