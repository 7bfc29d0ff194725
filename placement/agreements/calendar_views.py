"""Calendar files (iCalendar) of internship meetings: one agreement's, and a personal feed by secret address.

Events name the job function and the company, never the young person (``placement.agreements.calendar``); still
they tell when and where a young person is, so each file served is an audited read naming the young people in it.
"""

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from placement.agreements import feeds
from placement.agreements.calendar import calendar
from placement.agreements.models import Agreement
from placement.audit.reads import AGREEMENTS, audit_read
from placement.audit.services import set_actor
from placement.auth.access import CASE_ROLES, may_see_participant, roles_required
from placement.extensions import db
from placement.forms import BaseForm
from placement.urls import external_host, external_url

bp = Blueprint("calendar", __name__)

ICS = "text/calendar; charset=utf-8"


class FeedForm(BaseForm):
    """Create or replace the feed's secret address, or turn the feed off (the buttons are named ``action``)."""

    action = RadioField(_l("Calendar feed"), validators=[InputRequired()],
                        choices=[SelectChoice("create", _l("Create a new address")),
                                 SelectChoice("remove", _l("Turn the feed off"))])


def ics_download(text: str, filename: str) -> Response:
    """Answer an iCalendar document as a file to download (``filename`` holds no personal data)."""
    response = Response(text, content_type=ICS)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def calendar_host() -> str:
    """The host that makes the events' UIDs unique: the service's own (``PLACEMENT_BASE_URL``)."""
    return external_host() or urlsplit(request.host_url).hostname or "localhost"


def ics_response(agreements, filename: str) -> Response:
    """The start and follow-up meetings of these internships as a calendar file."""
    return ics_download(calendar(agreements, host=calendar_host(), start_label=_("Internship start"),
                                 follow_up_label=_("Follow-up"), description=_("Internship agreement")), filename)


@bp.get("/agreements/<int:agreement_id>/calendar.ics")
@roles_required(CASE_ROLES)
def agreement(agreement_id: int):
    """Download the start and follow-up meetings of one internship as an iCalendar file."""
    found = db.session.get(Agreement, agreement_id)
    if found is None or not may_see_participant(found.participant):
        abort(404)
    if (ask := audit_read(found.participant, (AGREEMENTS,), record=found)) is not None:
        return ask
    db.session.commit()
    return ics_response([found], f"internship-{found.id}.ics")


@bp.route("/account/calendar", methods=["GET", "POST"])
@roles_required(CASE_ROLES)
def feed_settings():
    """Show the personal calendar feed; create or replace its secret address (shown once), or turn it off."""
    form = FeedForm()
    new_url = None
    if form.validate_on_submit():
        if form.action.data == "create":
            key = feeds.issue_feed(current_user)
            db.session.commit()
            new_url = external_url("calendar.feed", key=key)
            flash(_("Copy the address now: it is shown only once. Any earlier address no longer works."), "warning")
        else:
            feeds.remove_feed(current_user)
            db.session.commit()
            flash(_("The calendar feed is turned off."), "info")
    return render_template("calendar/feed_settings.html", form=form, feed=feeds.feed_of(current_user),
                           new_url=new_url)


@bp.get("/calendar/<key>.ics")
def feed(key: str):
    """Serve a personal calendar feed to a calendar program: the key in the address is the only credential.

    The read is logged as the feed's owner's, for their case work (nobody is there to ask for a purpose)."""
    user = feeds.user_for_feed(key)
    if user is None:
        abort(404)
    set_actor(user.id, user.email)
    agreements = feeds.feed_agreements(user)
    audit_read([a.participant for a in agreements], (AGREEMENTS,), feed=True)
    db.session.commit()
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return ics_response(agreements, "internships.ics")
