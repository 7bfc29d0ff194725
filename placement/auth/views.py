"""Logging in and out, and personal API tokens."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from limits import parse
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from placement.accounts.devices import describe as describe_device
from placement.audit.services import set_actor
from placement.auth import second_factor, services
from placement.auth.access import ADMINS, EVERYONE, roles_required
from placement.auth.forms import ApiTokenForm, LoginForm
from placement.auth.models import ApiToken, TokenScope, User
from placement.database import utcnow
from placement.extensions import db, limiter
from placement.partnerships.services import login_refusal as partnership_login_refusal

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_budget(email: str) -> tuple[bool, list[tuple]]:
    """Count this attempt BEFORE the password is checked; return (allowed, the counters hit).

    One atomic increment per counter on the limiter's storage (Redis INCR with expiry across workers), so
    parallel attempts cannot all pass a check-then-count race: at most the limit reach the password hash.
    Hard limits: per (client address, e-mail) pair and per client address. Per e-mail alone only a slowdown
    (``LOGIN_SLOWDOWN_SECONDS``), so nobody can lock another user out of their account from elsewhere.
    """
    if not limiter.enabled:
        return True, []
    item = parse(_login_limit())
    strategy = limiter.limiter
    client = get_remote_address()  # the client address (respects PROXY_COUNT)
    account = email.strip().lower()
    hard = [(item, "login-pair", client, account), (item, "login-client", client)]
    allowed = True
    counted = []
    for limit, *ids in hard:
        counted.append((limit, *ids))
        if not strategy.hit(limit, *ids):
            allowed = False
    if allowed:
        counted.append((item, "login-account", account))
        if not strategy.hit(item, "login-account", account):
            time.sleep(current_app.config["LOGIN_SLOWDOWN_SECONDS"])
    return allowed, counted


def refund_login_budget(counted: list[tuple]) -> None:
    """A successful login gives its counts back: a job centre behind one address logs in all morning."""
    for limit, *ids in counted:
        limiter.limiter.storage.incr(limit.key_for(*ids), limit.get_expiry(), amount=-1)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        allowed, counted = login_budget(form.email.data)
        if not allowed:
            abort(429)
        user = services.authenticate(form.email.data, form.password.data)
        refusal = None if user is None else partnership_login_refusal(user)
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password, or the account is deactivated."))
        elif refusal:
            db.session.rollback()
            form.email.errors.append(refusal)
        else:
            set_actor(user.id, user.email)
            pending = second_factor.needed_at_login(user)
            login = services.start_session(user, user_agent=describe_device(request.headers.get("User-Agent", "")),
                                           pending=pending)
            db.session.commit()
            refund_login_budget(counted)
            if pending:  # the session opens no page until the second step (placement.auth.mfa_views)
                second_factor.begin_pending(login, _safe_next(request.args.get("next")))
                return redirect(url_for("auth.second_factor"))
            second_factor.forget_pending()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@roles_required(EVERYONE)
def logout():
    """End the session on the server, then forget the cookie."""
    services.end_session(current_user.session_key)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/session/ping")
@roles_required(EVERYONE)
def session_ping():
    """Keep a live session from ending for idleness ("Stay logged in"): loading the user records the use."""
    return "", 204


@bp.route("/account/tokens", methods=["GET", "POST"])
@roles_required(EVERYONE)
def api_tokens():
    """List the user's API tokens and create a new one."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = services.issue_api_token(current_user, form.name.data, days=form.days.data,
                                                     scope=TokenScope(form.scope.data))
        db.session.commit()
        flash(_("Copy the token now: it is shown only once."), "warning")
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=tokens, new_token=new_token, now=utcnow())


@bp.post("/account/tokens/<int:token_id>/revoke")
@roles_required(EVERYONE)
def revoke_api_token(token_id: int):
    """Revoke one of the user's API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if services.revoke_api_token(token):
        db.session.commit()
        flash(_("The token is revoked."), "info")
    return redirect(url_for("auth.api_tokens"))


@bp.get("/admin/tokens")
@roles_required(ADMINS)
def admin_api_tokens():
    """An admin's list of the API tokens of every user, or of one chosen user (``?user=ID``), to revoke any."""
    owners = db.session.scalars(select(User).where(User.id.in_(select(ApiToken.user_id)))
                                .order_by(User.name, User.id)).all()
    chosen = request.args.get("user", type=int)
    stmt = select(ApiToken).join(ApiToken.user).options(joinedload(ApiToken.user).joinedload(User.partnership))
    if chosen is not None:
        stmt = stmt.where(ApiToken.user_id == chosen)
    tokens = db.session.scalars(stmt.order_by(ApiToken.revoked_at.is_not(None), ApiToken.expires_at.desc(),
                                              ApiToken.id.desc())).all()
    return render_template("auth/admin_tokens.html", tokens=tokens, owners=owners, chosen=chosen, now=utcnow())


@bp.post("/admin/tokens/<int:token_id>/revoke")
@roles_required(ADMINS)
def admin_revoke_api_token(token_id: int):
    """Revoke any user's API token (the audit log records which admin did)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if services.revoke_api_token(token):
        db.session.commit()
        flash(_("The token “%(name)s” of %(user)s is revoked.", name=token.name, user=token.user.name), "info")
    chosen = request.form.get("user", type=int)
    return redirect(url_for("auth.admin_api_tokens", user=chosen) if chosen else url_for("auth.admin_api_tokens"))
