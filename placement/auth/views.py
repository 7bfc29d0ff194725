"""Logging in and out, and personal API tokens."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from placement.audit.services import set_actor
from placement.auth import services
from placement.auth.access import EVERYONE, roles_required
from placement.auth.forms import ApiTokenForm, LoginForm
from placement.auth.models import ApiToken
from placement.database import utcnow
from placement.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    """Count only failed attempts: a successful login redirects (302)."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, deduct_when=_failed)
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password, or the account is deactivated."))
        else:
            set_actor(user.id, user.email)
            services.start_session(user)
            db.session.commit()
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


@bp.route("/account/tokens", methods=["GET", "POST"])
@roles_required(EVERYONE)
def api_tokens():
    """List the user's API tokens and create a new one."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = services.issue_api_token(current_user, form.name.data)
        db.session.commit()
        flash(_("Copy the token now: it is shown only once."), "warning")
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=tokens, new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@roles_required(EVERYONE)
def revoke_api_token(token_id: int):
    """Revoke one of the user's API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
        flash(_("The token is revoked."), "info")
    return redirect(url_for("auth.api_tokens"))
