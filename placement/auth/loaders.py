"""Flask-Login wiring: a session cookie names a server-side session, never a user id."""

from flask import request
from flask_babel import lazy_gettext as _l

from placement.audit.services import set_actor
from placement.auth.services import load_session_user
from placement.extensions import login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(session_key: str):
    if request.blueprint == "api":
        return None  # the API authenticates by token only, so a browser cookie cannot be used against it
    user = load_session_user(session_key)
    if user is not None:
        set_actor(user.id, user.email)
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    from flask import flash, redirect, url_for

    if request.blueprint == "api":
        return {"error": "Unauthorized", "message": "Send a valid API token: Authorization: Bearer <token>."}, 401
    from flask import session

    from placement.auth.second_factor import PENDING_KEY

    if session.get(PENDING_KEY):  # the password was right: the second step comes before any page
        return redirect(url_for("auth.second_factor"))
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
