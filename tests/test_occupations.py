"""ESCO import (CLI and services), occupation suggestions and the occupations JSON views."""

import csv
import io
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from placement.auth.models import Role
from placement.extensions import db
from placement.occupations import services
from placement.occupations.models import IscoGroup, Occupation
from tests import factories

ESCO = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco"
OCCUPATIONS_CSV = ESCO / "occupations_da.csv"
GROUPS_CSV = ESCO / "ISCOGroups_da.csv"

HEADER = "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels\n"
GROUPS_HEADER = "conceptType,conceptUri,code,preferredLabel\n"
URI = "http://data.europa.eu/esco/occupation/"


def _row(n: int, label: str, group: str = "9211", alt: str = "") -> str:
    return f'Occupation,{URI}{n},{group},{label},"{alt}"\n'


GOOD = (
    _row(1, "landbrugsmedhjælper", "9211", "medhjælper i landbrug\nstaldmedhjælper")
    + _row(2, "køkkenassistent", "9412", "køkkenmedhjælper\nkøkkenelev")
    + _row(3, "landmand", "6121", "landbruger")
)


def _write(tmp_path: Path, text: str, name: str = "occupations.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(runner, *paths):
    return runner.invoke(args=["occupations", "import", *paths])


@pytest.mark.skipif(not OCCUPATIONS_CSV.exists(), reason="shared ESCO data not found")
def test_import_official_files_and_reimport(runner):
    started = time.perf_counter()
    result = _import(runner, str(GROUPS_CSV), str(OCCUPATIONS_CSV))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "2942 occupations created, 0 updated" in result.output
    assert "619 ISCO groups created, 0 updated" in result.output
    assert _count(Occupation) == 2942
    assert _count(IscoGroup) == 619
    assert elapsed < 10
    landmand = db.session.scalar(select(Occupation).where(Occupation.label == "landmand"))
    assert landmand.isco_group == "6130"
    assert landmand.synonyms == ["bedriftsleder", "person der driver en gård"]
    max_id = db.session.scalar(select(func.max(Occupation.id)))

    result = _import(runner, str(OCCUPATIONS_CSV), str(GROUPS_CSV))
    assert result.exit_code == 0, result.output
    assert "0 occupations created, 0 updated, 2942 unchanged" in result.output
    assert "0 ISCO groups created, 0 updated, 619 unchanged" in result.output
    assert _count(Occupation) == 2942
    assert db.session.scalar(select(func.max(Occupation.id))) == max_id


@pytest.mark.skipif(not OCCUPATIONS_CSV.exists(), reason="shared ESCO data not found")
def test_suggest_on_official_file_is_fast_and_typo_tolerant(runner):
    assert _import(runner, str(OCCUPATIONS_CSV)).exit_code == 0
    results = services.suggest("lanbrug")
    assert results
    assert any("landbrug" in r["label"] or "landbrug" in r["matched"] for r in results[:5])
    assert set(results[0]) == {"id", "uri", "label", "isco_group", "matched"}
    kitchen = services.suggest("køkken")
    assert any(r["label"] == "køkkenassistent" for r in kitchen), kitchen
    farm = services.suggest("landbrug", limit=50)
    assert any(r["label"].startswith("landmand") for r in farm), farm
    for query in ("landbrug", "køkken", "lagermedarbejder", "sosu hjælper", "pædagog"):
        started = time.perf_counter()
        services.suggest(query)
        assert time.perf_counter() - started < 0.05, query


def test_bad_line_imports_nothing_and_names_line_and_column(runner, tmp_path):
    # line 1 header; lines 2-3 one record (two synonyms); line 4 a good record; line 5 the bad one;
    # lines 6-7 a bad record spanning two lines; line 8 good.
    text = (
        HEADER
        + _row(1, "landbrugsmedhjælper", "9211", "medhjælper i landbrug\nstaldmedhjælper")
        + _row(2, "køkkenassistent", "9412")
        + _row(3, "landmand", "612x")
        + _row(4, "", "6121", "bonde\nlandbruger")
        + _row(5, "tømrer", "7115")
    )
    result = _import(runner, _write(tmp_path, text))
    assert result.exit_code == 1
    assert "line 5, column iscoGroup: is '612x', expected 4 digits" in result.stderr
    assert "line 6, column preferredLabel: is empty" in result.stderr
    assert "line 2" not in result.stderr and "line 8" not in result.stderr
    assert "Nothing was imported." in result.stderr
    assert _count(Occupation) == 0


def test_one_bad_file_of_two_imports_neither(runner, tmp_path):
    good = _write(tmp_path, HEADER + GOOD, "good.csv")
    bad = _write(tmp_path, GROUPS_HEADER + "ISCOGroup,x,12345,Ledere\n", "bad.csv")
    result = _import(runner, good, bad)
    assert result.exit_code == 1
    assert "line 2, column code: is '12345', expected 1 to 4 digits" in result.stderr
    assert _count(Occupation) == 0 and _count(IscoGroup) == 0


def test_missing_column_is_reported_once(runner, tmp_path):
    text = "conceptType,conceptUri,iscoGroup,altLabels\n" + "".join(
        f"Occupation,{URI}{n},9211,\n" for n in range(5)
    )
    result = _import(runner, _write(tmp_path, text))
    assert result.exit_code == 1
    assert result.stderr.count("preferredLabel") == 1
    assert "line 1, column preferredLabel: missing column" in result.stderr
    assert "Nothing was imported." in result.stderr
    assert _count(Occupation) == 0


def test_unknown_columns_are_ignored_and_official_code_column_does_not_confuse(runner, tmp_path):
    # Like the official download: more columns, another order, and an ESCO "code" column next to iscoGroup.
    text = (
        "\ufeffconceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
        "regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n"
        f'Occupation,{URI}1,6121,landmand,"landbruger\nbonde",,released,2023-01-01,,,,x,'
        '"Driver en\ngård",6121.1\n'
        f"Occupation,{URI}2,9412,køkkenassistent,,,released,2023-01-01,,,,x,,9412.1\n"
    )
    result = _import(runner, _write(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert "2 occupations created" in result.output
    landmand = db.session.scalar(select(Occupation).where(Occupation.uri == f"{URI}1"))
    assert (landmand.label, landmand.isco_group) == ("landmand", "6121")
    assert landmand.synonyms == ["landbruger", "bonde"]


def test_wrong_concept_type_and_repeated_uri(runner, tmp_path):
    text = HEADER + _row(1, "landmand", "6121") + _row(1, "bonde", "6121").replace("Occupation", "Skill")
    result = _import(runner, _write(tmp_path, text))
    assert result.exit_code == 1
    assert "line 3, column conceptType: is 'Skill', expected 'Occupation'" in result.stderr
    assert "line 3, column conceptUri: repeats line 2" in result.stderr


def test_not_an_esco_file(runner, tmp_path):
    result = _import(runner, _write(tmp_path, "name,title\nx,y\n"))
    assert result.exit_code == 1
    assert "line 1, column iscoGroup: not an ESCO file" in result.stderr


def test_reimport_updates_labels_and_keeps_referenced_occupations(runner, tmp_path, partnership):
    assert _import(runner, _write(tmp_path, HEADER + GOOD)).exit_code == 0
    landmand = db.session.scalar(select(Occupation).where(Occupation.uri == f"{URI}3"))
    job = factories.job_function(factories.company(partnership), title="Landmand", occupation=landmand)
    # The new file lacks occupation 3 and relabels occupation 1.
    text = (HEADER + _row(1, "landbrugsmedhjælper (husdyr)", "9211", "staldmedhjælper")
            + _row(2, "køkkenassistent", "9412", "køkkenmedhjælper\nkøkkenelev"))
    result = _import(runner, _write(tmp_path, text, "new.csv"))
    assert result.exit_code == 0, result.output
    assert "0 occupations created, 1 updated, 1 unchanged" in result.output
    db.session.expire_all()
    assert _count(Occupation) == 3
    assert db.session.get(Occupation, job.occupation_id).label == "landmand"
    helper = db.session.scalar(select(Occupation).where(Occupation.uri == f"{URI}1"))
    assert (helper.label, helper.synonyms) == ("landbrugsmedhjælper (husdyr)", ["staldmedhjælper"])


def test_groups_file_is_detected_and_upserted(runner, tmp_path):
    text = GROUPS_HEADER + "ISCOGroup,u/C6,6,Landbrug\nISCOGroup,u/C6121,6121,Husdyrbrug\n"
    result = _import(runner, _write(tmp_path, text, "groups.csv"))
    assert result.exit_code == 0, result.output
    assert "2 ISCO groups created" in result.output
    result = _import(runner, _write(tmp_path, text.replace("Husdyrbrug", "Husdyravl"), "groups2.csv"))
    assert "0 ISCO groups created, 1 updated, 1 unchanged" in result.output
    assert db.session.get(IscoGroup, "6121").label == "Husdyravl"


def test_services_report_errors_with_record_start_lines(app):
    text = HEADER + _row(1, "a", "1111", "x\ny\nz") + _row(2, "b", "22")
    with pytest.raises(services.ImportFailed) as failed:
        services.import_occupations(io.StringIO(text))
    assert failed.value.errors == [(5, "iscoGroup", "is '22', expected 4 digits (an ISCO-08 unit group)")]
    assert _count(Occupation) == 0
    # A csv.DictReader or plain dicts work too; a binary file as well.
    assert services.import_occupations(csv.DictReader(io.StringIO(HEADER + GOOD))) == (3, 0)
    rows = [{"conceptUri": "g1", "code": "9", "preferredLabel": "Andet"}]
    assert services.import_isco_groups(rows) == (1, 0)
    binary = io.BytesIO((HEADER + GOOD).encode("utf-8-sig"))
    kind, counts = services.import_file(binary)
    assert (kind, counts) == (services.OCCUPATIONS, (0, 0))
    assert not binary.closed


def test_suggest_refreshes_after_import_and_tolerates_typos(app):
    services.import_occupations(io.StringIO(HEADER + GOOD))
    assert services.suggest("") == []
    assert services.suggest("   ") == []
    first = services.suggest("lanbrug")
    assert first and first[0]["label"] == "landbrugsmedhjælper"
    assert {r["label"] for r in first} >= {"landbrugsmedhjælper", "landmand"}
    assert next(r for r in first if r["label"] == "landmand")["matched"] == "landbruger"
    kitchen = services.suggest("køkken")
    assert kitchen[0]["label"] == "køkkenassistent"
    assert kitchen[0]["matched"] in {"køkkenassistent", "køkkenmedhjælper", "køkkenelev"}
    assert services.suggest("tømrer") == []
    services.import_occupations(io.StringIO(HEADER + _row(4, "tømrer", "7115", "snedker")))
    assert [r["label"] for r in services.suggest("tømer")] == ["tømrer"]
    # A relabelling without new rows refreshes the cache too.
    services.import_occupations(io.StringIO(HEADER + _row(4, "bygningstømrer", "7115", "snedker")))
    assert services.suggest("tømrer")[0]["label"] == "bygningstømrer"


def test_suggest_endpoint_requires_login(client, app):
    response = client.get("/occupations/suggest?q=landbrug")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/occupations/1").status_code == 302


def test_suggest_and_detail_endpoints_for_consultant(client, login, partnership):
    services.import_occupations(io.StringIO(HEADER + GOOD))
    services.import_isco_groups([{"code": "9211", "preferredLabel": "Medhjælpere inden for markbrug"}])
    db.session.commit()
    login(factories.user(Role.CONSULTANT, partnership))

    response = client.get("/occupations/suggest", query_string={"q": "lanbrug"})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results[0]["label"] == "landbrugsmedhjælper"
    assert results[0]["isco_group"] == "9211"
    assert client.get("/occupations/suggest?q=").get_json() == {"results": []}
    assert client.get("/occupations/suggest").get_json() == {"results": []}

    detail = client.get(f"/occupations/{results[0]['id']}").get_json()
    assert detail["label"] == "landbrugsmedhjælper"
    assert detail["synonyms"] == ["medhjælper i landbrug", "staldmedhjælper"]
    assert (detail["isco_group"], detail["isco_group_label"]) == ("9211", "Medhjælpere inden for markbrug")
    assert client.get("/occupations/99999").status_code == 404


def test_mentor_may_not_use_suggest(client, login, partnership):
    mentor = factories.mentor(factories.company(partnership))
    login(factories.user(Role.MENTOR, partnership, mentor=mentor))
    assert client.get("/occupations/suggest?q=x").status_code == 403
