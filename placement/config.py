"""Default configuration; the environment (prefix ``PLACEMENT_``) and instance/config.py override it."""

from datetime import timedelta

#: The key the service refuses to run with outside development and tests.
DEFAULT_SECRET_KEY = "dev-only-not-a-secret"  # noqa: S105 - a marker, rejected in production


class Config:
    #: development | production; only development (and tests) accept the default secret key.
    ENV = "production"
    SECRET_KEY = DEFAULT_SECRET_KEY
    #: ``PLACEMENT_DATABASE_URL``; empty means SQLite in the instance folder.
    DATABASE_URL = ""
    #: ``PLACEMENT_REDIS_URL``; shared state (rate limits, matching freshness) between worker processes.
    REDIS_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    #: A server-side session ends after this long, whatever the cookie says.
    SESSION_LIFETIME = timedelta(hours=10)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")

    #: Failed login attempts per e-mail address and per client address.
    LOGIN_RATE_LIMIT = "10 per 5 minutes"
    #: How many reverse proxies stand in front of the service (``X-Forwarded-For`` etc. are trusted that deep);
    #: 0 when it is reached directly. Behind a proxy, without it every user would share the proxy's address.
    PROXY_COUNT = 0
    RATELIMIT_HEADERS_ENABLED = True

    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = True
    MAIL_SENDER = "placement@localhost"

    #: Longest internship, in weeks, before a warning asks for a recorded extension.
    INTERNSHIP_MAX_WEEKS = 52
    #: Interns a company may have per employee before a warning (at least one intern is always allowed).
    INTERNS_PER_EMPLOYEE = 0.2
    #: How long the link e-mailed to a mentor stays valid.
    MENTOR_LINK_DAYS = 14

    #: ``PLACEMENT_BASE_URL``, e.g. ``https://praktik.randers.dk``: every link put into an e-mail or a calendar is
    #: built from it, never from the request's Host header. Required outside development.
    BASE_URL = ""

    PAGE_SIZE = 25
    #: Largest CSV file accepted for import through the page, in bytes.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
