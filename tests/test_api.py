"""The JSON API under /api/v1: token authentication, roles, partnerships, validation and the OpenAPI document."""

import json
import re

import pytest
from sqlalchemy import select

from placement.api import schemas
from placement.audit.models import AuditEvent
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.network import services
from placement.network.models import Company, JobFunction, Mentor
from placement.profile import DIMENSION_KEYS
from tests import factories

API = "/api/v1"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token_for():
    """Issue an API token for a user and return the request headers that carry it."""

    def _token_for(user) -> dict:
        _token, plain = auth_services.issue_api_token(user, "test")
        db.session.commit()
        return _bearer(plain)

    return _token_for


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


@pytest.fixture
def headers(consultant, token_for):
    return token_for(consultant)


def _company_body(**fields) -> dict:
    body = {"cvr": factories.cvr(), "name": "Grøn Gård ApS", "postcode": "8900", "industry": "Landbrug"}
    body.update(fields)
    return body


# Authentication ----------------------------------------------------------------------------------------------

def test_token_lists_the_partnerships_companies(client, partnership, other_partnership, consultant):
    mine = factories.company(partnership, name="Randers Maskinstation ApS")
    factories.company(other_partnership, name="Aarhus Bageri ApS")
    token, plain = auth_services.issue_api_token(consultant, "integration")
    db.session.commit()

    response = client.get(f"{API}/companies", headers=_bearer(plain))

    assert response.status_code == 200
    data = response.get_json()
    assert [item["name"] for item in data["items"]] == [mine.name]
    assert data["total"] == 1
    assert data["page"] == 1
    assert set(data["items"][0]) == set(schemas.COMPANY_KEYS)
    db.session.refresh(token)
    assert token.last_used_at is not None


def _assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    data = response.get_json()
    assert data["error"] == "Unauthorized"
    assert data["message"]


def test_missing_token_is_refused(client, partnership):
    _assert_unauthorized(client.get(f"{API}/companies"))


@pytest.mark.parametrize("authorization", ["Bearer plc_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "plc_x"])
def test_wrong_token_is_refused(client, partnership, consultant, token_for, authorization):
    token_for(consultant)  # a real token exists, but is not the one sent
    _assert_unauthorized(client.get(f"{API}/companies", headers={"Authorization": authorization}))


def test_revoked_token_is_refused(client, consultant):
    token, plain = auth_services.issue_api_token(consultant, "old")
    token.revoked_at = utcnow()
    db.session.commit()
    _assert_unauthorized(client.get(f"{API}/companies", headers=_bearer(plain)))


def test_token_of_deactivated_user_is_refused(client, consultant, headers):
    consultant.active = False  # deactivated without revoking the tokens: the user check alone must refuse
    db.session.commit()
    _assert_unauthorized(client.get(f"{API}/companies", headers=headers))


def test_deactivate_user_ends_their_tokens(client, consultant, headers):
    auth_services.deactivate_user(consultant)
    db.session.commit()
    _assert_unauthorized(client.get(f"{API}/companies", headers=headers))


def test_browser_session_cookie_does_not_authenticate_the_api(client, consultant, login):
    login(consultant)
    assert client.get("/companies").status_code == 200  # the cookie does work for the pages

    _assert_unauthorized(client.get(f"{API}/companies"))
    _assert_unauthorized(client.post(f"{API}/companies", json=_company_body()))
    assert db.session.scalar(select(Company)) is None


def test_api_needs_no_csrf_token_even_when_csrf_is_enabled(app, client, headers):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"{API}/companies", json=_company_body(), headers=headers)
    assert response.status_code == 201, response.get_json()


# Roles and partnerships --------------------------------------------------------------------------------------

def test_caseworker_reads_but_cannot_write(client, partnership, token_for):
    company = factories.company(partnership)
    headers = token_for(factories.user(Role.CASEWORKER, partnership))

    assert client.get(f"{API}/companies", headers=headers).status_code == 200
    assert client.get(f"{API}/companies/{company.id}", headers=headers).status_code == 200
    for response in (client.post(f"{API}/companies", json=_company_body(), headers=headers),
                     client.patch(f"{API}/companies/{company.id}", json={"name": "X"}, headers=headers),
                     client.post(f"{API}/mentors", json={"company_id": company.id, "name": "M"}, headers=headers)):
        assert response.status_code == 403
        assert response.get_json()["error"] == "Forbidden"


def test_mentor_role_may_not_use_the_network_api(client, partnership, token_for):
    company = factories.company(partnership)
    mentor_user = factories.user(Role.MENTOR, partnership, mentor=factories.mentor(company))
    response = client.get(f"{API}/companies/{company.id}", headers=token_for(mentor_user))
    assert response.status_code == 403


def test_other_partnerships_objects_are_not_found(client, other_partnership, headers):
    theirs = factories.company(other_partnership, name="Aarhus Bageri ApS")
    mentor = factories.mentor(theirs)
    job = factories.job_function(theirs)

    for url in (f"/companies/{theirs.id}", f"/mentors/{mentor.id}", f"/job-functions/{job.id}"):
        for response in (client.get(API + url, headers=headers),
                         client.patch(API + url, json={"active": False}, headers=headers)):
            assert response.status_code == 404, url
            assert response.get_json()["error"] == "Not Found"
    db.session.refresh(theirs)
    assert theirs.active
    assert client.get(f"{API}/mentors", headers=headers).get_json()["items"] == []
    assert client.get(f"{API}/job-functions", headers=headers).get_json()["items"] == []


def test_admin_sees_every_partnership_and_may_choose_one(client, partnership, other_partnership, token_for):
    theirs = factories.company(other_partnership)
    headers = token_for(factories.user(Role.ADMIN, partnership))

    assert client.get(f"{API}/companies/{theirs.id}", headers=headers).status_code == 200
    response = client.post(f"{API}/companies", json=_company_body(partnership_id=other_partnership.id),
                           headers=headers)
    assert response.status_code == 201
    assert response.get_json()["partnership_id"] == other_partnership.id


def test_only_an_admin_chooses_the_partnership(client, other_partnership, headers):
    response = client.post(f"{API}/companies", json=_company_body(partnership_id=other_partnership.id),
                           headers=headers)
    assert response.status_code == 422
    assert "partnership_id" in response.get_json()["fields"]


# Companies ---------------------------------------------------------------------------------------------------

def test_consultant_creates_a_company(client, partnership, consultant, headers):
    body = _company_body(employees=12, contact_email="ole@tarmauto.dk", active=True)
    response = client.post(f"{API}/companies", json=body, headers=headers)

    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["town"] == "Randers C"  # filled in from the postcode
    assert data["latitude"] is not None and data["longitude"] is not None
    assert data["cvr"] == body["cvr"]
    assert data["employees"] == 12
    assert data["kind"] == "ordinary"
    assert data["active"] is True
    assert data["partnership_id"] == partnership.id
    assert data["mentors"] == [] and data["job_functions"] == []
    assert response.headers["Location"].endswith(f"{API}/companies/{data['id']}")
    assert client.get(response.headers["Location"], headers=headers).get_json() == data

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "companies"))
    assert event.action == "create"
    assert event.actor_id == consultant.id


def test_created_company_may_be_inactive_and_social_economic(client, headers):
    response = client.post(f"{API}/companies", json=_company_body(active=False, kind="social_economic"),
                           headers=headers)
    assert response.status_code == 201
    assert response.get_json()["active"] is False
    assert response.get_json()["kind"] == "social_economic"


@pytest.mark.parametrize(("fields", "bad"), [
    ({"cvr": "12345678"}, "cvr"),  # fails the modulus-11 check
    ({"cvr": "1234"}, "cvr"),
    ({"postcode": "9999"}, "postcode"),
    ({"postcode": "8900", "town": "Aarhus C"}, "town"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"employees": "many"}, "employees"),
    ({"employees": -1}, "employees"),
    ({"contact_email": "not an address"}, "contact_email"),
    ({"kind": "charity"}, "kind"),
    ({"name": ["a", "list"]}, "name"),
])
def test_invalid_company_is_refused_naming_the_field(client, headers, fields, bad):
    response = client.post(f"{API}/companies", json=_company_body(**fields), headers=headers)

    assert response.status_code == 422
    data = response.get_json()
    assert data["error"] == "Validation failed"
    assert list(data["fields"]) == [bad]
    assert all(isinstance(message, str) and message for message in data["fields"][bad])
    assert db.session.scalar(select(Company)) is None


def test_missing_required_fields_are_named(client, headers):
    response = client.post(f"{API}/companies", json={}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"cvr", "name", "postcode"}


def test_registered_cvr_is_refused(client, partnership, headers):
    existing = factories.company(partnership)
    response = client.post(f"{API}/companies", json=_company_body(cvr=existing.cvr), headers=headers)
    assert response.status_code == 422
    assert "cvr" in response.get_json()["fields"]


def test_unknown_and_read_only_fields_are_refused(client, headers):
    response = client.post(f"{API}/companies", json=_company_body(colour="green", id=7, created_at="x"),
                           headers=headers)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"colour", "id", "created_at"}
    assert fields["colour"] == ["Unknown field."]
    assert fields["id"] == ["Read-only field."]


@pytest.mark.parametrize("kwargs", [{"json": ["not", "an", "object"]}, {"json": "text"},
                                    {"data": "cvr=1", "content_type": "application/x-www-form-urlencoded"},
                                    {"data": "{broken", "content_type": "application/json"}])
def test_body_must_be_a_json_object(client, headers, kwargs):
    response = client.post(f"{API}/companies", headers=headers, **kwargs)
    assert response.status_code == 400
    assert response.get_json()["error"] == "Bad Request"


def test_patch_changes_one_field_and_keeps_the_rest(client, partnership, headers):
    company = factories.company(partnership, name="Tarm Auto ApS", industry="Auto", employees=7,
                                contact_name="Ole", notes="Good cooperation")
    before = client.get(f"{API}/companies/{company.id}", headers=headers).get_json()

    response = client.patch(f"{API}/companies/{company.id}", json={"industry": "Autoværksted"}, headers=headers)

    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["industry"] == "Autoværksted"
    changed = {key for key in after if after[key] != before[key]}
    assert changed <= {"industry", "updated_at", "latitude", "longitude", "version"}
    assert after["version"] == before["version"] + 1
    db.session.refresh(company)
    assert (company.name, company.employees, company.contact_name, company.notes, company.cvr) == (
        "Tarm Auto ApS", 7, "Ole", "Good cooperation", before["cvr"])


def test_patch_postcode_moves_the_town_along(client, partnership, headers):
    company = factories.company(partnership)
    response = client.patch(f"{API}/companies/{company.id}", json={"postcode": "8000"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["town"] == "Aarhus C"


def test_patch_may_deactivate_and_clear(client, partnership, headers):
    company = factories.company(partnership, employees=7, industry="Auto")
    response = client.patch(f"{API}/companies/{company.id}", json={"active": False, "employees": None,
                                                                    "industry": None}, headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    assert (data["active"], data["employees"], data["industry"]) == (False, None, "")


def test_patch_validates_with_the_form(client, partnership, headers):
    company = factories.company(partnership, name="Tarm Auto ApS")
    other = factories.company(partnership)
    for body, bad in (({"name": ""}, "name"), ({"cvr": other.cvr}, "cvr"), ({"partnership_id": 99}, "partnership_id")):
        response = client.patch(f"{API}/companies/{company.id}", json=body, headers=headers)
        assert response.status_code == 422
        assert list(response.get_json()["fields"]) == [bad]
    # Its own CVR is no conflict.
    response = client.patch(f"{API}/companies/{company.id}", json={"cvr": company.cvr}, headers=headers)
    assert response.status_code == 200
    db.session.refresh(company)
    assert company.name == "Tarm Auto ApS"


def test_likely_duplicate_needs_confirmation(client, partnership, other_partnership, headers):
    existing = factories.company(partnership, name="Hansens Maskinstation ApS", postcode="8900")
    body = _company_body(name="Hansens Maskinstation A/S", postcode="8900")

    response = client.post(f"{API}/companies", json=body, headers=headers)

    assert response.status_code == 409
    data = response.get_json()
    assert data["duplicate"]["id"] == existing.id
    assert data["duplicate"]["name"] == "Hansens Maskinstation ApS"
    assert "confirm_not_duplicate" in data["message"]
    assert "Hansens Maskinstation ApS" in data["message"]
    assert db.session.scalar(select(Company).where(Company.cvr == body["cvr"])) is None

    response = client.post(f"{API}/companies", json={**body, "confirm_not_duplicate": True}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["name"] == "Hansens Maskinstation A/S"


def test_a_similar_name_in_another_partnership_is_no_duplicate(client, other_partnership, headers):
    factories.company(other_partnership, name="Hansens Maskinstation ApS", postcode="8900")
    response = client.post(f"{API}/companies", json=_company_body(name="Hansens Maskinstation"), headers=headers)
    assert response.status_code == 201


def test_fuzzy_search_finds_the_company(client, partnership, other_partnership, headers):
    wanted = factories.company(partnership, name="Hansens Maskinstation ApS")
    for name in ("Hansen Transport ApS", "Skjern Maskinstation I/S", "Nielsens Landbrug", "Grøn Gård"):
        factories.company(partnership, name=name)
    factories.company(other_partnership, name="Hansens Maskinstation I/S")  # not theirs to see
    factories.mentor(wanted, name="Hansen Maskinstation")  # a mentor, not a company

    data = client.get(f"{API}/companies", query_string={"q": "hansen maskinstation"}, headers=headers).get_json()

    assert data["items"][0]["name"] == "Hansens Maskinstation ApS"
    assert data["items"][0]["id"] == wanted.id
    assert "Hansens Maskinstation I/S" not in [item["name"] for item in data["items"]]
    assert "Nielsens Landbrug" not in [item["name"] for item in data["items"]]
    assert data["total"] == len(data["items"])


def test_listing_filters_and_pages(client, partnership, headers):
    for n in range(5):
        factories.company(partnership, name=f"Firma {n}", active=n != 0)

    def get(**params):
        response = client.get(f"{API}/companies", query_string=params, headers=headers)
        return response.status_code, response.get_json()

    _status, data = get(active="false")
    assert [item["name"] for item in data["items"]] == ["Firma 0"]
    _status, data = get(active="true", per_page=2, page=2)
    assert [item["name"] for item in data["items"]] == ["Firma 3", "Firma 4"]
    assert (data["total"], data["page"], data["per_page"]) == (4, 2, 2)
    _status, data = get(page=9)
    assert data["items"] == [] and data["total"] == 5
    for params in ({"per_page": 101}, {"per_page": 0}, {"page": "x"}, {"active": "maybe"}):
        status, data = get(**params)
        assert status == 400, params
        assert data["error"] == "Bad Request"
    assert get(per_page=100)[0] == 200


# Mentors and job functions -----------------------------------------------------------------------------------

def test_create_list_and_patch_a_mentor(client, partnership, other_partnership, headers):
    company = factories.company(partnership)
    other = factories.company(partnership)
    factories.mentor(other, name="Someone Else")

    response = client.post(f"{API}/mentors", json={"company_id": company.id, "name": "Birthe Hansen",
                                                    "experience_level": 4, "max_interns": 2}, headers=headers)
    assert response.status_code == 201, response.get_json()
    mentor = response.get_json()
    assert set(mentor) == set(schemas.MENTOR_KEYS)
    assert (mentor["company_id"], mentor["experience_level"], mentor["max_interns"], mentor["active"]) == (
        company.id, 4, 2, True)
    assert response.headers["Location"].endswith(f"{API}/mentors/{mentor['id']}")

    listed = client.get(f"{API}/mentors", query_string={"company_id": company.id}, headers=headers).get_json()
    assert [m["name"] for m in listed["items"]] == ["Birthe Hansen"]
    detail = client.get(f"{API}/companies/{company.id}", headers=headers).get_json()
    assert detail["mentors"] == [{"id": mentor["id"], "name": "Birthe Hansen", "active": True}]

    response = client.patch(f"{API}/mentors/{mentor['id']}", json={"phone": "12345678"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["phone"] == "12345678"
    assert response.get_json()["experience_level"] == 4
    response = client.patch(f"{API}/mentors/{mentor['id']}", json={"company_id": other.id}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"company_id": ["Read-only field."]}


@pytest.mark.parametrize(("body", "bad"), [
    ({"name": "M"}, "company_id"),
    ({"company_id": "1", "name": "M"}, "company_id"),
    ({"company_id": 1, "name": ""}, "name"),
    ({"company_id": 1, "name": "M", "experience_level": 6}, "experience_level"),
    ({"company_id": 1, "name": "M", "max_interns": 21}, "max_interns"),
])
def test_invalid_mentor_is_refused(client, partnership, headers, body, bad):
    factories.company(partnership)  # id 1
    response = client.post(f"{API}/mentors", json=body, headers=headers)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [bad]


def test_mentor_of_another_partnerships_company_is_refused(client, other_partnership, headers):
    theirs = factories.company(other_partnership)
    response = client.post(f"{API}/mentors", json={"company_id": theirs.id, "name": "M"}, headers=headers)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["company_id"]
    assert db.session.scalar(select(Mentor)) is None


def test_create_and_patch_a_job_function(client, partnership, headers):
    company = factories.company(partnership, name="Randers Lager ApS")
    mentor = factories.mentor(company)
    profile = {key: 3 for key in DIMENSION_KEYS} | {"structure": 5, "pace": 1}
    body = {"company_id": company.id, "title": "Lagermedarbejder", "tasks": "Pakning af varer",
            "hours_min": 12, "hours_max": 25, "places": 2, "mentor_id": mentor.id, "location_postcode": "8000",
            "profile": {"structure": 5, "pace": 1}}

    response = client.post(f"{API}/job-functions", json=body, headers=headers)

    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert set(job) == {*schemas.JOB_FUNCTION_KEYS, "occupation", "profile"}
    assert job["profile"] == profile  # the others keep the form's default, 3
    assert (job["company_id"], job["mentor_id"], job["hours_min"], job["hours_max"], job["places"]) == (
        company.id, mentor.id, 12, 25, 2)
    assert (job["location_postcode"], job["location_town"], job["occupation"]) == ("8000", "Aarhus C", None)
    assert response.headers["Location"].endswith(f"{API}/job-functions/{job['id']}")

    response = client.patch(f"{API}/job-functions/{job['id']}", json={"profile": {"pace": 4}}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["profile"] == profile | {"pace": 4}
    assert response.get_json()["title"] == "Lagermedarbejder"
    assert response.get_json()["mentor_id"] == mentor.id

    response = client.patch(f"{API}/job-functions/{job['id']}", json={"mentor_id": None, "location_postcode": None},
                            headers=headers)
    assert response.status_code == 200
    assert (response.get_json()["mentor_id"], response.get_json()["location_town"]) == (None, "")
    db.session.expire_all()
    assert db.session.get(JobFunction, job["id"]).profile() == profile | {"pace": 4}


def test_job_function_with_mentor_of_another_company_is_refused(client, partnership, headers):
    company = factories.company(partnership)
    stranger = factories.mentor(factories.company(partnership))
    response = client.post(f"{API}/job-functions", json={"company_id": company.id, "title": "Pedel",
                                                          "mentor_id": stranger.id}, headers=headers)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["mentor_id"]
    assert db.session.scalar(select(JobFunction)) is None


@pytest.mark.parametrize(("body", "bad"), [
    ({"profile": {"pace": 6}}, {"profile.pace"}),
    ({"profile": {"pace": None}}, {"profile.pace"}),
    ({"profile": {"colour": 2}}, {"profile.colour"}),
    ({"profile": [1, 2]}, {"profile"}),
    ({"pace": 2}, {"pace"}),  # a profile value belongs inside "profile"
    ({"hours_min": 30, "hours_max": 20}, {"hours_max"}),
    ({"hours_min": 0}, {"hours_min"}),
    ({"location_postcode": "9999"}, {"location_postcode"}),
    ({"occupation_id": 12345}, {"occupation_id"}),
    ({"title": ""}, {"title"}),
])
def test_invalid_job_function_is_refused(client, partnership, headers, body, bad):
    company = factories.company(partnership)
    response = client.post(f"{API}/job-functions", json={"company_id": company.id, "title": "Pedel", **body},
                           headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == bad


def test_job_function_listing_filters(client, partnership, headers):
    company = factories.company(partnership, name="Nielsens Landbrug")
    other = factories.company(partnership, name="Randers Kro")
    factories.job_function(company, title="Landbrugsmedhjælper", tasks="Fodring af kalve")
    factories.job_function(other, title="Køkkenmedhjælper", tasks="Opvask")

    def titles(**params):
        data = client.get(f"{API}/job-functions", query_string=params, headers=headers).get_json()
        return [item["title"] for item in data["items"]]

    assert titles() == ["Køkkenmedhjælper", "Landbrugsmedhjælper"]
    assert titles(company_id=company.id) == ["Landbrugsmedhjælper"]
    assert titles(q="lanbrug") == ["Landbrugsmedhjælper"]
    assert titles(q="køkken", company_id=company.id) == []


# The OpenAPI document ----------------------------------------------------------------------------------------

def _openapi(client) -> dict:
    response = client.get(f"{API}/openapi.json")  # public: no token
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_openapi_document_is_openapi_3_1(client):
    document = _openapi(client)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "placement API"
    assert document["info"]["version"] == "1"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"][
            "bearerAuth"]["description"]}
    assert document["security"] == [{"bearerAuth": []}]
    assert document["servers"] == [{"url": API}]


def _api_operations(app) -> dict[tuple[str, str], str]:
    operations = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(API))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations[path, method.lower()] = rule.endpoint.removeprefix("api.")
    return operations


def test_openapi_paths_are_exactly_the_apps_api_routes(app, client):
    document = _openapi(client)
    documented = {(path, method): operation["operationId"]
                  for path, item in document["paths"].items() for method, operation in item.items()}
    assert documented == _api_operations(app)
    assert len(documented) == 36  # 31 + the four partnership operations + retention


def test_openapi_operations_are_described(client):
    document = _openapi(client)
    references = set(re.findall(r'"#/components/(\w+)/(\w+)"', json.dumps(document)))
    for kind, name in references:
        assert name in document["components"][kind], (kind, name)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if path == "/openapi.json":
                assert operation["security"] == []
                continue
            assert {"401", "403"} <= set(responses), (path, method)
            if "{" in path:
                assert "404" in responses
                assert operation["parameters"][0]["in"] == "path"
            if method in ("post", "patch"):
                assert "422" in responses and "requestBody" in operation
    assert "409" in document["paths"]["/companies"]["post"]["responses"]
    assert "201" in document["paths"]["/mentors"]["post"]["responses"]


def test_openapi_schemas_follow_the_serialisers_and_forms(client, partnership, headers):
    schemas_ = _openapi(client)["components"]["schemas"]
    company = factories.company(partnership)
    job = factories.job_function(company, mentor=factories.mentor(company))

    detail = client.get(f"{API}/companies/{company.id}", headers=headers).get_json()
    assert set(schemas_["CompanyDetail"]["properties"]) == set(detail)
    assert set(schemas_["Company"]["properties"]) == set(schemas.COMPANY_KEYS) >= set(services.COMPANY_FIELDS)
    job_data = client.get(f"{API}/job-functions/{job.id}", headers=headers).get_json()
    assert set(schemas_["JobFunction"]["properties"]) == set(job_data)
    assert set(schemas_["Profile"]["properties"]) == set(DIMENSION_KEYS) == set(job_data["profile"])
    assert set(schemas_["JobFunctionCreate"]["properties"]["profile"]["properties"]) == set(DIMENSION_KEYS)
    assert set(schemas_["CompanyCreate"]["required"]) == {"cvr", "name", "postcode"}
    assert set(schemas_["MentorCreate"]["required"]) == {"company_id", "name"}
    assert schemas_["CompanyCreate"]["properties"]["kind"]["enum"] == ["ordinary", "social_economic"]
    assert schemas_["CompanyUpdate"]["additionalProperties"] is False
    assert "company_id" not in schemas_["MentorUpdate"]["properties"]


# The contract (tests/test_api_contract.py runs schemathesis over all of it) ------------------------------------

def test_a_wrong_method_is_405_with_allow(client, headers):
    response = client.put(f"{API}/companies", headers=headers, json={})

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["error"] == "Method Not Allowed"


@pytest.mark.parametrize(("query", "named"), [("compnay_id=1", "compnay_id"), ("active=", "active"),
                                              ("page=0", "page"), ("page=2147483648", "page"),
                                              ("company_id=x", "company_id")])
def test_a_bad_or_unknown_query_parameter_is_400_naming_it(client, headers, query, named):
    response = client.get(f"{API}/mentors?{query}", headers=headers)

    assert response.status_code == 400
    assert named in response.get_json()["message"]


def test_a_search_may_look_like_a_large_number(client, headers):
    assert client.get(f"{API}/companies?q=12345678901234567", headers=headers).status_code == 200


def test_ids_beyond_the_integer_range_are_refused(client, partnership, headers):
    assert client.get(f"{API}/companies/2147483648", headers=headers).status_code == 404
    response = client.post(f"{API}/mentors", headers=headers, json={"company_id": 2**63, "name": "Karen"})

    assert response.status_code == 422
    assert response.get_json()["fields"] == {"company_id": ["Unknown or not visible to you."]}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", 123, "Must be a string."), ("employees", "12", "Must be an integer."),
    ("active", None, "Must be true or false, not null."), ("active", "yes", "Must be true or false."),
])
def test_a_body_value_of_the_wrong_json_type_is_refused(client, partnership, headers, field, value, message):
    company = factories.company(partnership)

    response = client.patch(f"{API}/companies/{company.id}", headers=headers, json={field: value})

    assert response.status_code == 422
    assert response.get_json()["fields"] == {field: [message]}


def test_openapi_states_the_servers_limits(client):
    document = _openapi(client)
    parameters = {p["name"]: p["schema"] for p in document["components"]["parameters"].values()}
    company_path = document["paths"]["/companies/{company_id}"]["get"]["parameters"][0]["schema"]
    create = document["components"]["schemas"]["CompanyCreate"]["properties"]
    birth = document["components"]["schemas"]["ParticipantCreate"]["properties"]["date_of_birth"]

    assert company_path == parameters["company_id"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert parameters["page"]["maximum"] == 2**31 - 1
    assert create["name"]["maxLength"] == 200 and re.fullmatch(create["name"]["pattern"], "Grøn Gård")
    assert not re.fullmatch(create["name"]["pattern"], "  ") and not re.fullmatch(create["name"]["pattern"], "a\0b")
    assert create["employees"]["type"] == ["integer", "null"] and create["employees"]["maximum"] == 1_000_000
    assert "from 1900-01-01 to" in json.dumps(birth)


# What a request costs: matches serialised once per kept result -------------------------------------------------

def test_match_filters_of_a_query_without_filters_are_the_forms_defaults(app):
    from werkzeug.datastructures import MultiDict

    from placement.api.matches import DEFAULT_FILTERS
    from placement.matches.forms import MatchFilterForm

    with app.test_request_context():
        form = MatchFilterForm(formdata=MultiDict(), travel_limit=15)
        assert form.validate()
        assert form.filters() == DEFAULT_FILTERS


def test_matches_are_serialised_once_per_kept_result_and_follow_every_change(client, partnership, other_partnership,
                                                                             token_for, monkeypatch):
    from placement.api import matches as api_matches
    from tests.test_matches import CALM_TITLE, scenario

    world = scenario(partnership, other_partnership)
    young, calm = world["young"], world["calm"]
    headers = token_for(world["consultant"])
    url = f"{API}/participants/{young.id}/matches"
    serialised = []
    body = api_matches._matches_body
    monkeypatch.setattr(api_matches, "_matches_body", lambda *args: serialised.append(args) or body(*args))

    client.get(url, headers=headers)  # the day's first suggestions are recorded: the partnership's data moved
    serialised.clear()
    first = client.get(url, headers=headers)
    again = client.get(url, headers=headers)

    assert first.status_code == again.status_code == 200
    assert again.data == first.data and again.mimetype == "application/json"
    assert len(serialised) == 1
    assert first.get_json()["matches"][0]["job_function"]["title"] == CALM_TITLE
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view",
                                                        AuditEvent.entity_id == str(young.id))).all()
    assert len(reads) == 3  # each answer is a read of the young person's record, audited

    calm.active = False
    db.session.commit()
    changed = client.get(url, headers=headers).get_json()
    assert CALM_TITLE not in [m["job_function"]["title"] for m in changed["matches"]]
    assert len(serialised) == 2
    assert client.get(url + "?include_excluded=true", headers=headers).get_json()["excluded"]
