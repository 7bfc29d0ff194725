"""The OpenAPI 3.1 description of the API, derived from what the API really uses so the two cannot drift.

* request bodies from the WTForms forms that validate them (types, lengths, ranges, choices, defaults);
* the job function profile from ``placement.profile.DIMENSIONS``;
* responses from the serialisers' key lists and the model columns behind them;
* each operation's roles from the ``allowed_roles`` of its view, and its ``operationId`` is the view's name.
"""

import enum
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import DateTime
from wtforms import SelectMultipleField
from wtforms import validators as v

from placement import sanity
from placement.agreements.models import State
from placement.api import schemas
from placement.api.auth import EXPIRED_MESSAGE, READ_ONLY_MESSAGE, REFUSED_MESSAGE
from placement.api.validation import json_type, nullable
from placement.api.views import MAX_PER_PAGE, MAX_PURPOSE_NOTE, PURPOSES, bp
from placement.auth.access import EVERYONE
from placement.database import UTCDateTime
from placement.network.forms import CompanyForm, JobFunctionForm, MentorForm
from placement.network.models import Company, JobFunction, Mentor
from placement.occupations.models import Occupation
from placement.profile import DIMENSIONS, SCALE_MAX, SCALE_MIN
from placement.reports.services import GROUPINGS, RETENTION_GROUPINGS
from placement.sanity import INT_MAX, INT_MIN, window_bounds

TITLE = "placement API"
VERSION = "1"
_JSON = "application/json"
_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}
#: An id: the database's ids are positive 32-bit integers (a larger one is refused: 404 in a path, else 400/422).
ID = {"type": "integer", "minimum": 1, "maximum": INT_MAX}
#: ``If-Match``: ``*`` or entity tags of versions, e.g. ``"3"`` (``placement.locking``).
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"[0-9]{1,10}"(\s*,\s*(W/)?"[0-9]{1,10}")*)\s*$'
#: Text: no NUL or other control characters (tab and line breaks are fine), see ``placement.sanity``.
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
TEXT_PATTERN = f"^[^{_CONTROL}]*$"
#: Required text: also something besides white space.
FILLED_TEXT_PATTERN = f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


# Request bodies, from the forms --------------------------------------------------------------------------------

#: Date fields whose form checks the window in a ``validate_<field>`` method (``placement.participants.forms``)
#: rather than with a ``sanity.date_window`` validator.
_CHECKED_DATES = {"date_of_birth": (sanity.EARLIEST_BIRTH, sanity.birth_latest),
                  "consent_date": (sanity.EARLIEST, sanity.ahead_latest)}


def _field_schema(field) -> dict:
    """Describe one bound WTForms field as a JSON Schema."""
    coerce = getattr(field, "coerce", str)
    schema: dict = {"type": json_type(field)}
    if field.type == "EmailField":
        schema["format"] = "email"
    notes = []
    if field.type == "DateField":
        schema["format"] = "date"
        windows = [bounds for validator in field.validators if (bounds := window_bounds(validator))]
        if not windows and field.name in _CHECKED_DATES:
            windows = [tuple(bound() if callable(bound) else bound for bound in _CHECKED_DATES[field.name])]
        if windows:
            earliest, latest = windows[0]
            notes.append(f"A day from {earliest.isoformat()} to {latest.isoformat()} (as of today; the window "
                         "moves with the date).")
    elif schema["type"] == "string" and field.type not in ("SelectField", "RadioField", "SelectMultipleField"):
        filled = any(isinstance(validator, v.DataRequired) for validator in field.validators)
        schema["pattern"] = FILLED_TEXT_PATTERN if filled else TEXT_PATTERN
        if any(isinstance(validator, v.InputRequired) for validator in field.validators):
            schema["minLength"] = 1
    # Fixed choices are listed; a select of ids (a company's mentors) depends on the data.
    if field.type == "RadioField" or (field.type == "SelectField" and coerce is not int):
        # WTForms 3.3 keeps choices as SelectChoice objects; older versions as (value, label) pairs.
        schema["enum"] = [coerce(choice.value if hasattr(choice, "value") else choice[0]) for choice in field.choices]
    for validator in field.validators:
        if isinstance(validator, v.Length):
            if validator.min > 0:
                schema["minLength"] = validator.min
            if validator.max >= 0:
                schema["maxLength"] = validator.max
        elif isinstance(validator, v.NumberRange):
            if validator.min is not None:
                schema["minimum"] = validator.min
            if validator.max is not None:
                schema["maximum"] = validator.max
    if schema["type"] == "integer" and "enum" not in schema:  # the database's INTEGER; ids are positive
        schema.setdefault("minimum", 1 if field.name.endswith("_id") else INT_MIN)
        schema.setdefault("maximum", INT_MAX)
    if isinstance(field, SelectMultipleField):
        # Several choices: an array; fixed choices are listed, ids (occupations) depend on the data.
        items = {"type": schema["type"]}
        if coerce is not int:
            items["enum"] = [coerce(choice.value) for choice in field.choices]
        else:
            items = dict(ID)
        schema = {"type": ["array", "null"], "items": items}
        notes.append("Null: none.")
    default = field.default
    if default is not None and not callable(default):
        schema["default"] = coerce(default) if "enum" in schema else default
    description = str(field.label.text)
    if field.description:
        description += f". {field.description}"
    schema["description"] = " ".join([description, *notes])
    if nullable(field):
        if "format" in schema:  # an e-mail address or a day, or left empty ("" or null)
            return {"anyOf": [schema, {"type": "string", "maxLength": 0}, {"type": "null"}],
                    "description": schema.pop("description")}
        schema = _nullable(schema)
    return schema


def _required(field) -> bool:
    """A field the body must name when creating: required by the form and without a default."""
    return field.default is None and any(isinstance(validator, v.DataRequired | v.InputRequired)
                                         for validator in field.validators)


def _form_fields(form_class, **form_kwargs) -> list:
    form = form_class(formdata=None, meta={"csrf": False}, **form_kwargs)
    return [field for name, field in form._fields.items() if name != "csrf_token"]


def _body_schemas(name: str, form_class, *, extra: dict | None = None, extra_required: tuple[str, ...] = (),
                  nested: dict | None = None, **form_kwargs) -> dict:
    """Return the create and update schemas of one form: the same fields, only creating requires some."""
    nested = nested or {}
    inner = {key for keys in nested.values() for key in keys}
    fields = [field for field in _form_fields(form_class, **form_kwargs) if field.name not in inner]
    properties = {field.name: _field_schema(field) for field in fields}
    nested_properties = _nested_schemas(nested, form_class, **form_kwargs)
    update = {"type": "object", "properties": {**properties, **nested_properties}, "additionalProperties": False}
    create = {"type": "object", "properties": {**(extra or {}), **properties, **nested_properties},
              "required": [*extra_required, *(field.name for field in fields if _required(field))],
              "additionalProperties": False}
    if "version" in properties:  # optimistic locking (``placement.locking``)
        update["properties"]["version"] = _VERSION_PROPERTY
        create["properties"]["version"] = {**properties["version"], "description": "Ignored when adding."}
    return {f"{name}Create": create, f"{name}Update": update}


_VERSION_PROPERTY = {**ID, "description": "The version you read (the object's ``version``, also its ``ETag``); "
                                          "another current version answers 409 and changes nothing. Left out (and "
                                          "no If-Match): the change is made on whatever is current."}


def _nested_schemas(nested: dict, form_class, **form_kwargs) -> dict:
    fields = {field.name: field for field in _form_fields(form_class, **form_kwargs)}
    return {outer: {"type": "object", "properties": {key: _field_schema(fields[key]) for key in keys},
                    "additionalProperties": False}
            for outer, keys in nested.items()}


def _profile_keys() -> tuple[str, ...]:
    return tuple(dimension.key for dimension in DIMENSIONS)


# Responses, from the serialisers and the columns ---------------------------------------------------------------

def _column_schema(model, key: str) -> dict:
    column = model.__table__.c[key]
    if isinstance(column.type, UTCDateTime | DateTime):
        schema = {"type": "string", "format": "date-time"}
    else:
        python_type = column.type.python_type
        if issubclass(python_type, enum.Enum):
            schema = {"type": "string", "enum": [member.value for member in python_type]}
        elif python_type is datetime:
            schema = {"type": "string", "format": "date-time"}
        elif python_type is date:
            schema = {"type": "string", "format": "date"}
        else:
            schema = {"type": _TYPES[python_type]}
            length = getattr(column.type, "length", None)
            if python_type is str and length:
                schema["maxLength"] = length
    return _nullable(schema) if column.nullable else schema


def _object(properties: dict) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _columns(model, keys: tuple[str, ...]) -> dict:
    return {key: _column_schema(model, key) for key in keys}


def _profile_schema() -> dict:
    return _object({dimension.key: {"type": "integer", "minimum": SCALE_MIN, "maximum": SCALE_MAX,
                                     "description": f"{dimension.label}. 1: {dimension.low} … 5: {dimension.high}"}
                    for dimension in DIMENSIONS})


def _page_schema(item: str) -> dict:
    return _object({"items": {"type": "array", "items": _ref(item)},
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                    "total": {"type": "integer", "minimum": 0}})


def _stale(error: str) -> dict:
    return _object({"error": {"type": "string", "const": error}, "message": {"type": "string"},
                    "current_version": {**ID, "description": "The version now saved."}})


def _schemas() -> dict:
    company = _columns(Company, schemas.COMPANY_KEYS)
    active = {"type": "boolean"}
    job_function = {**_columns(JobFunction, schemas.JOB_FUNCTION_KEYS),
                    "occupation": _nullable(_ref("Occupation")), "profile": _ref("Profile")}
    id_property = {"type": "integer"}
    return {
        "Error": _object({"error": {"type": "string"}, "message": {"type": "string"}}),
        "ValidationError": _object({
            "error": {"type": "string", "const": "Validation failed"}, "message": {"type": "string"},
            "fields": {"type": "object", "description": "Each bad field (``profile.<key>`` for a profile value) "
                       "with its messages.", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        }),
        "Duplicate": _object({
            "error": {"type": "string", "const": "Conflict"}, "message": {"type": "string"},
            "duplicate": {"type": "object", "description": "The similar company; id and url only when you may "
                          "see it.", "properties": {"id": id_property, "url": {"type": "string"},
                                                    **_columns(Company, ("name", "cvr", "postcode", "town"))},
                          "required": ["name", "cvr", "postcode", "town"]},
        }),
        "Stale": _stale("Conflict"),
        "PreconditionFailed": _stale("Precondition Failed"),
        "Company": _object(company),
        "CompanyDetail": _object({
            **company,
            "mentors": {"type": "array", "items": _object({"id": id_property, "name": {"type": "string"},
                                                            "active": active})},
            "job_functions": {"type": "array", "items": _object({"id": id_property, "title": {"type": "string"},
                                                                  "active": active})},
        }),
        "CompanyList": _page_schema("Company"),
        **_body_schemas("Company", CompanyForm, extra={"partnership_id": {
            **ID, "description": "Administrators only: the partnership to file the company under "
            "(default: your own)."}}),
        "Mentor": _object(_columns(Mentor, schemas.MENTOR_KEYS)),
        "MentorList": _page_schema("Mentor"),
        **_body_schemas("Mentor", MentorForm, extra={"company_id": {**ID, "description": "The company."}},
                        extra_required=("company_id",)),
        "Occupation": _object(_columns(Occupation, schemas.OCCUPATION_KEYS)),
        "Profile": _profile_schema(),
        "JobFunction": _object(job_function),
        "JobFunctionList": _page_schema("JobFunction"),
        **_body_schemas("JobFunction", JobFunctionForm,
                        extra={"company_id": {**ID, "description": "The company; cannot be changed."}},
                        extra_required=("company_id",), nested={"profile": _profile_keys()}),
    }


# Paths -------------------------------------------------------------------------------------------------------

def _error(description: str, schema: str = "Error") -> dict:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


_RESPONSES = {
    "BadRequest": _error("The body is not a JSON object, or a query parameter is invalid."),
    "Unauthorized": {**_error(f"No valid token: none was sent, or: {REFUSED_MESSAGE} Or: {EXPIRED_MESSAGE}"),
                     "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                                      "description": 'Bearer realm="placement API"'}}},
    "Forbidden": _error(f"Your role may not use this endpoint, or (POST, PUT, PATCH, DELETE): {READ_ONLY_MESSAGE}"),
    "NotFound": _error("No such object in your partnership."),
    "Conflict": _error("A company with a very similar name is registered in the same postcode; send the request "
                       "again with \"confirm_not_duplicate\": true if it is a different company.", "Duplicate"),
    "ValidationFailed": _error("The body did not validate; ``fields`` names every bad or unknown field.",
                               "ValidationError"),
    "AgreementConflict": _error("Nothing was changed: the step is not allowed now (``message`` says why), or the "
                                "agreement was changed meanwhile (``stale`` is true and ``version`` is the current "
                                "version: read it again and decide).", "AgreementConflict"),
    "Stale": {**_error("Nothing was changed: the object was changed meanwhile, the body's ``version`` is not the "
                       "current one (``current_version``, also in the ``ETag`` header). Read it again and repeat the "
                       "change.", "Stale"), "headers": {"ETag": {"schema": {"type": "string"}}}},
    "PreconditionFailed": {**_error("Nothing was changed: ``If-Match`` does not name the current version "
                                    "(``current_version``, also in the ``ETag`` header).", "PreconditionFailed"),
                           "headers": {"ETag": {"schema": {"type": "string"}}}},
}
_STATUS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
           412: "PreconditionFailed", 422: "ValidationFailed"}


def _param(name: str, where: str, schema: dict, description: str, *, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


_PARAMETERS = {
    "q": _param("q", "query", {"type": "string"}, "Fuzzy search, tolerant of typos and Danish spelling variants; "
                "the results are ranked best first."),
    "active": _param("active", "query", {"type": "boolean"}, "Only active (true) or inactive (false) ones; "
                     "both when left out."),
    "page": _param("page", "query", {"type": "integer", "minimum": 1, "maximum": INT_MAX, "default": 1},
                   "The page, from 1; beyond the last one the items are empty."),
    "per_page": _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                       f"Items per page, at most {MAX_PER_PAGE} (default: the site's page size)."),
    "company_id": _param("company_id", "query", ID, "Only those of this company."),
    "consultant_id": _param("consultant_id", "query", ID, "Only those with this job consultant."),
    # Reading a young person's record one is not named on needs a purpose (written to the audit log; once a day).
    "purpose": _param("purpose", "query", {"type": "string", "enum": list(PURPOSES)},
                      "Why you read a record you are not named on (required then, once per record and day: else "
                      "400)."),
    "purpose_note": _param("purpose_note", "query", {"type": "string", "maxLength": MAX_PURPOSE_NOTE},
                           "The purpose in your own words; required with purpose=other."),
    "if_match": _param("If-Match", "header", {"type": "string", "pattern": IF_MATCH_PATTERN},
                       'The ETag of the version you read, e.g. "3" '
                       "(GET answers carry it): another current version answers 412 and changes nothing."),
}
#: The parameters of an operation that reads one young person's record.
_PURPOSE = ("purpose", "purpose_note")


def _roles(endpoint: str) -> frozenset | None:
    roles = getattr(current_app.view_functions[f"api.{endpoint}"], "allowed_roles", None)
    return None if roles is None or roles == EVERYONE else roles


def _operation(endpoint: str, summary: str, *, ok: int = 200, schema: str | None = None, body: str | None = None,
               params: tuple[str, ...] = (), path_param: str | None = None, errors: tuple[int, ...] = (),
               tag: str, conflict: str = "Conflict") -> dict:
    """Describe one operation; its roles come from the view, and 401/403 follow from them.

    ``conflict``: the response a 409 refers to (a likely duplicate company, or a refused agreement step).
    """
    roles = _roles(endpoint)
    description = summary
    if roles is not None:
        description += " Roles: " + ", ".join(sorted(role.value for role in roles)) + "."
    operation: dict = {"operationId": endpoint, "summary": summary, "description": description, "tags": [tag]}
    parameters = [{"$ref": f"#/components/parameters/{name}"} for name in params]
    if path_param:
        parameters.insert(0, _param(path_param, "path", ID, "The id."))
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {_JSON: {"schema": _ref(body)}}}
    response: dict = {"description": "Created." if ok == 201 else "OK."}
    if schema:
        response["content"] = {_JSON: {"schema": _ref(schema)}}
    if ok == 201:
        response["headers"] = {"Location": {"schema": {"type": "string"}, "description": "The new object's URL."}}
    statuses = set(errors) | {401} | ({403} if roles is not None else set()) | ({400} if body or params else set())
    names = {**_STATUS, 409: conflict}
    operation["responses"] = {str(ok): response, **{
        str(status): {"$ref": f"#/components/responses/{names[status]}"} for status in sorted(statuses)}}
    return operation


def _resource(tag: str, collection: str, item_param: str, name: str, *, noun: str, list_params: tuple[str, ...],
              detail: str | None = None, conflict: bool = False, read_params: tuple[str, ...] = ()) -> dict:
    """Describe the four operations of one resource: list, create, show and change.

    The views are named list_<collection>, create_<item>, get_<item> and update_<item>.
    """
    item = item_param.removesuffix("_id")  # company_id -> create_company, get_company, update_company
    plural = collection.strip("/").replace("-", "_")  # /job-functions -> list_job_functions
    detail = detail or name
    create_errors = (409, 422) if conflict else (422,)
    return {
        collection: {
            "get": _operation(f"list_{plural}", f"List {tag.lower()}.", schema=f"{name}List",
                              params=(*list_params, "page", "per_page"), tag=tag),
            "post": _operation(f"create_{item}", f"Add a {noun}.", ok=201, schema=detail, body=f"{name}Create",
                               errors=create_errors, tag=tag),
        },
        f"{collection}/{{{item_param}}}": {
            "get": _operation(f"get_{item}", f"Show a {noun}.", schema=detail, path_param=item_param,
                              params=read_params, errors=(404,), tag=tag),
            "patch": _operation(f"update_{item}", "Change the fields the body names; the rest keep their "
                                "values. Send the version you read (``version`` or If-Match), so a change made "
                                "meanwhile is not overwritten.", schema=detail, body=f"{name}Update",
                                path_param=item_param, params=(*read_params, "if_match"),
                                errors=(404, 409, 412, 422), tag=tag, conflict="Stale"),
        },
    }


# Matching ----------------------------------------------------------------------------------------------------

def _matching_schemas() -> dict:
    """The results of ``placement.api.matches``: per component its value, weight and Danish explanation."""
    from placement.matching import COMPONENTS

    share = {"type": "number", "minimum": 0, "maximum": 1}
    component = _object({"value": {**share, "description": "How well this part fits, 0–1."},
                         "weight": {**share, "description": "Its weight; the weights sum to 1."},
                         "explanation": {"type": "string", "description": "A short Danish sentence."}})
    reason = _object({"code": {"type": "string", "enum": ["no_free_place", "mentor_at_capacity", "no_mentor",
                                                          "hours_dont_fit", "too_far", "physical_load"]},
                      "label": {"type": "string", "description": "Danish."}})

    def item(subject_key: str, subject: dict) -> dict:
        return _object({
            "rank": {"type": ["integer", "null"], "minimum": 1, "description": "Place among the suggestions; "
                     "null for an excluded one."},
            subject_key: subject,
            "total": {**share, "description": "Weighted sum of the components."},
            "distance_km": {"type": ["number", "null"], "description": "Null when an address is missing."},
            "components": _object({name: _ref("MatchComponent") for name in COMPONENTS}),
            "explanations": {"type": "array", "items": {"type": "string"},
                             "description": "One Danish line per component: label, value, weight and why."},
            "reasons": {"type": "array", "items": _ref("ExclusionReason"),
                        "description": "Why it is excluded; empty for a suggestion."},
        })

    weights = _object({name: share for name in COMPONENTS})
    job_function = _object({
        "id": {"type": "integer"}, "title": {"type": "string"}, "company_id": {"type": "integer"},
        "company_name": {"type": "string"}, **_columns(Company, ("postcode", "town")),
        "company_kind": _column_schema(Company, "kind"),
        "occupation": _nullable(_object({"id": {"type": "integer"}, "label": {"type": "string"},
                                         "isco_group": {"type": "string"}})),
    })
    counts = {"offered": {"type": "integer", "minimum": 0}, "considered": {"type": "integer", "minimum": 0},
              "excluded_count": {"type": "integer", "minimum": 0}}
    from placement.agreements.models import NotHiredReason, Outcome, State
    from placement.matches.services import MARKED_STATES

    outcome = {"type": ["string", "null"], "enum": [*(o.value for o in Outcome), None]}
    history = _object({
        "agreement_id": {"type": "integer"}, "job_function_id": {"type": "integer"},
        "same_job_function": {"type": "boolean", "description": "False: at another job function of the same "
                              "company (marked only when there is none at this one)."},
        "state": {"type": "string", "enum": [state.value for state in State if state in MARKED_STATES]},
        "outcome": outcome,
        "not_hired_reason": {"type": ["string", "null"], "enum": [*(r.value for r in NotHiredReason), None]},
        "date": {"type": "string", "format": "date", "description": "The end of an ended internship, else its "
                 "(planned) start."},
        "lowers": {"type": "boolean", "description": "It ended without a hire because the young person did not "
                   "fit the workplace (not_hired_reason workplace): the job function is ranked after every other "
                   "that fits."},
        "text": {"type": "string", "description": "The mark as the page shows it, e.g. \"Tidligere praktik her: "
                 "afsluttet 3. juni 2026 – ikke ansat (helbred)\"."}})
    match = item("job_function", job_function)
    match["properties"].update({
        "history": {"type": "array", "items": history, "description": "The young person's internships at this "
                    "job function, else at its company (sent, confirmed, active, ended, declined), newest first."},
        "lowered": {"type": ["string", "null"], "description": "Why it is ranked after every other job function "
                    "that fits (an internship here ended: did not fit the workplace); null when not lowered."},
        "near_miss": {"type": "array", "items": _object({**reason["properties"], "detail": {"type": "string"}}),
                      "description": "Only with near_miss=true: the limits this suggestion is just over (at most "
                      "10 %), with the figures in detail (\"16,2 km, grænse 15 km\"); empty otherwise."}})
    match["required"] += ["history", "lowered", "near_miss"]
    status = _object({
        "kind": {"type": "string", "enum": ["internship", "confirmed", "job"], "description": "internship: an "
                 "active internship; confirmed: one confirmed by the mentor, not started; job: the latest hire, "
                 "unless its latest recorded job check says no longer employed."},
        "agreement_id": {"type": "integer"}, "job_function_id": {"type": "integer"}, "title": {"type": "string"},
        "company_id": {"type": "integer"}, "company_name": {"type": "string"},
        "since": {"type": "string", "format": "date", "description": "Since (or, when confirmed, from) when."},
        "outcome": outcome, "text": {"type": "string", "description": "The note as the page shows it."}})
    matches = _object({
        "participant_id": {"type": "integer"},
        "filters": _object({"max_km": {"type": ["integer", "null"]}, "kind": {"type": ["string", "null"]},
                            "area": {"type": ["string", "null"]}, "near_miss": {"type": "boolean"}}),
        "status": {"type": "array", "items": status, "description": "What the young person is doing now: an "
                   "active or confirmed internship, a job; empty when none."},
        "weights": weights, **counts,
        "matches": {"type": "array", "items": _ref("JobFunctionMatch")},
        "near_misses": {"type": "integer", "minimum": 0, "description": "How many job functions that fit are near "
                        "misses (0 unless near_miss=true)."},
        "excluded_reasons": {"type": "array", "items": _object({**reason["properties"], "count": {
            "type": "integer", "minimum": 1}}), "description": "How many excluded job functions have each reason "
            "(one with two reasons counts under both)."},
        "excluded": {"type": "array", "items": _ref("JobFunctionMatch"),
                     "description": "Only with include_excluded=true: the excluded job functions are loaded and "
                     "explained only then (excluded_count and excluded_reasons are always given)."},
    })
    matches["required"].remove("excluded")
    candidates = _object({
        "job_function_id": {"type": "integer"},
        "offered": {"type": "boolean", "description": "False when the job function or its company is "
                    "deactivated: nobody is ranked."},
        "considered": counts["considered"], "excluded_count": counts["excluded_count"], "weights": weights,
        "candidates": {"type": "array", "items": _ref("Candidate")},
        "excluded": {"type": "array", "items": _ref("Candidate"), "description": "Only with include_excluded=true."},
    })
    candidates["required"].remove("excluded")
    return {
        "MatchComponent": component,
        "ExclusionReason": reason,
        "JobFunctionMatch": match,
        "Candidate": item("participant", _object({"id": {"type": "integer"}, "name": {"type": "string"}})),
        "ParticipantMatches": matches,
        "JobFunctionCandidates": candidates,
    }


_MATCHING_PARAMETERS = {
    "max_km": _param("max_km", "query", {"type": "integer", "minimum": 1, "maximum": INT_MAX}, "Only job "
                     "functions at most this far away; at most the young person's own travel limit (else 400)."),
    "kind": _param("kind", "query", {"type": "string", "enum": ["ordinary", "social_economic"]},
                   "Only companies of this kind."),
    "area": _param("area", "query", {"type": "string", "pattern": "^[0-9]$"}, "Only job functions whose "
                   "occupation lies in this ISCO-08 major group (its first digit)."),
    "include_excluded": _param("include_excluded", "query", {"type": "boolean", "default": False},
                               "Also list the excluded ones with their reasons."),
    "near_miss": _param("near_miss", "query", {"type": "boolean", "default": False}, "Also list, among the "
                        "suggestions and ranked by their total, the job functions excluded only as too far or for "
                        "their hours, by at most 10 % of the young person's limit; each is marked (near_miss)."),
    "limit": _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    "How many suggestions."),
}


def _matching_paths() -> dict:
    """The two matching operations: suggestions only, nothing is assigned."""
    return {
        "/participants/{participant_id}/matches": {"get": _operation(
            "participant_matches", "Rank the partnership's job functions for a young person, each with its "
            "reasons (suggestions only).", schema="ParticipantMatches", path_param="participant_id",
            params=("max_km", "kind", "area", "near_miss", "include_excluded", "limit", *_PURPOSE), errors=(404,),
            tag="Matching")},
        "/job-functions/{job_function_id}/candidates": {"get": _operation(
            "job_function_candidates", "Rank the young people you work on for a job function, each with its "
            "reasons (suggestions only).", schema="JobFunctionCandidates", path_param="job_function_id",
            params=("include_excluded", "limit"), errors=(404,), tag="Matching")},
    }


# Young people ------------------------------------------------------------------------------------------------

def _participant_schemas() -> dict:
    """Young people: lists without health data, one record with it; the needs profile in the young person's
    words (``placement.participants.needs``)."""
    from placement.api.participants import PARTICIPANT_DETAIL_KEYS, PARTICIPANT_KEYS
    from placement.participants.forms import ParticipantForm
    from placement.participants.models import Disruption, Participant
    from placement.participants.needs import NEEDS

    detail = {**_columns(Participant, tuple(k for k in PARTICIPANT_DETAIL_KEYS if k != "disruptions")),
              "disruptions": {"type": "array", "items": {"type": "string", "enum": [d.value for d in Disruption]}},
              "occupations": {"type": "array", "items": _ref("Occupation")}, "profile": _ref("Needs")}
    return {
        "Participant": _object(_columns(Participant, PARTICIPANT_KEYS)),
        "ParticipantDetail": _object(detail),
        "ParticipantList": _page_schema("Participant"),
        "Needs": _object({need.key: {"type": "integer", "minimum": SCALE_MIN, "maximum": SCALE_MAX,
                                     "description": f"{need.label}. 1: {need.low} … 5: {need.high}"}
                          for need in NEEDS}),
        **_body_schemas("Participant", ParticipantForm, extra={"partnership_id": {
            **ID, "description": "Administrators only: the partnership to file the young person "
            "under (default: your own)."}}, nested={"profile": _profile_keys()}),
    }


# Internship agreements -----------------------------------------------------------------------------------------

def _request_schema(form_class, *, extra: dict | None = None, extra_required: tuple[str, ...] = (),
                    string_arrays: tuple[str, ...] = ()) -> dict:
    """Describe a request body from the form that validates it; ``string_arrays`` take a JSON array of strings."""
    fields = _form_fields(form_class)
    properties = {**(extra or {}), **{field.name: _field_schema(field) for field in fields}}
    for name in string_arrays:
        properties[name] = {"type": ["array", "null"], "items": {"type": "string"},
                            "description": properties[name]["description"] + " Null: none."}
    return {"type": "object", "properties": properties,
            "required": [*extra_required, *(field.name for field in fields if _required(field))],
            "additionalProperties": False}


def _agreement_schemas() -> dict:
    """Agreements (``placement.api.agreements``): columns, the nested timeline, and the bodies of each step."""
    from placement.agreements.models import Agreement, AgreementEvent, FollowUp, Goal
    from placement.agreements.services import STEPS
    from placement.api import agreements as api

    def array(items: dict, description: str = "") -> dict:
        schema = {"type": "array", "items": items}
        return {**schema, "description": description} if description else schema

    ident = {"type": "integer"}
    detail = {
        **_columns(Agreement, api.AGREEMENT_DETAIL_KEYS),
        "match_explanation": {"type": ["object", "null"], "description": "The match the agreement came from, "
                              "with its explanation; null when created directly."},
        "goals": array(_object(_columns(Goal, api.GOAL_KEYS)), "Goals and sub-goals (``parent_id``)."),
        "events": array(_object(_columns(AgreementEvent, api.EVENT_KEYS)), "The timeline, oldest first."),
        "follow_ups": array(_object(_columns(FollowUp, api.FOLLOW_UP_KEYS)), "Logged follow-up meetings."),
        "follow_up_dates": array({"type": "string", "format": "date"}, "The follow-up meetings the plan sets."),
        "planned_end": {"type": "string", "format": "date", "description": "The last day as planned or extended."},
        "warnings": array({"type": "string"}, "What Danish practice calls attention to (overrunning internships, "
                          "companies with more interns than their size allows)."),
        "allowed_steps": array({"type": "string", "enum": list(STEPS)}, "The steps you may take now."),
    }
    version = {"version": {**ident, "description": "The agreement's current version."}}
    conflict = _object({"error": {"type": "string", "const": "Conflict"}, "message": {"type": "string"},
                        "stale": {"type": "boolean", "const": True, "description": "Only when the agreement was "
                                  "changed meanwhile."}, **version})
    conflict["required"] = ["error", "message"]
    parties = {key: {**ID, "description": description} for key, description in (
        ("participant_id", "The young person (one you work on)."),
        ("job_function_id", "The job function, in the young person's partnership."),
        ("mentor_id", "The mentor, at the job function's company."))}
    return {
        "Agreement": _object(_columns(Agreement, api.AGREEMENT_KEYS)),
        "AgreementList": _page_schema("Agreement"),
        "AgreementDetail": _object(detail),
        "AgreementConflict": conflict,
        "AgreementCreate": _request_schema(api.AgreementCreateForm, extra=parties, extra_required=tuple(parties),
                                           string_arrays=("goals",)),
        "AgreementTransition": _request_schema(api.TransitionForm),
        "AgreementFollowUp": _request_schema(api.FollowUpForm),
        "AgreementOutcome": _request_schema(api.OutcomeForm),
        "AgreementDecision": _request_schema(api.DecisionForm),
    }


_AGREEMENT_PARAMETERS = {
    "state": _param("state", "query", {"type": "string", "enum": [state.value for state in State]},
                    "Only those in this state."),
    "participant_id": _param("participant_id", "query", ID, "Only those of this young person."),
}


def _agreement_paths() -> dict:
    """The agreement operations: the workflow's steps, each refused with 409 when not allowed now."""
    tag, item = "Agreements", "/agreements/{agreement_id}"

    def step(endpoint: str, summary: str, body: str, *, ok: int = 200) -> dict:
        return {"post": _operation(endpoint, summary, ok=ok, schema="AgreementDetail", body=body,
                                   path_param="agreement_id", errors=(404, 409, 422), tag=tag,
                                   conflict="AgreementConflict")}

    return {
        "/agreements": {
            "get": _operation("list_agreements", "List the agreements of the young people you work on.",
                              schema="AgreementList", params=("state", "participant_id", "page", "per_page"), tag=tag),
            "post": _operation("create_agreement", "Make a draft agreement (send it with the step ``send``).",
                               ok=201, schema="AgreementDetail", body="AgreementCreate", errors=(409, 422), tag=tag,
                               conflict="AgreementConflict"),
        },
        item: {"get": _operation("get_agreement", "Show an agreement with its goals, timeline, follow-ups, outcome, "
                                 "decision, warnings, allowed steps and version.", schema="AgreementDetail",
                                 path_param="agreement_id", params=_PURPOSE, errors=(404,), tag=tag)},
        f"{item}/transitions": step("agreement_transition", "Take a step: send (the mentor's link goes to the outbox), "
                                    "start or cancel.", "AgreementTransition"),
        f"{item}/follow-ups": step("agreement_follow_up", "Log a follow-up meeting of an active internship.",
                                   "AgreementFollowUp", ok=201),
        f"{item}/outcome": step("agreement_outcome", "End an active internship with its outcome.", "AgreementOutcome"),
        f"{item}/decision": step("agreement_decision", "Record the home municipality's job-centre decision.",
                                 "AgreementDecision"),
    }


# Results (the dashboard's figures) -----------------------------------------------------------------------------

def _report_schemas() -> dict:
    """The answers of ``placement.api.reports``: each starts with the scope, the period and who is left out."""
    from placement.agreements.models import Outcome
    from placement.reports.services import AGE_BANDS, FUNNEL, RETENTION_GROUPINGS
    from placement.retention.models import RETENTION_MONTHS

    # Small cells (placement.reports.disclosure): for caseworkers and consultants a count below the threshold
    # (default 5), or one it could be worked out from, is null, and its object lists it under "suppressed".
    count = {"type": ["integer", "null"], "minimum": 0,
             "description": "Null when suppressed (a small count, or one it could be worked out from): the object "
                            "then names it in \"suppressed\" (an array of field names, present only then)."}
    share = {"type": ["number", "null"], "minimum": 0, "maximum": 1,
             "description": "A share 0–1; null when there is nothing to divide by, or when suppressed."}
    target = {"type": "number", "minimum": 0, "maximum": 1}
    envelope = {
        "scope": _object({"partnership_id": {"type": ["integer", "null"], "description": "Null: all partnerships."},
                          "partnership": {"type": "string", "description": "Its name, or \"all\"."}}),
        "period": _object({"from": {"type": "string", "format": "date"},
                           "to": {"type": "string", "format": "date", "description": "The reference date."}}),
        "left_out": _ref("ReportLeftOut"),
        "small_cells": _object({
            "exact": {"type": "boolean", "description": "True for coordinators and admins: exact counts. False: "
                      "counts below the threshold (and what they could be worked out from) are null."},
            "threshold": {"type": "integer", "minimum": 1, "description": "PLACEMENT_SMALL_CELL_THRESHOLD."}}),
    }
    young_people = {"young_people": count}
    return {
        "ReportLeftOut": _object({
            "enrolled": {**count, "description": "Enrolled by the reference date."},
            "declined": {**count, "description": "Declined consent: left out of every other figure."},
            "counted": {**count, "description": "The young people the figures cover."}}),
        "ReportSuccessCriteria": _object({**envelope, "success_criteria": _object({
            "enrolled": count, "enrolled_target": count, "declined": count, "counted": count,
            "at_least_a_year": {**count, "description": "In the course at least a year at the reference date."},
            "closer": {**count, "description": "Of those: total development from the first to the latest "
                       "measurement above 0."},
            "closer_share": share, "closer_target": target,
            "without_two_measurements": {**count, "description": "Of those a year or more: fewer than two "
                                         "measurements."}})}),
        "ReportHireRates": _object({
            **envelope, "by": {"type": ["string", "null"], "enum": [*GROUPINGS, None]},
            "rates": {"type": "array", "items": _object({
                "key": {"type": ["integer", "string", "null"], "description": "The group's id (an ISCO-08 major "
                        "group's digit for occupation_group); null overall or when unknown."},
                "label": {"type": ["string", "null"]}, "ended": count, "hired": count, "rate": share})},
            "median_days_to_hire": {"type": ["number", "null"], "description": "From the internship's start to "
                                    "the start of the job, over the hires."}}),
        "ReportOutcomes": _object({
            **envelope,
            "outcomes": {"type": "array", "items": _object({
                "outcome": {"type": "string", "enum": [o.value for o in Outcome]}, "count": count,
                "pending": count, "approved": count, "rejected": count})},
            "hires": count, "ordinary_or_flex": count, "ordinary_or_flex_share": share,
            "ordinary_or_flex_target": target}),
        "ReportRetention": _object({
            **envelope, "by": {"type": ["string", "null"], "enum": [*RETENTION_GROUPINGS, None]},
            "groups": {"type": "array", "items": _object({
                "key": {"type": ["integer", "string", "null"], "description": "The outcome (by outcome), the "
                        "company's or consultant's id; null overall or when no consultant is recorded."},
                "label": {"type": ["string", "null"], "description": "The outcome in the request's language, the "
                          "company's or consultant's name; null overall."},
                "hires": {**count, "description": "Followed hires: the internship ended in the period in a job "
                          "with a known start that the job centre did not reject, of young people who consented."},
                "months": {"type": "array", "items": _object({
                    "month": {"type": "integer", "enum": list(RETENTION_MONTHS)},
                    "due": {**count, "description": "Hires whose date (the job's start plus the months) is on or "
                            "before the reference date."},
                    "employed": {**count, "description": "Of those: the month's check says still employed."},
                    "not_employed": {**count, "description": "Of those: the month's check says no longer "
                                     "employed, or it is not recorded and the latest earlier answer said so."},
                    "unknown": {**count, "description": "Of those: not recorded, or recorded as unknown."},
                    "coming": {**count, "description": "Hires whose date is after the reference date: still to "
                               "come, not counted as lost."},
                    "share": {**share, "description": "Still employed of the known: employed / (employed + "
                              "not_employed); null when none is known, or when suppressed."},
                    "unknown_share": {**share, "description": "unknown / due; null when none is due, or when "
                                      "suppressed."}})}})}}),
        "ReportFunnel": _object({**envelope, "steps": {"type": "array", "items": _object({
            "step": {"type": "string", "enum": list(FUNNEL)}, **young_people})}}),
        "ReportCohort": _object({
            **envelope,
            "course_years": {"type": "array", "items": _object({"years": {"type": ["integer", "null"]},
                                                                **young_people})},
            "ages": {"type": "array", "items": _object({
                "band": {"type": "string", "enum": [label for _low, _high, label in AGE_BANDS]}, **young_people})},
            "disabilities": {"type": "array", "items": _object({
                "cognitive": {"type": "boolean"}, "psychological": {"type": "boolean"},
                "physical": {"type": "boolean"}, **young_people})}}),
    }


#: A day of a report's period (``placement.reports.forms.PeriodForm``): 2000-01-01 to 2100-12-31.
_REPORT_DAY = {"type": "string", "format": "date", "pattern": "^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"}
_REPORT_PARAMETERS = {
    "report_partnership": _param("partnership", "query", {"type": "string", "pattern": "^(all|[1-9][0-9]{0,8})$"},
                                 "A partnership's id or \"all\" (administrators; default: all). Others may only "
                                 "name their own."),
    "report_from": _param("from", "query", _REPORT_DAY, "The period's first day, from 2000-01-01 to 2100-12-31 "
                          "(default: the first course start in the scope)."),
    "report_to": _param("to", "query", _REPORT_DAY, "The period's last day, the reference date, from 2000-01-01 to "
                        "2100-12-31 and not before ``from`` (else 400; default: today)."),
    "report_by": _param("by", "query", {"type": "string", "enum": list(GROUPINGS)}, "Per company, job function, "
                        "occupation group, mentor or consultant; overall when left out."),
    "report_retention_by": _param("by", "query", {"type": "string", "enum": list(RETENTION_GROUPINGS)},
                                  "Per outcome, company or consultant; overall when left out."),
}


def _report_paths() -> dict:
    """The dashboard's figures; the same filters and roles as the page."""
    params = ("report_partnership", "report_from", "report_to")

    def report(endpoint: str, summary: str, schema: str, *extra: str) -> dict:
        return {"get": _operation(endpoint, summary, schema=schema, params=(*params, *extra), errors=(404,),
                                  tag="Reports")}

    return {
        "/reports/success-criteria": report("report_success_criteria", "The success criteria: enrolled against "
                                            "target, a year or more in the course, closer to the labour market "
                                            "against target.", "ReportSuccessCriteria"),
        "/reports/hire-rates": report("report_hire_rates", "The placement-to-hire rate with its counts, overall or "
                                      "per group, and the median days to a hire.", "ReportHireRates", "report_by"),
        "/reports/outcomes": report("report_outcomes", "The outcomes of the internships that ended, with the job "
                                    "centre's decisions, against the goal.", "ReportOutcomes"),
        "/reports/funnel": report("report_funnel", "Young people per step, from suggestion to hire.", "ReportFunnel"),
        "/reports/cohort": report("report_cohort", "Granted course lengths, ages at the course's start and "
                                  "disability combinations.", "ReportCohort"),
        "/reports/retention": report("report_retention", "Still employed 3, 6 and 12 months after the job's start, "
                                     "with the counts, the unknown share and the hires still to come, overall or "
                                     "per group.", "ReportRetention", "report_retention_by"),
    }


def query_parameters() -> dict[str, frozenset[str]]:
    """Return the query parameters of each operation by endpoint, as the document states them (the API refuses
    any other); worked out once per app."""
    known = current_app.extensions.get("api_query_parameters")
    if known is None:
        described = document()
        shared = described["components"]["parameters"]
        known = {}
        for operations in described["paths"].values():
            for operation in operations.values():
                parameters = (shared[p["$ref"].rpartition("/")[2]] if "$ref" in p else p
                              for p in operation.get("parameters", ()))
                known[f"{bp.name}.{operation['operationId']}"] = frozenset(
                    p["name"] for p in parameters if p["in"] == "query")
        current_app.extensions["api_query_parameters"] = known
    return known


def document() -> dict:
    """Return the OpenAPI document (in English, whatever the request's language)."""
    from placement.api import partnerships as partnership_api

    with force_locale("en"):
        components_schemas = {**_schemas(), **_participant_schemas(), **_matching_schemas(),
                              **_agreement_schemas(), **_report_schemas(), **partnership_api.openapi_schemas()}
    paths = {
        **_resource("Young people", "/participants", "participant_id", "Participant", noun="young person",
                    detail="ParticipantDetail", list_params=("consultant_id", "active"), read_params=_PURPOSE),
        **_resource("Companies", "/companies", "company_id", "Company", noun="company", detail="CompanyDetail",
                    list_params=("q", "active"), conflict=True),
        **_resource("Mentors", "/mentors", "mentor_id", "Mentor", noun="mentor",
                    list_params=("company_id", "q", "active")),
        **_resource("Job functions", "/job-functions", "job_function_id", "JobFunction", noun="job function",
                    list_params=("company_id", "q", "active")),
        **_matching_paths(),
        **_agreement_paths(),
        **_report_paths(),
        **partnership_api.openapi_paths(),
        "/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document.", "tags": ["Meta"], "security": [],
            "responses": {"200": {"description": "The OpenAPI document.",
                                  "content": {_JSON: {"schema": {"type": "object"}}}}},
        }},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE, "version": VERSION,
            "description": "The partnership's young people (only those you work on; reading one is logged), "
                           "company network (companies, their mentors and the job functions they offer) and "
                           "internship agreements with their workflow. Authenticate with a personal API token "
                           "(Account → API tokens) in the header Authorization: Bearer <token>; a browser session "
                           "never authenticates the API. A token expires 30, 90 (default), 180 or 365 days "
                           "after it is made (chosen then; none lives for ever: 401 once expired) and is read-only "
                           "(GET only; any change answers 403) or read-write. Its owner and the admins list and "
                           "revoke tokens; a deactivated user's tokens stop at once. "
                           "Bodies are JSON objects; PATCH changes only the fields it names. Young people, "
                           "companies, mentors and job functions carry a ``version`` (also the ``ETag`` of GET and "
                           "PATCH answers): send it back in the PATCH body or as If-Match, and a change someone "
                           "else saved meanwhile answers 409 (412 for If-Match) instead of being overwritten.",
        },
        "servers": [{"url": bp.url_prefix}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": "Young people"}, {"name": "Companies"}, {"name": "Mentors"}, {"name": "Job functions"},
                 {"name": "Matching"}, {"name": "Agreements"}, {"name": "Reports"}, {"name": "Partnerships"},
                 {"name": "Meta"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A personal API token, e.g. plc_…, read-only or "
                                                              "read-write, expiring after 30–365 days"}},
            "schemas": components_schemas,
            "parameters": {**_PARAMETERS, **_MATCHING_PARAMETERS, **_AGREEMENT_PARAMETERS, **_REPORT_PARAMETERS,
                           **partnership_api.OPENAPI_PARAMETERS},
            "responses": _RESPONSES,
        },
    }
