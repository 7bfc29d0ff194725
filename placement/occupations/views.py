"""Occupation suggestions for the job-function form, and one occupation's details, as JSON."""

from flask import Blueprint, request

from placement.auth.access import NETWORK_READERS, roles_required
from placement.extensions import db
from placement.occupations import services
from placement.occupations.models import IscoGroup, Occupation

bp = Blueprint("occupations", __name__, url_prefix="/occupations")


@bp.get("/suggest")
@roles_required(NETWORK_READERS)
def suggest():
    """``?q=landbrug`` → ``{"results": [{"id", "uri", "label", "isco_group", "matched"}, ...]}``."""
    return {"results": services.suggest(request.args.get("q", ""))}


@bp.get("/<int:occupation_id>")
@roles_required(NETWORK_READERS)
def detail(occupation_id: int):
    """One occupation with its synonyms and its ISCO-08 group."""
    occupation = db.session.get(Occupation, occupation_id)
    if occupation is None:
        return {"error": "Not Found", "message": "No such occupation."}, 404
    group = db.session.get(IscoGroup, occupation.isco_group)
    return {
        "id": occupation.id,
        "uri": occupation.uri,
        "label": occupation.label,
        "synonyms": occupation.synonyms,
        "isco_group": occupation.isco_group,
        "isco_group_label": group.label if group else None,
    }
