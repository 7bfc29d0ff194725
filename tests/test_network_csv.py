"""CSV import and export of companies, mentors and job functions (service, pages and CLI)."""

import csv
import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from placement import revisions
from placement.audit.models import AuditEvent
from placement.auth.models import Partnership, Role
from placement.extensions import db
from placement.network import csvio
from placement.network.csvio import COMPANIES, JOB_FUNCTIONS, MENTORS, RowError, escape_formula
from placement.network.cvr import cvr_error
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.occupations.models import Occupation
from placement.profile import DIMENSION_KEYS
from tests import factories

COMPANY_COLUMNS = csvio.COLUMNS[COMPANIES]
OCCUPATION_URI = "http://data.europa.eu/esco/occupation/test-lager"


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English; outside a request the locale would otherwise be looked up in the session."""
    with force_locale("en"):
        yield


def make_csv(columns, rows, *, delimiter=";", bom=False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    return ("\ufeff" if bom else "") + out.getvalue()


def company_row(cvr=None, **fields) -> dict:
    row = {"cvr": cvr or factories.cvr(), "name": f"Firma {cvr or ''} ApS", "postcode": "8900"}
    row.update(fields)
    return row


def bad_cvr() -> str:
    good = factories.cvr()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert cvr_error(bad)
    return bad


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def where(report) -> set[tuple[int, str]]:
    return {(e.line, e.column) for e in report.errors}


def import_companies(partnership, rows, **kwargs):
    return csvio.import_csv(COMPANIES, make_csv(COMPANY_COLUMNS, rows, **kwargs), partnership)


# Import: companies -------------------------------------------------------------------------------------------

def test_import_companies_fills_town_and_coordinates(partnership):
    cvrs = [factories.cvr() for _ in range(3)]
    rows = [
        company_row(cvrs[0], name="Lager A/S", kind="ordinary", address="Vej 1", employees="25",
                    contact_email="a@example.dk", active="1"),
        company_row(cvrs[1], name="Værkstedet", kind="socialøkonomisk", town="randers c", active="nej"),
        company_row(cvrs[2], name="Kantinen", kind="", active=""),
    ]
    report = import_companies(partnership, rows)
    assert report.ok, report.errors
    assert (report.rows, report.imported) == (3, 3)
    db.session.commit()

    companies = {c.cvr: c for c in db.session.scalars(select(Company))}
    assert len(companies) == 3
    first, second, third = (companies[c] for c in cvrs)
    assert first.partnership_id == partnership.id
    assert (first.name, first.kind, first.address, first.employees, first.active) == (
        "Lager A/S", CompanyKind.ORDINARY, "Vej 1", 25, True)
    assert all(c.town == "Randers C" and c.latitude and c.longitude for c in companies.values())
    assert (second.kind, second.active) == (CompanyKind.SOCIAL_ECONOMIC, False)
    assert (third.kind, third.active, third.employees) == (CompanyKind.ORDINARY, True, None)


def test_an_import_logs_one_audit_entry_naming_every_company_it_created(runner, partnership):
    earlier = factories.company(partnership).id  # created on a page: an entry of its own
    rows = [company_row() for _ in range(3)]
    assert import_companies(partnership, rows).imported == 3
    db.session.commit()
    [entry] = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "companies",
                                                          AuditEvent.entity_id == "import")).all()
    imported = db.session.scalars(select(Company.id).where(Company.cvr.in_([r["cvr"] for r in rows]))).all()
    assert sorted(entry.records) == sorted(imported) and earlier not in entry.records
    assert (entry.action, entry.partnership_id, entry.changes) == ("create", partnership.id, {"count": [None, 3]})
    db.session.remove()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_one_bad_cvr_among_a_hundred_lines_imports_nothing(partnership):
    rows = [company_row() for _ in range(99)]
    rows[55]["cvr"] = bad_cvr()  # header is line 1, so rows[55] is line 57
    report = import_companies(partnership, rows)
    assert report.imported == 0
    assert [(e.line, e.column) for e in report.errors] == [(57, "cvr")]
    assert "last digit does not fit the others" in report.errors[0].message
    assert report.rows == 99
    assert count(Company) == 0


def test_every_bad_line_is_reported(partnership):
    rows = [
        company_row(),
        company_row(bad_cvr()),                   # line 3
        company_row(name=""),                     # line 4
        company_row(postcode="12"),               # line 5
        company_row(active="maybe"),              # line 6
        company_row(kind="weird"),                # line 7
        company_row(employees="many"),            # line 8
        company_row(contact_email="not-an-email"),  # line 9
        company_row(),
    ]
    report = import_companies(partnership, rows)
    assert not report.ok and report.imported == 0
    assert where(report) >= {(3, "cvr"), (4, "name"), (5, "postcode"), (6, "active"), (7, "kind"),
                             (8, "employees"), (9, "contact_email")}
    assert {e.line for e in report.errors} == {3, 4, 5, 6, 7, 8, 9}
    assert all(isinstance(e.message, str) and e.message for e in report.errors)
    assert count(Company) == 0


def test_a_scale_out_of_range_and_a_word_for_a_number_have_one_specific_message_each(partnership):
    report = import_companies(partnership, [company_row(employees="many")])
    assert report.errors == [RowError(2, "employees", "Not a valid integer value.")]
    dims = {"structure": "9", "pace": "high", "predictability": "3.5"}
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv([{"company_cvr": factories.cvr(), "title": "Opvask", **dims}]),
                              partnership)
    scale = sorted((e.column, e.message) for e in report.errors if e.column in dims)
    assert scale == sorted((column, "Choose a whole number from 1 to 5.") for column in dims)
    report = csvio.import_csv(MENTORS, mentor_csv([{"company_cvr": factories.cvr(), "name": "Anne",
                                                    "experience_level": "0", "max_interns": "two"}]), partnership)
    messages = {e.column: e.message for e in report.errors}
    assert messages["experience_level"] == "Choose a whole number from 1 to 5."
    assert messages["max_interns"] == "Not a valid integer value."
    assert len([e for e in report.errors if e.column == "max_interns"]) == 1


def test_unknown_postcode(partnership):
    report = import_companies(partnership, [company_row(postcode="9999")])
    assert report.errors == [RowError(2, "postcode", "9999 is not a Danish postcode.")]


def test_town_must_match_postcode(partnership):
    report = import_companies(partnership, [company_row(postcode="8900", town="Aarhus C")])
    assert report.errors == [RowError(2, "town", "Postcode 8900 is Randers C, not Aarhus C.")]


def test_missing_required_columns_are_one_error(partnership):
    report = csvio.import_csv(COMPANIES, make_csv(["name", "town"], [["Firma", "Randers C"]]), partnership)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.line == 1 and "cvr" in error.message and "postcode" in error.message
    assert count(Company) == 0


def test_unknown_columns_are_named(partnership):
    text = make_csv(["cvr", "name", "postcode", "fax", "Homepage"], [[factories.cvr(), "Firma", "8900", "", ""]])
    report = csvio.import_csv(COMPANIES, text, partnership)
    assert len(report.errors) == 1
    assert report.errors[0].line == 1
    assert "fax" in report.errors[0].message and "Homepage" in report.errors[0].message  # as the file names it
    assert report.errors[0].column == "fax, Homepage"


def test_danish_column_names_and_words_import_in_any_case(partnership):
    cvrs = [factories.cvr() for _ in range(2)]
    text = make_csv(["CVR-nummer", "navn", "TYPE", "Postnummer", "kontaktpersonens   e-mail", "Aktiv"],
                    [[cvrs[0], "Værkstedet", "Socialøkonomisk", "8900", "a@example.dk", "Nej"],
                     [cvrs[1], "Lageret", "almindelig", "8900", "", "ja"]])
    report = csvio.import_csv(COMPANIES, text, partnership)
    assert report.ok, report.errors
    db.session.commit()
    companies = {c.cvr: c for c in db.session.scalars(select(Company))}
    assert (companies[cvrs[0]].kind, companies[cvrs[0]].active, companies[cvrs[0]].contact_email) == (
        CompanyKind.SOCIAL_ECONOMIC, False, "a@example.dk")
    assert (companies[cvrs[1]].kind, companies[cvrs[1]].active) == (CompanyKind.ORDINARY, True)


def test_errors_name_the_column_as_the_file_does(partnership):
    text = make_csv(["CVR-nummer", "Navn", "Postnummer", "Type", "Aktiv"],
                    [[bad_cvr(), "Firma", "8900", "offentlig", "måske"]])
    report = csvio.import_csv(COMPANIES, text, partnership)
    assert where(report) == {(2, "CVR-nummer"), (2, "Type"), (2, "Aktiv")}
    [kind] = [e for e in report.errors if e.column == "Type"]
    assert "ordinary" in kind.message and "social_economic" in kind.message  # the words of the user's language
    with force_locale("da"):
        report = csvio.import_csv(COMPANIES, text, partnership)
    [kind] = [e for e in report.errors if e.column == "Type"]
    assert "almindelig" in kind.message and "socialøkonomisk" in kind.message
    # A column the file lacks is named in the file's language; a column given twice (in both languages) is refused.
    missing = csvio.import_csv(COMPANIES, make_csv(["Navn", "By"], [["Firma", "Randers C"]]), partnership)
    assert [(e.line, e.column) for e in missing.errors] == [(1, "CVR-nummer, Postnummer")]
    doubled = csvio.import_csv(COMPANIES, make_csv(["cvr", "navn", "name", "postcode"],
                                                   [[factories.cvr(), "A", "A", "8900"]]), partnership)
    assert [(e.line, e.column) for e in doubled.errors] == [(1, "navn, name")]
    assert count(Company) == 0


def test_column_order_is_free_and_optional_columns_may_be_left_out(partnership):
    cvr = factories.cvr()
    report = csvio.import_csv(COMPANIES, make_csv(["postcode", "name", "cvr"], [["8900", "Firma", cvr]]),
                              partnership)
    assert report.ok and report.imported == 1
    assert db.session.scalar(select(Company.town).where(Company.cvr == cvr)) == "Randers C"


def test_duplicate_cvr_within_the_file_names_the_first_line(partnership):
    cvr = factories.cvr()
    report = import_companies(partnership, [company_row(cvr), company_row(), company_row(cvr)])
    assert where(report) == {(4, "cvr")}
    assert "line 2" in report.errors[0].message
    assert count(Company) == 0


def test_duplicate_cvr_against_the_database(partnership, other_partnership):
    existing = factories.company(other_partnership)
    report = import_companies(partnership, [company_row(), company_row(existing.cvr)])
    assert where(report) == {(3, "cvr")}
    assert "already registered" in report.errors[0].message
    assert count(Company) == 1


@pytest.mark.parametrize(("delimiter", "bom", "as_bytes"), [(";", True, True), (",", False, True),
                                                            (",", False, False), (";", True, False)])
def test_bom_semicolon_and_plain_comma_files_are_accepted(partnership, delimiter, bom, as_bytes):
    rows = [company_row(name="Smed, Hansen & Søn"), company_row(name="Æblehaven")]
    text = make_csv(COMPANY_COLUMNS, rows, delimiter=delimiter, bom=bom)
    report = csvio.import_csv(COMPANIES, text.encode("utf-8") if as_bytes else text, partnership)
    assert report.ok, report.errors
    assert set(db.session.scalars(select(Company.name))) == {"Smed, Hansen & Søn", "Æblehaven"}


def test_file_object_and_lf_line_endings(partnership):
    text = make_csv(COMPANY_COLUMNS, [company_row()]).replace("\r\n", "\n")
    assert csvio.import_csv(COMPANIES, io.BytesIO(text.encode()), partnership).imported == 1


def test_not_utf8_is_refused(partnership):
    text = make_csv(COMPANY_COLUMNS, [company_row(name="Grøn Gård")])
    report = csvio.import_csv(COMPANIES, text.encode("cp1252"), partnership)
    assert not report.ok and "UTF-8" in report.errors[0].message
    assert report.errors[0].line == 2


def test_empty_file_and_header_only(partnership):
    assert not csvio.import_csv(COMPANIES, b"", partnership).ok
    report = csvio.import_csv(COMPANIES, make_csv(COMPANY_COLUMNS, []), partnership)
    assert not report.ok and report.imported == 0


def test_line_numbers_are_physical_lines(partnership):
    rows = [company_row(notes="first line\nsecond line\nthird line"), company_row(), company_row(bad_cvr())]
    text = make_csv(COMPANY_COLUMNS, rows).replace("\r\n", "\r\n\r\n", 1)  # a blank line after the header
    seen = []
    report = csvio.import_csv(COMPANIES, text, partnership, progress=seen.append)
    # header 1, blank 2, multi-line notes 3-5, good row 6, bad row 7
    assert where(report) == {(7, "cvr")}
    assert report.rows == 3
    assert sum(seen) == 7


def test_likely_duplicate_names_warn_without_blocking(partnership):
    factories.company(partnership, name="Hansens Maskinstation ApS")
    rows = [company_row(name="Hansens Maskinstation Aps."), company_row(name="Grøn Gård"),
            company_row(name="Grøn Gaard")]
    report = import_companies(partnership, rows)
    assert report.ok and report.imported == 3
    assert {(w.line, w.column) for w in report.warnings} == {(2, "name"), (4, "name")}
    assert "line 3" in report.warnings[1].message


def test_formula_prefix_is_removed_on_import(partnership):
    report = import_companies(partnership, [company_row(name="'=Firma", contact_phone="'+45 12 34 56 78")])
    assert report.ok
    company = db.session.scalar(select(Company))
    assert (company.name, company.contact_phone) == ("=Firma", "+45 12 34 56 78")


# Import: mentors and job functions ---------------------------------------------------------------------------

@pytest.fixture
def imported_companies(partnership):
    cvrs = [factories.cvr(), factories.cvr()]
    report = import_companies(partnership, [company_row(cvrs[0], name="Lager A/S"),
                                            company_row(cvrs[1], name="Kantinen", postcode="8000")])
    assert report.ok
    db.session.commit()
    return cvrs


def mentor_csv(rows) -> str:
    return make_csv(csvio.COLUMNS[MENTORS], rows)


def job_csv(rows) -> str:
    return make_csv(csvio.COLUMNS[JOB_FUNCTIONS], rows)


def test_mentors_and_job_functions_reference_imported_companies(partnership, imported_companies):
    lager, kantine = imported_companies
    db.session.add(Occupation(uri=OCCUPATION_URI, isco_group="9333", label="lagerarbejder"))
    db.session.commit()
    report = csvio.import_csv(MENTORS, mentor_csv([
        {"company_cvr": lager, "name": "Anne Jensen", "email": "Anne@Example.dk", "experience_level": "4",
         "max_interns": "2", "experience_notes": "Har haft mange praktikanter."},
        {"company_cvr": kantine, "name": "Bo Holm", "active": "0"},
    ]), partnership)
    assert report.ok, report.errors
    assert report.imported == 2
    db.session.commit()

    dims = dict(zip(DIMENSION_KEYS, ["5", "4", "2", "1", "3", "2", "4"], strict=True))
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv([
        {"company_cvr": lager, "title": "Lagermedarbejder", "tasks": "Pakning", "occupation_uri": OCCUPATION_URI,
         "hours_min": "8", "hours_max": "20", "places": "2", "mentor_email": "anne@example.dk", **dims},
        {"company_cvr": kantine, "title": "Køkkenhjælper", "location_address": "Torvet 1",
         "location_postcode": "8900"},
    ]), partnership)
    assert report.ok, report.errors
    assert report.imported == 2
    db.session.commit()

    anne = db.session.scalar(select(Mentor).where(Mentor.name == "Anne Jensen"))
    bo = db.session.scalar(select(Mentor).where(Mentor.name == "Bo Holm"))
    assert (anne.company.cvr, anne.experience_level, anne.max_interns, anne.active) == (lager, 4, 2, True)
    assert (bo.company.cvr, bo.experience_level, bo.max_interns, bo.active) == (kantine, 3, 1, False)
    lagerjob = db.session.scalar(select(JobFunction).where(JobFunction.title == "Lagermedarbejder"))
    assert lagerjob.mentor_id == anne.id and lagerjob.occupation.uri == OCCUPATION_URI
    assert (lagerjob.hours_min, lagerjob.hours_max, lagerjob.places) == (8, 20, 2)
    assert lagerjob.profile() == {k: int(v) for k, v in dims.items()}
    kitchen = db.session.scalar(select(JobFunction).where(JobFunction.title == "Køkkenhjælper"))
    assert kitchen.mentor_id is None and kitchen.location_town == "Randers C" and kitchen.latitude
    assert (kitchen.hours_min, kitchen.hours_max, kitchen.places) == (10, 30, 1)
    assert kitchen.profile() == dict.fromkeys(DIMENSION_KEYS, 3)


def test_mentor_company_must_be_in_the_partnership(partnership, other_partnership, imported_companies):
    foreign = factories.company(other_partnership)
    report = csvio.import_csv(MENTORS, mentor_csv([
        {"company_cvr": imported_companies[0], "name": "Anne"},
        {"company_cvr": foreign.cvr, "name": "Bo"},
        {"company_cvr": factories.cvr(), "name": "Carl"},
        {"company_cvr": "", "name": "Dorte"},
        {"company_cvr": imported_companies[0], "name": "", "experience_level": "9", "max_interns": "x"},
    ]), partnership)
    assert where(report) == {(3, "company_cvr"), (4, "company_cvr"), (5, "company_cvr"), (6, "name"),
                             (6, "experience_level"), (6, "max_interns")}
    assert count(Mentor) == 0


def test_job_function_checks(partnership, other_partnership, imported_companies):
    lager, kantine = imported_companies
    company = db.session.scalar(select(Company).where(Company.cvr == kantine))
    factories.mentor(company, name="Bo", email="bo@example.dk")
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv([
        {"company_cvr": kantine, "title": "Opvask", "mentor_email": "BO@example.dk"},
        {"company_cvr": lager, "title": "Pakning", "mentor_email": "bo@example.dk"},
        {"company_cvr": lager, "title": "Pakning", "occupation_uri": "http://example.test/nope"},
        {"company_cvr": lager, "title": "Pakning", "hours_min": "20", "hours_max": "10"},
        {"company_cvr": lager, "title": "Pakning", "location_postcode": "9999", "structure": "6"},
    ]), partnership)
    assert where(report) == {(3, "mentor_email"), (4, "occupation_uri"), (5, "hours_max"),
                             (6, "location_postcode"), (6, "structure")}
    assert count(JobFunction) == 0


def test_mentor_and_job_function_errors_name_line_and_column_in_danish(partnership, imported_companies):
    lager, _kantine = imported_companies
    unknown = factories.cvr()
    text = make_csv(["Virksomhedens CVR-nummer", "Titel", "Mentorens e-mail", "Stillingsbetegnelse (ESCO-URI)",
                     "Timer om ugen fra", "Timer om ugen til"],
                    [[lager, "Pakning", "", "", "", ""], [lager, "Opvask", "x@example.dk", "", "", ""],
                     [lager, "Lager", "", "http://example.test/nope", "20", "10"],
                     [unknown, "Kantine", "", "", "", ""]])
    with force_locale("da"):
        report = csvio.import_csv(JOB_FUNCTIONS, text, partnership)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "Mentorens e-mail", "x@example.dk er ikke mentor i denne virksomhed."),
        (4, "Stillingsbetegnelse (ESCO-URI)",
         "Ukendt stillingsbetegnelse: ingen ESCO-stillingsbetegnelse har denne URI."),
        (4, "Timer om ugen til", "Skal være mindst den nedre grænse (20)."),
        (5, "Virksomhedens CVR-nummer", f"Der er ingen virksomhed med CVR-nummer {unknown} i partnerskabets netværk."),
    ]
    assert report.imported == 0 and count(JobFunction) == 0  # the good first line is not imported either


def test_a_name_the_company_has_already_or_on_an_earlier_line_is_a_warning(partnership, imported_companies):
    lager, kantine = imported_companies
    company = db.session.scalar(select(Company).where(Company.cvr == lager))
    factories.mentor(company, name="Anne Jensen")
    factories.job_function(company, title="Pakning")
    report = csvio.import_csv(MENTORS, mentor_csv([
        {"company_cvr": lager, "name": "anne jensen"}, {"company_cvr": kantine, "name": "Anne Jensen"},
        {"company_cvr": kantine, "name": "Anne Jensen"}]), partnership)
    assert report.ok and report.imported == 3
    assert [(w.line, w.column, w.message) for w in report.warnings] == [
        (2, "name", "The company already has a mentor named anne jensen."),
        (4, "name", "Anne Jensen is also on line 3 for the same company.")]
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv([
        {"company_cvr": kantine, "title": "Pakning"}, {"company_cvr": lager, "title": "PAKNING"}]), partnership)
    assert report.ok and [(w.line, w.message) for w in report.warnings] == [
        (3, "The company already has a job function called PAKNING.")]


def test_imported_mentors_and_job_functions_are_logged_one_entry_each_as_a_page_logs_them(runner, partnership,
                                                                                          imported_companies):
    lager, kantine = imported_companies
    company = db.session.scalar(select(Company).where(Company.cvr == lager))
    by_page = factories.mentor(company, name="Bo Holm", email="bo@example.dk", phone="12345678",
                               experience_level=4, max_interns=2)
    table = Partnership.__table__
    before = db.session.execute(select(table.c.network_revision).where(table.c.id == partnership.id)).scalar_one()
    report = csvio.import_csv(MENTORS, mentor_csv([
        {"company_cvr": lager, "name": "Anne Jensen", "email": "anne@example.dk", "phone": "87654321",
         "experience_level": "4", "max_interns": "2"},
        {"company_cvr": kantine, "name": "Carl"}]), partnership)
    assert report.imported == 2
    db.session.commit()
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv([
        {"company_cvr": lager, "title": "Pakning", "mentor_email": "anne@example.dk", "location_postcode": "8000"}]),
        partnership)
    assert report.imported == 1
    db.session.commit()

    entries = {(e.entity, e.entity_id): e for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity.in_(["mentors", "job_functions"])))}
    anne = db.session.scalar(select(Mentor).where(Mentor.name == "Anne Jensen"))
    carl = db.session.scalar(select(Mentor).where(Mentor.name == "Carl"))
    job = db.session.scalar(select(JobFunction).where(JobFunction.title == "Pakning"))
    assert len(entries) == 4  # Bo's, made on a page, and one per imported record
    logged = entries[("mentors", str(anne.id))]
    assert (logged.action, logged.partnership_id) == ("create", partnership.id)
    assert logged.changes.keys() == entries[("mentors", str(by_page.id))].changes.keys()
    # Personal fields are logged as set, never with their value; the rest as the page logs them.
    assert logged.changes["name"] == logged.changes["email"] == logged.changes["phone"] == [None, "changed"]
    assert (logged.changes["id"], logged.changes["company_id"], logged.changes["max_interns"]) == (
        [None, anne.id], [None, company.id], [None, 2])
    assert entries[("mentors", str(carl.id))].changes["experience_level"] == [None, 3]
    logged = entries[("job_functions", str(job.id))].changes
    assert (logged["title"], logged["mentor_id"], logged["location_town"], logged["hours_min"]) == (
        [None, "Pakning"], [None, anne.id], [None, "Aarhus C"], [None, 10])
    assert (job.mentor_id, job.location_town, job.latitude is not None, job.version) == (anne.id, "Aarhus C", True, 1)
    # The network's caches see the change and follow the few rows inserted in bulk one by one (not built again).
    after, reset = db.session.execute(select(table.c.network_revision, table.c.network_reset_revision)
                                      .where(table.c.id == partnership.id)).one()
    assert after > before and reset <= before
    assert revisions.network_changes(partnership.id, before) == revisions.NetworkChanges(
        frozenset(), frozenset({anne.id, carl.id}), frozenset({job.id}))
    db.session.remove()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_mentors_in_a_companies_file_are_refused(partnership):
    report = csvio.import_csv(MENTORS, make_csv(COMPANY_COLUMNS, [company_row()]), partnership)
    assert not report.ok and report.errors[0].line == 1


@pytest.mark.parametrize("language", ["da", "en"])
def test_example_files_import_in_order(partnership, language):
    for kind in csvio.KINDS:
        report = csvio.import_csv(kind, csvio.example_csv(kind, language), partnership)
        assert report.ok, (kind, report.errors)
        assert report.imported == 1
    db.session.commit()
    company = db.session.scalar(select(Company))
    assert (company.cvr, company.postcode, company.town) == (csvio.EXAMPLE_CVR, "8900", "Randers C")
    assert cvr_error(csvio.EXAMPLE_CVR) is None
    assert company.job_functions[0].mentor is company.mentors[0]


# Export ------------------------------------------------------------------------------------------------------

def parse(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def export(kind, partnership=None, language="da") -> str:
    stmt = csvio.export_select()
    if partnership is not None:
        stmt = stmt.where(Company.partnership_id == partnership.id)
    return csvio.export_csv(kind, db.session.scalars(stmt), language)


def test_export_format_and_values(partnership):
    company = factories.company(partnership, name="Lager A/S", cvr=factories.cvr(), employees=7,
                                notes="To linjer\nher", active=False, kind=CompanyKind.SOCIAL_ECONOMIC)
    mentor = factories.mentor(company, name="Anne", email="anne@example.dk", experience_level=5)
    factories.job_function(company, title="Pakning", mentor=mentor, hours_min=5, hours_max=15, structure=1)

    text = export(COMPANIES)  # Danish: the header on the first line, the words in Danish, no internal ids
    assert text.startswith("\ufeffCVR-nummer;Navn;Type;Adresse;Postnummer;By;")
    assert text.count("\r\n") == 2 and text.endswith(";nej\r\n")  # the break inside the quoted notes stays "\n"
    [row] = parse(text)
    assert row == {"CVR-nummer": company.cvr, "Navn": "Lager A/S", "Type": "socialøkonomisk", "Adresse": "",
                   "Postnummer": "8900", "By": "Randers C", "Branche": "", "Ansatte": "7", "Kontaktperson": "",
                   "Kontaktpersonens e-mail": "", "Kontaktpersonens telefon": "", "Bemærkninger": "To linjer\nher",
                   "Aktiv": "nej"}
    [row] = parse(export(COMPANIES, language="en"))
    assert (list(row)[:3], row["kind"], row["active"]) == (["cvr", "name", "kind"], "social_economic", "no")
    [row] = parse(export(MENTORS, language="en"))
    assert (row["company_cvr"], row["name"], row["email"], row["experience_level"], row["active"]) == (
        company.cvr, "Anne", "anne@example.dk", "5", "yes")
    assert parse(export(MENTORS))[0]["Aktiv"] == "ja"
    [row] = parse(export(JOB_FUNCTIONS, language="en"))
    assert list(row) == list(csvio.COLUMNS[JOB_FUNCTIONS])
    assert (row["company_cvr"], row["title"], row["mentor_email"], row["hours_min"], row["hours_max"],
            row["structure"], row["pace"], row["location_postcode"], row["occupation_uri"]) == (
        company.cvr, "Pakning", "anne@example.dk", "5", "15", "1", "3", "", "")


@pytest.mark.parametrize("language", ["da", "en"])
def test_export_reimports_unchanged(partnership, language):
    db.session.add(Occupation(uri=OCCUPATION_URI, isco_group="9333", label="lagerarbejder"))
    company = factories.company(partnership, name="=Lager A/S", employees=7, notes="To linjer\nher",
                                contact_phone="+45 12 34 56 78", industry="-Lager-")
    other = factories.company(partnership, name="Kantinen", postcode="8000", town="Aarhus C", active=False)
    mentor = factories.mentor(company, name="@Anne", email="anne@example.dk", experience_level=5, max_interns=3)
    factories.mentor(other, name="Bo", active=False)
    occupation = db.session.scalar(select(Occupation))
    factories.job_function(company, title="Pakning", mentor=mentor, occupation=occupation, hours_min=5,
                           hours_max=15, structure=1, places=0)
    factories.job_function(other, title="Opvask", location_address="Torvet 1", location_postcode="8900",
                           location_town="Randers C", active=False)
    before = {kind: export(kind, language=language) for kind in csvio.KINDS}

    for model in (JobFunction, Mentor, Company):
        for obj in db.session.scalars(select(model)):
            db.session.delete(obj)
    db.session.commit()
    assert count(Company) == 0

    for kind in csvio.KINDS:
        report = csvio.import_csv(kind, before[kind], partnership)
        assert report.ok, (kind, report.errors)
        db.session.commit()
    assert {kind: export(kind, language=language) for kind in csvio.KINDS} == before


def test_formula_injection_is_escaped(partnership):
    factories.company(partnership, name="=HYPERLINK(\"http://evil\")", contact_phone="+45 12 34 56 78",
                      industry="@SUM(A1)", contact_name="-Hans", notes="-5", address="+4512345678")
    [row] = parse(export(COMPANIES, language="en"))
    assert row["name"] == "'=HYPERLINK(\"http://evil\")"
    assert row["contact_phone"] == "'+45 12 34 56 78"
    assert row["industry"] == "'@SUM(A1)"
    assert row["contact_name"] == "'-Hans"
    assert row["notes"] == "-5"
    assert row["address"] == "+4512345678"
    assert escape_formula("\tcmd") == "'\tcmd"
    assert escape_formula("-1,5") == "-1,5"
    assert escape_formula("Hansen") == "Hansen"


# Pages -------------------------------------------------------------------------------------------------------

def upload(client, kind: str, content: bytes, filename: str = "x.csv"):
    return client.post("/network/import", data={"kind": kind, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_import_page_shows_columns_and_links(client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    response = client.get("/network/import")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for kind in csvio.KINDS:
        assert f"/network/import/example/{kind}.csv" in page
        assert f"/network/export/{kind}.csv" in page
    for column in (*COMPANY_COLUMNS, *csvio.COLUMNS[JOB_FUNCTIONS]):
        assert f"<code>{column}</code>" in page
    assert " style=" not in page and "<script>" not in page


def test_in_danish_the_pages_and_files_name_columns_and_words_in_danish(client, login, partnership):
    factories.company(partnership, name="Værkstedet", kind=CompanyKind.SOCIAL_ECONOMIC)
    login(factories.user(Role.COORDINATOR, partnership))
    client.post("/language", data={"lang": "da"})
    page = client.get("/network/import").get_data(as_text=True)
    for name in ("CVR-nummer", "Postnummer", "Virksomhedens CVR-nummer", "Mentorens e-mail"):
        assert f"<code>{name}</code>" in page
    assert "<code>cvr</code>" not in page and "<code>postcode</code>" not in page
    assert "almindelig" in page and "social_economic" not in page
    example = client.get("/network/import/example/companies.csv").data.decode("utf-8")
    assert example.startswith("\ufeffCVR-nummer;Navn;Type;") and ";almindelig;" in example
    [row] = parse(client.get("/network/export/companies.csv").data.decode("utf-8"))
    assert (row["Navn"], row["Type"], row["Aktiv"]) == ("Værkstedet", "socialøkonomisk", "ja")
    content = make_csv(["CVR-nummer", "Navn", "Postnummer"], [[bad_cvr(), "Firma", "8900"]], bom=True).encode()
    assert "<td>2</td><td>CVR-nummer</td>" in upload(client, COMPANIES, content).get_data(as_text=True)


def test_upload_with_errors_shows_the_error_table(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    content = make_csv(COMPANY_COLUMNS, [company_row(), company_row(bad_cvr()), company_row(postcode="9999")],
                       bom=True).encode()
    response = upload(client, COMPANIES, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was imported." in page
    assert "<td>3</td><td>cvr</td>" in page
    assert "<td>4</td><td>postcode</td>" in page
    assert "9999 is not a Danish postcode." in page
    assert count(Company) == 0


def test_upload_imports_and_commits(client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    response = upload(client, COMPANIES, make_csv(COMPANY_COLUMNS, [company_row(), company_row()]).encode())
    assert response.status_code == 200
    assert "2 companies were imported." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Company.partnership_id == partnership.id)) == 2


def test_upload_refuses_other_file_types(client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    response = upload(client, COMPANIES, b"cvr;name;postcode\n", filename="x.xlsx")
    assert response.status_code == 200
    assert "Choose a .csv file." in response.get_data(as_text=True)
    assert count(Company) == 0


def test_caseworker_may_not_import_or_export(client, login, partnership):
    login(factories.user(Role.CASEWORKER, partnership))
    assert client.get("/network/import").status_code == 403
    assert upload(client, COMPANIES, make_csv(COMPANY_COLUMNS, [company_row()]).encode()).status_code == 403
    assert client.get("/network/export/companies.csv").status_code == 403
    assert client.get("/network/import/example/companies.csv").status_code == 403
    assert count(Company) == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get("/network/export/companies.csv")
    assert response.status_code in (302, 401)


def test_export_contains_only_the_own_partnership(client, login, partnership, other_partnership):
    own = factories.company(partnership, name="Egen ApS")
    foreign = factories.company(other_partnership, name="Fremmed ApS")
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.get("/network/export/companies.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=virksomheder-\d{4}-\d{2}-\d{2}\.csv", disposition)
    assert response.data.startswith(b"\xef\xbb\xbf")
    cvrs = [row["cvr"] for row in parse(response.data.decode("utf-8"))]
    assert cvrs == [own.cvr]
    assert foreign.cvr not in response.get_data(as_text=True)


def test_admin_exports_every_partnership(client, login, partnership, other_partnership):
    factories.company(partnership)
    factories.company(other_partnership)
    login(factories.user(Role.ADMIN, partnership))
    response = client.get("/network/export/companies.csv")
    assert len(parse(response.data.decode())) == 2


def test_export_and_example_of_unknown_kind_is_404(client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    assert client.get("/network/export/users.csv").status_code == 404
    assert client.get("/network/import/example/users.csv").status_code == 404
    response = client.get("/network/import/example/job_functions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=eksempel-arbejdsfunktioner.csv"


# CLI ---------------------------------------------------------------------------------------------------------

def test_cli_import_with_a_bad_line_exits_1_and_writes_nothing(runner, partnership, tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text(make_csv(COMPANY_COLUMNS, [company_row(), company_row(), company_row(bad_cvr())], bom=True),
                    encoding="utf-8")
    result = runner.invoke(args=["network", "import", "companies", str(path), "--partnership", "Randers"])
    assert result.exit_code == 1
    assert "line 4, column cvr:" in result.stderr
    assert "Nothing was imported." in result.stderr
    db.session.rollback()
    assert count(Company) == 0


def test_cli_import_and_export(runner, partnership, other_partnership, tmp_path):
    factories.company(other_partnership)
    path = tmp_path / "companies.csv"
    path.write_text(make_csv(COMPANY_COLUMNS, [company_row(), company_row()]), encoding="utf-8")
    result = runner.invoke(args=["network", "import", "companies", str(path), "--partnership", "Randers"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 companies into Randers." in result.stdout
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Company.partnership_id == partnership.id)) == 2

    out = tmp_path / "out.csv"
    result = runner.invoke(args=["network", "export", "companies", "--partnership", "Randers", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(parse(out.read_bytes().decode("utf-8"))) == 2
    result = runner.invoke(args=["network", "export", "companies"])
    assert result.exit_code == 0
    assert len(parse(result.stdout_bytes.decode("utf-8"))) == 3


def test_cli_unknown_partnership(runner, partnership, tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text(make_csv(COMPANY_COLUMNS, [company_row()]), encoding="utf-8")
    result = runner.invoke(args=["network", "import", "companies", str(path), "--partnership", "Nowhere"])
    assert result.exit_code == 2
    assert "Randers" in result.output


def test_every_column_name_names_one_column_in_its_file():
    from placement.csvtools import fold
    from placement.participants import csvio as participants_csvio
    from placement.progress import csvio as history_csvio

    for columns in (*csvio.COLUMNS.values(), participants_csvio.COLUMNS, *history_csvio.COLUMNS.values()):
        names = {}
        for key, spellings in columns.items():
            for name in {fold(spelling) for spelling in spellings}:
                assert names.setdefault(name, key) == key, (name, key)
            assert not {",", ";"} & set("".join(spellings))  # a name must not sway the delimiter found
