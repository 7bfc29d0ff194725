"""The JSON API under /api/v1, authenticated by personal API tokens.

Every body is validated by the same forms as the pages (``placement.network.forms``) and every change goes
through the same services, so the API can do nothing the pages would refuse.
"""

import re

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from placement import locking
from placement.api import schemas
from placement.api.auth import authenticate, public, roles_required
from placement.api.validation import UNKNOWN_ID, ValidationFailed, bind, body_id, json_object
from placement.audit.reads import CHOOSABLE
from placement.auth.access import NETWORK_EDITORS, NETWORK_READERS, get_or_404, in_partnership, may_see
from placement.auth.models import Partnership
from placement.extensions import csrf, db
from placement.network import services
from placement.network.forms import CVR_TAKEN, CompanyForm, JobFunctionForm, MentorForm
from placement.network.models import Company, JobFunction, Mentor
from placement.profile import DIMENSION_KEYS
from placement.sanity import INT_MAX

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie authenticates the API, so there is no cross-site request to forge
bp.before_request(authenticate)

MAX_PER_PAGE = 100
#: The purposes of reading a record one is not named on (``placement.audit.reads``), and the note's length.
PURPOSES = tuple(purpose.value for purpose in CHOOSABLE)
MAX_PURPOSE_NOTE = 500
INTEGER = re.compile(r"-?[0-9]{1,12}")
TRUE_VALUES = frozenset({"true", "1", "yes"})
FALSE_VALUES = frozenset({"false", "0", "no"})
#: The body keys of a job function that hold its profile, one per dimension.
PROFILE = {"profile": DIMENSION_KEYS}


@bp.before_request
def _known_query_parameters():
    """Refuse a query parameter the operation does not take (a typo would otherwise be ignored silently), and a
    purpose that is not one of the choices, whether or not this record needs one."""
    from placement.api.openapi import query_parameters

    known = query_parameters().get(request.endpoint or "")
    if known is None:
        return  # no such operation: 404 or 405 follows
    unknown = sorted(set(request.args) - known)
    if unknown:
        abort(400, description=f"Unknown query parameter {unknown[0]}. This operation takes: "
                               f"{', '.join(sorted(known)) or 'none'}.")
    purpose, note = request.args.get("purpose"), request.args.get("purpose_note", "")
    if purpose is not None and purpose not in PURPOSES:
        abort(400, description=f"The query parameter purpose must be one of: {', '.join(PURPOSES)}.")
    if len(note) > MAX_PURPOSE_NOTE:
        abort(400, description=f"The query parameter purpose_note has at most {MAX_PURPOSE_NOTE} characters.")


@bp.errorhandler(ValidationFailed)
def _validation_failed(error: ValidationFailed):
    return error.response()


# Query parameters and listings -------------------------------------------------------------------------------

def query_arg(name: str) -> str | None:
    """Return a query parameter, None when it is left out; one given empty answers 400 (leave it out instead)."""
    if name not in request.args:
        return None
    raw = request.args[name].strip()
    if not raw:
        abort(400, description=f"The query parameter {name} is empty: give a value or leave it out.")
    return raw


def _int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = INT_MAX) -> int | None:
    raw = query_arg(name)
    if raw is None:
        return default
    if not INTEGER.fullmatch(raw):
        abort(400, description=f"The query parameter {name} must be an integer.")
    value = int(raw)
    if not minimum <= value <= maximum:
        abort(400, description=f"The query parameter {name} must be from {minimum} to {maximum}.")
    return value


def _bool_arg(name: str) -> bool | None:
    raw = query_arg(name)
    if raw is None:
        return None
    if raw.lower() in TRUE_VALUES:
        return True
    if raw.lower() in FALSE_VALUES:
        return False
    abort(400, description=f"The query parameter {name} must be true or false.")


#: Ids per statement when a search's hits are checked against a listing's filters.
ID_CHUNK = 10_000


def _listing(stmt: Select, filters: list, model, kind: str, order: tuple, serialise) -> dict:
    """Answer one page of a listing of ``stmt`` (what the user may see) kept by ``filters`` (the query
    parameters'); with ``q``, ranked by the fuzzy search, else in ``order``."""
    page = _int_arg("page", 1)
    per_page = _int_arg("per_page", min(current_app.config["PAGE_SIZE"], MAX_PER_PAGE), maximum=MAX_PER_PAGE)
    query = request.args.get("q", "").strip()
    if query:
        # The index holds just what the user may see (their partnership's network, all for an admin) and is
        # current: without filters, its hits are the matches and only the page's records are loaded.
        index = services.search_index(None if current_user.is_admin else current_user.partnership_id)
        matches = index.ids(query, kind)
        if filters:  # which hits the filters keep: ids only, in chunks (at most 65,535 parameters a statement)
            ids = stmt.with_only_columns(model.id).where(*filters)
            kept: set[int] = set()
            for start in range(0, len(matches), ID_CHUNK):
                kept.update(db.session.scalars(ids.where(model.id.in_(matches[start:start + ID_CHUNK]))))
            matches = [ident for ident in matches if ident in kept]
        shown = matches[(page - 1) * per_page:page * per_page]
        found = {obj.id: obj for obj in db.session.scalars(stmt.where(model.id.in_(shown)))} if shown else {}
        total, items = len(matches), [found[ident] for ident in shown if ident in found]
    else:
        pagination = db.paginate(stmt.where(*filters).order_by(*order), page=page, per_page=per_page,
                                 max_per_page=MAX_PER_PAGE, error_out=False)
        total, items = pagination.total, pagination.items
    return {"items": [serialise(obj) for obj in items], "page": page, "per_page": per_page, "total": total}


def _active_filter(column) -> list:
    """The filter of the ``active`` query parameter, if given."""
    active = _bool_arg("active")
    return [] if active is None else [column.is_(active)]


def _created(data: dict, endpoint: str, **values):
    response = jsonify(data)
    response.status_code = 201
    response.headers["Location"] = url_for(endpoint, **values)
    return response


def _company_from_body(body: dict) -> tuple[Company | None, dict[str, list[str]]]:
    """Return the visible company named by the body's ``company_id``, or the problem with it."""
    ident, problem = body_id(body, "company_id")
    if problem:
        return None, {"company_id": problem}
    company = db.session.get(Company, ident)
    if company is None or not may_see(company):
        return None, {"company_id": [UNKNOWN_ID]}
    return company, {}


# Companies ---------------------------------------------------------------------------------------------------

@bp.get("/companies")
@roles_required(NETWORK_READERS)
def list_companies():
    """List companies: fuzzy search with ``q``, filter with ``active``, in pages."""
    stmt = in_partnership(select(Company), Company.partnership_id)
    return _listing(stmt, _active_filter(Company.active), Company, "company", (Company.name, Company.id),
                    schemas.company)


def _partnership_for_new_company(body: dict) -> tuple[Partnership, dict[str, list[str]]]:
    """An admin may file a company under any partnership (``partnership_id``); others use their own."""
    own = current_user.partnership
    if "partnership_id" not in body:
        return own, {}
    ident, problem = body_id(body, "partnership_id")
    if problem:
        return own, {"partnership_id": problem}
    if not current_user.is_admin:
        if ident == own.id:
            return own, {}
        return own, {"partnership_id": ["Only an administrator may choose the partnership."]}
    partnership = db.session.get(Partnership, ident)
    if partnership is None:
        return own, {"partnership_id": [UNKNOWN_ID]}
    return partnership, {}


@bp.post("/companies")
@roles_required(NETWORK_EDITORS)
def create_company():
    """Add a company; answer 409 for a likely duplicate unless ``confirm_not_duplicate`` is true."""
    body = json_object()
    partnership, problems = _partnership_for_new_company(body)
    form = bind(CompanyForm, body, extra=("partnership_id",), read_only=schemas.COMPANY_KEYS, errors=problems)
    duplicate = services.likely_duplicate(partnership.id, form.name.data, form.postcode.data)
    if duplicate is not None and not form.confirm_not_duplicate.data:
        existing = {"id": duplicate.id, "name": duplicate.name, "cvr": duplicate.cvr,
                    "postcode": duplicate.postcode, "town": duplicate.town,
                    "url": url_for(".get_company", company_id=duplicate.id)}
        message = (f"A company with a very similar name is already registered in postcode {duplicate.postcode}: "
                   f"{duplicate.name} (CVR {duplicate.cvr}). If this is a different company, send the request "
                   f'again with "confirm_not_duplicate": true.')
        response = jsonify({"error": "Conflict", "message": message, "duplicate": existing})
        response.status_code = 409
        return response
    company = locking.insert_unique(lambda: services.create_company(partnership, form.values()), "companies", "cvr")
    if company is None:  # the same CVR added at the same moment by someone else
        raise ValidationFailed({"cvr": [CVR_TAKEN]})
    return _created(schemas.company_detail(company), ".get_company", company_id=company.id)


@bp.get("/companies/<int:company_id>")
@roles_required(NETWORK_READERS)
def get_company(company_id: int):
    """Show a company with the ids and names of its mentors and job functions."""
    found = get_or_404(Company, company_id)
    return locking.with_etag(jsonify(schemas.company_detail(found)), found)


@bp.patch("/companies/<int:company_id>")
@roles_required(NETWORK_EDITORS)
def update_company(company_id: int):
    """Change the fields of a company that the body names; the rest keep their values."""
    company = get_or_404(Company, company_id)
    body = json_object()
    if (refused := locking.api_precondition(company, body)) is not None:
        return refused
    form = bind(CompanyForm, body, obj=company, company=company, read_only=schemas.COMPANY_KEYS,
                clears={"postcode": ("town",)})
    services.apply_company(company, form.values())
    locking.touch(company)
    if (refused := locking.api_commit(company)) is not None:
        return refused
    return locking.with_etag(jsonify(schemas.company_detail(company)), company)


# Mentors -----------------------------------------------------------------------------------------------------

@bp.get("/mentors")
@roles_required(NETWORK_READERS)
def list_mentors():
    """List mentors: filter with ``company_id`` and ``active``, fuzzy search with ``q``, in pages."""
    stmt = in_partnership(select(Mentor).join(Mentor.company), Company.partnership_id)
    company_id = _int_arg("company_id")
    filters = [] if company_id is None else [Mentor.company_id == company_id]
    return _listing(stmt, filters + _active_filter(Mentor.active), Mentor, "mentor", (Mentor.name, Mentor.id),
                    schemas.mentor)


@bp.post("/mentors")
@roles_required(NETWORK_EDITORS)
def create_mentor():
    """Add a mentor to the company named by ``company_id``."""
    body = json_object()
    company, problems = _company_from_body(body)
    form = bind(MentorForm, body, extra=("company_id",), read_only=schemas.MENTOR_KEYS, errors=problems)
    mentor = services.create_mentor(company, form.values())
    db.session.commit()
    return _created(schemas.mentor(mentor), ".get_mentor", mentor_id=mentor.id)


@bp.get("/mentors/<int:mentor_id>")
@roles_required(NETWORK_READERS)
def get_mentor(mentor_id: int):
    """Show a mentor."""
    found = get_or_404(Mentor, mentor_id)
    return locking.with_etag(jsonify(schemas.mentor(found)), found)


@bp.patch("/mentors/<int:mentor_id>")
@roles_required(NETWORK_EDITORS)
def update_mentor(mentor_id: int):
    """Change the fields of a mentor that the body names."""
    mentor = get_or_404(Mentor, mentor_id)
    body = json_object()
    if (refused := locking.api_precondition(mentor, body)) is not None:
        return refused
    form = bind(MentorForm, body, obj=mentor, read_only=schemas.MENTOR_KEYS)
    services.apply_mentor(mentor, form.values())
    locking.touch(mentor)
    if (refused := locking.api_commit(mentor)) is not None:
        return refused
    return locking.with_etag(jsonify(schemas.mentor(mentor)), mentor)


# Job functions -----------------------------------------------------------------------------------------------

@bp.get("/job-functions")
@roles_required(NETWORK_READERS)
def list_job_functions():
    """List job functions: filter with ``company_id`` and ``active``, fuzzy search with ``q``, in pages."""
    stmt = in_partnership(select(JobFunction).join(JobFunction.company), Company.partnership_id)
    company_id = _int_arg("company_id")
    filters = [] if company_id is None else [JobFunction.company_id == company_id]
    stmt = stmt.options(selectinload(JobFunction.occupation))
    return _listing(stmt, filters + _active_filter(JobFunction.active), JobFunction, "job_function",
                    (JobFunction.title, JobFunction.id), schemas.job_function)


@bp.post("/job-functions")
@roles_required(NETWORK_EDITORS)
def create_job_function():
    """Add a job function to the company named by ``company_id``."""
    body = json_object()
    company, problems = _company_from_body(body)
    form = bind(JobFunctionForm, body, extra=("company_id",), read_only=schemas.JOB_FUNCTION_KEYS,
                nested=PROFILE, errors=problems, mentors=services.mentor_choices(company))
    job_function = services.create_job_function(company, form.values())
    db.session.commit()
    return _created(schemas.job_function(job_function), ".get_job_function", job_function_id=job_function.id)


@bp.get("/job-functions/<int:job_function_id>")
@roles_required(NETWORK_READERS)
def get_job_function(job_function_id: int):
    """Show a job function with its profile."""
    found = get_or_404(JobFunction, job_function_id)
    return locking.with_etag(jsonify(schemas.job_function(found)), found)


@bp.patch("/job-functions/<int:job_function_id>")
@roles_required(NETWORK_EDITORS)
def update_job_function(job_function_id: int):
    """Change the fields of a job function that the body names."""
    job_function = get_or_404(JobFunction, job_function_id)
    body = json_object()
    if (refused := locking.api_precondition(job_function, body)) is not None:
        return refused
    form = bind(JobFunctionForm, body, obj=job_function, read_only=schemas.JOB_FUNCTION_KEYS,
                nested=PROFILE, mentors=services.mentor_choices(job_function.company, job_function))
    services.apply_job_function(job_function, form.values())
    locking.touch(job_function)
    if (refused := locking.api_commit(job_function)) is not None:
        return refused
    return locking.with_etag(jsonify(schemas.job_function(job_function)), job_function)


# The description ---------------------------------------------------------------------------------------------

@bp.get("/openapi.json")
@public
def openapi():
    """Describe the API as an OpenAPI 3.1 document (no token needed)."""
    from placement.api.openapi import document

    return document()


from placement.api import (  # noqa: E402 - these endpoints share this blueprint
    agreements,  # noqa: F401 - internship agreements
    matches,  # noqa: F401 - matching
    participants,  # noqa: F401 - young people
    partnerships,  # noqa: F401 - partnerships
    reports,  # noqa: F401 - the results dashboard's figures
)
