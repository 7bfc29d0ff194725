"""Serving under gunicorn: settings from ``PLACEMENT_*`` and an access log that keeps secrets out.

``gunicorn.conf.py`` at the repository root reads these. Mentor links (``/m/<token>``) and calendar feeds
(``/calendar/<key>.ics``) carry their credential in the path, and query strings may carry search words (names),
so the access log never holds a query string, the secret part of those paths, the Referer's path or any
credential header.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from placement.redaction import redact_path, redact_url

__all__ = ["ACCESS_LOG_FORMAT", "RedactingLogger", "gunicorn_settings", "redact_path", "redact_url"]

#: Apache-style, but with the redacted method and path (``%(m)s %(U)s``) instead of the raw request line.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
#: Request and response headers never logged, whatever the format asks for.
_SECRET_HEADERS = frozenset({"{authorization}i", "{cookie}i", "{proxy-authorization}i", "{set-cookie}o",
                             "{x-api-key}i"})
#: The WSGI environ keys ``gunicorn.glogging.Logger.atoms`` reads.
_ATOM_ENVIRON = ("REMOTE_ADDR", "REQUEST_METHOD", "RAW_URI", "SERVER_PROTOCOL", "PATH_INFO", "QUERY_STRING",
                 "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_AUTHORIZATION")


class RedactingLogger(Logger):
    """gunicorn's logger with the access-log atoms redacted (``logger_class`` in ``gunicorn.conf.py``)."""

    def atoms(self, resp, req, environ, request_time):
        # Only the environ keys gunicorn's own atoms read: its "{key}e" atom of every other key would be made and
        # escaped on every request, only to be deleted below.
        atoms = super().atoms(resp, req, {key: environ[key] for key in _ATOM_ENVIRON if key in environ},
                              request_time)
        path = redact_path(environ.get("PATH_INFO"))
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        atoms["U"] = path
        atoms["q"] = ""
        atoms["f"] = redact_url(environ.get("HTTP_REFERER"))
        for key in list(atoms):
            if key.endswith("}e") or key in _SECRET_HEADERS:
                del atoms[key]  # the WSGI environ holds the raw URI, the query string and the cookies
        if "{referer}i" in atoms:
            atoms["{referer}i"] = atoms["f"]
        if "{location}o" in atoms:
            atoms["{location}o"] = redact_url(atoms["{location}o"])
        return atoms


def _int_setting(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}.")
    return value


def gunicorn_settings() -> dict:
    """Return gunicorn's settings from ``PLACEMENT_WORKERS``, ``_THREADS``, ``_TIMEOUT``, ``_BIND``,
    ``_ACCESS_LOG`` (a file, ``-`` for standard output; default ``-``)."""
    return {
        "bind": [part.strip() for part in os.environ.get("PLACEMENT_BIND", "127.0.0.1:8000").split(",")
                 if part.strip()],
        "workers": _int_setting("PLACEMENT_WORKERS", 2 * multiprocessing.cpu_count()),
        "threads": _int_setting("PLACEMENT_THREADS", 1),
        "timeout": _int_setting("PLACEMENT_TIMEOUT", 30),
        "accesslog": os.environ.get("PLACEMENT_ACCESS_LOG", "-"),
        "errorlog": os.environ.get("PLACEMENT_ERROR_LOG", "-"),
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": RedactingLogger,
    }
