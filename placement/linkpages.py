"""What every page opened through an e-mailed or shown link (no account) does: the mentor's plan, the young person's
own page. Such a page acts under the link's name in the audit log and asks search engines to keep away."""

from flask import make_response, render_template
from flask_login import current_user

from placement.audit.services import set_actor


def act_through_link(label: str) -> None:
    """Make ``label`` the audit actor of this request, whoever may be logged in in the same browser."""
    # Reading current_user runs the user loader, which names a logged-in user as the audit actor; read it first so
    # the link's actor stands however the page was opened (in development staff open it from the outbox).
    _loaded = current_user.is_authenticated
    set_actor(None, label)


def private(response):
    """Mark a link page's response as not for search engines."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def mentor_refused(error, shown, summary: str | None):
    """Answer a mentor's refused link (``agreements.links.LinkRefused``): 410 Gone for a real link that is spent or
    expired, 404 for one never issued. A real link's page says what it was about (``summary``) and whom to ask for a
    new one: ``shown``'s job consultant (``mentor_contact``) and the service desk."""
    page = render_template("agreements/mentor_refused.html", message=str(error), shown=shown, summary=summary,
                           branding=shown.service if shown else None)
    return private(make_response(page, 410 if error.gone else 404))
