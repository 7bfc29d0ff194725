"""Auto-linking job functions to the ESCO occupation their title names: the form's question, the page's action and
the CSV import (page, CLI, background job)."""

import csv
import io

import pytest
from sqlalchemy import select

from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.extensions import db
from placement.network import csvio, services
from placement.network.csvio import JOB_FUNCTIONS
from placement.network.models import JobFunction
from placement.occupations.models import Occupation
from tests import factories

PROFILE = {"structure": "3", "predictability": "3", "pace": "3", "social_contact": "3", "physical_load": "3",
           "sensory_load": "3", "independence": "3"}


@pytest.fixture
def occupations(app):
    """A small ESCO: "Lagerarbejder" is one preferred label (and a synonym of nothing else), "Lagermedarbejder" a
    synonym of two occupations, "Bager" the preferred label of one and a synonym of another, "Kok og tjener" two
    preferred labels."""
    rows = {
        "lager": Occupation(uri="urn:test:lager", isco_group="9333", label="lagerarbejder",
                            alt_labels="lagermedhjælper\nlagermedarbejder"),
        "koordinator": Occupation(uri="urn:test:lagerkoordinator", isco_group="4321", label="lagerkoordinator",
                                  alt_labels="lagermedarbejder"),
        "bager": Occupation(uri="urn:test:bager", isco_group="7512", label="bager", alt_labels=""),
        "konditor": Occupation(uri="urn:test:konditor", isco_group="7512", label="konditor", alt_labels="bager"),
        "kok": Occupation(uri="urn:test:kok", isco_group="5120", label="kok", alt_labels=""),
        "tjener": Occupation(uri="urn:test:tjener", isco_group="5131", label="tjener", alt_labels=""),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


@pytest.fixture
def company(partnership):
    return factories.company(partnership)


def job_form(**fields) -> dict:
    data = {"title": "Lagerarbejder", "tasks": "", "hours_min": "10", "hours_max": "25", "places": "1",
            "mentor_id": "0", "active": "y", **PROFILE}
    data.update(fields)
    return data


def job_functions() -> list[JobFunction]:
    return list(db.session.scalars(select(JobFunction).order_by(JobFunction.id)))


# --- the resolver's rule ---------------------------------------------------------------------------------------

def test_the_import_rule_links_only_an_unambiguous_title(occupations):
    resolver = services.TitleResolver()
    assert resolver.occupation_id("Lagerarbejder") == occupations["lager"].id
    assert resolver.occupation_id("Lagermedhjælper hos Coop") == occupations["lager"].id  # one, by a synonym
    assert resolver.occupation_id("Bager") == occupations["bager"].id  # one by its preferred label, one by synonym
    assert resolver.occupation_id("Lagermedarbejder") is None  # synonyms of two occupations
    assert resolver.occupation_id("Kok og tjener") is None  # two preferred labels
    assert resolver.occupation_id("Havemedhjælper") is None  # names nothing


# --- the form --------------------------------------------------------------------------------------------------

def test_the_form_asks_before_saving_without_an_occupation_and_links_by_choice(client, login, partnership, company,
                                                                             occupations):
    login(factories.user(Role.CONSULTANT, partnership))
    url = f"/companies/{company.id}/job-functions/new"
    asked = client.post(url, data=job_form())
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and job_functions() == []  # nothing saved yet
    assert "»Lagerarbejder« (ESCO, DISCO 9333)" in page
    assert f'value="{occupations["lager"].id}"' in page and 'value="none"' in page

    again = client.post(url, data=job_form(occupation_asked="1"))  # saved again without answering
    assert again.status_code == 200 and job_functions() == []
    assert "Choose whether to link the occupation" in again.get_data(as_text=True)

    linked = client.post(url, data=job_form(occupation_asked="1", occupation_choice=str(occupations["lager"].id)))
    assert linked.status_code == 302
    [job] = job_functions()
    assert job.occupation_id == occupations["lager"].id


def test_the_form_names_several_suggestions_and_refuses_one_not_suggested(client, login, partnership, company,
                                                                          occupations):
    login(factories.user(Role.CONSULTANT, partnership))
    url = f"/companies/{company.id}/job-functions/new"
    page = client.post(url, data=job_form(title="Lagermedarbejder")).get_data(as_text=True)
    assert "The title fits these occupations" in page
    assert "»Lagerarbejder« (DISCO 9333)" in page and "»Lagerkoordinator« (DISCO 4321)" in page
    # An occupation the title does not name is no answer: asked again.
    response = client.post(url, data=job_form(title="Lagermedarbejder", occupation_asked="1",
                                              occupation_choice=str(occupations["kok"].id)))
    assert response.status_code == 200 and job_functions() == []
    # The tasks are asked about when the title names nothing.
    page = client.post(url, data=job_form(title="Hjælper", tasks="Laver mad sammen med en kok")).get_data(as_text=True)
    assert "The tasks fit the occupation »Kok« (ESCO, DISCO 5120)" in page


def test_saving_without_is_respected_and_an_edit_keeping_the_title_is_not_asked_again(client, login, partnership,
                                                                                       company, occupations):
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.post(f"/companies/{company.id}/job-functions/new",
                           data=job_form(occupation_asked="1", occupation_choice="none"))
    assert response.status_code == 302
    [job] = job_functions()
    assert job.occupation_id is None
    edit = f"/job-functions/{job.id}/edit"
    response = client.post(edit, data=job_form(places="2", version=str(job.version)))
    assert response.status_code == 302  # same title: not asked again
    db.session.refresh(job)
    assert job.places == 2 and job.occupation_id is None
    response = client.post(edit, data=job_form(title="Kok", version=str(job.version)))
    assert response.status_code == 200 and "»Kok« (ESCO, DISCO 5120)" in response.get_data(as_text=True)
    db.session.refresh(job)
    assert job.title == "Lagerarbejder"  # nothing half-saved


def test_a_title_naming_nothing_or_a_chosen_occupation_is_saved_at_once(client, login, partnership, company,
                                                                        occupations):
    login(factories.user(Role.CONSULTANT, partnership))
    url = f"/companies/{company.id}/job-functions/new"
    assert client.post(url, data=job_form(title="Havemedhjælper")).status_code == 302
    assert client.post(url, data=job_form(occupation_id=str(occupations["kok"].id))).status_code == 302
    assert [(j.title, j.occupation_id) for j in job_functions()] == [
        ("Havemedhjælper", None), ("Lagerarbejder", occupations["kok"].id)]


# --- the job function's page ---------------------------------------------------------------------------------

def test_the_page_suggests_the_occupation_and_links_it_audited(client, login, partnership, company, occupations):
    job = factories.job_function(company, title="Lagerarbejder")
    db.session.commit()
    consultant = login(factories.user(Role.CONSULTANT, partnership))
    page = client.get(f"/job-functions/{job.id}").get_data(as_text=True)
    assert "Suggested occupation:" in page and f'name="occupation_id" value="{occupations["lager"].id}"' in page
    url = f"/job-functions/{job.id}/occupation"
    # Not suggested, or sent on an old version: nothing changes.
    client.post(url, data={"occupation_id": occupations["kok"].id, "version": job.version})
    client.post(url, data={"occupation_id": occupations["lager"].id, "version": job.version + 1})
    db.session.refresh(job)
    assert job.occupation_id is None
    response = client.post(url, data={"occupation_id": occupations["lager"].id, "version": job.version})
    assert response.status_code == 302
    db.session.refresh(job)
    assert job.occupation_id == occupations["lager"].id
    entry = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "job_functions", AuditEvent.entity_id == str(job.id),
        AuditEvent.action == "update")).all()[-1]
    assert entry.actor_id == consultant.id and "occupation_id" in entry.changes
    assert "Suggested occupation:" not in client.get(f"/job-functions/{job.id}").get_data(as_text=True)


def test_only_network_editors_see_the_suggestion(client, login, partnership, company, occupations):
    job = factories.job_function(company, title="Lagerarbejder")
    db.session.commit()
    login(factories.user(Role.CASEWORKER, partnership))
    assert "Suggested occupation:" not in client.get(f"/job-functions/{job.id}").get_data(as_text=True)
    assert client.post(f"/job-functions/{job.id}/occupation",
                       data={"occupation_id": occupations["lager"].id, "version": job.version}).status_code == 403


# --- the CSV import --------------------------------------------------------------------------------------------

def job_csv(cvr: str, titles, occupation_uri: str = "") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["company_cvr", "title", "occupation_uri"])
    for title in titles:
        writer.writerow([cvr, title, ""])
    if occupation_uri:
        writer.writerow([cvr, "Opvasker", occupation_uri])
    return out.getvalue()


TITLES = ["Lagerarbejder", "Bager", "Lagermedarbejder", "Kok og tjener", "Havemedhjælper"]


def test_the_import_links_unambiguous_titles_and_counts(partnership, company, occupations):
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv(company.cvr, TITLES, "urn:test:kok"), partnership)
    assert report.ok, report.errors
    assert (report.imported, report.auto_linked, report.without_occupation) == (6, 2, 3)
    db.session.commit()
    linked = {j.title: j.occupation.uri if j.occupation else None for j in job_functions()}
    assert linked == {"Lagerarbejder": "urn:test:lager", "Bager": "urn:test:bager", "Lagermedarbejder": None,
                      "Kok og tjener": None, "Havemedhjælper": None, "Opvasker": "urn:test:kok"}


def test_the_import_can_be_told_not_to_link(partnership, company, occupations):
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv(company.cvr, TITLES), partnership, auto_link=False)
    assert (report.imported, report.auto_linked, report.without_occupation) == (5, 0, 5)
    assert all(j.occupation_id is None for j in job_functions())


def test_a_failed_import_links_nothing(partnership, company, occupations):
    report = csvio.import_csv(JOB_FUNCTIONS, job_csv(company.cvr, ["Lagerarbejder"], "urn:test:unknown"),
                              partnership)
    assert not report.ok and report.auto_linked == 0
    db.session.rollback()
    assert job_functions() == []


def test_the_import_page_reports_the_links_and_has_the_switch(client, login, partnership, company, occupations):
    login(factories.user(Role.CONSULTANT, partnership))
    assert 'name="auto_link"' in client.get("/network/import").get_data(as_text=True)
    upload = job_csv(company.cvr, TITLES).encode()
    page = client.post("/network/import", data={"kind": JOB_FUNCTIONS, "auto_link": "y",
                                                "file": (io.BytesIO(upload), "jobs.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "2 job functions were linked to an ESCO occupation from their title; 3 have no occupation." in page
    page = client.post("/network/import", data={"kind": JOB_FUNCTIONS, "file": (io.BytesIO(upload), "jobs.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "5 job functions have no occupation (automatic linking was switched off)." in page
    assert sum(j.occupation_id is not None for j in job_functions()) == 2


@pytest.mark.parametrize("app_config", [{"IMPORT_INLINE_MAX_LINES": 0, "IMPORT_JOBS_MODE": "inline"}])
def test_a_background_import_follows_the_switch(client, login, partnership, company, occupations):
    login(factories.user(Role.CONSULTANT, partnership))
    upload = job_csv(company.cvr, ["Lagerarbejder", "Havemedhjælper"]).encode()
    said = []
    for auto_link in ({"auto_link": "y"}, {}):
        response = client.post("/network/import", data={"kind": JOB_FUNCTIONS, **auto_link,
                                                        "file": (io.BytesIO(upload), "jobs.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 302 and "/imports/" in response.headers["Location"]
        status = client.get(response.headers["Location"] + "/status.json").get_json()
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        said.append(((status["auto_linked"], status["without_occupation"]), page))
    assert [j.occupation_id for j in job_functions()] == [occupations["lager"].id, None, None, None]
    # The job's page says how many were linked from their title, and how many have none.
    assert said[0][0] == (1, 1)
    assert ("1 job function was linked to an ESCO occupation from its title; 1 has no occupation."
            in said[0][1])
    assert said[1][0] == (0, 2)
    assert "2 job functions have no occupation (automatic linking was switched off)." in said[1][1]


def test_the_cli_reports_the_links_and_takes_no_auto_link(runner, tmp_path, partnership, company, occupations):
    path = tmp_path / "jobs.csv"
    path.write_text(job_csv(company.cvr, TITLES), encoding="utf-8")
    result = runner.invoke(args=["network", "import", JOB_FUNCTIONS, str(path), "--partnership", partnership.name])
    assert result.exit_code == 0, result.output
    assert "2 job functions linked to an ESCO occupation from their title; 3 without." in result.output
    result = runner.invoke(args=["network", "import", JOB_FUNCTIONS, str(path), "--partnership", partnership.name,
                                 "--no-auto-link"])
    assert result.exit_code == 0, result.output
    assert "5 job functions without an occupation (automatic linking off)." in result.output
    assert sum(j.occupation_id is not None for j in job_functions()) == 2
