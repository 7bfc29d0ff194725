"""Keep secrets out of logs: mentor links (``/m/<token>``) and calendar feeds (``/calendar/<key>.ics``) carry their
credential in the path, and query strings may carry search words (names)."""

import logging
import re
from urllib.parse import urlsplit

#: Paths whose rest is a secret; logged as the prefix and ``…``.
SECRET_PATH = re.compile(r"^(/(?:m|calendar)/)[^?#]*")
#: The same inside a sentence (e.g. Flask's "Exception on /m/… [GET]").
SECRET_PATH_IN_TEXT = re.compile(r"(/(?:m|calendar)/)[^\s\"'<>\[\]]+")


def redact_path(path: str | None) -> str:
    """Return a path fit for a log: no query string, and no secret after ``/m/`` or ``/calendar/``."""
    if not path:
        return "-"
    path = path.split("?", 1)[0].split("#", 1)[0]
    return SECRET_PATH.sub(r"\1…", path)


def redact_url(url: str | None) -> str:
    """Return a Referer or Location fit for a log: its origin and redacted path."""
    if not url or url == "-":
        return "-"
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return origin + redact_path(parts.path)


class SecretPathFilter(logging.Filter):
    """Redact mentor-link and feed secrets in the application's own log messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PATH_IN_TEXT.sub(r"\1…", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
