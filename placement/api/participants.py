"""The JSON API for young people: list, read, create and change, only for the people working on the case.

Bodies are validated by ``ParticipantForm`` (the page's form) and the records change through the same
services. A young person the token's user may not see answers 404. A list holds no health data; reading or
changing one record returns it all and is written to the audit log as a view (special-category data).
"""

from flask import current_app, jsonify
from flask_login import current_user
from sqlalchemy import select

from placement import locking
from placement.api.auth import roles_required
from placement.api.schemas import OCCUPATION_KEYS, plain
from placement.api.validation import bind, json_object
from placement.api.views import (
    MAX_PER_PAGE,
    PROFILE,
    _bool_arg,
    _created,
    _int_arg,
    _partnership_for_new_company,
    bp,
)
from placement.audit.reads import BASE, HEALTH, audit_read
from placement.auth.access import CASE_EDITORS, CASE_ROLES, get_participant_or_404, participant_scope
from placement.extensions import db
from placement.participants import services
from placement.participants.forms import ParticipantForm
from placement.participants.models import Participant

#: What a list shows of each young person: no health data.
PARTICIPANT_KEYS: tuple[str, ...] = (
    "id", "partnership_id", "name", "date_of_birth", "home_municipality", "postcode", "town", "course_start",
    "course_years", "consultant_id", "coordinator_id", "caseworker_id", "active", "version", "created_at",
    "updated_at")
#: One young person's columns; the profile goes into ``profile`` and the occupations are nested.
PARTICIPANT_DETAIL_KEYS: tuple[str, ...] = (
    *PARTICIPANT_KEYS[:7], "latitude", "longitude", "cognitive", "psychological", "physical", "disruptions",
    "health_notes", "interests", "support_need", "support_notes", "hours_min", "hours_max", "max_km", "transport",
    *PARTICIPANT_KEYS[7:9], "consent", "consent_date", *PARTICIPANT_KEYS[9:])


def participant(obj: Participant) -> dict:
    """Serialise a young person for lists."""
    return {key: plain(getattr(obj, key)) for key in PARTICIPANT_KEYS}


def participant_detail(obj: Participant) -> dict:
    """Serialise a young person with health data, needs profile and chosen occupations."""
    data = {key: plain(getattr(obj, key)) for key in PARTICIPANT_DETAIL_KEYS}
    data["disruptions"] = list(obj.disruptions or ())
    data["occupations"] = [{key: getattr(o, key) for key in OCCUPATION_KEYS} for o in obj.occupations]
    data["profile"] = obj.profile()
    return data


#: Keys of a response that a body may not set.
READ_ONLY = frozenset(PARTICIPANT_DETAIL_KEYS) - set(services.PARTICIPANT_FIELDS) - {
    "disruptions", "transport", "consent", "consent_date", *services.CASE_PEOPLE} | {"occupations"}


@bp.get("/participants")
@roles_required(CASE_ROLES)
def list_participants():
    """List the young people you work on (no health data): filter with ``consultant_id`` and ``active``."""
    stmt = participant_scope(select(Participant), Participant)
    consultant_id = _int_arg("consultant_id")
    if consultant_id is not None:
        stmt = stmt.where(Participant.consultant_id == consultant_id)
    active = _bool_arg("active")
    if active is not None:
        stmt = stmt.where(Participant.active.is_(active))
    page = _int_arg("page", 1)
    per_page = _int_arg("per_page", min(current_app.config["PAGE_SIZE"], MAX_PER_PAGE), maximum=MAX_PER_PAGE)
    pagination = db.paginate(stmt.order_by(Participant.name, Participant.id), page=page, per_page=per_page,
                             max_per_page=MAX_PER_PAGE, error_out=False)
    audit_read(list(pagination.items), (BASE,))
    db.session.commit()
    return {"items": [participant(p) for p in pagination.items], "page": page, "per_page": per_page,
            "total": pagination.total}


@bp.post("/participants")
@roles_required(CASE_EDITORS)
def create_participant():
    """Add a young person; you are named in your role's slot when the body leaves it empty."""
    body = json_object()
    partnership, problems = _partnership_for_new_company(body)
    form = bind(ParticipantForm, body, extra=("partnership_id",), read_only=READ_ONLY, nested=PROFILE,
                errors=problems, people=services.case_people(partnership.id))
    created = services.create_participant(partnership, form.values(), current_user)
    db.session.commit()
    return _created(participant_detail(created), ".get_participant", participant_id=created.id)


@bp.get("/participants/<int:participant_id>")
@roles_required(CASE_ROLES)
def get_participant(participant_id: int):
    """Show a young person with health data and needs; logged as a view."""
    found = get_participant_or_404(participant_id)
    audit_read(found, (BASE, HEALTH), api=True)
    db.session.commit()
    return locking.with_etag(jsonify(participant_detail(found)), found)


@bp.patch("/participants/<int:participant_id>")
@roles_required(CASE_EDITORS)
def update_participant(participant_id: int):
    """Change the fields of a young person that the body names; the rest keep their values."""
    found = get_participant_or_404(participant_id)
    body = json_object()
    if (refused := locking.api_precondition(found, body)) is not None:
        return refused
    form = bind(ParticipantForm, body, obj=found, read_only=READ_ONLY, nested=PROFILE,
                people=services.case_people(found.partnership_id, found))
    services.apply_participant(found, form.values())
    locking.touch(found)
    audit_read(found, (BASE, HEALTH), api=True)
    if (refused := locking.api_commit(found)) is not None:
        return refused
    return locking.with_etag(jsonify(participant_detail(found)), found)
