"""JSON bodies validated by the same WTForms forms as the pages.

A JSON object is merged over the current values (or the form's defaults when creating) and turned into the
form data a browser would send: every field present, as strings, so a partial body never blanks a field.
"""

import enum
from collections.abc import Collection, Mapping

from flask import abort, jsonify, request
from werkzeug.datastructures import MultiDict
from wtforms import validators as v

from placement.forms import BaseForm
from placement.sanity import INT_MAX, int_range_problem

VALIDATION_FAILED = "Validation failed"
UNKNOWN_FIELD = "Unknown field."
READ_ONLY_FIELD = "Read-only field."
REQUIRED = "This field is required."
NOT_OBJECT = "Must be a JSON object."
NOT_INTEGER = "Must be an integer."
UNKNOWN_ID = "Unknown or not visible to you."
#: What each JSON type is called in a message, and the Python types a JSON value of it arrives as.
_JSON_TYPES = {"boolean": ("true or false", (bool,)), "integer": ("an integer", (int,)),
               "number": ("a number", (int, float)), "string": ("a string", (str,))}


class ValidationFailed(Exception):
    """The request body did not validate; ``fields`` maps each field to its messages."""

    def __init__(self, fields: Mapping[str, list[str]]) -> None:
        super().__init__(VALIDATION_FAILED)
        self.fields = {key: [str(m) for m in messages] for key, messages in fields.items()}

    def response(self):
        response = jsonify({"error": VALIDATION_FAILED,
                            "message": "Correct the fields named in 'fields' and send the request again.",
                            "fields": self.fields})
        response.status_code = 422
        return response


def json_object() -> dict:
    """Return the request's JSON object, or answer 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="The body must be a JSON object, sent with Content-Type: application/json.")
    return body


def json_type(field) -> str:
    """The JSON type a form field takes in a body: boolean, integer, number, string (or array for a multiple
    choice); the OpenAPI document describes the field with the same type."""
    if field.type == "BooleanField":
        return "boolean"
    if field.type in ("FloatField", "DecimalField", "WeightField"):
        return "number"
    if field.type == "IntegerField" or getattr(field, "coerce", str) is int:
        return "integer"
    return "string"


def nullable(field) -> bool:
    """Tell whether a field may be sent as null (left empty): the form marks it ``Optional``."""
    return any(isinstance(validator, v.Optional) for validator in field.validators)


def type_problem(field, value) -> str | None:
    """Return why a JSON value does not have the field's type (a number for a text, a string for a number, null
    for a field that cannot be left empty), or None; the form then checks the value itself."""
    name, types = _JSON_TYPES[json_type(field)]
    if value is None:
        return None if nullable(field) else f"Must be {name}, not null."
    if isinstance(value, bool) is not (bool in types) or not isinstance(value, types):
        return f"Must be {name}."
    return None


def body_id(body: dict, key: str) -> tuple[int | None, list[str] | None]:
    """Return the id a body names under ``key``, or the problem with it (missing, not an integer, out of range)."""
    ident = body.get(key)
    if ident is None:
        return None, [REQUIRED]
    if isinstance(ident, bool) or not isinstance(ident, int):
        return None, [NOT_INTEGER]
    if not 1 <= ident <= INT_MAX:
        return None, [UNKNOWN_ID]
    return ident, None


def form_value(value) -> str:
    """Return a JSON value as a browser would send it: booleans as a ticked ("y") or empty checkbox."""
    if value is None or value is False:
        return ""  # "" is among BooleanField.false_values; for other fields it is an empty input
    if value is True:
        return "y"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def bind(form_class: type[BaseForm], body: dict, *, obj=None, extra: Collection[str] = (),
         read_only: Collection[str] = (), nested: Mapping[str, Collection[str]] | None = None,
         clears: Mapping[str, Collection[str]] | None = None, errors: Mapping[str, list[str]] | None = None,
         **form_kwargs) -> BaseForm:
    """Validate a JSON body with a form and return the form; raise ValidationFailed naming every bad field.

    ``obj``: the object being changed, whose values fill the fields the body leaves out (else the defaults).
    A field whose value is a list (a multiple choice) takes a JSON array, replacing the whole list.
    ``extra``: body keys the caller handles itself. ``read_only``: keys answered "Read-only field.".
    ``nested``: objects whose keys are form fields, e.g. ``{"profile": DIMENSION_KEYS}``; their errors are named
    ``profile.<key>``. ``clears``: fields the form derives from another, e.g. ``{"postcode": ["town"]}``, left
    empty when only the source changes. ``errors``: problems the caller found already.
    """
    nested = nested or {}
    inner_to_outer = {inner: outer for outer, inners in nested.items() for inner in inners}
    problems: dict[str, list[str]] = {key: list(messages) for key, messages in (errors or {}).items()}
    blank = form_class(formdata=None, obj=obj, meta={"csrf": False}, **form_kwargs)
    current = blank.values()
    given: dict[str, object] = {}

    def take(key: str, name: str, value) -> None:
        field = blank[key]
        if isinstance(current.get(key), list):  # a multiple choice takes an array (null: none)
            if value is None:
                given[key] = []
            elif not isinstance(value, list) or any(item is None or type_problem(field, item)
                                                    or int_range_problem(item) for item in value):
                problems[name] = [f"Must be an array of {json_type(field)}s."]
            else:
                given[key] = value
        elif (problem := type_problem(field, value)) is not None:
            problems[name] = [problem]
        else:
            given[key] = value

    for key, value in body.items():
        if key in extra:
            continue
        if key in nested:
            if not isinstance(value, dict):
                problems[key] = [NOT_OBJECT]
                continue
            for inner, inner_value in value.items():
                if inner in nested[key]:
                    take(inner, f"{key}.{inner}", inner_value)
                else:
                    problems[f"{key}.{inner}"] = [UNKNOWN_FIELD]
        elif key in current and key not in inner_to_outer:
            take(key, key, value)
        else:
            problems[key] = [READ_ONLY_FIELD if key in read_only else UNKNOWN_FIELD]

    merged = {**current, **given}
    for source, derived in (clears or {}).items():
        for name in derived:
            if source in given and name not in given:
                merged[name] = None
    formdata = MultiDict()
    for name, value in merged.items():
        if isinstance(value, list):
            for item in value:
                formdata.add(name, form_value(item))
        else:
            formdata[name] = form_value(value)
    form = form_class(formdata=formdata, meta={"csrf": False}, **form_kwargs)
    if not form.validate():
        for name, messages in form.errors.items():
            if name is None:
                continue  # form-wide errors: none of these forms has any
            key = f"{inner_to_outer[name]}.{name}" if name in inner_to_outer else name
            problems.setdefault(key, []).extend(str(m) for m in messages)
    if problems:
        raise ValidationFailed(problems)
    return form
