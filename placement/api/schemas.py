"""Serialisers for the JSON API: plain dicts with stable keys, read from the model columns.

The key tuples below are also what the OpenAPI document describes (see ``placement.api.openapi``), so the
documented response schemas and the actual responses come from one list.
"""

import enum
from datetime import date, datetime

from placement.network import services
from placement.network.models import Company, JobFunction, Mentor
from placement.profile import DIMENSION_KEYS

#: Company columns in the order they are sent; every field the services set is among them.
COMPANY_KEYS: tuple[str, ...] = ("id", "partnership_id", "cvr", "name", "kind", "address", "postcode", "town",
                                 "latitude", "longitude", "industry", "employees", "contact_name",
                                 "contact_email", "contact_phone", "notes", "active", "version", "created_at",
                                 "updated_at")
MENTOR_KEYS: tuple[str, ...] = ("id", "company_id", *services.MENTOR_FIELDS, "version", "created_at", "updated_at")
#: Job function columns; the profile dimensions go into ``profile`` and the occupation is nested.
JOB_FUNCTION_KEYS: tuple[str, ...] = (
    "id", "company_id", "mentor_id",
    *(f for f in services.JOB_FUNCTION_FIELDS if f not in DIMENSION_KEYS and f != "active"),
    "location_postcode", "location_town", "latitude", "longitude", "active", "version", "created_at", "updated_at")
OCCUPATION_KEYS: tuple[str, ...] = ("id", "uri", "label")


def plain(value):
    """Return a column value as JSON: enums by value, timestamps in ISO 8601."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(obj, keys: tuple[str, ...]) -> dict:
    return {key: plain(getattr(obj, key)) for key in keys}


def company(obj: Company) -> dict:
    """Serialise a company for lists."""
    return _columns(obj, COMPANY_KEYS)


def company_detail(obj: Company) -> dict:
    """Serialise a company with the ids and names of its mentors and job functions."""
    data = company(obj)
    data["mentors"] = [{"id": m.id, "name": m.name, "active": m.active} for m in obj.mentors]
    data["job_functions"] = [{"id": j.id, "title": j.title, "active": j.active} for j in obj.job_functions]
    return data


def mentor(obj: Mentor) -> dict:
    """Serialise a mentor."""
    return _columns(obj, MENTOR_KEYS)


def job_function(obj: JobFunction) -> dict:
    """Serialise a job function with its profile as {dimension key: 1–5} and its occupation (or null)."""
    data = _columns(obj, JOB_FUNCTION_KEYS)
    data["occupation"] = None if obj.occupation is None else _columns(obj.occupation, OCCUPATION_KEYS)
    data["profile"] = obj.profile()
    return data
