"""Absolute links for e-mails, calendars and QR codes, built from the configured base URL."""

from urllib.parse import urljoin

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint for use outside the browser (e-mail, calendar, QR code).

    Built from ``PLACEMENT_BASE_URL`` whenever it is set, never from the request's ``Host`` header, which a
    client chooses. Without a base URL (development and tests only) the request's own address is used.
    """
    base = current_app.config.get("BASE_URL") or ""
    if not base:
        return url_for(endpoint, _external=True, **values)
    return urljoin(base.rstrip("/") + "/", url_for(endpoint, _external=False, **values).lstrip("/"))
