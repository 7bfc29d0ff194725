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
    #: How CSV imports run (``placement.imports.services``): rq, thread, inline; empty: rq with REDIS_URL, else thread.
    IMPORT_JOBS_MODE = ""
    #: Uploads of at most this many lines are imported within the request; larger ones become a background job.
    IMPORT_INLINE_MAX_LINES = 100
    #: The largest file an import page takes, in bytes (every other form: MAX_CONTENT_LENGTH).
    IMPORT_MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    #: ``PLACEMENT_NETWORK_SNAPSHOTS``: keep each partnership's built matching network on disk, so a worker started
    #: later loads it instead of building it (``placement.snapshots``); ``PLACEMENT_NETWORK_SNAPSHOT_DIR``: where
    #: (empty: ``snapshots`` in the instance folder).
    NETWORK_SNAPSHOTS = True
    NETWORK_SNAPSHOT_DIR = ""
    #: No ``pool_pre_ping`` (a round trip on every request): a connection the server closed is noticed without one
    #: (``placement.database``); none is kept longer than half an hour, should a firewall drop it silently.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False, "pool_recycle": 1800}
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
    #: Seconds each further login attempt waits once one e-mail address had LOGIN_RATE_LIMIT failures (from any
    #: addresses): a slowdown, not a lockout, so nobody can lock another user out.
    LOGIN_SLOWDOWN_SECONDS = 2
    #: ``PLACEMENT_TOTP_REQUIRED``: everyone who can read a young person's record (admin, coordinator, consultant,
    #: caseworker) must log in with a second factor (TOTP) and enrols at the next login; mentors may choose to.
    TOTP_REQUIRED = True
    #: Wrong second-factor codes, per user and per client address.
    TOTP_RATE_LIMIT = "5 per 5 minutes"
    #: Minutes between the right password and the second step before the login must start again.
    TOTP_PENDING_MINUTES = 15
    #: A session unused this many minutes is ended (the page warns two minutes before).
    SESSION_IDLE_MINUTES = 30
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
    #: How long the link to a young person's own page (their goals) stays valid; a new link replaces it.
    YOUNG_PERSON_LINK_DAYS = 90
    #: Days after sending before an e-mail is deleted from the outbox (``flask retention run``).
    OUTBOX_RETENTION_DAYS = 30
    #: How long the link in an invitation to a new user stays valid, in days.
    INVITATION_DAYS = 7
    #: How long a "forgot password" link stays valid, in hours.
    PASSWORD_RESET_HOURS = 2
    #: Requests for a password reset link, per client address and per e-mail address.
    RESET_LINK_RATE_LIMIT = "5 per 15 minutes"

    #: ``PLACEMENT_BASE_URL``, e.g. ``https://praktik.randers.dk``: every link put into an e-mail or a calendar is
    #: built from it, never from the request's Host header. Required outside development.
    BASE_URL = ""
    #: ``PLACEMENT_HSTS_SECONDS``: the max-age of ``Strict-Transport-Security``. Unset: a year in production and off
    #: in development and tests; 0 turns the header off.
    HSTS_SECONDS = None

    #: ``PLACEMENT_SMALL_CELL_THRESHOLD``: the results show caseworkers and consultants counts of people below it as
    #: "< 5" (with every count such a one could be worked out from); coordinators and admins see exact counts.
    SMALL_CELL_THRESHOLD = 5

    PAGE_SIZE = 25
    #: Largest CSV file accepted for import through the page, in bytes.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
