"""Danish postcode lookup and geodesic distances (pure Python, no Flask or ORM).

The postcode table ``data/dk_postcodes.csv`` is derived from GeoNames (CC BY 4.0) by
``scripts/build_dk_postcodes.py``; see ``data/ATTRIBUTION.md``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from geopy.distance import geodesic

__all__ = ["Postcode", "distance_km", "load_postcodes", "lookup", "lookup_known", "postcode_distance_km"]

_PACKAGE = "placement.geo"
_CSV_PATH = ("data", "dk_postcodes.csv")
_POSTCODE_RE = re.compile(r"[0-9]{4}")


@dataclass(frozen=True, slots=True)
class Postcode:
    """A Danish postcode with its town name and approximate centroid (WGS84)."""

    code: str
    town: str
    latitude: float
    longitude: float

    @property
    def coords(self) -> tuple[float, float]:
        """Return (latitude, longitude)."""
        return (self.latitude, self.longitude)


@cache
def load_postcodes() -> dict[str, Postcode]:
    """Return all postcodes keyed by 4-digit code (cached; treat the dict as read-only)."""
    text = resources.files(_PACKAGE).joinpath(*_CSV_PATH).read_text(encoding="utf-8")
    table: dict[str, Postcode] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["postcode"]
        table[code] = Postcode(
            code=code,
            town=row["town"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
    return table


def lookup(code: str) -> Postcode | None:
    """Return the Postcode for a 4-digit code (surrounding whitespace ignored), else None."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not _POSTCODE_RE.fullmatch(code):
        return None
    return load_postcodes().get(code)


def lookup_known(code: str) -> Postcode:
    """Return the Postcode of a code that must be known (a form has checked it); raise ValueError otherwise."""
    place = lookup(code)
    if place is None:
        raise ValueError(f"unknown postcode {code}")
    return place


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the geodesic (WGS84) distance in km between two (latitude, longitude) points."""
    return float(geodesic(a, b).km)


def postcode_distance_km(code_a: str, code_b: str) -> float | None:
    """Return the distance in km between two postcode centroids, or None if either is unknown."""
    pa, pb = lookup(code_a), lookup(code_b)
    if pa is None or pb is None:
        return None
    return distance_km(pa.coords, pb.coords)
