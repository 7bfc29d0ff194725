"""The CSV machinery every import and export shares (the company network, young people, history).

No request access and no commit. The format rules, the same for every kind of file:

* UTF-8, with or without a byte-order mark; the delimiter is ``;`` or ``,``, taken from the header line.
* The first line names the columns; their order is free, unknown columns are refused and required columns
  must be there. An empty cell takes the form's default.
* Each kind of file defines its columns once (``Columns``: internal key → Danish and English name); an export
  names them in the user's language (Danish unless they read English), an import takes either name, in any
  case and with ``_`` or spaces, so files from before the Danish names still import. Errors name a column as
  the file names it.
* Coded values (a company's kind, transport …) are words in the user's language on export (``Choices``); an
  import takes the Danish word, the English word or the code.
* Yes/no cells: ja/nej or yes/no on export; an import also takes 1/0 and true/false.
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
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from placement import sanity

DANISH, ENGLISH = "da", "en"
#: A kind of file's columns, in their order in an export: internal key → (Danish name, English name).
Columns = dict[str, tuple[str, str]]

TRUE_VALUES = frozenset({"1", "ja", "j", "yes", "y", "true", "sand"})
FALSE_VALUES = frozenset({"0", "nej", "n", "no", "false", "falsk"})
#: Separates several values in one cell (occupations, disruptions).
LIST_SEPARATOR = "|"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_YES_NO = {DANISH: ("ja", "nej"), ENGLISH: ("yes", "no")}


def language() -> str:
    """The language of the CSV files a user reads and writes: English for those who read English, else Danish."""
    locale = get_locale()
    return ENGLISH if locale is not None and locale.language == ENGLISH else DANISH


def column_name(columns: Columns, key: str, language: str) -> str:
    """A column's name in a language (``DANISH`` or ``ENGLISH``)."""
    danish, english = columns[key]
    return english if language == ENGLISH else danish


def column_names(columns: Columns, language: str) -> list[str]:
    """The header line of an export in a language."""
    return [column_name(columns, key, language) for key in columns]


def fold(name: str) -> str:
    """A column name or value as an import compares it: case, ``_`` and runs of spaces do not matter."""
    return " ".join(name.replace("_", " ").casefold().split())


class Choices:
    """A column's coded values: each code's Danish and English word, and other spellings an import takes."""

    def __init__(self, words: dict[str, tuple[str, str]], aliases: dict[str, str] | None = None):
        self.words = words
        self._lookup = {fold(spelling): code for code, names in words.items() for spelling in (code, *names)}
        self._lookup.update({fold(alias): code for alias, code in (aliases or {}).items()})

    def read(self, cell: str) -> str | None:
        """The code a cell names (None if it names none)."""
        return self._lookup.get(fold(cell))

    def word(self, code, language: str) -> str:
        """A code's word in a language, as an export writes it."""
        danish, english = self.words[str(code)]
        return english if language == ENGLISH else danish

    def listing(self, language: str, codes: Iterable[str] | None = None) -> str:
        """The words of (some of) the codes, for a message or the page's column table: "a, b or c"."""
        words = [self.word(code, language) for code in (self.words if codes is None else codes)]
        return words[0] if len(words) == 1 else _("%(first)s or %(last)s", first=", ".join(words[:-1]),
                                                     last=words[-1])


def yes_no(value: bool, language: str) -> str:
    """A yes/no cell as an export writes it: ja/nej (yes/no in English)."""
    yes, no = _YES_NO[ENGLISH if language == ENGLISH else DANISH]
    return yes if value else no


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
    #: Each column's name as the file gives it (a column the file lacks: its name in the file's language).
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class ColumnHelp:
    #: The column's name in the user's language.
    name: str
    required: bool
    label: object
    description: object


def column_help(form_class, columns: Columns, required: Iterable[str], language: str, *,
                labels: dict | None = None, descriptions: dict | None = None) -> list[ColumnHelp]:
    """Describe a file's columns for an import page, from the form's labels unless ``labels`` names one.

    A description is text, or a function of the language (for one that lists coded values in it).
    """
    labels, descriptions, required = labels or {}, descriptions or {}, set(required)
    result = []
    for key in columns:
        unbound = getattr(form_class, key, None)
        label = labels.get(key) or (unbound.args[0] if unbound is not None and unbound.args else key)
        description = descriptions.get(key)
        if callable(description):
            description = description(language)
        elif description is None and unbound is not None:
            description = unbound.kwargs.get("description", "")
        result.append(ColumnHelp(column_name(columns, key, language), key in required, label, description or ""))
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


@dataclass(frozen=True, slots=True)
class Header:
    """A file's header line: the column key of each cell (None for an unnamed one) and each column's name."""

    keys: list[str | None]
    #: Column key → its name as the file gives it, or for a column the file lacks, in the file's language.
    names: dict[str, str]


def header(cells: list[str], columns: Columns, required: Iterable[str]) -> Header:
    """Read the header line: each cell is a column's Danish or English name; raise for a bad header."""
    lookup = {fold(name): key for key, names in columns.items() for name in names}
    written = [cell.strip() for cell in cells]
    keys = [lookup.get(fold(cell)) if cell else None for cell in written]
    # The file's language: that of most of its names (a tie: the user's), for the columns it does not name.
    danish = sum(1 for cell, key in zip(written, keys, strict=True) if key and fold(cell) == fold(columns[key][0]))
    english = sum(1 for cell, key in zip(written, keys, strict=True) if key and fold(cell) == fold(columns[key][1]))
    file_language = DANISH if danish > english else ENGLISH if english > danish else language()
    names = {key: column_name(columns, key, file_language) for key in columns}
    names.update({key: cell for cell, key in zip(written, keys, strict=True) if key is not None})
    errors = []
    unknown = [cell for cell, key in zip(written, keys, strict=True) if cell and key is None]
    if unknown:
        errors.append(RowError(1, ", ".join(unknown), _(
            "Unknown columns: %(names)s. The columns are: %(allowed)s.", names=", ".join(unknown),
            allowed=", ".join(column_names(columns, file_language)))))
    doubled = [key for key in columns if keys.count(key) > 1]
    if doubled:
        doubled_names = ", ".join(cell for key in doubled for cell, k in zip(written, keys, strict=True) if k == key)
        errors.append(RowError(1, doubled_names, _(
            "These columns appear more than once: %(names)s.", names=doubled_names)))
    missing = [names[key] for key in required if key not in keys]
    if missing:
        errors.append(RowError(1, ", ".join(missing), _(
            "Required columns are missing: %(names)s.", names=", ".join(missing))))
    if errors:
        raise HeaderProblem(errors)
    return Header(keys, names)


@dataclass(slots=True)
class Row:
    """One data line: its physical line number, its cells by column key, and its problems.

    Problems are given by column key and name the column as the file does (``names``: key → name).
    """

    line: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def problem(self, column: str, message) -> RowError:
        """A problem with a column of this line (``column``: its key; empty for the whole line)."""
        return RowError(self.line, self.names.get(column, column), str(message))

    def error(self, column: str, message) -> None:
        self.errors.append(self.problem(column, message))

    def items(self, column: str) -> list[str]:
        """Return the non-empty values of a cell that holds several, separated by ``|``."""
        return [item.strip() for item in self.values.get(column, "").split(LIST_SEPARATOR) if item.strip()]


def read_rows(stream_or_text, columns: Columns, required: Iterable[str], report: ImportReport,
              check: Callable[[Row], None], progress: Callable[[int], object] | None = None) -> None:
    """Read a file row by row, calling ``check`` on each, and put every error into the report.

    ``progress`` is called with the number of physical lines consumed as the rows are read.
    """
    order: dict[str, int] = {}
    try:
        text = decode(stream_or_text)
        names = None
        for line, used, cells in records(text, delimiter(text)):
            if progress is not None:
                progress(used)
            if names is None:
                if not any(c.strip() for c in cells):
                    raise FileProblem(RowError(line, "", _("The first line must name the columns.")))
                found = header(cells, columns, required)
                names, report.columns = found.keys, found.names
                order = {found.names[key]: index for index, key in enumerate(columns)}
                continue
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            row = Row(line, {}, names=report.columns)
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
        yes, no = _YES_NO[language()]
        row.error(column, _("Use %(yes)s or %(no)s (also 1 or 0).", yes=yes, no=no))


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
    """Validate a bound form; name each error by its CSV column (``field_columns`` maps field to column).

    A cell refused already (an unknown word, a control character) is not refused again by the form.
    """
    field_columns = field_columns or {}
    refused = {error.column for error in row.errors if error.column}
    if not form.validate():
        for name, messages in form.errors.items():
            column = field_columns.get(name, name or "")
            if row.names.get(column, column) in refused:
                continue
            for message in messages:
                row.error(column, message)
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
