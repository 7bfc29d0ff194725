"""CSV import and export of young people (service, pages and CLI): all or nothing, line by line."""

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from placement.agreements import services as agreement_services
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.extensions import db
from placement.occupations.models import Occupation
from placement.participants import csvio
from placement.participants.models import Consent, Participant, Transport
from placement.reports import services as reports
from tests import factories

URI = "http://data.europa.eu/esco/occupation/test-dyrepasser"
#: The service's today in the tests that depend on it.
TODAY = date(2026, 12, 4)


@pytest.fixture
def pinned_today(monkeypatch):
    monkeypatch.setattr(agreement_services, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English; outside a request the locale would otherwise be looked up in the session."""
    with force_locale("en"):
        yield


def make_csv(rows, *, columns=None, delimiter=";", bom=False) -> str:
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return ("\ufeff" if bom else "") + out.getvalue()


def row(**fields) -> dict:
    data = {"name": "Ida Testesen", "date_of_birth": "2002-05-17", "home_municipality": "Randers Kommune",
            "postcode": "8900", "course_start": "2025-01-06"}
    data.update(fields)
    return data


def parse(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Participant))


def where(report) -> set[tuple[int, str]]:
    return {(e.line, e.column) for e in report.errors}


@pytest.fixture
def people(partnership):
    return {role: factories.user(role, partnership) for role in (Role.CONSULTANT, Role.COORDINATOR, Role.CASEWORKER)}


def test_import_fills_every_column(partnership, people):
    db.session.add(Occupation(uri=URI, isco_group="5164", label="dyrepasser"))
    db.session.commit()
    text = make_csv([row(cognitive="ja", psychological="1", physical="", disruptions="anxiety|Social_Phobia",
                         occupation_uris=URI, structure="5", pace="2", support_need="4", hours_min="15",
                         hours_max="25", max_km="12", transport="bikes", course_years="2", consent="given",
                         consent_date="06-01-2025", consultant_email=people[Role.CONSULTANT].email.upper(),
                         coordinator_email=people[Role.COORDINATOR].email,
                         caseworker_email=people[Role.CASEWORKER].email, active="")], bom=True)
    report = csvio.import_csv(text.encode("utf-8"), partnership)
    assert report.ok, report.errors
    assert report.imported == 1 and not report.warnings
    p = db.session.scalar(select(Participant))
    assert (p.name, p.date_of_birth, p.town, p.postcode) == ("Ida Testesen", date(2002, 5, 17), "Randers C", "8900")
    assert (p.cognitive, p.psychological, p.physical, p.active) == (True, True, False, True)
    assert p.disruptions == ["anxiety", "social_phobia"]
    assert [o.uri for o in p.occupations] == [URI]
    assert (p.structure, p.pace, p.predictability, p.support_need) == (5, 2, 3, 4)
    assert (p.hours_min, p.hours_max, p.max_km, p.transport, p.course_years) == (15, 25, 12, Transport.BIKES, 2)
    assert (p.consent, p.consent_date) == (Consent.GIVEN, date(2025, 1, 6))
    assert (p.consultant_id, p.coordinator_id, p.caseworker_id) == tuple(u.id for u in people.values())


def test_one_bad_line_imports_nothing_and_every_error_has_its_line(partnership, people):
    text = make_csv([
        row(name="Første"),
        row(name="Anden", postcode="0001"),
        row(name="Tredje", consultant_email="nobody@example.com", cognitive="måske"),
        row(name="Fjerde", caseworker_email=people[Role.CONSULTANT].email),  # not a caseworker
        row(name="Femte", disruptions="anxiety|boredom", transport="horse", consent="maybe"),
        row(name="Sjette", consent="declined", hours_min="30", hours_max="20", date_of_birth="2002-13-01"),
        row(name="Syvende", occupation_uris="http://example.com/none", structure="6", course_years="9"),
        row(name=""),
    ])
    report = csvio.import_csv(text, partnership)
    assert not report.ok and report.imported == 0
    assert where(report) == {
        (3, "postcode"), (4, "consultant_email"), (4, "cognitive"), (5, "caseworker_email"),
        (6, "disruptions"), (6, "transport"), (6, "consent"), (7, "consent_date"), (7, "hours_max"),
        (7, "date_of_birth"), (8, "occupation_uris"), (8, "structure"), (8, "course_years"), (9, "name"),
    }
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert messages[3, "postcode"] == "0001 is not a Danish postcode."
    assert messages[5, "caseworker_email"] == (f"{people[Role.CONSULTANT].email} is not an active coordinating "
                                               "caseworker of the partnership.")
    assert "boredom" in messages[6, "disruptions"]
    assert messages[8, "structure"] == "Choose a whole number from 1 to 5."
    assert str(report.errors[0]) == "line 3, column postcode: 0001 is not a Danish postcode."
    assert count() == 0


def test_line_numbers_are_physical_lines_and_header_problems_are_one_line(partnership):
    text = make_csv([row(health_notes="To\nlinjer"), row(postcode="0001")])
    assert where(csvio.import_csv(text, partnership)) == {(4, "postcode")}
    report = csvio.import_csv(make_csv([{"name": "X", "colour": "blå"}]), partnership)
    assert {e.column for e in report.errors} == {"colour", "date_of_birth, home_municipality, postcode, course_start"}
    assert {e.line for e in report.errors} == {1}


def test_an_age_outside_18_to_30_and_a_likely_duplicate_only_warn(partnership):
    factories.participant(partnership, name="Ida Testesen", date_of_birth=date(2002, 5, 17))
    # 16 years old: outside 18–30, so a warning (younger than 15 is refused: placement/sanity.py).
    text = make_csv([row(), row(name="Ung Nok", date_of_birth="2010-01-01"), row()])
    report = csvio.import_csv(text, partnership)
    assert report.ok and report.imported == 3
    warnings = {(w.line, w.column): w.message for w in report.warnings}
    assert set(warnings) == {(2, "name"), (3, "date_of_birth"), (4, "name")}
    assert "registered already" in warnings[2, "name"] and "also on line 2" in warnings[4, "name"]
    assert warnings[3, "date_of_birth"].startswith("Age ")


def test_the_age_warning_is_about_the_age_at_the_course_start(partnership, pinned_today):
    text = make_csv([
        row(name="Sen Start", date_of_birth="1996-05-01", course_start="2024-01-01"),  # 27 then, 30 today
        row(name="Fyldt Senere", date_of_birth="1993-02-01", course_start="2024-01-01"),  # 30 then, 31 a month on
        row(name="For Ung", date_of_birth="2006-09-01", course_start="2024-08-01"),  # 17 then, 20 today
        row(name="For Gammel", date_of_birth="1993-06-01", course_start="2024-08-01"),  # 31 then, 33 today
    ])
    report = csvio.import_csv(text, partnership)
    assert report.ok and report.imported == 4
    warnings = {(w.line, w.column): w.message for w in report.warnings}
    assert set(warnings) == {(4, "date_of_birth"), (5, "date_of_birth")}
    assert warnings[4, "date_of_birth"].startswith("Age 17:") and warnings[5, "date_of_birth"].startswith("Age 31:")


@pytest.mark.parametrize("app_config", [{"SMALL_CELL_THRESHOLD": 1}])
def test_an_empty_course_length_stays_unknown_on_the_record_and_in_the_cohort(client, login, partnership,
                                                                             pinned_today):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    given = {"consent": "given", "consent_date": "2025-01-06"}
    text = make_csv([row(name="Ukendt Længde", course_years="", **given), row(name="Tre År", course_years="3", **given),
                     row(name="Uden Kolonne", **given)])
    report = csvio.import_csv(text, partnership, creator=coordinator)
    assert report.ok, report.errors
    db.session.commit()
    years = dict(db.session.execute(select(Participant.name, Participant.course_years)).all())
    assert years == {"Ukendt Længde": None, "Tre År": 3, "Uden Kolonne": None}
    scope = reports.Scope((partnership.id,), date(2025, 1, 1), date(2025, 12, 31))
    assert reports.cohort(scope).course_years == {None: 2, 3: 1}
    assert [row["name"] for row in parse(export(partnership, "en")) if row["course_years"] == ""] == [
        "Uden Kolonne", "Ukendt Længde"]

    login(coordinator)
    client.post("/language", data={"lang": "da"})
    unknown = db.session.scalar(select(Participant.id).where(Participant.name == "Ukendt Længde"))
    record = client.get(f"/participants/{unknown}").get_data(as_text=True)
    assert "<dt>Varighed</dt><dd>ukendt</dd>" in record
    dashboard = client.get("/reports?from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    cohort = dashboard[dashboard.index('id="cohort-years"'):]
    assert '<th scope="row">ukendt</th><td class="num">2 af 3' in cohort
    assert '<th scope="row">3 år</th><td class="num">1 af 3' in cohort


def test_the_duplicate_warning_never_reveals_a_young_person_the_importer_does_not_work_on(partnership):
    factories.participant(partnership, name="Ida Testesen", date_of_birth=date(2002, 5, 17))
    stranger = factories.user(Role.CONSULTANT, partnership)
    report = csvio.import_csv(make_csv([row()]), partnership, creator=stranger)
    assert not [w for w in report.warnings if "registered already" in w.message]
    coordinator = factories.user(Role.COORDINATOR, partnership)
    report = csvio.import_csv(make_csv([row()]), partnership, creator=coordinator)
    assert [w for w in report.warnings if "registered already" in w.message]


def test_the_importing_user_is_named_in_their_role(partnership, people):
    consultant = people[Role.CONSULTANT]
    other = factories.user(Role.CONSULTANT, partnership)
    report = csvio.import_csv(make_csv([row(name="A"), row(name="B", consultant_email=other.email)]), partnership,
                              creator=consultant)
    assert report.ok
    named = dict(db.session.execute(select(Participant.name, Participant.consultant_id)).all())
    assert named == {"A": consultant.id, "B": other.id}


def test_a_comma_file_without_optional_columns_and_an_empty_file(partnership):
    assert csvio.import_csv(make_csv([row()], delimiter=","), partnership).imported == 1
    assert not csvio.import_csv(b"", partnership).ok
    assert not csvio.import_csv(make_csv([], columns=list(row())), partnership).ok


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_example_file_imports(partnership, language):
    report = csvio.import_csv(csvio.example_csv(language), partnership)
    assert report.ok, report.errors
    assert report.imported == 1


def test_danish_column_names_and_words_import_and_errors_name_the_file_s_column(partnership):
    text = make_csv([{"Navn": "Ida Testesen", "Fødselsdato": "17-05-2002", "Hjemkommune": "Randers Kommune",
                      "Postnummer": "8900", "Forløbets start": "2025-01-06", "Kognitiv funktionsnedsættelse": "ja",
                      "Funktionsforstyrrelser": "Angst|socialfobi", "Kommer på arbejde": "kører selv",
                      "Samtykke": "givet", "Dato for samtykke": "2025-01-06", "Aktiv": "nej"}])
    report = csvio.import_csv(text, partnership)
    assert report.ok, report.errors
    db.session.commit()
    person = db.session.scalar(select(Participant))
    assert (person.cognitive, person.disruptions, person.transport, person.consent, person.active) == (
        True, ["anxiety", "social_phobia"], Transport.DRIVES, Consent.GIVEN, False)

    bad = make_csv([{"Navn": "Bo", "Fødselsdato": "2002-05-17", "Hjemkommune": "Randers Kommune",
                     "Postnummer": "0001", "Forløbets start": "2025-01-06", "Kommer på arbejde": "fly",
                     "Psykisk funktionsnedsættelse": "måske"}])
    with force_locale("da"):
        report = csvio.import_csv(bad, partnership)
    assert where(report) == {(2, "Postnummer"), (2, "Kommer på arbejde"), (2, "Psykisk funktionsnedsættelse")}
    [transport] = [e for e in report.errors if e.column == "Kommer på arbejde"]
    assert "cykler" in transport.message and "bikes" not in transport.message


def export(partnership=None, language="da") -> str:
    stmt = csvio.export_select()
    if partnership is not None:
        stmt = stmt.where(Participant.partnership_id == partnership.id)
    return csvio.export_csv(db.session.scalars(stmt), language)


@pytest.mark.parametrize("language", ["da", "en"])
def test_export_reimports_unchanged(partnership, people, language):
    db.session.add(Occupation(uri=URI, isco_group="5164", label="dyrepasser"))
    db.session.commit()
    occupation = db.session.scalar(select(Occupation))
    factories.participant(partnership, name="=Formel Ung", cognitive=True, physical=True,
                          disruptions=["depression", "other"], health_notes="To linjer\nom helbred",
                          interests="-heste", occupations=[occupation], structure=1, independence=5,
                          support_need=2, support_notes="@mentor", hours_min=5, hours_max=12, max_km=0,
                          transport=Transport.WALKS, course_years=5, consent=Consent.DECLINED,
                          consent_date=date(2025, 2, 3), consultant_id=people[Role.CONSULTANT].id,
                          caseworker_id=people[Role.CASEWORKER].id, active=False)
    factories.participant(partnership, name="Anden Ung", postcode="8000")
    before = export(language=language)
    rows = parse(before)
    names = {key: csvio.COLUMNS[key][language == "en"] for key in csvio.COLUMNS}
    assert list(rows[0]) == list(names.values())
    assert [r[names["name"]] for r in rows] == ["'=Formel Ung", "Anden Ung"]  # by name: "=" sorts first
    assert [rows[0][names[key]] for key in ("disruptions", "occupation_uris", "interests", "transport", "consent",
                                            "cognitive", "active")] == (
        ["depression|andet", URI, "'-heste", "går", "afvist", "ja", "nej"] if language == "da" else
        ["depression|other", URI, "'-heste", "walks", "declined", "yes", "no"])

    for participant in db.session.scalars(select(Participant)):
        db.session.delete(participant)
    db.session.commit()
    report = csvio.import_csv(before, partnership)
    assert report.ok, report.errors
    db.session.commit()
    assert export(language=language) == before


def test_export_logs_one_read_naming_every_young_person(client, login, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    a, b = (factories.participant(partnership, consultant_id=consultant.id) for _ in range(2))
    login(consultant)
    asked = client.get("/participants/export.csv")  # a bulk export asks for its purpose every time
    client.post(asked.headers["Location"], data={"purpose": "quality_assurance"})
    assert client.get("/participants/export.csv").status_code == 200
    [read] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert read.records == sorted([a.id, b.id]) and read.purpose == "quality_assurance"


# Pages -------------------------------------------------------------------------------------------------------

def upload(client, content: bytes, filename: str = "unge.csv"):
    return client.post("/participants/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_import_page_lists_the_columns(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.get("/participants/import").get_data(as_text=True)
    for column in csvio.COLUMNS:
        assert f"<code>{column}</code>" in page
    assert "/participants/import/example.csv" in page and "/participants/export.csv" in page
    client.post("/language", data={"lang": "da"})  # in Danish: Danish names, and words in the notes
    page = client.get("/participants/import").get_data(as_text=True)
    assert "<code>Fødselsdato</code>" in page and "<code>date_of_birth</code>" not in page
    assert "socialfobi" in page and "social_phobia" not in page and "cykler" in page
    example = client.get("/participants/import/example.csv").data.decode("utf-8")
    assert example.startswith("\ufeffNavn;Fødselsdato;") and ";cykler;" in example and ";givet;" in example


def test_upload_with_errors_shows_the_table_and_commits_nothing(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    page = upload(client, make_csv([row(), row(postcode="0001")]).encode()).get_data(as_text=True)
    assert "Nothing was imported." in page and "<td>3</td><td>postcode</td>" in page
    assert count() == 0


def test_upload_imports_names_the_uploader_and_commits(client, login, partnership):
    consultant = login(factories.user(Role.CONSULTANT, partnership))
    page = upload(client, make_csv([row(), row(name="Anden")]).encode()).get_data(as_text=True)
    assert "2 young people were imported." in page
    db.session.rollback()
    assert count() == 2
    assert set(db.session.scalars(select(Participant.consultant_id))) == {consultant.id}
    assert "Anden" in client.get("/participants").get_data(as_text=True)


def test_export_holds_only_visible_young_people_and_no_names_in_the_file_name(client, login, partnership,
                                                                               other_partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    factories.participant(partnership, name="Min", consultant_id=consultant.id)
    factories.participant(partnership, name="Ikke Min")
    factories.participant(other_partnership, name="Aarhus", postcode="8543")
    login(consultant)
    client.post("/audit/purpose?export=1", data={"purpose": "coordination"})
    response = client.get("/participants/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=unge-") and "Min" not in disposition
    assert [r["name"] for r in parse(response.get_data(as_text=True))] == ["Min"]


def test_caseworkers_and_mentors_may_not_import_or_export(client, login, partnership):
    login(factories.user(Role.CASEWORKER, partnership))
    for url in ("/participants/import", "/participants/export.csv", "/participants/import/example.csv"):
        assert client.get(url).status_code == 403


# CLI ---------------------------------------------------------------------------------------------------------

def test_cli_import_with_a_bad_line_exits_1(runner, partnership, tmp_path):
    path = tmp_path / "unge.csv"
    path.write_text(make_csv([row(), row(course_start="soon")]), encoding="utf-8")
    result = runner.invoke(args=["participants", "import", str(path), "--partnership", "Randers"])
    assert result.exit_code == 1
    assert "line 3, column course_start:" in result.stderr and "Nothing was imported." in result.stderr
    db.session.rollback()
    assert count() == 0


def test_cli_import_and_export(runner, partnership, other_partnership, tmp_path):
    factories.participant(other_partnership, postcode="8543")
    path = tmp_path / "unge.csv"
    path.write_text(make_csv([row(), row(name="Anden")]), encoding="utf-8")
    result = runner.invoke(args=["participants", "import", str(path), "--partnership", "Randers"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 young people into Randers." in result.stdout
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["participants", "export", "--partnership", "Randers", "-o", str(out),
                                 "--purpose", "coordination"])
    assert result.exit_code == 0, result.output
    assert len(parse(out.read_bytes().decode("utf-8"))) == 2
    result = runner.invoke(args=["participants", "export", "--purpose", "coordination"])
    assert len(parse(result.stdout_bytes.decode("utf-8"))) == 3
