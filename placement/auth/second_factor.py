"""The second factor: time-based one-time codes (TOTP, RFC 6238) and one-time recovery codes.

Everyone who can read a young person's record (admin, coordinator, consultant, caseworker) must use it when
``TOTP_REQUIRED`` is on; a mentor may choose to. After the right password the login's server-side session is
*pending* (``UserSession.second_factor_pending``): ``load_session_user`` refuses it, and only the second-step
pages open it through ``pending_session``. Codes and secrets never reach the log or the audit log.
"""

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

import pyotp
import segno
from flask import current_app, session
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy import delete, func, or_, select, update

from placement.audit.services import record_event
from placement.auth.access import CASE_ROLES
from placement.auth.models import RecoveryCode, User, UserSession
from placement.database import utcnow
from placement.extensions import db, limiter
from placement.mail.services import enqueue

#: The Flask session keys of a login waiting for its second step.
PENDING_KEY = "second_factor_session"
NEXT_KEY = "second_factor_next"
ISSUER = "Placement"
RECOVERY_CODE_COUNT = 10
#: Characters of a recovery code: 16 of 32 letters and digits, 80 bits, written in groups of four.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SecondFactorProblem(ValueError):
    """A code was refused; the message says why (for the form field)."""


def required_for(user: User) -> bool:
    """Tell whether this user must use a second factor (``TOTP_REQUIRED`` and a role that reads records)."""
    return bool(current_app.config["TOTP_REQUIRED"]) and user.role in CASE_ROLES


def enrolled(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def needed_at_login(user: User) -> bool:
    """Tell whether a login of this user needs the second step (enrolled, or must enrol)."""
    return enrolled(user) or required_for(user)


# --- the pending login -----------------------------------------------------------------------------------------------

def begin_pending(login: UserSession, next_url: str) -> None:
    """Remember in the cookie which pending session this browser is completing."""
    session[PENDING_KEY] = login.key
    session[NEXT_KEY] = next_url


def pending_session() -> UserSession | None:
    """Return this browser's pending login, or None when there is none or it ended, expired or was completed."""
    key = session.get(PENDING_KEY)
    if not key:
        return None
    login = db.session.get(UserSession, key)
    if (login is None or not login.second_factor_pending or login.ended_at is not None
            or login.expires_at <= utcnow() or not login.user.active
            or login.user.partnership.archived_at is not None):
        return None
    return login


def complete(login: UserSession) -> str:
    """Turn the pending login into an ordinary session; return where the user wanted to go."""
    login.second_factor_pending = False
    login.expires_at = utcnow() + current_app.config["SESSION_LIFETIME"]
    login.last_seen_at = utcnow()
    login.user.session_key = login.key
    session.pop(PENDING_KEY, None)
    return session.pop(NEXT_KEY, None) or ""


def forget_pending() -> None:
    session.pop(PENDING_KEY, None)
    session.pop(NEXT_KEY, None)


# --- rate limit ------------------------------------------------------------------------------------------------------

def budget(user: User) -> tuple[bool, list[tuple]]:
    """Count this attempt BEFORE the code is checked (atomic hits per user and per client); return
    (allowed, the counters hit). A right code gives its counts back (``refund``)."""
    if not limiter.enabled:
        return True, []
    item = parse(current_app.config["TOTP_RATE_LIMIT"])
    strategy = limiter.limiter
    counters = [(item, "totp-user", str(user.id)), (item, "totp-client", get_remote_address())]
    allowed = True
    for limit, *ids in counters:
        if not strategy.hit(limit, *ids):
            allowed = False
    return allowed, counters


def refund(counted: list[tuple]) -> None:
    for limit, *ids in counted:
        limiter.limiter.storage.incr(limit.key_for(*ids), limit.get_expiry(), amount=-1)


# --- TOTP ------------------------------------------------------------------------------------------------------------

def _normalise_code(code: str) -> str:
    return "".join(code.split())


def _matching_counter(secret: str, code: str, *, now: float | None = None) -> int | None:
    """Return the time step (of the current one and its neighbours) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(_as_datetime(now))
    for counter in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def _as_datetime(now: float | None) -> datetime:
    return datetime.fromtimestamp(time.time() if now is None else now, tz=UTC)


def _check_totp(user: User, secret: str, code: str) -> None:
    """Accept a 6-digit code once: the step is stored atomically, so a replay (or a parallel twin) is refused."""
    code = _normalise_code(code)
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # "٣" is a digit to isdigit()
        raise SecondFactorProblem(_("Enter the 6 digits your authenticator app shows."))
    counter = _matching_counter(secret, code)
    if counter is None:
        raise SecondFactorProblem(_("The code is wrong or too old: enter the code the app shows now."))
    users = User.__table__
    # A Core update: the step is bookkeeping, not a change for the audit log (the view records the event).
    accepted = db.session.execute(
        update(users).where(users.c.id == user.id,
                            or_(users.c.totp_last_counter.is_(None), users.c.totp_last_counter < counter))
        .values(totp_last_counter=counter)).rowcount
    if accepted != 1:
        raise SecondFactorProblem(_("That code was used already: wait for the next one."))
    db.session.expire(user, ["totp_last_counter"])


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_secret(user: User) -> str:
    """Return the secret of the enrolment under way, making one (kept on the server) when there is none."""
    if enrolled(user):
        raise ValueError("the second factor is on already: reset it first")
    if not user.totp_secret:
        user.totp_secret = new_secret()
    return user.totp_secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of the ``otpauth://`` link as inline SVG markup (no script, no style attribute)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=True,
                                                 title=_("QR code for your authenticator app"))


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn the second factor on after a right code; return the new recovery codes (to show once)."""
    if enrolled(user) or not user.totp_secret:
        raise SecondFactorProblem(_("Start the setup again: there is no code to confirm."))
    _check_totp(user, user.totp_secret, code)
    user.totp_enabled_at = utcnow()
    codes = regenerate_recovery_codes(user)
    record_event(db.session, user, "mfa_enrolled", {})
    _tell(user, _("Second factor set up for your Placement account"),
          _("Hello %(name)s,\n\nA second factor (an authenticator app) was just set up for your account in Placement. "
            "From now on, logging in asks for a code from that app.\n\n", name=user.name))
    return codes


def verify(user: User, code: str) -> str:
    """Check a 6-digit code or a recovery code at login; return ``totp`` or ``recovery`` (which was used)."""
    plain = _normalise_code(code)
    if not enrolled(user):
        raise SecondFactorProblem(_("Set up the second factor first."))
    if plain.isascii() and plain.isdigit():
        _check_totp(user, user.totp_secret, plain)
        return "totp"
    if use_recovery_code(user, plain):
        return "recovery"
    raise SecondFactorProblem(_("The code is wrong, or that recovery code was used already."))


# --- recovery codes --------------------------------------------------------------------------------------------------

def _recovery_digest(code: str) -> str:
    canonical = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(canonical.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _i in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by 10 new ones; return them (only their digests are stored)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, digest=_recovery_digest(code)) for code in codes)
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Use up a recovery code (atomically: it works once); False when unknown or used."""
    if len("".join(ch for ch in code if ch.isalnum())) != 16:
        return False
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.digest == _recovery_digest(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    return used == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def check_current_code(user: User, code: str) -> None:
    """Require a current 6-digit code (e.g. before new recovery codes are made)."""
    if not enrolled(user):
        raise SecondFactorProblem(_("Set up the second factor first."))
    _check_totp(user, user.totp_secret, code)


# --- reset -----------------------------------------------------------------------------------------------------------

def reset(user: User) -> None:
    """Turn the user's second factor off (an administrator's or coordinator's help when the phone is lost): the
    secret and recovery codes go, and every session of the user ends; the next login enrols again."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))
    record_event(db.session, user, "mfa_reset", {})
    _tell(user, _("Second factor turned off for your Placement account"),
          _("Hello %(name)s,\n\nThe second factor of your account in Placement was turned off. At your next login "
            "you set it up again with your authenticator app.\n\n", name=user.name))


def _tell(user: User, subject: str, text: str) -> None:
    """E-mail the user (through the outbox) about a change to their second factor, so a stranger's is noticed."""
    warning = _("If this was not you, contact your youth coordinator or administrator at once: someone else may "
                "know your password.\n")
    enqueue(user.email, subject, text + warning, partnership_id=user.partnership_id)

