"""The mentor's own copy of a confirmed plan: a PDF to keep and a calendar file of the meetings.

The e-mailed link works once, so the page that thanks the mentor (and a mentor account's plan page) offers the
copy through its own signed, expiring token. The copy holds exactly what the mentor's page shows.
"""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from placement.agreements.links import LinkRefused
from placement.agreements.models import Agreement, State
from placement.extensions import db

#: The states in which a mentor may fetch the copy.
COPY_STATES = (State.CONFIRMED, State.ACTIVE)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="mentor-copy")


def issue(agreement: Agreement) -> str:
    """Return a token for the agreement's copy, valid as long as a mentor link is."""
    return _serializer().dumps({"agreement": agreement.id})


def resolve(token: str) -> Agreement:
    """Return the agreement a copy token names, or raise LinkRefused."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["MENTOR_LINK_DAYS"] * 24 * 3600)
        agreement = db.session.get(Agreement, int(data["agreement"]))
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkRefused(_("This link is not valid or has expired. Ask the job consultant for a new one."),
                          gone=False) from error
    if agreement is None or agreement.state not in COPY_STATES:
        raise LinkRefused(_("This plan is no longer available here. Ask the job consultant for a copy."),
                          gone=True, agreement_id=agreement.id if agreement else None)
    return agreement


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the plan's PDF loads nothing from outside: {url}")


def pdf(html: str) -> bytes:
    """Render self-contained HTML (inline styles, no images) as an A4 PDF.

    WeasyPrint is imported here, not with the module: it loads Pango from the system, and the service starts
    (``make run``) where Pango is missing; only the PDF downloads then fail.
    """
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
