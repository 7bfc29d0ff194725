"""The CSV machinery every import and export shares (the company network, young people).

No request access and no commit. The format rules, the same for every kind of file:

* UTF-8, with or without a byte-order mark; the delimiter is ``;`` or ``,``, taken from the header line.
* The first line names the columns; their order is free, unknown columns are refused and required columns
  must be there. An empty cell takes the form's default.
* Yes/no cells: 1/0, ja/nej, yes/no, true/false.
* A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written with a leading ``'``
  (spreadsheet formula injection); the import removes that ``'`` again, so an export re-imports unchanged.
* An import is all-or-nothing: every row is validated (by the same forms as the pages) before anything is
  created, and every error is reported with its physical line number (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flask import Response
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from placement import sanity

TRUE_VALUES = frozenset({"1", "ja", "j", "yes", "y", "true", "sand"})
FALSE_VALUES = frozenset({"0", "nej", "n", "no", "false", "falsk"})
#: Separates several values in one cell (occupations, disruptions).
LIST_SEPARATOR = "|"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one line of the file (line 1 is the header); ``column`` is empty for the whole line."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    kind: str
    #: Data rows read (blank lines not counted).
    rows: int = 0
    #: Rows added; 0 whenever there is an error.
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Things worth a look that do not stop the import, e.g. a likely duplicate.
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class ColumnHelp:
    name: str
    required: bool
    label: object
    description: object


def column_help(form_class, columns: Iterable[str], required: Iterable[str], *, labels: dict | None = None,
                descriptions: dict | None = None) -> list[ColumnHelp]:
    """Describe a file's columns for an import page, from the form's labels unless ``labels`` names one."""
    labels, descriptions, required = labels or {}, descriptions or {}, set(required)
    result = []
    for name in columns:
        unbound = getattr(form_class, name, None)
        label = labels.get(name) or (unbound.args[0] if unbound is not None and unbound.args else name)
        description = descriptions.get(name)
        if description is None and unbound is not None:
            description = unbound.kwargs.get("description", "")
        result.append(ColumnHelp(name, name in required, label, description or ""))
    return result


# Reading -----------------------------------------------------------------------------------------------------

class FileProblem(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


class HeaderProblem(Exception):
    """The header line names unknown, doubled or too few columns."""

    def __init__(self, errors: list[RowError]):
        super().__init__("bad header")
        self.errors = errors


def decode(stream_or_text) -> str:
    """Return the text of a file given as text, bytes or a text or binary file object (UTF-8, BOM or not)."""
    data = stream_or_text.read() if hasattr(stream_or_text, "read") else stream_or_text
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = bytes(data)[:exc.start].count(b"\n") + 1
            raise FileProblem(RowError(line, "", _(
                'The file is not UTF-8 encoded. In Excel, save it as "CSV UTF-8".'))) from exc
    return data.removeprefix("\ufeff")


def delimiter(text: str) -> str:
    """Return the file's delimiter: ``,`` when the header line has more commas than semicolons, else ``;``."""
    header = text.split("\n", 1)[0]
    return "," if header.count(",") > header.count(";") else ";"


def unescape(cell: str) -> str:
    """Remove the ``'`` that an export put before a cell that would run as a formula."""
    if len(cell) > 1 and cell[0] == "'" and cell.startswith(_FORMULA_START, 1):
        return cell[1:]
    return cell


def records(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """Yield (first physical line, lines used, cells) per record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileProblem(RowError(reader.line_num or 1, "", _(
                "The file could not be read as CSV: %(problem)s", problem=str(exc)))) from exc
        start, end = end + 1, reader.line_num
        yield start, end - start + 1, cells


def header(cells: list[str], known: tuple[str, ...], required: Iterable[str]) -> list[str | None]:
    """Return the column name of each cell of the header line (None for an unnamed one), or raise."""
    names = [cell.strip().lower() or None for cell in cells]
    errors = []
    unknown = [n for n in names if n is not None and n not in known]
    if unknown:
        errors.append(RowError(1, ", ".join(unknown), _(
            "Unknown columns: %(names)s. The columns are: %(allowed)s.", names=", ".join(unknown),
            allowed=", ".join(known))))
    doubled = sorted({n for n in names if n is not None and names.count(n) > 1})
    if doubled:
        errors.append(RowError(1, ", ".join(doubled), _(
            "These columns appear more than once: %(names)s.", names=", ".join(doubled))))
    missing = [n for n in required if n not in names]
    if missing:
        errors.append(RowError(1, ", ".join(missing), _(
            "Required columns are missing: %(names)s.", names=", ".join(missing))))
    if errors:
        raise HeaderProblem(errors)
    return names


@dataclass(slots=True)
class Row:
    """One data line: its physical line number, its cells by column name, and its problems."""

    line: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message) -> None:
        self.errors.append(RowError(self.line, column, str(message)))

    def items(self, column: str) -> list[str]:
        """Return the non-empty values of a cell that holds several, separated by ``|``."""
        return [item.strip() for item in self.values.get(column, "").split(LIST_SEPARATOR) if item.strip()]


def read_rows(stream_or_text, columns: tuple[str, ...], required: Iterable[str], report: ImportReport,
              check: Callable[[Row], None], progress: Callable[[int], object] | None = None) -> None:
    """Read a file row by row, calling ``check`` on each, and put every error into the report.

    ``progress`` is called with the number of physical lines consumed as the rows are read.
    """
    order = {name: index for index, name in enumerate(columns)}
    try:
        text = decode(stream_or_text)
        names = None
        for line, used, cells in records(text, delimiter(text)):
            if progress is not None:
                progress(used)
            if names is None:
                if not any(c.strip() for c in cells):
                    raise FileProblem(RowError(line, "", _("The first line must name the columns.")))
                names = header(cells, columns, required)
                continue
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            row = Row(line, {})
            for index, cell in enumerate(cells):
                name = names[index] if index < len(names) else None
                if name is not None:
                    value = unescape(cell).strip()
                    if sanity.has_control_characters(value):  # refused with line and column, checked without
                        row.error(name, sanity.control_character_problem(value))
                        value = sanity.strip_control_characters(value)
                    row.values[name] = value
                elif cell.strip():
                    row.error("", _("This line has a value outside the named columns."))
                    break
            check(row)
            report.errors.extend(sorted(row.errors, key=lambda e: order.get(e.column, -1)))
    except FileProblem as problem:
        report.errors.append(problem.error)
    except HeaderProblem as problem:
        report.errors.extend(problem.errors)
    else:
        if names is None:
            report.errors.append(RowError(1, "", _("The file is empty.")))
        elif report.rows == 0 and not report.errors:
            report.errors.append(RowError(2, "", _("The file has no rows below the header line.")))


# Validation with the pages' forms ----------------------------------------------------------------------------

def flag(row: Row, formdata: MultiDict, column: str, default: bool) -> None:
    """Put a yes/no cell into the form data as a checkbox would send it; an empty cell takes ``default``."""
    value = row.values.get(column, "").casefold()
    if value == "":
        value = "1" if default else "0"
    if value in TRUE_VALUES:
        formdata[column] = "y"
    elif value in FALSE_VALUES:
        formdata[column] = "false"
    else:
        row.error(column, _("Use 1 or 0 (also ja/nej, yes/no, true/false)."))


def formdata(row: Row, form_class, fields: Iterable[str], flags: Iterable[str] = ("active",)) -> MultiDict:
    """Fill a form's data from the row's cells; an empty cell takes the field's default.

    ``flags`` are yes/no columns (BooleanFields), read with ``flag``.
    """
    data = MultiDict()
    for name in fields:
        value = row.values.get(name, "")
        if value == "":
            unbound = getattr(form_class, name)
            default = unbound.kwargs.get("default")
            if default is None:
                continue
            value = str(default)
        data[name] = value
    for name in flags:
        flag(row, data, name, bool(getattr(form_class, name).kwargs.get("default", False)))
    return data


def validate(row: Row, form, field_columns: dict[str, str] | None = None) -> dict | None:
    """Validate a bound form; name each error by its CSV column (``field_columns`` maps field to column)."""
    field_columns = field_columns or {}
    if not form.validate():
        for name, messages in form.errors.items():
            for message in messages:
                row.error(field_columns.get(name, name or ""), message)
    if row.errors:
        return None
    return form.values()


def bound_form(form_class, data: MultiDict, **kwargs):
    """Return the form filled with a row's data (no CSRF: this is no browser request)."""
    return form_class(formdata=data, meta={"csrf": False}, **kwargs)


# Writing -----------------------------------------------------------------------------------------------------

def escape_formula(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: prefix ``'`` unless it is a plain number."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def text(value) -> str:
    return "" if value is None else str(value)


def bit(value: bool) -> str:
    return "1" if value else "0"


def write_csv(columns: Iterable[str], rows: Iterable[list]) -> str:
    """Write rows in the import format: ``;``, UTF-8 byte-order mark, CRLF, formulas escaped."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([escape_formula(text(v)) for v in row])
    return out.getvalue()


def csv_response(content: str, filename: str) -> Response:
    """Answer a CSV download; ``filename`` must hold no personal data."""
    response = Response(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response
