"""CSV import and export of the company network: companies, mentors and job functions.

No request access and no commit: the page and the CLI call this and commit on success.

The format, the same for import and export (one file holds one kind), follows ``placement.csvtools`` (UTF-8,
``;`` or ``,``, columns by name, formula escaping, all-or-nothing with line numbers); here:

* ``COLUMNS`` per kind (key → Danish and English name), of which ``REQUIRED`` must be there.
* ``kind``: ``COMPANY_KINDS`` (almindelig / socialøkonomisk, ordinary / social_economic).
  ``active``: ja/nej, yes/no, 1/0, true/false; empty means yes.
* Mentors and job functions name their company by ``company_cvr``: a company of the importing partnership,
  so import the companies first. A job function's ``mentor_email`` must be a mentor of that company and
  ``occupation_uri`` an ESCO occupation URI known to the service.

A job function imported without ``occupation_uri`` is linked to the ESCO occupation its title names unambiguously
(``services.TitleResolver`` states the rule) unless the import is asked not to (``auto_link=False``); the report
(``JobFunctionReport``) counts the job functions linked so and those left without an occupation.

Every row is validated by the same forms as the pages (``CompanyForm``, ``MentorForm``, ``JobFunctionForm``; one
instance per import, filled anew for each line) and checked against the other rows; if anything is wrong, nothing is
written. Otherwise all the rows go in at once (``placement.imports.bulk.insert_many``, on the session's connection)
with their audit entries: one naming every new company (companies are business data), one per new mentor or job
function, as a page's change writes it. Both move the partnership's revisions (``revisions.rows_written``): up to
``revisions.STAMP_LIMIT`` new rows are stamped, so caches of the network (search index, matching network) add just
them at the next request; beyond, the caches are built again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from placement.audit.services import record_bulk_create, record_creates
from placement.auth.models import Partnership
from placement.csvtools import (
    DANISH,
    Choices,
    ColumnHelp,
    Columns,
    ImportReport,
    RowError,
    bound_form,
    column_names,
    escape_formula,
    read_rows,
    validate,
    yes_no,
)
from placement.csvtools import Row as _Row
from placement.csvtools import column_help as _column_help
from placement.csvtools import formdata as row_formdata
from placement.csvtools import language as csv_language
from placement.csvtools import write_csv as _write_csv
from placement.extensions import db
from placement.forms import BaseForm, ScaleField
from placement.imports.bulk import insert_many, with_defaults
from placement.network import services
from placement.network.cvr import cvr_error, normalise_cvr
from placement.network.forms import CompanyForm, JobFunctionForm, MentorForm
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.network.search import normalise
from placement.profile import DIMENSION_KEYS, SCALE_MAX, SCALE_MIN

COMPANIES = "companies"
MENTORS = "mentors"
JOB_FUNCTIONS = "job_functions"
KINDS: tuple[str, ...] = (COMPANIES, MENTORS, JOB_FUNCTIONS)

KIND_LABELS = {COMPANIES: _l("Companies"), MENTORS: _l("Mentors"), JOB_FUNCTIONS: _l("Job functions")}

#: A job function's profile columns: what the workplace offers (the young people's file names their needs).
_DIMENSION_NAMES = {"structure": "Struktur og rutiner", "predictability": "Forudsigelighed", "pace": "Tempo og krav",
                    "social_contact": "Social kontakt", "physical_load": "Fysisk belastning",
                    "sensory_load": "Sansemæssig belastning", "independence": "Forventet selvstændighed"}
_COMPANY_CVR = ("Virksomhedens CVR-nummer", "company_cvr")
_ACTIVE = ("Aktiv", "active")
#: Each kind's columns in export order: key → (Danish name, English name); an import takes either.
COLUMNS: dict[str, Columns] = {
    COMPANIES: {
        "cvr": ("CVR-nummer", "cvr"), "name": ("Navn", "name"), "kind": ("Type", "kind"),
        "address": ("Adresse", "address"), "postcode": ("Postnummer", "postcode"), "town": ("By", "town"),
        "industry": ("Branche", "industry"), "employees": ("Ansatte", "employees"),
        "contact_name": ("Kontaktperson", "contact_name"),
        "contact_email": ("Kontaktpersonens e-mail", "contact_email"),
        "contact_phone": ("Kontaktpersonens telefon", "contact_phone"), "notes": ("Bemærkninger", "notes"),
        "active": _ACTIVE,
    },
    MENTORS: {
        "company_cvr": _COMPANY_CVR, "name": ("Navn", "name"), "email": ("E-mail", "email"),
        "phone": ("Telefon", "phone"), "experience_level": ("Erfaring med målgruppen", "experience_level"),
        "experience_notes": ("Om erfaringen", "experience_notes"),
        "max_interns": ("Praktikanter ad gangen", "max_interns"), "active": _ACTIVE,
    },
    JOB_FUNCTIONS: {
        "company_cvr": _COMPANY_CVR, "title": ("Titel", "title"), "tasks": ("Opgaver", "tasks"),
        "occupation_uri": ("Stillingsbetegnelse (ESCO-URI)", "occupation_uri"),
        "hours_min": ("Timer om ugen fra", "hours_min"), "hours_max": ("Timer om ugen til", "hours_max"),
        "places": ("Praktikpladser", "places"), "mentor_email": ("Mentorens e-mail", "mentor_email"),
        "location_address": ("Arbejdsstedets adresse", "location_address"),
        "location_postcode": ("Arbejdsstedets postnummer", "location_postcode"), "active": _ACTIVE,
        **{key: (_DIMENSION_NAMES[key], key) for key in DIMENSION_KEYS},
    },
}
#: A company's kind: almindelig / socialøkonomisk (ordinary / social_economic).
COMPANY_KINDS = Choices({CompanyKind.ORDINARY.value: ("almindelig", "ordinary"),
                         CompanyKind.SOCIAL_ECONOMIC.value: ("socialøkonomisk", "social_economic")},
                        {"social-economic": CompanyKind.SOCIAL_ECONOMIC.value,
                         "socialoekonomisk": CompanyKind.SOCIAL_ECONOMIC.value,
                         "social-økonomisk": CompanyKind.SOCIAL_ECONOMIC.value})
REQUIRED: dict[str, tuple[str, ...]] = {
    COMPANIES: ("cvr", "name", "postcode"),
    MENTORS: ("company_cvr", "name"),
    JOB_FUNCTIONS: ("company_cvr", "title"),
}

_FORMS = {COMPANIES: CompanyForm, MENTORS: MentorForm, JOB_FUNCTIONS: JobFunctionForm}
#: Form fields that a CSV column of another name feeds.
_FIELD_COLUMNS = {"occupation_id": "occupation_uri", "mentor_id": "mentor_email"}


def _yes_no_help(language: str) -> str:
    return _("%(yes)s or %(no)s. Empty: %(yes)s.", yes=yes_no(True, language), no=yes_no(False, language))


_EXTRA_HELP = {
    "cvr": _l("8 digits of a real CVR number, e.g. 12345674; each company only once."),
    "company_cvr": _l("The CVR number of a company already in the partnership's network."),
    "kind": lambda language: _("%(kinds)s. Empty: %(default)s.", kinds=COMPANY_KINDS.listing(language),
                               default=COMPANY_KINDS.word(CompanyKind.ORDINARY, language)),
    "postcode": _l("A Danish postcode; the town and the coordinates follow from it."),
    "town": _l("May be empty; if given it must match the postcode."),
    "active": _yes_no_help,
    "occupation_uri": _l("The ESCO URI of an occupation known to the service, or empty: then the occupation the "
                         "title names unambiguously is linked, unless you switch that off."),
    "mentor_email": _l("The e-mail address of one of the company's mentors, or empty."),
    "experience_level": _l("1: none yet … 5: long and broad experience. Empty: 3."),
}
_LABELS = {"company_cvr": _l("Company (CVR number)"), "occupation_uri": _l("Occupation (ESCO URI)"),
           "mentor_email": _l("Mentor's e-mail")}


__all__ = ["COLUMNS", "COMPANIES", "COMPANY_KINDS", "JOB_FUNCTIONS", "KINDS", "KIND_LABELS", "MENTORS", "REQUIRED",
           "ColumnHelp",
           "ImportReport", "JobFunctionReport", "RowError", "column_help", "escape_formula", "example_csv",
           "export_csv", "export_select", "import_csv", "write_csv"]


def column_help(kind: str, language: str) -> list[ColumnHelp]:
    """Describe a kind's columns for the import page in a language, from the forms' labels."""
    return _column_help(_FORMS[kind], COLUMNS[kind], REQUIRED[kind], language, labels=_LABELS,
                        descriptions=_EXTRA_HELP)


_COMPANY_FORM_FIELDS = tuple(c for c in COLUMNS[COMPANIES] if c not in ("kind", "active"))


class _ImportCompanyForm(CompanyForm):
    """The company form with the registered CVR numbers read once per import instead of once per line.

    Without the fields a file has no column for (a new record has no version, and a likely duplicate is a
    warning here): every line would process and validate them for nothing.
    """

    version = None
    confirm_not_duplicate = None

    def __init__(self, *args, taken: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = taken

    def validate_cvr(self, field) -> None:
        field.data = normalise_cvr(field.data or "")
        if cvr_error(field.data) or field.data in self._taken:
            super().validate_cvr(field)  # the page's own check and message


_SCALE = range(SCALE_MIN, SCALE_MAX + 1)


class _ScaleField(ScaleField):
    """A 1–5 scale that takes a value in range at once and leaves anything else to the page's check, message and all
    (walking its five choices cost more than the rest of the scale's validation: a job function has seven)."""

    def pre_validate(self, form) -> None:
        if self.process_errors or self.data not in _SCALE:
            super().pre_validate(form)


def _quick_scales(form_class):
    """Check a form class's scale fields as ``_ScaleField`` does (the same fields, labels and messages)."""
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if isinstance(unbound, UnboundField) and unbound.field_class is ScaleField:
            setattr(form_class, name, UnboundField(_ScaleField, *unbound.args, name=unbound.name, **unbound.kwargs))
    return form_class


@_quick_scales
class _ImportMentorForm(MentorForm):
    """The mentor form without the version a new record has not got (a file has no column for it)."""

    version = None


@_quick_scales
class _ImportJobFunctionForm(JobFunctionForm):
    """The job-function form for one import: its mentor offered per line (``offer``), the known occupations read once.

    Without the version a new record has not got. The occupation's id comes from a URI the import looked up among
    the known occupations, so it is checked against those, not once per line in the database.
    """

    version = None

    def __init__(self, *args, occupation_ids: Collection[int], **kwargs):
        super().__init__(*args, **kwargs)
        self._occupation_ids = occupation_ids
        self._none = self.mentor_id.choices[:1]

    def offer(self, mentor: tuple[int, str] | None) -> None:
        """Let the line name this mentor (the one its ``mentor_email`` names), or none."""
        self.mentor_id.choices = [*self._none, *([SelectChoice(*mentor)] if mentor else [])]

    def validate_occupation_id(self, field) -> None:
        if field.data and field.data not in self._occupation_ids:
            super().validate_occupation_id(field)


_MENTOR_FORM_FIELDS = tuple(c for c in COLUMNS[MENTORS] if c not in ("company_cvr", "active"))
_JOB_FORM_FIELDS = tuple(c for c in COLUMNS[JOB_FUNCTIONS]
                         if c not in ("company_cvr", "occupation_uri", "mentor_email", "active"))


def _sorted_words(name: str) -> str:
    """A name as the duplicate check compares it: normalised, its words sorted.

    ``fuzz.token_sort_ratio`` (``services.likely_duplicate``) is ``fuzz.ratio`` of the sorted words: sorting each
    name once, not at every comparison, gives the same scores several times faster (a postcode of a large file
    holds a hundred names).
    """
    return " ".join(sorted(normalise(name).split()))


@dataclass(slots=True)
class JobFunctionReport(ImportReport):
    """An import of job functions: also how many got their occupation from their title, and how many have none."""

    #: Whether job functions without ``occupation_uri`` were linked from their title.
    auto_link: bool = True
    #: Job functions linked to an ESCO occupation from their title (0 when ``auto_link`` is off).
    auto_linked: int = 0
    #: Job functions imported without an occupation.
    without_occupation: int = 0


#: What each kind creates.
_MODELS = {COMPANIES: Company, MENTORS: Mentor, JOB_FUNCTIONS: JobFunction}


class _Importer:
    """Validate every row first (collecting every error), then create them all at once.

    What the rows are checked against is read once per import, as plain columns: the partnership's companies by
    CVR number, their mentors by e-mail and the names of their mentors and job functions (a file of 50,000 lines
    must not cost a query, or a company's whole list, per line).
    """

    def __init__(self, kind: str, partnership: Partnership, report: ImportReport):
        self.kind = kind
        self.partnership = partnership
        self.report = report
        #: What to create, in file order: (line, data, company id or None).
        self.valid: list[tuple[int, dict, int | None]] = []
        #: The form every line is validated with, made at the first line.
        self._form = None
        self._company_ids: dict[str, int] | None = None
        #: Company id → the names of its mentors (or job functions) as compared (``normalise``), for the whole
        #: partnership.
        self._existing_names: dict[int, set[str]] | None = None
        #: (company id, e-mail folded) → (id, name) of the partnership's mentors; the first by name for an e-mail.
        self._mentors: dict[tuple[int, str], tuple[int, str]] | None = None
        self._occupation_ids: dict[str, int] | None = None
        self._seen_cvrs: dict[str, int] = {}
        self._seen_names: dict[tuple, int] = {}
        #: The companies of the file so far, by postcode: (lines, names) and their names as compared (`_sorted_words`).
        self._seen_companies: dict[str, tuple[list[tuple[int, str]], list[str]]] = {}
        #: The partnership's companies by postcode, read once.
        self._registered: dict[str, tuple[list[tuple[str, str]], list[str]]] | None = None

    def _bound(self, formdata, make: Callable) -> BaseForm:
        """The import's form filled with a line's data: made by ``make(formdata)`` at the first line, then filled
        anew (binding its fields anew for every line would cost more than checking them)."""
        if self._form is None:
            self._form = make(formdata)
        else:
            self._form.process(formdata)
        return self._form

    # Companies named by company_cvr ----------------------------------------------------------------------

    def _company_id(self, row: _Row) -> int | None:
        cvr = normalise_cvr(row.values.get("company_cvr", ""))
        if not cvr:
            row.error("company_cvr", _("This field is required."))
            return None
        if self._company_ids is None:
            self._company_ids = dict(db.session.execute(
                select(Company.cvr, Company.id).where(Company.partnership_id == self.partnership.id)).all())
        company_id = self._company_ids.get(cvr)
        if company_id is None:
            row.error("company_cvr", _("No company with CVR number %(cvr)s in the partnership's network.",
                                       cvr=cvr))
        return company_id

    def _warn(self, row: _Row, column: str, message: str) -> None:
        self.report.warnings.append(row.problem(column, message))

    # One row per kind ------------------------------------------------------------------------------------

    def companies(self, row: _Row) -> None:
        formdata = row_formdata(row, CompanyForm, _COMPANY_FORM_FIELDS)
        kind = row.values.get("kind", "")
        code = COMPANY_KINDS.read(kind) if kind else CompanyKind.ORDINARY.value
        if code is None:
            row.error("kind", _("Use %(kinds)s.", kinds=COMPANY_KINDS.listing(csv_language())))
        else:
            formdata["kind"] = code
        form = self._bound(formdata, lambda data: bound_form(
            _ImportCompanyForm, data, taken=set(db.session.scalars(select(Company.cvr)))))
        data = validate(row, form, _FIELD_COLUMNS)
        cvr = form.cvr.data
        if "cvr" not in form.errors and cvr:
            first = self._seen_cvrs.setdefault(cvr, row.line)
            if first != row.line:
                row.error("cvr", _("The CVR number %(cvr)s is also on line %(line)s.", cvr=cvr, line=first))
        if data is None:
            return
        postcode, wanted = data["postcode"], _sorted_words(data["name"])
        registered, registered_names = self._registered_in(postcode)
        matches = process.extract(wanted, registered_names, scorer=fuzz.ratio,
                                  score_cutoff=services.DUPLICATE_THRESHOLD, limit=None)
        if matches:  # the most similar, as services.likely_duplicate chooses
            best = max(matches, key=lambda match: (match[1], match[2]))
            other, cvr = registered[best[2]]
            self._warn(row, "name", _(
                "%(name)s looks like %(other)s (CVR %(cvr)s), already registered in postcode %(code)s.",
                name=data["name"], other=other, cvr=cvr, code=postcode))
        seen, seen_names = self._seen_companies.setdefault(postcode, ([], []))
        matches = process.extract(wanted, seen_names, scorer=fuzz.ratio,
                                  score_cutoff=services.DUPLICATE_THRESHOLD, limit=None)
        if matches:  # the first such line of the file
            line, name = seen[min(match[2] for match in matches)]
            self._warn(row, "name", _("%(name)s looks like %(other)s on line %(line)s, in the same postcode.",
                                      name=data["name"], other=name, line=line))
        seen.append((row.line, data["name"]))
        seen_names.append(wanted)
        self.valid.append((row.line, data, None))

    def _registered_in(self, postcode: str) -> tuple[list[tuple[str, str]], list[str]]:
        """The partnership's companies in a postcode: (name, CVR) and their names as compared; all read at once."""
        if self._registered is None:
            self._registered = {}
            stmt = select(Company.postcode, Company.name, Company.cvr).where(
                Company.partnership_id == self.partnership.id).order_by(Company.id)
            for code, name, cvr in db.session.execute(stmt):
                companies, names = self._registered.setdefault(code, ([], []))
                companies.append((name, cvr))
                names.append(_sorted_words(name))
        return self._registered.get(postcode, ([], []))

    def mentors(self, row: _Row) -> None:
        company_id = self._company_id(row)
        formdata = row_formdata(row, MentorForm, _MENTOR_FORM_FIELDS)
        form = self._bound(formdata, lambda data: bound_form(_ImportMentorForm, data))
        data = validate(row, form, _FIELD_COLUMNS)
        if data is None or company_id is None:
            return
        self._name_warning(row, company_id, "name", data["name"],
                           _("The company already has a mentor named %(name)s."))
        self.valid.append((row.line, data, company_id))

    def job_functions(self, row: _Row) -> None:
        company_id = self._company_id(row)
        formdata = row_formdata(row, JobFunctionForm, _JOB_FORM_FIELDS)
        mentor = None
        email = row.values.get("mentor_email", "").casefold()
        formdata["mentor_id"] = "0"
        if email and company_id is not None:
            mentor = self._mentor(company_id, email)
            if mentor is None:
                row.error("mentor_email", _("%(email)s is not a mentor of this company.",
                                            email=row.values["mentor_email"]))
            else:
                formdata["mentor_id"] = str(mentor[0])
        uri = row.values.get("occupation_uri", "")
        if uri:
            occupation_id = self._occupations().get(uri)
            if occupation_id is None:
                row.error("occupation_uri", _("Unknown occupation: no ESCO occupation has this URI."))
            else:
                formdata["occupation_id"] = str(occupation_id)
        form = self._bound(formdata, lambda data: bound_form(
            _ImportJobFunctionForm, data, occupation_ids=set(self._occupations().values())))
        form.offer(mentor)
        data = validate(row, form, _FIELD_COLUMNS)
        if data is None or company_id is None:
            return
        self._name_warning(row, company_id, "title", data["title"],
                           _("The company already has a job function called %(name)s."))
        self.valid.append((row.line, data, company_id))

    def _mentor(self, company_id: int, email: str) -> tuple[int, str] | None:
        """The (id, name) of the company's mentor with this e-mail (folded), the first by name; None if none."""
        if self._mentors is None:  # the partnership's mentors, read once
            self._mentors = {}
            stmt = select(Mentor.company_id, Mentor.email, Mentor.id, Mentor.name).join(Mentor.company).where(
                Company.partnership_id == self.partnership.id, Mentor.email != "").order_by(Mentor.name, Mentor.id)
            for mentor_company, mentor_email, ident, name in db.session.execute(stmt):
                self._mentors.setdefault((mentor_company, mentor_email.casefold()), (ident, name))
        return self._mentors.get((company_id, email))

    def _occupations(self) -> dict[str, int]:
        """The known occupations' ids by URI, read once."""
        from placement.occupations.models import Occupation

        if self._occupation_ids is None:
            self._occupation_ids = dict(db.session.execute(select(Occupation.uri, Occupation.id)).all())
        return self._occupation_ids

    def _name_warning(self, row: _Row, company_id: int, column: str, name: str, message: str) -> None:
        """Warn of a mentor's or job function's name the company has already, or has on an earlier line."""
        if self._existing_names is None:  # the names of the partnership's mentors (job functions), read once
            model, named = (Mentor, Mentor.name) if self.kind == MENTORS else (JobFunction, JobFunction.title)
            stmt = select(model.company_id, named).join(model.company).where(
                Company.partnership_id == self.partnership.id)
            self._existing_names = {}
            for company, existing in db.session.execute(stmt):
                self._existing_names.setdefault(company, set()).add(normalise(existing))
        key = normalise(name)
        if key in self._existing_names.get(company_id, ()):
            self._warn(row, column, message % {"name": name})
        first = self._seen_names.setdefault((company_id, key), row.line)
        if first != row.line:
            self._warn(row, column, _("%(name)s is also on line %(line)s for the same company.", name=name,
                                      line=first))

    # Creating --------------------------------------------------------------------------------------------

    def create(self) -> int:
        """Insert the valid rows at once, with their audit entries; return how many."""
        model = _MODELS[self.kind]
        table = model.__table__
        connection = db.session.connection()
        if self.kind == COMPANIES:  # with one audit entry naming every new company
            rows = [services.company_values(self.partnership, data) for _line, data, _company in self.valid]
            ids = insert_many(connection, table, rows)
            record_bulk_create(connection, Company, ids, self.partnership.id)
            return len(ids)
        if self.kind == JOB_FUNCTIONS:
            self._link_occupations()
        # The column values the page's services would set (on a record never added to the session), defaults too.
        apply = services.apply_mentor if self.kind == MENTORS else services.apply_job_function
        rows = with_defaults(table, [{**_column_values(apply(model(), data), table), "company_id": company_id}
                                     for _line, data, company_id in self.valid])
        for row, ident in zip(rows, insert_many(connection, table, rows), strict=True):
            row["id"] = ident
        record_creates(connection, model, rows, self.partnership.id)  # one entry each, as a page's change
        return len(rows)

    def _link_occupations(self) -> None:
        """Give each job function without an occupation the one its title names unambiguously, and count."""
        report = self.report
        resolver = services.TitleResolver() if report.auto_link else None
        for _line, data, _company in self.valid:
            if data.get("occupation_id"):
                continue
            occupation_id = resolver.occupation_id(data["title"]) if resolver is not None else None
            if occupation_id is None:
                report.without_occupation += 1
            else:
                data["occupation_id"] = occupation_id
                report.auto_linked += 1


def _column_values(record, table) -> dict:
    """The column values set on a new record that is not in the session, by column key."""
    state = vars(record)
    return {column.key: state[column.key] for column in table.columns if column.key in state}


def import_csv(kind: str, stream_or_text, partnership: Partnership,
               progress: Callable[[int], object] | None = None, *, auto_link: bool = True) -> ImportReport:
    """Import a CSV file of one kind into a partnership's network, all or nothing; the caller commits.

    ``stream_or_text`` is text, bytes or a text or binary file object. ``progress`` is called with the
    number of physical lines consumed as the rows are read. ``auto_link``: link job functions imported without
    an occupation to the one their title names unambiguously (a ``JobFunctionReport`` counts them).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    report = JobFunctionReport(kind, auto_link=auto_link) if kind == JOB_FUNCTIONS else ImportReport(kind)
    importer = _Importer(kind, partnership, report)
    read_rows(stream_or_text, COLUMNS[kind], REQUIRED[kind], report, getattr(importer, kind), progress)
    if report.errors:
        return report
    report.imported = importer.create()
    return report


# Writing -----------------------------------------------------------------------------------------------------

def _company_row(c: Company, language: str) -> list:
    return [c.cvr, c.name, COMPANY_KINDS.word(c.kind, language), c.address, c.postcode, c.town, c.industry,
            c.employees, c.contact_name, c.contact_email, c.contact_phone, c.notes, yes_no(c.active, language)]


def _mentor_row(m: Mentor, language: str) -> list:
    return [m.company.cvr, m.name, m.email, m.phone, m.experience_level, m.experience_notes, m.max_interns,
            yes_no(m.active, language)]


def _job_function_row(j: JobFunction, language: str) -> list:
    return [j.company.cvr, j.title, j.tasks, j.occupation.uri if j.occupation else "", j.hours_min, j.hours_max,
            j.places, j.mentor.email if j.mentor else "", j.location_address, j.location_postcode,
            yes_no(j.active, language), *(getattr(j, key) for key in DIMENSION_KEYS)]


def _rows(kind: str, companies: Iterable[Company], language: str) -> Iterator[list]:
    for company in companies:
        if kind == COMPANIES:
            yield _company_row(company, language)
        elif kind == MENTORS:
            yield from (_mentor_row(m, language) for m in company.mentors)
        else:
            yield from (_job_function_row(j, language) for j in company.job_functions)


def write_csv(kind: str, rows: Iterable[list], language: str = DANISH) -> str:
    """Write rows of one kind in the import format, the header in a language: ``;``, UTF-8 with byte-order mark,
    CRLF, formulas escaped."""
    return _write_csv(column_names(COLUMNS[kind], language), rows)


def export_csv(kind: str, companies: Iterable[Company], language: str = DANISH) -> str:
    """Return these companies (or their mentors or job functions) as CSV text that Danish Excel opens.

    The column names and the words (a company's kind, ja/nej) are in ``language``; no internal ids: a
    company is named by its CVR number, a mentor by e-mail, as the import reads them."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return write_csv(kind, _rows(kind, companies, language), language)


def export_select() -> Select:
    """Return the companies to export, ordered, with what the exports read loaded up front."""
    return select(Company).options(
        selectinload(Company.mentors),
        selectinload(Company.job_functions).selectinload(JobFunction.occupation),
        selectinload(Company.job_functions).selectinload(JobFunction.mentor),
    ).order_by(Company.name, Company.cvr)


EXAMPLE_CVR = "12345674"


def _example(kind: str, language: str) -> list:
    yes = yes_no(True, language)
    if kind == COMPANIES:
        return [EXAMPLE_CVR, "Eksempel Lager ApS", COMPANY_KINDS.word(CompanyKind.ORDINARY, language),
                "Eksempelvej 1", "8900", "Randers C", "Lager og logistik", 25, "Anne Jensen", "anne@example.dk",
                "12345678", "Har haft praktikanter før.", yes]
    if kind == MENTORS:
        return [EXAMPLE_CVR, "Anne Jensen", "anne@example.dk", "12345678", 3, "Har været mentor for to unge.", 2,
                yes]
    return [EXAMPLE_CVR, "Lagermedarbejder", "Pakning af varer, opfyldning af hylder", "", 10, 25, 1,
            "anne@example.dk", "", "", yes,
            *({"structure": 4, "predictability": 4, "pace": 2}.get(key, 3) for key in DIMENSION_KEYS)]


def example_csv(kind: str, language: str = DANISH) -> str:
    """Return an example file with one valid row in a language (import companies, then mentors, then job
    functions)."""
    return write_csv(kind, [_example(kind, language)], language)
