"""Who may see what: role and partnership checks used by every view and API endpoint.

Objects of another partnership answer 404, not 403, so ids cannot be probed.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, request
from flask_login import current_user
from sqlalchemy import Select

from placement.auth.models import Partnership, Role
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


#: The roles that work on young people's cases. Mentors never see a young person's record.
CASE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CONSULTANT, Role.CASEWORKER})
#: The roles that create and change young people's records.
CASE_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CONSULTANT})


def participant_scope(stmt: Select, model) -> Select:
    """Limit a query of young people to those the current user works on.

    An admin sees all; a youth coordinator every young person of the partnership (they assign the cases and
    follow the partnership's results); a consultant or caseworker only the cases they are named on.
    """
    return participant_scope_for(current_user, stmt, model)


def participant_scope_for(user, stmt: Select, model) -> Select:
    """Limit a query of young people to those ``user`` works on (see ``participant_scope``).

    For requests without a logged-in user that act for one, e.g. a personal calendar feed opened by its key.
    """
    if user.is_admin:
        return stmt
    stmt = stmt.where(model.partnership_id == user.partnership_id)
    if user.role is Role.COORDINATOR:
        return stmt
    me = user.id
    return stmt.where((model.consultant_id == me) | (model.coordinator_id == me) | (model.caseworker_id == me))


def may_see_participant(participant) -> bool:
    """Tell whether the current user works on this young person's case (see ``participant_scope``)."""
    if current_user.is_admin:
        return True
    if current_user.role not in CASE_ROLES or participant.partnership_id != current_user.partnership_id:
        return False
    return current_user.role is Role.COORDINATOR or current_user.id in (
        participant.consultant_id, participant.coordinator_id, participant.caseworker_id)


def get_participant_or_404(ident):
    """Load a young person the current user works on, or answer 404."""
    from placement.participants.models import Participant

    participant = db.session.get(Participant, ident)
    if participant is None or not may_see_participant(participant):
        abort(404)
    return participant


def chosen_partnership() -> Partnership:
    """The partnership a settings page works on: an admin may choose one (``?partnership=ID``), the others get
    their own; any other choice answers 404."""
    ident = request.args.get("partnership", type=int)
    if ident is None or ident == current_user.partnership_id:
        if request.args.get("partnership", "").strip() not in ("", str(current_user.partnership_id)):
            abort(404)
        return current_user.partnership
    if not current_user.is_admin:
        abort(404)
    return db.get_or_404(Partnership, ident)
