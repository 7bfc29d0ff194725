"""Token authentication and role checks for the JSON API; a browser cookie never authenticates it."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, jsonify, request
from flask_login import current_user

from placement.audit.services import set_actor
from placement.auth.models import Role, TokenScope
from placement.auth.services import check_api_token, record_use
from placement.extensions import db

UNAUTHORIZED_MESSAGE = "Send a valid API token: Authorization: Bearer <token>."
REFUSED_MESSAGE = "The API token is unknown or revoked, or its user is deactivated."
EXPIRED_MESSAGE = "The API token has expired. Create a new one under API tokens."
READ_ONLY_MESSAGE = "This API token is read-only: it may only read (GET). Use a read-write token to make changes."
#: Methods a read-only token may use.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def public(view: Callable) -> Callable:
    """Mark an API view as open without a token."""
    view.public = True
    return view


def unauthorized(message: str, *, invalid_token: bool = False):
    """Return the 401 answer with the challenge RFC 6750 asks for."""
    response = jsonify({"error": "Unauthorized", "message": message})
    response.status_code = 401
    challenge = 'Bearer realm="placement API"'
    if invalid_token:
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def bearer_token() -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate():
    """Before every API request: make the token's user the current user, or answer 401."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "public", False):
        return None
    token = bearer_token()
    if token is None:
        return unauthorized(UNAUTHORIZED_MESSAGE)
    api_token, reason = check_api_token(token)
    if api_token is not None and record_use(api_token):
        db.session.commit()  # keeps the token's last use, whatever the request does next
    if api_token is None:
        return unauthorized(EXPIRED_MESSAGE if reason == "expired" else REFUSED_MESSAGE, invalid_token=True)
    user = api_token.user
    g.api_token_scope = api_token.scope
    if api_token.scope is not TokenScope.READ_WRITE and request.method not in READ_METHODS:
        response = jsonify({"error": "Forbidden", "message": READ_ONLY_MESSAGE})
        response.status_code = 403
        response.headers["WWW-Authenticate"] = 'Bearer realm="placement API", error="insufficient_scope"'
        return response
    # Flask-Login 0.6.3 keeps the request's user in g._login_user; this is how login_user sets it.
    current_app.login_manager._update_request_context_with_user(user)
    set_actor(user.id, user.email)
    return None


def roles_required(roles: frozenset[Role]) -> Callable:
    """Let only users with one of these roles use the endpoint; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403, description="Your role may not use this endpoint.")
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
