"""Managing user accounts, the links that let users set their own password, and a user's own sessions.

Services add and flush; the view commits. Who may do what to which account is decided here, in ``check_change``,
so that pages and any later API refuse the same things.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from placement.accounts.models import AccountLink, LinkPurpose
from placement.agreements import feeds
from placement.audit.services import _actor as audit_actor
from placement.audit.services import append, record_event
from placement.auth import services as auth_services
from placement.auth.models import Partnership, Role, User, UserSession
from placement.database import utcnow
from placement.extensions import db
from placement.mail.services import enqueue
from placement.urls import external_url

#: The roles a youth coordinator may give (never an administrator).
COORDINATOR_GRANTS = frozenset({Role.COORDINATOR, Role.CONSULTANT, Role.CASEWORKER, Role.MENTOR})


class AccountRefused(Exception):
    """The acting user may not make this change; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str, changes: dict) -> None:
        super().__init__(message)
        self.field = field
        #: What was attempted, ``{field: [old, new]}``, for the audit log.
        self.changes = changes


class AccountProblem(ValueError):
    """The values cannot be saved (e-mail taken, mentor not in the partnership...); ``field`` names the field."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class LinkRefused(Exception):
    """The link is unknown (``gone`` False: 404) or expired or used (``gone`` True: 410 Gone)."""

    def __init__(self, message: str, *, gone: bool) -> None:
        super().__init__(message)
        self.gone = gone


# --- who may manage whom -------------------------------------------------------------------------------------------

def manageable_users(actor: User):
    """Return a query of the users ``actor`` may manage: an admin all, a coordinator their partnership's."""
    stmt = select(User)
    if not actor.is_admin:
        stmt = stmt.where(User.partnership_id == actor.partnership_id)
    return stmt


def may_manage(actor: User, user: User) -> bool:
    """Tell whether ``actor`` may open ``user``'s page (another partnership's user answers 404)."""
    return actor.is_admin or (actor.role is Role.COORDINATOR and user.partnership_id == actor.partnership_id)


def grantable_roles(actor: User) -> list[Role]:
    """Return the roles ``actor`` may give, in the enumeration's order."""
    return [role for role in Role if actor.is_admin or role in COORDINATOR_GRANTS]


def check_change(actor: User, user: User | None, *, role: Role, partnership_id: int) -> None:
    """Refuse what a coordinator may never do: create or change an administrator, or use another partnership."""
    if actor.is_admin:
        return
    old_role = user.role.value if user else None
    old_partnership = user.partnership_id if user else None
    if user is not None and user.role is Role.ADMIN:
        raise AccountRefused(_("Only an administrator can change an administrator's account."), field="role",
                             changes={"role": [old_role, role.value]})
    if role is Role.ADMIN:
        raise AccountRefused(_("Only an administrator can give the role administrator."), field="role",
                             changes={"role": [old_role, role.value]})
    if partnership_id != actor.partnership_id:
        raise AccountRefused(_("You can only manage the users of your own partnership; an administrator can move "
                               "a user to another partnership."), field="partnership_id",
                             changes={"partnership_id": [old_partnership, partnership_id]})


def record_refusal(user: User | None, partnership_id: int | None, action: str, error: AccountRefused) -> None:
    """Write a refused attempt to the audit log (call after rolling the attempt back; the view commits)."""
    actor_id, actor_label = audit_actor()
    changes = {"attempt": [None, action], **error.changes}
    append(db.session.connection(), [dict(
        at=utcnow(), actor_id=actor_id, actor_label=actor_label, action="refused", entity="users",
        entity_id=str(user.id) if user else "", partnership_id=partnership_id, changes=changes)])


# --- creating and changing accounts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountValues:
    email: str
    name: str
    role: Role
    partnership_id: int
    mentor_id: int | None = None


def _check_values(values: AccountValues, user: User | None) -> Partnership:
    """Check what the database must confirm; return the partnership."""
    partnership = db.session.get(Partnership, values.partnership_id) if values.partnership_id else None
    if partnership is None:
        raise AccountProblem(_("Choose a partnership."), field="partnership_id")
    if partnership.archived_at is not None and (user is None or user.partnership_id != partnership.id):
        raise AccountProblem(_("%(name)s is archived: its users cannot log in.", name=partnership.name),
                             field="partnership_id")
    existing = auth_services.find_user_by_email(values.email)
    if existing is not None and (user is None or existing.id != user.id):
        raise AccountProblem(_("A user with this e-mail address exists already."), field="email")
    if values.role is Role.MENTOR:
        from placement.network.models import Mentor

        mentor = db.session.get(Mentor, values.mentor_id) if values.mentor_id else None
        if mentor is None:
            raise AccountProblem(_("A mentor's account acts as one of the partnership's mentors: choose which."),
                                 field="mentor_id")
        if mentor.company.partnership_id != partnership.id:
            raise AccountProblem(_("This mentor belongs to another partnership's network."), field="mentor_id")
        holder = db.session.scalar(select(User).where(User.mentor_id == mentor.id))
        if holder is not None and (user is None or holder.id != user.id):
            raise AccountProblem(_("This mentor has an account already."), field="mentor_id")
    return partnership


def create_account(actor: User, values: AccountValues) -> tuple[User, AccountLink]:
    """Create a user who chooses their own password through an e-mailed invitation (put in the outbox)."""
    check_change(actor, None, role=values.role, partnership_id=values.partnership_id)
    partnership = _check_values(values, None)
    # Nobody knows this password: the account is unusable until the invitation's link sets one.
    user = auth_services.create_user(email=values.email, name=values.name, password=secrets.token_urlsafe(32),
                                     role=values.role, partnership=partnership,
                                     mentor_id=values.mentor_id if values.role is Role.MENTOR else None,
                                     password_known=False)
    link = send_invitation(user)
    return user, link


def update_account(actor: User, user: User, values: AccountValues) -> None:
    """Change a user's name, e-mail, role, partnership (admins) and mentor record.

    A new e-mail address spends the user's open links and ends their sessions; a new role or partnership ends
    their sessions, API tokens and calendar feed (audited)."""
    check_change(actor, user, role=values.role, partnership_id=values.partnership_id)
    if actor.id == user.id and values.role is not user.role:
        raise AccountProblem(_("You cannot change your own role: ask another administrator."), field="role")
    partnership = _check_values(values, user)
    email = values.email.strip().lower()
    if email != user.email:
        # Links sent to the old address must not work for whoever reads the new one, nor sessions opened before.
        _spend_links(user, None)
        end_sessions(user, keep=actor.session_key if actor.id == user.id else None)
        _tell_old_address(user, actor)
    moved = partnership.id != user.partnership_id
    if values.role is not user.role or moved:
        # What the user may see changes: nothing opened under the old role or in the old partnership keeps working
        # (as when a partnership is archived). One's own move keeps the session it is made in.
        end_access(user, "moved" if moved else "role_changed",
                   keep=actor.session_key if actor.id == user.id else None)
    user.email = email
    user.name = values.name.strip()
    user.role = values.role
    user.partnership = partnership
    user.mentor_id = values.mentor_id if values.role is Role.MENTOR else None


def end_access(user: User, reason: str, *, keep: str | None = None) -> None:
    """End the user's sessions (but ``keep``), API tokens (each revocation audited) and calendar feed, and write
    one audit entry saying why and what ended."""
    sessions = end_sessions(user, keep=keep)
    tokens = auth_services.revoke_api_tokens(user)
    feed = feeds.feed_of(user) is not None
    feeds.remove_feed(user)
    record_event(db.session, user, "access_ended", {"reason": (None, reason), "sessions": (None, sessions),
                                                    "api_tokens": (None, tokens), "calendar_feed": (None, feed)})


def deactivate(actor: User, user: User) -> None:
    """Deactivate a user: their sessions, API tokens and password links stop working at once."""
    check_change(actor, user, role=user.role, partnership_id=user.partnership_id)
    if actor.id == user.id:
        raise AccountProblem(_("You cannot deactivate your own account."), field="")
    auth_services.deactivate_user(user)
    _spend_links(user, None)


def reactivate(actor: User, user: User) -> None:
    """Let a deactivated user log in again (with the password they had)."""
    check_change(actor, user, role=user.role, partnership_id=user.partnership_id)
    user.active = True


# --- links to set a password ---------------------------------------------------------------------------------------

def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _spend_links(user: User, purpose: LinkPurpose | None, now: datetime | None = None) -> None:
    """Make the user's unused links (of one purpose, or all) stop working."""
    stmt = select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    if purpose is not None:
        stmt = stmt.where(AccountLink.purpose == purpose)
    for link in db.session.scalars(stmt):
        link.used_at = now or utcnow()


def issue_link(user: User, purpose: LinkPurpose) -> tuple[AccountLink, str]:
    """Make a new link (earlier unused ones of the purpose stop working); return it and its URL, shown once."""
    now = utcnow()
    _spend_links(user, purpose, now)
    config = current_app.config
    lifetime = timedelta(days=config["INVITATION_DAYS"]) if purpose is LinkPurpose.INVITE \
        else timedelta(hours=config["PASSWORD_RESET_HOURS"])
    secret = secrets.token_urlsafe(32)
    link = AccountLink(user=user, purpose=purpose, digest=_digest(secret), expires_at=now + lifetime)
    db.session.add(link)
    db.session.flush()
    return link, external_url("accounts.set_password", token=secret)


def _password_set_message() -> str:
    return _("The user has set a password: they can use “Forgot password?” on the login page.")


def send_invitation(user: User) -> AccountLink:
    """Put an invitation with a new link in the outbox; refused once the user has set a password."""
    if user.password_set_at is not None:
        raise AccountProblem(_password_set_message(), field="")
    link, url = issue_link(user, LinkPurpose.INVITE)
    days = current_app.config["INVITATION_DAYS"]
    body = _("Hello %(name)s,\n\nAn account has been made for you in Placement (%(partnership)s).\n"
             "Choose your password here within %(days)s days:\n\n%(url)s\n\n"
             "The link works once. Your user name is your e-mail address: %(email)s\n",
             name=user.name, partnership=user.partnership.name, days=days, url=url, email=user.email)
    enqueue(user.email, _("Your account in Placement"), body, partnership_id=user.partnership_id)
    return link


def _tell_old_address(user: User, actor: User) -> None:
    """Tell the account's old address that its e-mail changed (not to what): a change its owner did not make, or a
    second-factor reset sent to the new address, does not go unnoticed."""
    body = _("Hello %(name)s,\n\nThe e-mail address of your account in Placement (%(partnership)s) was changed by "
             "%(actor)s. Messages about the account now go to the new address, and you have been logged out.\n\n"
             "If you did not expect this, contact your coordinator or the service desk at once.\n",
             name=user.name, partnership=user.partnership.name, actor=actor.name)
    enqueue(user.email, _("The e-mail address of your account was changed"), body,
            partnership_id=user.partnership_id)


def send_reset(email: str) -> bool:
    """Send a reset link when an active user has this address; return whether one was sent (never shown)."""
    user = auth_services.find_user_by_email(email)
    if user is None or not user.active or user.partnership.archived_at is not None:
        return False
    _link, url = issue_link(user, LinkPurpose.RESET)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    body = _("Hello %(name)s,\n\nSomeone (hopefully you) asked to set a new password for your account in "
             "Placement.\nChoose a new password here within %(hours)s hours:\n\n%(url)s\n\n"
             "The link works once. If you did not ask for it, ignore this e-mail: your password stays as it is.\n",
             name=user.name, hours=hours, url=url)
    enqueue(user.email, _("A new password for Placement"), body, partnership_id=user.partnership_id)
    return True


def resolve_link(secret: str) -> AccountLink:
    """Return the live link a secret names, or raise LinkRefused."""
    link = db.session.scalar(select(AccountLink).where(AccountLink.digest == _digest(secret or "")))
    if link is None or not hmac.compare_digest(link.digest, _digest(secret or "")):
        raise LinkRefused(_("This link is not valid. Check that you copied the whole link from the e-mail, or ask "
                            "for a new one under “Forgot password?” on the login page."), gone=False)
    if not link.user.active or link.user.partnership.archived_at is not None:
        raise LinkRefused(_("This account is deactivated. Ask your youth coordinator or administrator."), gone=True)
    if link.used_at is not None:
        raise LinkRefused(_("This link has been used already or a newer one was sent. Use the newest e-mail, or "
                            "ask for a new link under “Forgot password?” on the login page."), gone=True)
    if link.purpose is LinkPurpose.INVITE and link.user.password_set_at is not None:
        raise LinkRefused(_password_set_message(), gone=True)
    if link.expires_at <= utcnow():
        if link.purpose is LinkPurpose.INVITE:
            message = _("This invitation has expired. Ask your youth coordinator or administrator to send it again.")
        else:
            message = _("This link has expired. Ask for a new one under “Forgot password?” on the login page.")
        raise LinkRefused(message, gone=True)
    return link


def set_password_by_link(link: AccountLink, password: str, *, keep_session: str | None = None) -> User:
    """Set the user's password and spend the link; every session of the user but ``keep_session`` and every API
    token end."""
    now = utcnow()
    user = link.user
    user.password_hash = auth_services.hash_password(password)
    user.password_set_at = now
    link.used_at = now
    _spend_links(user, None, now)  # an open invitation or reset link no longer makes sense
    end_sessions(user, keep=keep_session)
    auth_services.revoke_api_tokens(user, now)
    return user


# --- one's own password and sessions -------------------------------------------------------------------------------

def change_password(user: User, current: str, new: str) -> None:
    """Change the user's password after checking the current one; their other sessions and API tokens end."""
    if auth_services.authenticate(user.email, current) is None:
        raise AccountProblem(_("This is not your current password."), field="current_password")
    user.password_hash = auth_services.hash_password(new)
    user.password_set_at = utcnow()
    end_sessions(user, keep=user.session_key)
    auth_services.revoke_api_tokens(user)


def live_sessions(user: User) -> list[UserSession]:
    """Return the user's sessions that have not ended or expired, the latest used first."""
    now = utcnow()
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())))


def session_handle(login: UserSession) -> str:
    """Return the name of a session on the page: never its key, which is what the cookie carries."""
    return hashlib.sha256(("session:" + login.key).encode()).hexdigest()[:24]


def end_session_by_handle(user: User, handle: str) -> bool:
    """End one of the user's live sessions by its handle; False when there is none such."""
    if not handle or not handle.isascii():
        return False  # compare_digest refuses non-ASCII text
    for login in live_sessions(user):
        if hmac.compare_digest(session_handle(login), handle):
            auth_services.end_session(login.key)
            return True
    return False


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End all the user's live sessions except ``keep``; return how many ended."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep:
        stmt = stmt.where(UserSession.key != keep)
    return db.session.execute(stmt.values(ended_at=utcnow())).rowcount
