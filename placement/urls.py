"""Absolute links for e-mails, calendars and QR codes, built from the configured base URL."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def base_url_problem(base: str) -> str | None:
    """Return why a ``PLACEMENT_BASE_URL`` cannot be used, or None."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it must be an absolute http:// or https:// URL, e.g. https://praktik.randers.dk"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "it must not carry a query, a fragment or credentials"
    return None


def check_base_url(config, *, required: bool) -> None:
    """Refuse to start with a malformed base URL, or without one where it is required (outside development)."""
    base = (config.get("BASE_URL") or "").strip()
    config["BASE_URL"] = base
    if not base:
        if required:
            raise RuntimeError("Set PLACEMENT_BASE_URL (e.g. https://praktik.randers.dk): links in e-mails and "
                               "calendars are built from it, never from the request's Host header.")
        return
    problem = base_url_problem(base)
    if problem:
        raise RuntimeError(f"PLACEMENT_BASE_URL {base!r} is not usable: {problem}.")


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint for use outside the browser (e-mail, calendar, QR code).

    Built from ``PLACEMENT_BASE_URL`` whenever it is set, never from the request's ``Host`` header, which a
    client chooses; it works outside a request too. Without a base URL (development and tests only) the
    request's own address is used. ``endpoint`` is the full name (``"mentor.link"``).
    """
    app = current_app
    base = app.config.get("BASE_URL") or ""
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme)
    app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def external_host() -> str | None:
    """Return the host name of ``PLACEMENT_BASE_URL``, or None when it is not set."""
    base = current_app.config.get("BASE_URL") or ""
    return urlsplit(base).hostname if base else None
