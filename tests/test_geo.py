"""Tests for placement.geo.postcodes (pure; no app fixture)."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

import pytest

from placement.geo.postcodes import (
    Postcode,
    distance_km,
    load_postcodes,
    lookup,
    postcode_distance_km,
)

LAT_RANGE = (54.5, 57.8)
LON_RANGE = (8.0, 15.2)
# Borris village (Ringkøbing-Skjern Kommune), delivered via postcode 6900 Skjern.
BORRIS = (55.955, 8.634)


def _in_denmark(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def _csv_text() -> str:
    return resources.files("placement.geo").joinpath("data", "dk_postcodes.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "town"),
    [
        ("6950", "Ringkøbing"),
        ("6900", "Skjern"),
        ("8543", "Hornslet"),
        ("8900", "Randers C"),
        ("9870", "Sindal"),
        ("8000", "Aarhus C"),
    ],
)
def test_known_postcodes(code: str, town: str) -> None:
    pc = lookup(code)
    assert isinstance(pc, Postcode)
    assert pc.code == code
    assert pc.town == town
    assert _in_denmark(pc.latitude, pc.longitude)


@pytest.mark.parametrize("code", ["0900", "0960", "0999"])
def test_service_postcodes_dropped(code: str) -> None:
    assert lookup(code) is None
    assert code not in load_postcodes()


@pytest.mark.parametrize("code", ["", "   ", "0000", "123", "12345", "abcd", "69 50", "٦٩٥٠", "6950x"])
def test_unknown_or_malformed_code_is_none(code: str) -> None:
    assert lookup(code) is None


def test_lookup_strips_whitespace() -> None:
    assert lookup(" 6950\n") == lookup("6950")


def test_postcode_count_is_plausible() -> None:
    # GeoNames lists 1159 DK codes (incl. ~550 Copenhagen business/PO-box codes); 3 service codes dropped.
    assert 1100 <= len(load_postcodes()) <= 1250


def test_load_postcodes_is_cached() -> None:
    assert load_postcodes() is load_postcodes()


def test_csv_rows_all_parse() -> None:
    rows = list(csv.reader(io.StringIO(_csv_text())))
    assert rows[0] == ["postcode", "town", "latitude", "longitude"]
    codes = []
    for row in rows[1:]:
        assert len(row) == 4, row
        code, town, lat_s, lon_s = row
        assert re.fullmatch(r"[0-9]{4}", code), row
        assert town.strip() == town and town, row
        assert re.fullmatch(r"\d{2}\.\d{1,5}", lat_s), row
        assert re.fullmatch(r"\d{1,2}\.\d{1,5}", lon_s), row
        assert _in_denmark(float(lat_s), float(lon_s)), row
        codes.append(code)
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes)) == len(load_postcodes())


def test_distance_randers_aarhus() -> None:
    d = postcode_distance_km("8900", "8000")
    assert d is not None
    assert 35 <= d <= 45


def test_distance_symmetric_and_zero() -> None:
    assert postcode_distance_km("6950", "6950") == pytest.approx(0.0)
    assert postcode_distance_km("6950", "9870") == pytest.approx(postcode_distance_km("9870", "6950"))


def test_postcode_distance_unknown_is_none() -> None:
    assert postcode_distance_km("8900", "0900") is None
    assert postcode_distance_km("xxxx", "8000") is None


def test_distance_km_known_value() -> None:
    # One degree of latitude near 56°N is about 111.4 km on the WGS84 ellipsoid.
    assert distance_km((56.0, 10.0), (57.0, 10.0)) == pytest.approx(111.4, abs=0.5)


def test_borris_lies_in_skjern_area() -> None:
    nearest = min(load_postcodes().values(), key=lambda p: distance_km(BORRIS, p.coords))
    assert nearest.code == "6900"
    assert distance_km(BORRIS, lookup("6900").coords) < 15  # type: ignore[union-attr]


def test_ringkobing_skjern_sane() -> None:
    d = postcode_distance_km("6950", "6900")
    assert d is not None
    assert 15 <= d <= 30
