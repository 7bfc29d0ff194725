"""Optimistic locking of the records people edit: nothing is lost when two people save the same record.

Every edited model has a ``version`` column mapped as SQLAlchemy's ``version_id_col``, so each UPDATE says
``WHERE id = … AND version = <the version loaded>`` and a concurrent change makes it fail (``StaleDataError``).

Pages: the edit form carries the version the user saw (``version_field()``, rendered by ``form.hidden_tag()``).
``save(form, record, apply)`` refuses a change made on another version, or lost to a concurrent commit, and returns
a ``Conflict``: the view shows the form again with status 409, the user's input kept, the other person's saved
values beside the user's for every field that differs (``templates/_conflict.html``) and the hidden version moved
on to the current one, so sending the form again saves the user's values on the new version. A page form sent
without a version is treated as a conflict (it cannot prove what it was based on).

API: a body may carry ``version`` or the request ``If-Match: "<version>"`` (GET answers carry ``ETag``); a body
version that is not the current one answers 409, an ``If-Match`` that does not match 412, both naming the current
version. A request with neither is accepted (clients written before versions existed), last write wins.
"""

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, IntegerField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from placement.database import utcnow
from placement.extensions import db

T = TypeVar("T")
#: Form fields that are never compared (they carry no value of the record).
_NOT_COMPARED = frozenset({"csrf_token", "version", "submit", "confirm_not_duplicate"})
#: The version is a positive integer within the database's INTEGER range.
_MAX_VERSION = 2**31 - 1


def version_field() -> IntegerField:
    """The hidden field carrying the version of the record the form was filled in on."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


@dataclass
class Difference:
    """One field that differs: its label, the value saved meanwhile and the user's value (both for display)."""

    name: str
    label: str
    theirs: str
    yours: str


@dataclass
class Conflict:
    """The record changed since the form was filled in; the form keeps the user's input."""

    version: int
    message: str
    differences: list[Difference] = field(default_factory=list)


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple | set):
        return sorted(str(_plain(getattr(item, "id", item))) for item in value)
    return value


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == 0


def _same(field, theirs, yours) -> bool:
    theirs, yours = _plain(theirs), _plain(yours)
    if _empty(theirs) and _empty(yours):
        return True
    if isinstance(theirs, list) or isinstance(yours, list):
        return sorted(str(v) for v in theirs or ()) == sorted(str(v) for v in yours or ())
    if isinstance(field, BooleanField):
        return bool(theirs) == bool(yours)
    if isinstance(theirs, float) or isinstance(yours, float):
        try:
            return abs(float(theirs) - float(yours)) < 1e-9
        except (TypeError, ValueError):
            return False
    return str(theirs) == str(yours)


def _display(field, value) -> str:
    value = _plain(value)
    if isinstance(field, BooleanField):
        return _("yes") if value else _("no")
    choices = getattr(field, "choices", None)
    if choices and not callable(choices):
        labels = {}
        for choice in choices:
            key, label = (choice[0], choice[1]) if isinstance(choice, list | tuple) else (choice, choice)
            labels[str(_plain(key))] = str(label)
        values = value if isinstance(value, list) else [value]
        shown = [labels.get(str(v), str(v)) for v in values if not _empty(v) or str(v) in labels]
        return ", ".join(shown) or "—"
    if _empty(value) and value != 0:
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def differences(form, record, current: dict | None = None) -> list[Difference]:
    """Compare the form's input with the record as saved now, field by field.

    ``current``: values by field name for fields whose saved value is not the record's attribute of the same name.
    """
    current = current or {}
    found = []
    for name, form_field in form._fields.items():
        if name in _NOT_COMPARED or form_field.type in ("SubmitField", "CSRFTokenField", "HiddenField"):
            continue
        if name in current:
            theirs = current[name]
        elif hasattr(type(record), name):
            theirs = getattr(record, name)
        else:
            continue
        if not _same(form_field, theirs, form_field.data):
            found.append(Difference(name=name, label=str(form_field.label.text), theirs=_display(form_field, theirs),
                                    yours=_display(form_field, form_field.data)))
    return found


def conflict(form, record, current: dict | None = None, *, version: int | None = None) -> Conflict:
    """Describe the conflict, and move the form's hidden version on to the current one (the input stays).

    ``version``: the current version when ``record`` is not the versioned row itself (see ``save_settings``).
    """
    version = record.version if version is None else version
    found = Conflict(version=version, differences=differences(form, record, current),
                     message=_("Someone else saved this record while you were editing it. Their saved values are "
                               "shown beside yours; your input is kept in the form. Check it and save again."))
    form.version.raw_data = None
    form.version.data = version
    return found


def seen_version(form) -> int | None:
    """The version a page's form says it was filled in on, or None when it sent none."""
    sent = form.version.raw_data  # a field missing from the page's form keeps the record's value as data
    return form.version.data if sent and sent[0].strip() and not form.version.errors else None


def save_settings(form, load: Callable[[], object | None], apply: Callable[[], object],
                  current: Callable[[], dict]) -> Conflict | None:
    """Like ``save`` for a partnership's settings row that exists only once saved (weights, targets).

    While there is no row the version is 0: of two people saving the first values at once, the second is refused
    by the primary key (IntegrityError) and gets the conflict like any later change.
    """
    row = load()
    if seen_version(form) != (row.version if row is not None else 0):
        db.session.rollback()
        row = load()
        return conflict(form, None, current(), version=row.version if row is not None else 0)
    apply()
    if row is not None:
        touch(row)
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        row = load()
        return conflict(form, None, current(), version=row.version if row is not None else 0)
    return None


def save(form, record, apply: Callable[[], object], *, current: Callable[[], dict] | None = None) -> Conflict | None:
    """Apply the form to the record and commit, on the version the form was filled in on.

    Returns None when saved, else the ``Conflict`` (nothing changed). ``current``: gives the saved values the
    record's attributes do not (see ``differences``), called after a conflict.
    """
    seen = seen_version(form)
    if seen is None or seen != record.version:
        db.session.rollback()  # nothing of this request is kept (e.g. an audited read)
        return conflict(form, record, current() if current else None)
    apply()
    touch(record)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()  # the record is expired: reading it loads what the other person saved
        return conflict(form, record, current() if current else None)
    return None


def touch(record) -> None:
    """Make the record's row change, so its version moves on and is checked, also when only related rows changed
    (e.g. a young person's chosen occupations)."""
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()


def is_stale(error: BaseException) -> bool:
    """Tell whether a database error is a lost race of optimistic locking."""
    return isinstance(error, StaleDataError)


def unique_violation(error: IntegrityError, table: str, column: str) -> bool:
    """Tell whether an IntegrityError is the violation of ``table``'s unique constraint on ``column``."""
    text = str(getattr(error, "orig", error))
    return f"uq_{table}_{column}" in text or f"{table}.{column}" in text  # PostgreSQL names it, SQLite the column


def insert_unique(insert: Callable[[], T], table: str, column: str) -> T | None:
    """Run ``insert`` and commit; return what it returned, or None (all rolled back) when someone else committed
    the same value of ``table``'s unique ``column`` at the same moment, e.g. two people adding one CVR. The form's
    check for a taken value ran before, so this is the race it could not see; other errors are raised."""
    try:
        created = insert()
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if not unique_violation(error, table, column):
            raise
        return None
    return created


# API -----------------------------------------------------------------------------------------------------------

def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response, record):
    """Give a response the record's version as its ETag."""
    response.headers["ETag"] = etag(record.version)
    return response


def _if_match_versions(header: str) -> list[int] | None:
    """The versions an If-Match header names; None for ``*`` (any)."""
    if header.strip() == "*":
        return None
    versions = []
    for tag in header.split(","):
        match = re.fullmatch(r'\s*(?:W/)?"(\d{1,10})"\s*', tag)
        if match:
            versions.append(int(match.group(1)))
    return versions


def _refusal(status: int, record, message: str):
    response = jsonify({"error": "Conflict" if status == 409 else "Precondition Failed", "message": message,
                        "current_version": record.version})
    response.status_code = status
    return with_etag(response, record)


def api_precondition(record, body: dict | None):
    """Check the version a request was made on; return the refusal (409/412/422) or None to go on.

    The body's ``version`` is removed from ``body`` (the forms do not take it).
    """
    header = request.headers.get("If-Match")
    if header is not None:
        versions = _if_match_versions(header)
        if versions is not None and record.version not in versions:
            return _refusal(412, record, f"If-Match does not name the current version {etag(record.version)}: "
                                         "the record was changed meanwhile. Read it again and repeat the change.")
    if body is not None and "version" in body:
        seen = body.pop("version")
        if isinstance(seen, bool) or not isinstance(seen, int) or not 1 <= seen <= _MAX_VERSION:
            response = jsonify({"error": "Validation failed",
                                "message": "Correct the fields named in 'fields' and send the request again.",
                                "fields": {"version": ["Must be the record's version, a positive integer."]}})
            response.status_code = 422
            return response
        if seen != record.version:
            return stale_response(record)
    return None


def stale_response(record):
    """The 409 answer to a change made on, or lost to, another version."""
    return _refusal(409, record, f"The record was changed by someone else meanwhile (current version "
                                 f"{record.version}). Read it again and repeat the change.")


def api_commit(record):
    """Commit an API change; a concurrent change of the record answers 409 (returned), else None."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return stale_response(record)
    return None
