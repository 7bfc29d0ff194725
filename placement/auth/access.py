"""Who may see what: role and partnership checks used by every view and API endpoint.

Objects of another partnership answer 404, not 403, so ids cannot be probed.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select

from placement.auth.models import Role
from placement.extensions import db, login_manager

#: The roles that keep and read the company network.
NETWORK_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CONSULTANT, Role.CASEWORKER})
#: The roles that change the company network.
NETWORK_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CONSULTANT})
ADMINS = frozenset({Role.ADMIN})
EVERYONE = frozenset(Role)


def roles_required(roles: frozenset[Role]) -> Callable:
    """Let only logged-in users with one of these roles into the view."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def in_partnership(stmt: Select, partnership_column) -> Select:
    """Limit a query to the current user's partnership (an admin sees all)."""
    if current_user.is_admin:
        return stmt
    return stmt.where(partnership_column == current_user.partnership_id)


def may_see(obj) -> bool:
    """Tell whether the current user's partnership owns this object (an admin sees all)."""
    return current_user.is_admin or obj.audit_partnership_id == current_user.partnership_id


def get_or_404(model, ident):
    """Load an object of the current user's partnership, or answer 404."""
    obj = db.session.get(model, ident)
    if obj is None or not may_see(obj):
        abort(404)
    return obj
