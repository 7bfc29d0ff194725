"""Import the ESCO occupations and ISCO-08 groups, and suggest occupations for a typed job title.

The importer reads the official ESCO CSV download (esco.ec.europa.eu, language "da") by column name and
ignores the columns it does not use:

* occupations (``occupations_da.csv``): ``conceptUri``, ``iscoGroup``, ``preferredLabel``, optional
  ``altLabels`` (one synonym per line inside the quoted field) and optional ``conceptType``;
* ISCO groups (``ISCOGroups_da.csv``): ``code``, ``preferredLabel`` and optional ``conceptType``.

A file is told apart by its header: the occupations file has ``iscoGroup`` (the official one has a ``code``
column too, the ESCO code), a groups file has ``code`` and no ``iscoGroup``.

An import is all-or-nothing: every row is checked before anything is written, and one bad row raises
:class:`ImportFailed` with every problem found as ``(line_number, column, reason)``. Line numbers count the
physical lines of the file as an editor shows them (header = line 1); a record whose quoted field spans
several lines is reported at the line where it starts. Rows are upserted (occupations by URI, groups by
code), nothing is ever deleted, and nothing is committed here: the caller commits.
"""

from __future__ import annotations

import csv
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from rapidfuzz import fuzz
from sqlalchemy import func, select

from placement.extensions import db
from placement.matching.catalogue import OccupationCatalogue
from placement.matching.danish import stems
from placement.network.search import SearchDocument, SearchIndex, normalise
from placement.occupations.models import IscoGroup, Occupation

OCCUPATIONS = "occupations"
ISCO_GROUPS = "isco_groups"

#: Columns each kind of file must have; the official download has many more, which are ignored.
REQUIRED_COLUMNS = {
    OCCUPATIONS: ("conceptUri", "iscoGroup", "preferredLabel"),
    ISCO_GROUPS: ("code", "preferredLabel"),
}
#: The ``conceptType`` each kind of file holds, checked when the column is there.
CONCEPT_TYPES = {OCCUPATIONS: "Occupation", ISCO_GROUPS: "ISCOGroup"}

_URI_MAX = Occupation.__table__.c.uri.type.length
_LABEL_MAX = Occupation.__table__.c.label.type.length
_GROUP_LABEL_MAX = IscoGroup.__table__.c.label.type.length
_ISCO_GROUP = re.compile(r"\d{4}")
_ISCO_CODE = re.compile(r"\d{1,4}")
_PROGRESS_STEP = 100

Progress = Callable[[int], Any]


class ImportFailed(Exception):
    """Some rows are bad, so nothing was imported; ``errors`` lists ``(line_number, column, reason)``."""

    def __init__(self, errors: list[tuple[int, str, str]], name: str = "") -> None:
        self.errors = sorted(errors)
        self.name = name
        super().__init__(f"{len(self.errors)} problem(s){' in ' + name if name else ''}: "
                         + "; ".join(format_error(e) for e in self.errors[:5]))


def format_error(error: tuple[int, str, str]) -> str:
    """Format one ``(line, column, reason)`` the way a person reads it."""
    line, column, reason = error
    return f"line {line}, column {column}: {reason}" if column else f"line {line}: {reason}"


class ImportCounts(NamedTuple):
    """How many rows an import created and how many existing rows it changed (the rest were unchanged)."""

    created: int
    updated: int


@dataclass
class CsvTable:
    """A read CSV file: its kind, its header and its rows with the line each starts on."""

    kind: str | None
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    name: str = ""


# --- reading --------------------------------------------------------------------------------------


def detect_kind(columns: Iterable[str]) -> str | None:
    """Tell the kind of file by its header: OCCUPATIONS, ISCO_GROUPS, or None."""
    names = set(columns)
    if "iscoGroup" in names:
        return OCCUPATIONS
    if "code" in names:
        return ISCO_GROUPS
    return None


def _is_path(source: object) -> bool:
    return isinstance(source, str | os.PathLike)




def _read_stream(stream: IO[str], name: str) -> CsvTable:
    reader = csv.reader(stream)
    rows: list[tuple[int, dict[str, str]]] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFailed([(1, "", "the file is empty")], name)
        columns = [c.strip() for c in header]
        if columns:
            columns[0] = columns[0].removeprefix("\ufeff").strip()
        width = len(columns)
        errors = []
        while True:
            start = reader.line_num + 1
            record = next(reader, None)
            if record is None:
                break
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            if len(record) > width and any(v.strip() for v in record[width:]):
                errors.append((start, "", f"{len(record)} fields, but the header has {width}"))
                continue
            rows.append((start, dict(zip(columns, record, strict=False))))
    except csv.Error as exc:
        raise ImportFailed([(start, "", f"not valid CSV: {exc}")], name) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed([(start, "", "the file is not UTF-8 text")], name) from exc
    if errors:
        raise ImportFailed(errors, name)
    return CsvTable(detect_kind(columns), columns, rows, name)


def read_table(source: str | os.PathLike | IO) -> CsvTable:
    """Read a CSV file (a path, or a text or binary file object) into a CsvTable.

    Raises ImportFailed when the file is empty, not UTF-8, not CSV, or a row has more fields than the header.
    """
    if isinstance(source, CsvTable):
        return source
    if _is_path(source):
        path = Path(source)
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return _read_stream(stream, path.name)
    name = str(getattr(source, "name", "") or "")
    if isinstance(source, io.BufferedIOBase | io.RawIOBase) or "b" in getattr(source, "mode", ""):
        stream = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
        try:
            return _read_stream(stream, name)
        finally:
            stream.detach()  # leave the caller's binary file open
    return _read_stream(source, name)


def _as_table(source: Any) -> CsvTable:
    """Accept a CsvTable, a path, a file object, or an iterable of row dicts or ``(line, row dict)`` pairs."""
    if isinstance(source, CsvTable):
        return source
    if _is_path(source) or hasattr(source, "read"):
        return read_table(source)
    if isinstance(source, csv.DictReader):
        return _from_dict_reader(source)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: dict[str, None] = {}
    for number, item in enumerate(source, start=2):
        line, row = item if isinstance(item, tuple) else (number, item)
        row = _clean_row(row)
        columns.update(dict.fromkeys(row))
        rows.append((line, row))
    return CsvTable(detect_kind(columns), list(columns), rows)


def _clean_row(row: Mapping) -> dict[str, str]:
    return {str(k).strip().removeprefix("\ufeff"): "" if v is None else str(v)
            for k, v in row.items() if k is not None}


def _from_dict_reader(reader: csv.DictReader) -> CsvTable:
    """Read a csv.DictReader, numbering each row by the physical line it starts on."""
    columns = [c.strip().removeprefix("\ufeff") for c in reader.fieldnames or []]
    rows = []
    while True:
        start = reader.line_num + 1
        row = next(reader, None)
        if row is None:
            break
        rows.append((start, _clean_row(row)))
    return CsvTable(detect_kind(columns), columns, rows)


# --- checking -------------------------------------------------------------------------------------


def _value(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def _check_columns(table: CsvTable, kind: str) -> list[tuple[int, str, str]]:
    return [(1, column, "missing column") for column in REQUIRED_COLUMNS[kind] if column not in table.columns]


def _check_text(errors: list, line: int, column: str, value: str, max_len: int) -> None:
    if not value:
        errors.append((line, column, "is empty"))
    elif len(value) > max_len:
        errors.append((line, column, f"is longer than {max_len} characters"))


def _check_rows(table: CsvTable, kind: str) -> list[tuple[int, str, str]]:
    errors: list[tuple[int, str, str]] = []
    concept_type = CONCEPT_TYPES[kind]
    has_type = "conceptType" in table.columns
    key_column = "conceptUri" if kind == OCCUPATIONS else "code"
    first_seen: dict[str, int] = {}
    for line, row in table.rows:
        if has_type and (value := _value(row, "conceptType")) != concept_type:
            errors.append((line, "conceptType", f"is {value!r}, expected {concept_type!r}"))
        key = _value(row, key_column)
        if kind == OCCUPATIONS:
            _check_text(errors, line, "conceptUri", key, _URI_MAX)
            group = _value(row, "iscoGroup")
            if not _ISCO_GROUP.fullmatch(group):
                errors.append((line, "iscoGroup", f"is {group!r}, expected 4 digits (an ISCO-08 unit group)"))
            _check_text(errors, line, "preferredLabel", _value(row, "preferredLabel"), _LABEL_MAX)
        else:
            if not _ISCO_CODE.fullmatch(key):
                errors.append((line, "code", f"is {key!r}, expected 1 to 4 digits (an ISCO-08 code)"))
            _check_text(errors, line, "preferredLabel", _value(row, "preferredLabel"), _GROUP_LABEL_MAX)
        if key and key in first_seen:
            errors.append((line, key_column, f"repeats line {first_seen[key]} ({key})"))
        first_seen.setdefault(key, line)
    return errors


def check_table(table: CsvTable, kind: str | None = None) -> list[tuple[int, str, str]]:
    """Return every problem of the table as ``(line, column, reason)``; none means it may be imported."""
    kind = kind or table.kind
    if kind is None:
        return [(1, "iscoGroup", "not an ESCO file: an occupations file has a column iscoGroup, "
                                 "an ISCO groups file a column code")]
    return _check_columns(table, kind) or _check_rows(table, kind)


def _validated(source: Any, kind: str | None) -> CsvTable:
    table = _as_table(source)
    errors = check_table(table, kind)
    if errors:
        raise ImportFailed(errors, table.name)
    return table


# --- writing --------------------------------------------------------------------------------------


def _synonyms(text: str) -> str:
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if line.strip():
            seen.setdefault(line.strip())
    return "\n".join(seen)


class _Ticker:
    """Call ``progress`` with row counts in steps, so a progress bar is not redrawn for every row."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.pending = progress, 0

    def tick(self) -> None:
        self.pending += 1
        if self.pending >= _PROGRESS_STEP:
            self.flush()

    def flush(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending)
        self.pending = 0


def _upsert(obj: Any, values: dict[str, str]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def import_occupations(path_or_file: Any, progress: Progress | None = None) -> ImportCounts:
    """Upsert occupations by URI from an ESCO occupations CSV (path, file object, CsvTable or row dicts).

    ``progress`` is called with the number of rows written since its last call (e.g. click's ``bar.update``).
    Raises ImportFailed, having written nothing, if any row is bad. Flushes; the caller commits.
    """
    table = _validated(path_or_file, OCCUPATIONS)
    existing = {o.uri: o for o in db.session.scalars(select(Occupation))}
    created = updated = 0
    ticker = _Ticker(progress)
    for _line, row in table.rows:
        uri = _value(row, "conceptUri")
        values = {"isco_group": _value(row, "iscoGroup"), "label": _value(row, "preferredLabel"),
                  "alt_labels": _synonyms(row.get("altLabels") or "")}
        occupation = existing.get(uri)
        if occupation is None:
            db.session.add(Occupation(uri=uri, **values))
            created += 1
        elif _upsert(occupation, values):
            updated += 1
        ticker.tick()
    db.session.flush()
    ticker.flush()
    forget_suggestions()
    return ImportCounts(created, updated)


def import_isco_groups(rows_iterable: Any, progress: Progress | None = None) -> ImportCounts:
    """Upsert ISCO-08 groups by code from an ESCO ISCOGroups CSV (path, file object, CsvTable or row dicts).

    Raises ImportFailed, having written nothing, if any row is bad. Flushes; the caller commits.
    """
    table = _validated(rows_iterable, ISCO_GROUPS)
    existing = {g.code: g for g in db.session.scalars(select(IscoGroup))}
    created = updated = 0
    ticker = _Ticker(progress)
    for _line, row in table.rows:
        code = _value(row, "code")
        label = _value(row, "preferredLabel")
        group = existing.get(code)
        if group is None:
            group = existing[code] = IscoGroup(code=code, label=label)
            db.session.add(group)
            created += 1
        elif _upsert(group, {"label": label}):
            updated += 1
        ticker.tick()
    db.session.flush()
    ticker.flush()
    return ImportCounts(created, updated)


def import_file(path_or_file: Any, progress: Progress | None = None) -> tuple[str, ImportCounts]:
    """Import an occupations or an ISCO groups file, told apart by its header; return (kind, counts)."""
    table = _as_table(path_or_file)
    errors = check_table(table)
    if errors:
        raise ImportFailed(errors, table.name)
    if table.kind == OCCUPATIONS:
        return OCCUPATIONS, import_occupations(table, progress)
    return ISCO_GROUPS, import_isco_groups(table, progress)


# --- suggestions ----------------------------------------------------------------------------------

_MAX_QUERY = 100
_LABEL, _SYNONYM = "label", "synonym"


class _Catalogue:
    """Every occupation's preferred label and synonyms in a fuzzy index, one document per name."""

    def __init__(self, rows: Iterable[tuple[int, str, str, str, str]]) -> None:
        self.occupations: dict[int, tuple[str, str, str]] = {}
        documents = []
        for occupation_id, uri, label, group, alt_labels in rows:
            self.occupations[occupation_id] = (uri, label, group)
            documents.append(SearchDocument(_LABEL, occupation_id, label, ""))
            documents.extend(SearchDocument(_SYNONYM, occupation_id, s.strip(), "")
                             for s in (alt_labels or "").splitlines() if s.strip())
        self.index = SearchIndex(documents)
        self.normalised = {(d.kind, d.id, d.title): normalise(d.title) for d in documents}

    def suggest(self, query: str, limit: int) -> list[dict]:
        """Rank by the index's score; ties go to names with a word starting like a query word, then to names
        closest to the whole query, then to preferred labels over synonyms."""
        norm = normalise(query)
        tokens = norm.split()
        best: dict[int, tuple[float, int, float, bool, str]] = {}
        for hit in self.index.search(query, limit=len(self.index)):
            name = self.normalised[(hit.kind, hit.id, hit.title)]
            words = name.split()
            prefixed = sum(any(w.startswith(t) for w in words) for t in tokens)
            rank = (hit.score, prefixed, fuzz.ratio(norm, name), hit.kind == _LABEL, hit.title)
            if hit.id not in best or rank[:4] > best[hit.id][:4]:
                best[hit.id] = rank
        ranked = sorted(best.items(), key=lambda item: (
            tuple(-x for x in item[1][:4]), self.occupations[item[0]][1], item[0]))
        results = []
        for occupation_id, rank in ranked[:limit]:
            uri, label, group = self.occupations[occupation_id]
            results.append({"id": occupation_id, "uri": uri, "label": label, "isco_group": group,
                            "matched": rank[-1]})
        return results


_cache: tuple[tuple, _Catalogue] | None = None
_cache_lock = threading.Lock()


def forget_suggestions() -> None:
    """Drop the cached suggestion index (it also refreshes by itself when the occupations change)."""
    global _cache
    _cache = None


def _catalogue() -> _Catalogue:
    global _cache
    count, max_id, size = db.session.execute(
        select(func.count(Occupation.id), func.max(Occupation.id),
               func.coalesce(func.sum(func.length(Occupation.label) + func.length(Occupation.alt_labels)), 0))
    ).one()
    # The database URL tells apart apps in one process; the summed label length catches most relabelling.
    key = (str(db.engine.url), count, max_id, int(size))
    cached = _cache
    if cached is not None and cached[0] == key:
        return cached[1]
    with _cache_lock:
        if _cache is not None and _cache[0] == key:
            return _cache[1]
        o = Occupation
        stmt = select(o.id, o.uri, o.label, o.isco_group, o.alt_labels).order_by(o.id)
        catalogue = _Catalogue(db.session.execute(stmt))
        _cache = (key, catalogue)
        return catalogue


def suggest(query: str, limit: int = 10) -> list[dict]:
    """Return up to ``limit`` occupations whose Danish label or a synonym matches ``query``, best first.

    Each is ``{"id", "uri", "label", "isco_group", "matched"}``, where ``matched`` is the label or synonym
    that matched. Typo-tolerant and matches inside compounds ("landbrug" finds "landbrugsmedhjælper").
    """
    query = (query or "").strip()[:_MAX_QUERY]
    if not normalise(query) or limit <= 0:
        return []
    return _catalogue().suggest(query, limit)


# --- the interest matching's view: occupations by label and synonym ---------------------------------------------

_matching: tuple[tuple, OccupationCatalogue] | None = None
_matching_lock = threading.Lock()


def matching_catalogue() -> OccupationCatalogue:
    """Every occupation with its Danish label, synonyms and ISCO group, for ``placement.matching`` (the interest
    model resolves typed interests and job titles against it). Built once per worker and rebuilt when the
    occupations change (same check as the suggestions)."""
    global _matching
    count, max_id, size = db.session.execute(
        select(func.count(Occupation.id), func.max(Occupation.id),
               func.coalesce(func.sum(func.length(Occupation.label) + func.length(Occupation.alt_labels)), 0))
    ).one()
    key = (str(db.engine.url), count, max_id, int(size))
    cached = _matching
    if cached is not None and cached[0] == key:
        return cached[1]
    with _matching_lock:
        if _matching is not None and _matching[0] == key:
            return _matching[1]
        o = Occupation
        rows = db.session.execute(select(o.uri, o.isco_group, o.label, o.alt_labels).order_by(o.id))
        catalogue = OccupationCatalogue.from_rows(tuple(row) for row in rows)
        _matching = (key, catalogue)
        return catalogue


def occupations_named(text: str) -> list[Occupation]:
    """Occupations whose Danish label or a synonym the text names in full, as Danish words (stems, stop words
    out): "Lagermedhjælper hos Coop" names lagerarbejder (synonym "lagermedhjælper"). Preferred labels first; for
    suggesting the occupation of a job function created or imported without one."""
    named = matching_catalogue().resolve(stems(text or ""))
    uris = [n.occupation.key for n in named]
    if not uris:
        return []
    found = {o.uri: o for o in db.session.scalars(select(Occupation).where(Occupation.uri.in_(uris)))}
    return [found[uri] for uri in uris if uri in found]
