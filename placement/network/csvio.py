"""CSV import and export of the company network: companies, mentors and job functions.

No request access and no commit: the page and the CLI call this and commit on success.

The format, the same for import and export (one file holds one kind):

* UTF-8, with or without a byte-order mark; the delimiter is ``;`` or ``,``, taken from the header line.
* The first line names the columns (``COLUMNS``); their order is free, unknown columns are refused and
  ``REQUIRED`` columns must be there. An empty cell takes the form's default.
* ``kind``: ``ordinary`` / ``social_economic`` (or ``almindelig`` / ``socialøkonomisk``).
  ``active``: 1/0, ja/nej, yes/no, true/false; empty means yes.
* Mentors and job functions name their company by ``company_cvr``: a company of the importing partnership,
  so import the companies first. A job function's ``mentor_email`` must be a mentor of that company and
  ``occupation_uri`` an ESCO occupation URI known to the service.
* A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written with a leading ``'``
  (spreadsheet formula injection); the import removes that ``'`` again, so an export re-imports unchanged.

The import is all-or-nothing: every row is validated by the same forms as the pages (``CompanyForm``,
``MentorForm``, ``JobFunctionForm``) and checked against the other rows; if anything is wrong, every error
is reported with its physical line number (the header is line 1) and nothing is added to the session.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from placement.auth.models import Partnership
from placement.extensions import db
from placement.network import services
from placement.network.cvr import normalise_cvr
from placement.network.forms import CompanyForm, JobFunctionForm, MentorForm
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.network.search import normalise
from placement.profile import DIMENSION_KEYS

COMPANIES = "companies"
MENTORS = "mentors"
JOB_FUNCTIONS = "job_functions"
KINDS: tuple[str, ...] = (COMPANIES, MENTORS, JOB_FUNCTIONS)

KIND_LABELS = {COMPANIES: _l("Companies"), MENTORS: _l("Mentors"), JOB_FUNCTIONS: _l("Job functions")}

COLUMNS: dict[str, tuple[str, ...]] = {
    COMPANIES: ("cvr", "name", "kind", "address", "postcode", "town", "industry", "employees", "contact_name",
                "contact_email", "contact_phone", "notes", "active"),
    MENTORS: ("company_cvr", "name", "email", "phone", "experience_level", "experience_notes", "max_interns",
              "active"),
    JOB_FUNCTIONS: ("company_cvr", "title", "tasks", "occupation_uri", "hours_min", "hours_max", "places",
                    "mentor_email", "location_address", "location_postcode", "active", *DIMENSION_KEYS),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    COMPANIES: ("cvr", "name", "postcode"),
    MENTORS: ("company_cvr", "name"),
    JOB_FUNCTIONS: ("company_cvr", "title"),
}

_FORMS = {COMPANIES: CompanyForm, MENTORS: MentorForm, JOB_FUNCTIONS: JobFunctionForm}
#: Form fields that a CSV column of another name feeds.
_FIELD_COLUMNS = {"occupation_id": "occupation_uri", "mentor_id": "mentor_email"}

_TRUE = frozenset({"1", "ja", "j", "yes", "y", "true", "sand"})
_FALSE = frozenset({"0", "nej", "n", "no", "false", "falsk"})
_KIND_VALUES = {
    "ordinary": CompanyKind.ORDINARY, "almindelig": CompanyKind.ORDINARY,
    "social_economic": CompanyKind.SOCIAL_ECONOMIC, "social-economic": CompanyKind.SOCIAL_ECONOMIC,
    "socialøkonomisk": CompanyKind.SOCIAL_ECONOMIC, "socialoekonomisk": CompanyKind.SOCIAL_ECONOMIC,
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")

_EXTRA_HELP = {
    "cvr": _l("8 digits passing the modulus-11 check; unique in the service."),
    "company_cvr": _l("The CVR number of a company already in the partnership's network."),
    "kind": _l("ordinary or social_economic (also almindelig / socialøkonomisk). Empty: ordinary."),
    "postcode": _l("A Danish postcode; the town and the coordinates follow from it."),
    "town": _l("May be empty; if given it must match the postcode."),
    "active": _l("1 or 0 (also ja/nej, yes/no, true/false). Empty: yes."),
    "occupation_uri": _l("The ESCO URI of an occupation known to the service, or empty."),
    "mentor_email": _l("The e-mail address of one of the company's mentors, or empty."),
    "experience_level": _l("1: none yet … 5: long and broad experience. Empty: 3."),
}
_LABELS = {"company_cvr": _l("Company (CVR number)"), "occupation_uri": _l("Occupation (ESCO URI)"),
           "mentor_email": _l("Mentor's e-mail")}


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
    #: Things worth a look that do not stop the import, e.g. a likely duplicate company.
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


def column_help(kind: str) -> list[ColumnHelp]:
    """Describe a kind's columns for the import page, from the forms' labels."""
    form_class = _FORMS[kind]
    result = []
    for name in COLUMNS[kind]:
        unbound = getattr(form_class, name, None)
        label = _LABELS.get(name) or (unbound.args[0] if unbound is not None and unbound.args else name)
        description = _EXTRA_HELP.get(name)
        if description is None and unbound is not None:
            description = unbound.kwargs.get("description", "")
        result.append(ColumnHelp(name, name in REQUIRED[kind], label, description or ""))
    return result


# Reading -----------------------------------------------------------------------------------------------------

class _FileProblem(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


def _decode(stream_or_text) -> str:
    data = stream_or_text.read() if hasattr(stream_or_text, "read") else stream_or_text
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = bytes(data)[:exc.start].count(b"\n") + 1
            raise _FileProblem(RowError(line, "", _(
                'The file is not UTF-8 encoded. In Excel, save it as "CSV UTF-8".'))) from exc
    return data.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return "," if header.count(",") > header.count(";") else ";"


def _unescape(cell: str) -> str:
    if len(cell) > 1 and cell[0] == "'" and cell.startswith(_FORMULA_START, 1):
        return cell[1:]
    return cell


def _records(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """Yield (first physical line, lines used, cells) per record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _FileProblem(RowError(reader.line_num or 1, "", _(
                "The file could not be read as CSV: %(problem)s", problem=str(exc)))) from exc
        start, end = end + 1, reader.line_num
        yield start, end - start + 1, cells


def _header(cells: list[str], kind: str) -> list[str | None]:
    names = [cell.strip().lower() or None for cell in cells]
    known = COLUMNS[kind]
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
    missing = [n for n in REQUIRED[kind] if n not in names]
    if missing:
        errors.append(RowError(1, ", ".join(missing), _(
            "Required columns are missing: %(names)s.", names=", ".join(missing))))
    if errors:
        raise _HeaderProblem(errors)
    return names


class _HeaderProblem(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("bad header")
        self.errors = errors


# Validation --------------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Row:
    line: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message) -> None:
        self.errors.append(RowError(self.line, column, str(message)))


def _flag(row: _Row, formdata: MultiDict) -> None:
    value = row.values.get("active", "").casefold()
    if value == "" or value in _TRUE:
        formdata["active"] = "y"
    elif value in _FALSE:
        formdata["active"] = "false"
    else:
        row.error("active", _("Use 1 or 0 (also ja/nej, yes/no, true/false)."))


def _formdata(row: _Row, form_class, fields: Iterable[str]) -> MultiDict:
    """Fill a form's data from the row's cells; an empty cell takes the field's default."""
    formdata = MultiDict()
    for name in fields:
        value = row.values.get(name, "")
        if value == "":
            unbound = getattr(form_class, name)
            default = unbound.kwargs.get("default")
            if default is None:
                continue
            value = str(default)
        formdata[name] = value
    _flag(row, formdata)
    return formdata


def _validate(row: _Row, form) -> dict | None:
    if not form.validate():
        for name, messages in form.errors.items():
            for message in messages:
                row.error(_FIELD_COLUMNS.get(name, name), message)
    if row.errors:
        return None
    return form.values()


def _form(form_class, formdata: MultiDict, **kwargs):
    return form_class(formdata=formdata, meta={"csrf": False}, **kwargs)


_COMPANY_FORM_FIELDS = tuple(c for c in COLUMNS[COMPANIES] if c not in ("kind", "active"))
_MENTOR_FORM_FIELDS = tuple(c for c in COLUMNS[MENTORS] if c not in ("company_cvr", "active"))
_JOB_FORM_FIELDS = tuple(c for c in COLUMNS[JOB_FUNCTIONS]
                         if c not in ("company_cvr", "occupation_uri", "mentor_email", "active"))


class _Importer:
    """Validate every row first (collecting every error), then create them all."""

    def __init__(self, kind: str, partnership: Partnership, report: ImportReport):
        self.kind = kind
        self.partnership = partnership
        self._occupation_ids: dict[str, int] | None = None
        self.report = report
        #: What to create, in file order: (line, data, company or None).
        self.valid: list[tuple[int, dict, Company | None]] = []
        self._companies: dict[str, Company] | None = None
        self._seen_cvrs: dict[str, int] = {}
        self._seen_names: dict[tuple, int] = {}
        self._seen_companies: list[tuple[int, str, str, str]] = []

    # Companies named by company_cvr ----------------------------------------------------------------------

    def _company(self, row: _Row) -> Company | None:
        cvr = normalise_cvr(row.values.get("company_cvr", ""))
        if not cvr:
            row.error("company_cvr", _("This field is required."))
            return None
        if self._companies is None:
            stmt = select(Company).where(Company.partnership_id == self.partnership.id)
            self._companies = {c.cvr: c for c in db.session.scalars(stmt)}
        company = self._companies.get(cvr)
        if company is None:
            row.error("company_cvr", _("No company with CVR number %(cvr)s in the partnership's network.",
                                       cvr=cvr))
        return company

    def _warn(self, row: _Row, column: str, message: str) -> None:
        self.report.warnings.append(RowError(row.line, column, message))

    # One row per kind ------------------------------------------------------------------------------------

    def companies(self, row: _Row) -> None:
        formdata = _formdata(row, CompanyForm, _COMPANY_FORM_FIELDS)
        kind = row.values.get("kind", "").casefold()
        if kind == "":
            formdata["kind"] = CompanyKind.ORDINARY.value
        elif kind in _KIND_VALUES:
            formdata["kind"] = _KIND_VALUES[kind].value
        else:
            row.error("kind", _("Use ordinary or social_economic (or almindelig / socialøkonomisk)."))
        form = _form(CompanyForm, formdata)
        data = _validate(row, form)
        cvr = form.cvr.data
        if "cvr" not in form.errors and cvr:
            first = self._seen_cvrs.setdefault(cvr, row.line)
            if first != row.line:
                row.error("cvr", _("The CVR number %(cvr)s is also on line %(line)s.", cvr=cvr, line=first))
        if data is None:
            return
        duplicate = services.likely_duplicate(self.partnership.id, data["name"], data["postcode"])
        if duplicate is not None:
            self._warn(row, "name", _(
                "%(name)s looks like %(other)s (CVR %(cvr)s), already registered in postcode %(code)s.",
                name=data["name"], other=duplicate.name, cvr=duplicate.cvr, code=duplicate.postcode))
        wanted = normalise(data["name"])
        for line, postcode, name, normalised in self._seen_companies:
            if postcode == data["postcode"] and fuzz.token_sort_ratio(wanted, normalised) >= \
                    services.DUPLICATE_THRESHOLD:
                self._warn(row, "name", _("%(name)s looks like %(other)s on line %(line)s, in the same postcode.",
                                          name=data["name"], other=name, line=line))
                break
        self._seen_companies.append((row.line, data["postcode"], data["name"], wanted))
        self.valid.append((row.line, data, None))

    def mentors(self, row: _Row) -> None:
        company = self._company(row)
        form = _form(MentorForm, _formdata(row, MentorForm, _MENTOR_FORM_FIELDS))
        data = _validate(row, form)
        if data is None or company is None:
            return
        self._name_warning(row, company, "name", data["name"], [m.name for m in company.mentors],
                           _("The company already has a mentor named %(name)s."))
        self.valid.append((row.line, data, company))

    def job_functions(self, row: _Row) -> None:
        from placement.occupations.models import Occupation

        company = self._company(row)
        formdata = _formdata(row, JobFunctionForm, _JOB_FORM_FIELDS)
        mentors = []
        email = row.values.get("mentor_email", "").casefold()
        formdata["mentor_id"] = "0"
        if email and company is not None:
            mentor = next((m for m in company.mentors if m.email and m.email.casefold() == email), None)
            if mentor is None:
                row.error("mentor_email", _("%(email)s is not a mentor of this company.",
                                            email=row.values["mentor_email"]))
            else:
                mentors = [mentor]
                formdata["mentor_id"] = str(mentor.id)
        uri = row.values.get("occupation_uri", "")
        if uri:
            if self._occupation_ids is None:  # one query per import, not one per row
                self._occupation_ids = dict(db.session.execute(select(Occupation.uri, Occupation.id)).all())
            occupation_id = self._occupation_ids.get(uri)
            if occupation_id is None:
                row.error("occupation_uri", _("Unknown occupation: no ESCO occupation has this URI."))
            else:
                formdata["occupation_id"] = str(occupation_id)
        form = _form(JobFunctionForm, formdata, mentors=mentors)
        data = _validate(row, form)
        if data is None or company is None:
            return
        self._name_warning(row, company, "title", data["title"], [j.title for j in company.job_functions],
                           _("The company already has a job function called %(name)s."))
        self.valid.append((row.line, data, company))

    def _name_warning(self, row: _Row, company: Company, column: str, name: str, existing: list[str],
                      message: str) -> None:
        key = normalise(name)
        if key in {normalise(n) for n in existing}:
            self._warn(row, column, message)
        first = self._seen_names.setdefault((company.id, key), row.line)
        if first != row.line:
            self._warn(row, column, _("%(name)s is also on line %(line)s for the same company.", name=name,
                                      line=first))

    # Creating --------------------------------------------------------------------------------------------

    def create(self) -> int:
        for _line, data, company in self.valid:
            if self.kind == COMPANIES:
                services.create_company(self.partnership, data)
            elif self.kind == MENTORS:
                services.create_mentor(company, data)
            else:
                services.create_job_function(company, data)
        db.session.flush()
        return len(self.valid)


def import_csv(kind: str, stream_or_text, partnership: Partnership,
               progress: Callable[[int], object] | None = None) -> ImportReport:
    """Import a CSV file of one kind into a partnership's network, all or nothing; the caller commits.

    ``stream_or_text`` is text, bytes or a text or binary file object. ``progress`` is called with the
    number of physical lines consumed as the rows are read.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    report = ImportReport(kind)
    importer = _Importer(kind, partnership, report)
    check = getattr(importer, kind)
    order = {name: index for index, name in enumerate(COLUMNS[kind])}
    try:
        text = _decode(stream_or_text)
        records = _records(text, _delimiter(text))
        header = None
        for line, used, cells in records:
            if progress is not None:
                progress(used)
            if header is None:
                if not any(c.strip() for c in cells):
                    raise _FileProblem(RowError(line, "", _("The first line must name the columns.")))
                header = _header(cells, kind)
                continue
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            row = _Row(line, {})
            for index, cell in enumerate(cells):
                name = header[index] if index < len(header) else None
                if name is not None:
                    row.values[name] = _unescape(cell).strip()
                elif cell.strip():
                    row.error("", _("This line has a value outside the named columns."))
                    break
            check(row)
            report.errors.extend(sorted(row.errors, key=lambda e: order.get(e.column, -1)))
    except _FileProblem as problem:
        report.errors.append(problem.error)
    except _HeaderProblem as problem:
        report.errors.extend(problem.errors)
    else:
        if header is None:
            report.errors.append(RowError(1, "", _("The file is empty.")))
        elif report.rows == 0 and not report.errors:
            report.errors.append(RowError(2, "", _("The file has no rows below the header line.")))
    if report.errors:
        return report
    report.imported = importer.create()
    return report


# Writing -----------------------------------------------------------------------------------------------------

def escape_formula(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: prefix ``'`` unless it is a plain number."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text(value) -> str:
    return "" if value is None else str(value)


def _bit(value: bool) -> str:
    return "1" if value else "0"


def _company_row(c: Company) -> list:
    return [c.cvr, c.name, c.kind.value, c.address, c.postcode, c.town, c.industry, c.employees, c.contact_name,
            c.contact_email, c.contact_phone, c.notes, _bit(c.active)]


def _mentor_row(m: Mentor) -> list:
    return [m.company.cvr, m.name, m.email, m.phone, m.experience_level, m.experience_notes, m.max_interns,
            _bit(m.active)]


def _job_function_row(j: JobFunction) -> list:
    return [j.company.cvr, j.title, j.tasks, j.occupation.uri if j.occupation else "", j.hours_min, j.hours_max,
            j.places, j.mentor.email if j.mentor else "", j.location_address, j.location_postcode,
            _bit(j.active), *(getattr(j, key) for key in DIMENSION_KEYS)]


def _rows(kind: str, companies: Iterable[Company]) -> Iterator[list]:
    for company in companies:
        if kind == COMPANIES:
            yield _company_row(company)
        elif kind == MENTORS:
            yield from (_mentor_row(m) for m in company.mentors)
        else:
            yield from (_job_function_row(j) for j in company.job_functions)


def write_csv(kind: str, rows: Iterable[list]) -> str:
    """Write rows in the import format: ``;``, UTF-8 byte-order mark, CRLF, formulas escaped."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow([escape_formula(_text(v)) for v in row])
    return out.getvalue()


def export_csv(kind: str, companies: Iterable[Company]) -> str:
    """Return these companies (or their mentors or job functions) as CSV text that Danish Excel opens."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return write_csv(kind, _rows(kind, companies))


def export_select() -> Select:
    """Return the companies to export, ordered, with what the exports read loaded up front."""
    return select(Company).options(
        selectinload(Company.mentors),
        selectinload(Company.job_functions).selectinload(JobFunction.occupation),
        selectinload(Company.job_functions).selectinload(JobFunction.mentor),
    ).order_by(Company.name, Company.cvr)


EXAMPLE_CVR = "12345674"
_EXAMPLES = {
    COMPANIES: [EXAMPLE_CVR, "Eksempel Lager ApS", "ordinary", "Eksempelvej 1", "8900", "Randers C",
                "Lager og logistik", 25, "Anne Jensen", "anne@example.dk", "12345678",
                "Har haft praktikanter før.", "1"],
    MENTORS: [EXAMPLE_CVR, "Anne Jensen", "anne@example.dk", "12345678", 3, "Har været mentor for to unge.", 2,
              "1"],
    JOB_FUNCTIONS: [EXAMPLE_CVR, "Lagermedarbejder", "Pakning af varer, opfyldning af hylder", "", 10, 25, 1,
                    "anne@example.dk", "", "", "1",
                    *({"structure": 4, "predictability": 4, "pace": 2}.get(key, 3) for key in DIMENSION_KEYS)],
}


def example_csv(kind: str) -> str:
    """Return an example file with one valid row (import companies, then mentors, then job functions)."""
    return write_csv(kind, [_EXAMPLES[kind]])
