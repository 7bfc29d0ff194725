"""The JSON API for partnerships: everyone reads their own; administrators read, create and change them all.

Bodies are validated by ``PartnershipForm`` (the page's form, without the logo upload, which only the page
takes) and the records change through the same services. A partnership the token's user may not see answers 404.
"""

from flask_login import current_user
from sqlalchemy import select

from placement.api.auth import roles_required
from placement.api.schemas import plain
from placement.api.validation import ValidationFailed, bind, json_object
from placement.api.views import _bool_arg, _created, bp
from placement.auth.access import ADMINS, EVERYONE, get_or_404
from placement.auth.models import Partnership
from placement.extensions import db
from placement.partnerships import services
from placement.partnerships.forms import PartnershipForm

#: What the API answers about a partnership; ``logo_url`` is added (null without a logo).
PARTNERSHIP_KEYS: tuple[str, ...] = ("id", *services.PARTNERSHIP_FIELDS, "logo_mimetype", "archived_at",
                                     "created_at", "updated_at")
#: Keys of a response that a body may not set (``archived`` is set through its own key).
READ_ONLY = frozenset({"id", "logo_mimetype", "archived_at", "created_at", "updated_at", "logo_url"})


def partnership(obj: Partnership) -> dict:
    """Serialise a partnership (never the logo's bytes: ``logo_url`` serves them)."""
    data = {key: plain(getattr(obj, key)) for key in PARTNERSHIP_KEYS}
    data["logo_url"] = services.logo_url(obj)
    return data


def _archived_from_body(body: dict) -> tuple[bool | None, dict[str, list[str]]]:
    if "archived" not in body:
        return None, {}
    value = body["archived"]
    if not isinstance(value, bool):
        return None, {"archived": ["Must be true or false."]}
    return value, {}


@bp.get("/partnerships")
@roles_required(EVERYONE)
def list_partnerships():
    """List the partnerships: an administrator all of them (filter with ``archived``), others their own."""
    stmt = select(Partnership).order_by(Partnership.name, Partnership.id)
    if not current_user.is_admin:
        stmt = stmt.where(Partnership.id == current_user.partnership_id)
    archived = _bool_arg("archived")
    if archived is not None:
        stmt = stmt.where(Partnership.archived_at.is_not(None) if archived else Partnership.archived_at.is_(None))
    items = [partnership(p) for p in db.session.scalars(stmt)]
    return {"items": items, "total": len(items)}


@bp.post("/partnerships")
@roles_required(ADMINS)
def create_partnership():
    """Add a partnership (administrators)."""
    body = json_object()
    archived, problems = _archived_from_body(body)
    if archived:
        problems["archived"] = ["A new partnership cannot be archived."]
    form = bind(PartnershipForm, body, extra=("archived",), read_only=READ_ONLY, errors=problems)
    created = services.create_partnership(form.values())
    db.session.commit()
    return _created(partnership(created), ".get_partnership", partnership_id=created.id)


@bp.get("/partnerships/<int:partnership_id>")
@roles_required(EVERYONE)
def get_partnership(partnership_id: int):
    """Show a partnership: your own, or any as an administrator."""
    return partnership(get_or_404(Partnership, partnership_id))


@bp.patch("/partnerships/<int:partnership_id>")
@roles_required(ADMINS)
def update_partnership(partnership_id: int):
    """Change the fields the body names (administrators); ``archived`` archives or restores it."""
    found = get_or_404(Partnership, partnership_id)
    body = json_object()
    archived, problems = _archived_from_body(body)
    if archived and current_user.partnership_id == found.id:
        problems["archived"] = ["You cannot archive your own partnership: you would lock yourself out."]
    form = bind(PartnershipForm, body, obj=found, partnership=found, extra=("archived",), read_only=READ_ONLY,
                errors=problems)
    services.apply_partnership(found, form.values())
    if archived is not None:
        try:
            services.set_archived(found, archived, current_user)
        except services.PartnershipRefused as error:  # pragma: no cover - refused above already
            db.session.rollback()
            raise ValidationFailed({"archived": [str(error)]}) from error
    db.session.commit()
    return partnership(found)


# The OpenAPI description (``placement.api.openapi.document`` includes it) --------------------------------------

def openapi_schemas() -> dict:
    """Describe the partnership bodies (from the form) and answers (from the columns)."""
    from placement.api import openapi

    archived = {"archived": {"type": "boolean", "description": "Archive (true) or restore (false) the partnership: "
                             "an archived partnership's users can no longer log in; its data stays."}}
    bodies = openapi._body_schemas("Partnership", PartnershipForm, extra=archived)
    bodies["PartnershipUpdate"]["properties"].update(archived)
    bodies["PartnershipCreate"]["properties"].pop("archived")
    item = {**openapi._columns(Partnership, PARTNERSHIP_KEYS),
            "logo_url": {"type": ["string", "null"], "description": "Where the logo is served (PNG or SVG), "
                         "without a token; null without a logo. Upload a logo on the partnership's page."}}
    return {
        "Partnership": openapi._object(item),
        "PartnershipList": openapi._object({"items": {"type": "array", "items": openapi._ref("Partnership")},
                                            "total": {"type": "integer", "minimum": 0}}),
        **bodies,
    }


def openapi_paths() -> dict:
    """Describe the four partnership operations."""
    from placement.api.openapi import _operation

    tag, param = "Partnerships", "partnership_id"
    return {
        "/partnerships": {
            "get": _operation("list_partnerships", "List the partnerships: all for an administrator, your own "
                              "otherwise.", schema="PartnershipList", params=("archived",), errors=(403,), tag=tag),
            "post": _operation("create_partnership", "Add a partnership.", ok=201, schema="Partnership",
                               body="PartnershipCreate", errors=(422,), tag=tag),
        },
        "/partnerships/{partnership_id}": {
            "get": _operation("get_partnership", "Show a partnership: your own, or any as an administrator.",
                              schema="Partnership", path_param=param, errors=(403, 404), tag=tag),
            "patch": _operation("update_partnership", "Change the fields the body names; the rest keep their "
                                "values. ``archived`` archives or restores it.", schema="Partnership",
                                body="PartnershipUpdate", path_param=param, errors=(404, 422), tag=tag),
        },
    }


#: The query parameter of the list.
OPENAPI_PARAMETERS = {
    "archived": {"name": "archived", "in": "query", "required": False, "schema": {"type": "boolean"},
                 "description": "Administrators: only archived (true) or only active (false) partnerships; both "
                                "when left out."},
}
