#!/usr/bin/env python3
"""Build placement/geo/data/dk_postcodes.csv from GeoNames postal data bundled in the geotz wheel.

Source: GeoNames postal code dump ("allCountries", https://download.geonames.org/export/zip/),
licensed CC BY 4.0, as redistributed in the PyPI package ``geotz==0.0.2b0`` at
``geotz/data/geonames_all_countries_sorted.tsv``.  The file has no header; each line holds 12
tab-separated fields in the GeoNames postal format:

    country code, postal code, place name, admin name1, admin code1, admin name2, admin code2,
    admin name3, admin code3, latitude, longitude, accuracy

Usage::

    python scripts/build_dk_postcodes.py [PATH]

PATH may be the TSV itself or the geotz wheel (the TSV is read straight out of the zip).  Without
PATH the script uses an installed ``geotz`` package; if there is none, fetch the wheel with
``pip download --no-deps geotz==0.0.2b0`` and pass its path.

Rules:
* keep only country ``DK``;
* drop the service postcodes 0900, 0960 and 0999 (their GeoNames coordinates are wrong — they
  point to Aalborg, central Jutland and Skagen — and they are not real delivery areas);
* one row per postcode: if GeoNames lists a postcode more than once, the first place name in file
  order is kept and the coordinates are the arithmetic mean of all its rows (the rows of one
  postcode lie a few km apart, so a plain mean is an adequate centroid);
* coordinates are rounded to 5 decimals; output sorted by postcode; UTF-8 with a header line.

The output is deterministic, so re-running the script on the same input gives identical files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

GEOTZ_REQUIREMENT = "geotz==0.0.2b0"
TSV_MEMBER = "geotz/data/geonames_all_countries_sorted.tsv"
COUNTRY = "DK"
N_FIELDS = 12
DROPPED_CODES: dict[str, str] = {
    "0900": "København C service postcode (Post Danmark internal); GeoNames places it in Aalborg",
    "0960": "'Udland' (mail abroad) service postcode; GeoNames places it in central Jutland",
    "0999": "København C service postcode (Post Danmark internal); GeoNames places it in Skagen",
}
# Generous bounding box of Denmark proper (Gedser to Skagen, Blåvand to Christiansø).
LAT_RANGE = (54.4, 57.9)
LON_RANGE = (7.9, 15.3)
POSTCODE_RE = re.compile(r"[0-9]{4}")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = REPO_ROOT / "placement" / "geo" / "data"
CSV_NAME = "dk_postcodes.csv"
ATTRIBUTION_NAME = "ATTRIBUTION.md"


class SourceError(Exception):
    """Raised when the GeoNames source cannot be found or does not have the expected format."""


@dataclass
class _Group:
    """All source rows of one postcode."""

    town: str
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    accuracies: list[str] = field(default_factory=list)


def default_source() -> Path:
    """Return the TSV path inside an installed geotz package or raise SourceError."""
    spec = importlib.util.find_spec("geotz")
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(
            "geotz is not installed. Download the wheel with\n"
            f"    pip download --no-deps {GEOTZ_REQUIREMENT}\n"
            "and pass the path of the downloaded .whl file (or of the extracted TSV) to this script."
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data" / "geonames_all_countries_sorted.tsv"
        if candidate.is_file():
            return candidate
    raise SourceError(f"geotz is installed but {TSV_MEMBER} was not found in it")


def iter_source_lines(path: Path, update: Callable[[bytes], object]) -> Iterator[bytes]:
    """Yield the raw lines of the TSV (from a plain file or a wheel), passing each to update."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as wheel:
            try:
                handle = wheel.open(TSV_MEMBER)
            except KeyError as exc:
                raise SourceError(f"{path} does not contain {TSV_MEMBER}") from exc
            with handle:
                for line in handle:
                    update(line)
                    yield line
    else:
        with path.open("rb") as handle:
            for line in handle:
                update(line)
                yield line


def parse_rows(lines: Iterator[bytes]) -> tuple[dict[str, _Group], int]:
    """Group the DK rows by postcode; return the groups and the number of DK rows read."""
    prefix = f"{COUNTRY}\t".encode()
    groups: dict[str, _Group] = {}
    n_rows = 0
    for lineno, raw in enumerate(lines, start=1):
        if not raw.startswith(prefix):
            continue
        n_rows += 1
        fields = raw.decode("utf-8").rstrip("\r\n").split("\t")
        if len(fields) != N_FIELDS:
            raise SourceError(f"line {lineno}: expected {N_FIELDS} tab-separated fields, got {len(fields)}")
        code, town = fields[1].strip(), fields[2].strip()
        if not POSTCODE_RE.fullmatch(code):
            raise SourceError(f"line {lineno}: postcode {code!r} is not 4 digits")
        if not town:
            raise SourceError(f"line {lineno}: postcode {code} has no place name")
        try:
            lat, lon = float(fields[9]), float(fields[10])
        except ValueError as exc:
            raise SourceError(f"line {lineno}: bad coordinates {fields[9]!r}, {fields[10]!r}") from exc
        group = groups.setdefault(code, _Group(town=town))
        group.lats.append(lat)
        group.lons.append(lon)
        group.towns.append(town)
        group.accuracies.append(fields[11].strip())
    return groups, n_rows


def build_table(groups: dict[str, _Group]) -> list[tuple[str, str, float, float]]:
    """Collapse groups to one (postcode, town, lat, lon) row each, dropping service codes."""
    table: list[tuple[str, str, float, float]] = []
    for code in sorted(groups):
        if code in DROPPED_CODES:
            continue
        group = groups[code]
        lat = round(sum(group.lats) / len(group.lats), 5)
        lon = round(sum(group.lons) / len(group.lons), 5)
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
            raise SourceError(f"postcode {code} ({group.town}) lies outside Denmark: {lat}, {lon}")
        table.append((code, group.town, lat, lon))
    return table


def write_csv(path: Path, table: list[tuple[str, str, float, float]]) -> None:
    """Write the postcode table as UTF-8 CSV with a header line."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["postcode", "town", "latitude", "longitude"])
        for code, town, lat, lon in table:
            writer.writerow([code, town, f"{lat:.5f}", f"{lon:.5f}"])


def attribution_text(
    *,
    source_name: str,
    sha256: str,
    n_rows: int,
    groups: dict[str, _Group],
    table: list[tuple[str, str, float, float]],
) -> str:
    """Return the Markdown attribution / provenance note for the generated CSV."""
    duplicates = {code: g for code, g in groups.items() if len(g.lats) > 1}
    kept = {code for code, *_ in table}
    no_accuracy = sorted(code for code in kept if not any(groups[code].accuracies))
    shared_point, n_shared = Counter((lat, lon) for _, _, lat, lon in table).most_common(1)[0]
    dropped_lines = []
    for code, reason in DROPPED_CODES.items():
        group = groups.get(code)
        if group is None:
            dropped_lines.append(f"- `{code}` — not present in the source.")
        else:
            where = f"{group.lats[0]:.4f}, {group.lons[0]:.4f}"
            dropped_lines.append(f"- `{code}` {group.town} (source coordinates {where}) — {reason}.")
    if duplicates:
        dup_lines = [
            f"- `{code}`: {len(g.lats)} rows ({', '.join(g.towns)}); kept '{g.town}'"
            for code, g in sorted(duplicates.items())
        ]
        dup_text = "\n".join(dup_lines)
    else:
        dup_text = "None in this source version: every DK postcode occurs exactly once."
    return f"""# Danish postcode data — attribution

`dk_postcodes.csv` is derived from the **GeoNames** postal code database
(<https://www.geonames.org/>, export at <https://download.geonames.org/export/zip/>),
licensed under the **Creative Commons Attribution 4.0 International License (CC BY 4.0)**,
<https://creativecommons.org/licenses/by/4.0/>. Data © GeoNames contributors.
The data has been modified as described below.

## How it was derived

- Source: GeoNames "allCountries" postal dump as bundled in the PyPI package
  `{GEOTZ_REQUIREMENT}` (`{TSV_MEMBER}`), read from `{source_name}`,
  SHA-256 of the TSV `{sha256}`.
- Generated by `scripts/build_dk_postcodes.py`; re-run that script to regenerate.
- Kept only rows with country code `{COUNTRY}` ({n_rows} rows, {len(groups)} distinct postcodes).
- Columns kept: postal code, place name, latitude, longitude (WGS84). Admin names/codes and the
  accuracy flag were discarded.
- One row per postcode: first place name in source order, mean of the coordinates of all source rows.
- Coordinates rounded to 5 decimals; rows sorted by postcode; UTF-8 with header
  `postcode,town,latitude,longitude`.
- Result: {len(table)} postcodes.

Coordinates are approximate postcode-area centroids (GeoNames accuracy mostly "6" = centroid of
addresses), not address locations. {len(no_accuracy)} kept postcodes have no accuracy flag in the
source — mostly Copenhagen business/PO-box codes ({sum(c < "2000" for c in no_accuracy)} of them
below 2000), plus {", ".join(c for c in no_accuracy if c >= "2000")}.
{n_shared} postcodes share the identical point {shared_point[0]:.5f}, {shared_point[1]:.5f}
(generic central Copenhagen). Place names are as in GeoNames, which truncates some long names
(e.g. 0917 "Københavns Pakkecent").

## Dropped postcodes

{chr(10).join(dropped_lines)}

## Duplicate postcodes in the source

{dup_text}
"""


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the CSV and the attribution file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        help="path of geonames_all_countries_sorted.tsv or of the geotz wheel (default: installed geotz)",
    )
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="output directory")
    args = parser.parse_args(argv)

    try:
        source: Path = args.source if args.source is not None else default_source()
        if not source.is_file():
            raise SourceError(f"{source} does not exist")
        digest = hashlib.sha256()
        groups, n_rows = parse_rows(iter_source_lines(source, digest.update))
        if not groups:
            raise SourceError(f"no {COUNTRY} rows found in {source}")
        table = build_table(groups)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(args.out_dir / CSV_NAME, table)
    text = attribution_text(
        source_name=source.name, sha256=digest.hexdigest(), n_rows=n_rows, groups=groups, table=table
    )
    (args.out_dir / ATTRIBUTION_NAME).write_text(text, encoding="utf-8")

    n_dup = sum(1 for g in groups.values() if len(g.lats) > 1)
    print(f"read {n_rows} {COUNTRY} rows ({len(groups)} postcodes, {n_dup} duplicated)")
    print(f"dropped {sorted(c for c in DROPPED_CODES if c in groups)}")
    print(f"wrote {len(table)} postcodes to {args.out_dir / CSV_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
