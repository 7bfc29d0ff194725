"""The company network as a consultant uses it in the browser."""

from sqlalchemy import select

from placement.auth.models import Role
from placement.extensions import db
from placement.network.models import Company, JobFunction, Mentor
from tests import factories


def _company_form(**overrides) -> dict:
    data = {"cvr": factories.cvr(), "name": "Gudenå Gartneri ApS", "kind": "ordinary", "address": "Åvej 3",
            "postcode": "8900", "town": "", "industry": "Gartneri", "employees": "12", "contact_name": "Ole",
            "contact_email": "ole@example.com", "contact_phone": "", "notes": "", "active": "y"}
    data.update(overrides)
    return data


def test_consultant_adds_a_company_with_town_and_coordinates_from_the_postcode(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.post("/companies/new", data=_company_form())
    assert response.status_code == 302
    company = db.session.scalar(select(Company).where(Company.name == "Gudenå Gartneri ApS"))
    assert company.partnership_id == partnership.id
    assert company.town == "Randers C"
    assert 56.3 < company.latitude < 56.6 and 9.9 < company.longitude < 10.2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gudenå Gartneri ApS" in page and "Randers C" in page


def test_a_wrong_cvr_is_refused_with_a_message_on_the_field(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.post("/companies/new", data=_company_form(cvr="12345678"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "last digit does not fit the others" in page and 'id="cvr-error"' in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(Company)) is None


def test_the_same_cvr_twice_is_refused(client, login, partnership):
    existing = factories.company(partnership)
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.post("/companies/new", data=_company_form(cvr=existing.cvr))
    assert "already registered" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Company)).all()) == 1


def test_an_unknown_postcode_and_a_wrong_town_are_refused(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.post("/companies/new", data=_company_form(postcode="0001")).get_data(as_text=True)
    assert "0001 is not a Danish postcode" in page
    page = client.post("/companies/new", data=_company_form(town="Aalborg")).get_data(as_text=True)
    assert "Postcode 8900 is Randers C, not Aalborg" in page
    assert db.session.scalar(select(Company)) is None


def test_a_likely_duplicate_warns_before_saving(client, login, partnership):
    factories.company(partnership, name="Hansens Maskinstation ApS", postcode="8900")
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.post("/companies/new", data=_company_form(name="Hansen Maskinstation Aps")).get_data(as_text=True)
    assert "very similar name" in page
    assert len(db.session.scalars(select(Company)).all()) == 1
    response = client.post("/companies/new", data=_company_form(name="Hansen Maskinstation Aps",
                                                                confirm_not_duplicate="y"))
    assert response.status_code == 302
    assert len(db.session.scalars(select(Company)).all()) == 2


def test_company_page_shows_mentors_job_functions_and_places(client, login, partnership):
    company = factories.company(partnership, name="Fjordgården")
    mentor = factories.mentor(company, name="Karen Fjord")
    factories.job_function(company, title="Staldmedhjælper", places=2, mentor=mentor)
    factories.job_function(company, title="Havemedhjælper", places=1)
    login(factories.user(Role.CASEWORKER, partnership))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Karen Fjord" in page and "Staldmedhjælper" in page and "Havemedhjælper" in page
    assert "3 internship places" in page or "3 praktikpladser" in page


def test_edit_deactivate_and_list_filters(client, login, partnership):
    company = factories.company(partnership, name="Lager Nord")
    login(factories.user(Role.COORDINATOR, partnership))
    response = client.post(f"/companies/{company.id}/edit", data=_company_form(cvr=company.cvr, name="Lager Nord A/S",
                                                                                    version=str(company.version)))
    assert response.status_code == 302
    client.post(f"/companies/{company.id}/active", data={"active": "0"})
    db.session.refresh(company)
    assert company.name == "Lager Nord A/S" and not company.active
    link = f'/companies/{company.id}">Lager Nord A/S</a>'
    assert link not in client.get("/companies").get_data(as_text=True)
    assert link in client.get("/companies?status=inactive").get_data(as_text=True)


def test_mentor_and_job_function_forms(client, login, partnership):
    company = factories.company(partnership)
    login(factories.user(Role.CONSULTANT, partnership))
    response = client.post(f"/companies/{company.id}/mentors/new", data={
        "name": "Bo Mentor", "email": "bo@example.com", "experience_level": "4", "max_interns": "2",
        "active": "y"})
    assert response.status_code == 302
    mentor = db.session.scalar(select(Mentor))
    job = {"title": "Landbrugsmedhjælper", "tasks": "Fodring, stald", "hours_min": "15", "hours_max": "25",
           "places": "2", "mentor_id": str(mentor.id), "active": "y", "structure": "5", "predictability": "4",
           "pace": "2", "social_contact": "2", "physical_load": "4", "sensory_load": "3", "independence": "2",
           "location_postcode": "8543"}
    bad = client.post(f"/companies/{company.id}/job-functions/new", data={**job, "hours_max": "10"})
    assert "Must be at least the lower limit" in bad.get_data(as_text=True)
    response = client.post(f"/companies/{company.id}/job-functions/new", data=job)
    assert response.status_code == 302
    created = db.session.scalar(select(JobFunction))
    assert created.mentor_id == mentor.id and created.profile()["structure"] == 5
    assert created.location_town == "Hornslet" and created.latitude is not None


def test_search_finds_companies_and_job_functions_despite_typos(client, login, partnership):
    factories.company(partnership, name="Hansens Maskinstation ApS", postcode="6900", town="Skjern")
    farm = factories.company(partnership, name="Nielsens Kvægbrug")
    factories.job_function(farm, title="Landbrugsmedhjælper", tasks="Fodring af kalve i landbrug")
    factories.job_function(farm, title="Køkkenmedhjælper")
    login(factories.user(Role.CONSULTANT, partnership))
    live = client.post("/search/live", data={"q": "hansen maskinstation"}).get_json()
    assert live["results"][0]["title"] == "Hansens Maskinstation ApS"
    titles = [r["title"] for r in client.post("/search/live", data={"q": "lanbrug"}).get_json()["results"]]
    assert "Landbrugsmedhjælper" in titles and "Køkkenmedhjælper" not in titles
    page = client.post("/search", data={"q": "lanbrug"}).get_data(as_text=True)
    assert "Landbrugsmedhjælper" in page and "· Nielsens Kvægbrug" in page
    live = client.post("/search/live", data={"q": "lanbrug"}).get_json()["results"]
    assert {"title": "Landbrugsmedhjælper", "context": "Nielsens Kvægbrug"}.items() <= next(
        r for r in live if r["title"] == "Landbrugsmedhjælper").items()


def test_search_never_shows_another_partnership(client, login, partnership, other_partnership):
    factories.company(other_partnership, name="Hansens Maskinstation ApS")
    login(factories.user(Role.CONSULTANT, partnership))
    assert client.post("/search/live", data={"q": "hansens maskinstation"}).get_json()["results"] == []


def test_the_forms_can_name_the_town_of_a_postcode_while_one_types(client, login, partnership):
    assert client.get("/postcodes.json").status_code in (302, 401)  # logged-in users only
    login(factories.user(Role.CONSULTANT, partnership))
    towns = client.get("/postcodes.json").get_json()
    assert towns["8900"] == "Randers C" and towns["6900"] == "Skjern"
    assert "0900" not in towns  # the service codes with wrong coordinates are not postcodes here
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, partnership))
    assert 'data-postcodes="/postcodes.json"' in client.get("/companies/new").get_data(as_text=True)
