"""Reads with a purpose: every response showing a young person's data writes one audit entry saying who, what,
which records and why; records one is not named on ask for the purpose first."""

import pytest
from sqlalchemy import func, select

from placement.agreements.models import Agreement, State
from placement.audit.models import AuditEvent, AuditSubject
from placement.auth.models import Role
from placement.extensions import db
from placement.network.models import Company
from tests import factories
from tests.test_access_matrix import EXPECTATIONS, PERSONAL_DATA_ROUTES
from tests.test_access_matrix import world as matrix_world  # noqa: F401 - the fixture

#: Query strings a route needs to show its data (compare needs two suggestions).
QUERIES = {"matches.compare": "?a={a}&b={b}", "matches.for_job_function": "?excluded=1",
           "api.job_function_candidates": "?include_excluded=true"}


def _views():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.id)).all()


def _last_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


@pytest.fixture
def walk(app, matrix_world):  # noqa: F811 - the access matrix's fixture, imported above
    """The world of the access matrix, with what the personal-data routes need to show their data."""
    world = matrix_world
    own = world["own"]
    agreement = db.session.get(Agreement, own["agreement_id"])
    agreement.state = State.DRAFT  # only a draft's plan has an edit form
    # Measurements are recorded by coordinators: one named on the case reads for case work too.
    named = factories.user(Role.COORDINATOR, agreement.participant.partnership)
    agreement.participant.coordinator_id = named.id
    world["users"] = {**world["users"], "named coordinator": named}
    company = db.session.get(Company, own["company_id"])
    second = factories.job_function(company, title="Pakkemedarbejder", mentor=own["mentor"])
    db.session.commit()
    return world, {"a": own["job_function_id"], "b": second.id}


def _url(app, endpoint, world, extra):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {a: world["own"][a] for a in rule.arguments}
    return rule.build(values, append_unknown=False)[1] + QUERIES.get(endpoint, "").format(**extra), rule


def _open(client, app, endpoint, world, extra, role):
    url, rule = _url(app, endpoint, world, extra)
    if endpoint.startswith("api."):
        headers = {"Authorization": f"Bearer {world['tokens'][role][0]}"}
        method = "PATCH" if "PATCH" in rule.methods else "GET"
        return client.open(url, method=method, json={} if method == "PATCH" else None, headers=headers)
    return client.get(url)


def test_the_matrix_knows_the_personal_data_routes(app):
    assert EXPECTATIONS.keys() >= PERSONAL_DATA_ROUTES


@pytest.mark.parametrize("endpoint", sorted(PERSONAL_DATA_ROUTES))
def test_each_personal_data_route_writes_exactly_one_read_with_a_purpose(app, walk, endpoint):
    world, extra = walk
    # Named on the case: case work, nothing asked.
    role = "named coordinator" if endpoint == "progress.measurement_create" else Role.CONSULTANT
    client = app.test_client()
    client.post("/login", data={"email": world["users"][role].email, "password": factories.PASSWORD})
    if endpoint == "participants.export_csv":  # a bulk export asks for its purpose every time
        asked = client.get(_url(app, endpoint, world, extra)[0])
        assert asked.status_code == 302 and "/audit/purpose?" in asked.headers["Location"]
        client.post(asked.headers["Location"], data={"purpose": "quality_assurance"})
    before = _last_id()
    response = _open(client, app, endpoint, world, extra, role)
    assert response.status_code == 200, (endpoint, response.status_code)
    reads = [e for e in _views() if e.id > before]
    assert len(reads) == 1, (endpoint, [(e.entity, e.entity_id) for e in reads])
    [read] = reads
    assert read.actor_id == world["users"][role].id and read.purpose and read.fields
    assert world["own"]["participant_id"] in read.records
    subjects = db.session.scalars(select(AuditSubject.participant_id).where(AuditSubject.event_id == read.id)).all()
    assert world["own"]["participant_id"] in subjects
    expected = "quality_assurance" if endpoint == "participants.export_csv" else "case_work"
    assert read.purpose == expected, endpoint


# The calendar feed reads as its owner, whoever fetches it (tests/test_calendar.py).
@pytest.mark.parametrize("endpoint", sorted(r for r in PERSONAL_DATA_ROUTES
                                            if not r.startswith("api.") and r != "calendar.feed"))
def test_a_coordinator_not_named_gives_a_purpose_once_a_day(app, walk, endpoint):
    world, extra = walk
    client = app.test_client()
    client.post("/login", data={"email": world["users"][Role.COORDINATOR].email, "password": factories.PASSWORD})
    url = _url(app, endpoint, world, extra)[0]
    first = client.get(url)
    if endpoint in ("participants.participant_list", "agreements.agreement_list", "progress.due",
                    "matches.for_job_function", "agreements.agreement_create", "main.index",
                    "network.company_detail", "network.mentor_detail", "mail.outbox"):
        # A list asks nothing: its one entry names every record shown, for an overview.
        assert first.status_code == 200
        [read] = [e for e in _views() if e.actor_id == world["users"][Role.COORDINATOR].id]
        assert read.purpose == "overview" and world["own"]["participant_id"] in read.records
        return
    assert first.status_code == 302 and "/audit/purpose?" in first.headers["Location"]
    assert _views() == []  # nothing shown yet
    refused = client.post(first.headers["Location"], data={"purpose": "other", "note": "  "})
    assert 'Describe the purpose in your own words when you choose "Other".' in refused.get_data(as_text=True)
    given = client.post(first.headers["Location"], data={"purpose": "other", "note": "Tilsyn med sagen"})
    assert given.status_code == 302 and given.headers["Location"] == url
    assert client.get(url).status_code == 200
    [read] = _views()
    assert (read.purpose, read.purpose_note) == ("other", "Tilsyn med sagen")
    if endpoint != "participants.export_csv":
        assert client.get(url).status_code == 200  # not asked again today
        assert [e.purpose for e in _views()] == ["other", "other"]
    else:
        again = client.get(url)  # an export asks every time
        assert again.status_code == 302 and "/audit/purpose?" in again.headers["Location"]


def test_the_purpose_page_refuses_an_empty_purpose_and_foreign_redirects(app, client, login, partnership):
    young = factories.participant(partnership)
    login(factories.user(Role.ADMIN, partnership))
    page = client.post(f"/audit/purpose?participant={young.id}", data={"purpose": ""})
    assert "Choose the purpose of opening the record." in page.get_data(as_text=True)
    assert 'aria-describedby="purpose-error"' in page.get_data(as_text=True) or "purpose-error" in \
        page.get_data(as_text=True)
    away = client.post(f"/audit/purpose?participant={young.id}&next=//evil.example/x",
                       data={"purpose": "supervision"})
    assert away.headers["Location"] == f"/participants/{young.id}"
    other = factories.participant(factories.partnership("Aarhus"))
    coordinator = app.test_client()
    coordinator.post("/login", data={"email": factories.user(Role.COORDINATOR, partnership).email,
                                     "password": factories.PASSWORD})
    assert coordinator.get(f"/audit/purpose?participant={other.id}").status_code == 404
    assert coordinator.get("/audit/purpose").status_code == 400


def test_the_api_needs_a_purpose_for_a_record_one_is_not_named_on(app, walk):
    world, _ = walk
    token = world["tokens"][Role.COORDINATOR][0]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/participants/{world['own']['participant_id']}"
    refused = client.get(url, headers=headers)
    assert refused.status_code == 400 and "purpose" in refused.get_data(as_text=True)
    assert _views() == []
    assert client.get(url + "?purpose=coordination", headers=headers).status_code == 200
    assert client.get(url, headers=headers).status_code == 200  # the purpose given serves the rest of the day
    assert [e.purpose for e in _views()] == ["coordination", "coordination"]
    admin = app.test_client()
    admin.post("/login", data={"email": world["users"][Role.ADMIN].email, "password": factories.PASSWORD})
    assert "Coordination" in admin.get("/audit/?entity=participants").get_data(as_text=True)


def test_the_log_tab_tells_who_saw_the_record_when_and_why(app, walk):
    world, _ = walk
    own = world["own"]
    users = world["users"]
    consultant = app.test_client()
    consultant.post("/login", data={"email": users[Role.CONSULTANT].email, "password": factories.PASSWORD})
    consultant.get(f"/participants/{own['participant_id']}")
    consultant.get("/participants")
    coordinator = app.test_client()
    coordinator.post("/login", data={"email": users[Role.COORDINATOR].email, "password": factories.PASSWORD})
    coordinator.post(f"/audit/purpose?participant={own['participant_id']}",
                     data={"purpose": "supervision", "note": "Faglig sparring"})
    record = coordinator.get(f"/participants/{own['participant_id']}").get_data(as_text=True)
    assert f'href="/audit/participants/{own["participant_id"]}"' in record  # the Log tab
    page = coordinator.get(f"/audit/participants/{own['participant_id']}").get_data(as_text=True)
    assert users[Role.CONSULTANT].email in page and "Case work" in page and "in a list of 1" not in page
    assert "Supervision: Faglig sparring" in page and users[Role.COORDINATOR].email in page
    csv = coordinator.get(f"/audit/participants/{own['participant_id']}/log.csv").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert len(lines) == 1 + 3  # the header, two record pages, one list
    assert lines[0].lstrip("\ufeff") == "When;Who;Role;What;Young people shown;Why;In their own words"
    assert "Supervision;Faglig sparring" in csv and "Case work" in csv and "supervision" not in csv
    caseworker = app.test_client()
    caseworker.post("/login", data={"email": users[Role.CASEWORKER].email, "password": factories.PASSWORD})
    assert caseworker.get(f"/audit/participants/{own['participant_id']}").status_code == 403
    assert coordinator.get(f"/audit/participants/{world['other']['participant_id']}").status_code == 404


def test_the_command_line_export_needs_a_purpose(runner, partnership):
    factories.participant(partnership, name="Eksporteret Ung")
    assert runner.invoke(args=["participants", "export"]).exit_code != 0
    result = runner.invoke(args=["participants", "export", "--purpose", "other"])
    assert result.exit_code != 0 and "own words" in result.output
    result = runner.invoke(args=["participants", "export", "--purpose", "quality_assurance"])
    assert result.exit_code == 0 and "Eksporteret Ung" in result.output
    [read] = _views()
    assert (read.purpose, read.entity_id, read.actor_label) == ("quality_assurance", "export", "cli")
    assert read.fields == "base,health"


def test_the_purpose_is_asked_again_the_next_day(app, client, login, partnership, monkeypatch):
    from datetime import timedelta

    from placement.agreements import services as agreement_services

    young = factories.participant(partnership)
    login(factories.user(Role.ADMIN, partnership))
    client.post(f"/audit/purpose?participant={young.id}", data={"purpose": "supervision"})
    assert client.get(f"/participants/{young.id}").status_code == 200
    tomorrow = agreement_services.today() + timedelta(days=1)
    monkeypatch.setattr(agreement_services, "today", lambda: tomorrow)
    asked = client.get(f"/participants/{young.id}")
    assert asked.status_code == 302 and "/audit/purpose?" in asked.headers["Location"]
