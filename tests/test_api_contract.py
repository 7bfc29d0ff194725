"""The API keeps the contract of its OpenAPI document: schemathesis over every operation, with all its checks.

Every operation of ``/api/v1/openapi.json`` is called in-process (WSGI) with examples, boundary values
(coverage) and random valid and invalid requests (fuzzing), with a fixed seed. It fails on any server error, any
answer that does not match the documented status codes, headers and schemas, any request the document allows that
the server refuses (and the reverse), and a 405 without ``Allow``. Ids 1 exist for every resource, so boundary
values reach real records.
"""

import pytest
import schemathesis
from flask.globals import _cv_app
from hypothesis import HealthCheck, settings

from placement import create_app
from placement.agreements import services as agreement_services
from placement.auth import services as auth_services
from placement.auth.models import Role, TokenScope
from placement.extensions import db
from tests import factories
from tests.conftest import _config

API = "/api/v1"
#: Examples per operation and phase: enough to reach every field's boundaries, within the suite's time budget.
EXAMPLES = 15


#: The app under test: each test's own (a fresh database), set by the ``under_test`` fixture.
_under_test: dict = {}


def _wsgi(environ, start_response):
    """The app under test as a WSGI callable whose requests each run in their own app context (as
    ``IsolatedClient`` does), also the requests schemathesis's checks send again."""
    token = _cv_app.set(None)
    try:
        return _under_test["app"](environ, start_response)
    finally:
        _cv_app.reset(token)


@pytest.fixture
def under_test(app):
    _under_test["app"] = app
    yield
    _under_test.clear()


@pytest.fixture
def tokens(app, partnership, other_partnership, client) -> dict[str, dict]:
    """A partnership with a record of every kind (each with id 1); the request headers of a consultant's read-write
    token (every young person they see is theirs, so no read needs a purpose) and of an admin's (partnerships)."""
    admin = factories.user(Role.ADMIN, partnership)
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug", employees=10)
    mentor = factories.mentor(company, name="Karen", email="karen@example.com", max_interns=2)
    job = factories.job_function(company, title="Staldmedhjælper", places=2, mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id)
    factories.company(other_partnership, name="Aarhus Bageri ApS")
    headers = {user.role: _bearer(user) for user in (admin, consultant)}
    start = agreement_services.today().replace(day=1)
    response = client.post(f"{API}/agreements", headers=headers[Role.CONSULTANT], json={
        "participant_id": young.id, "job_function_id": job.id, "mentor_id": mentor.id,
        "start_date": start.isoformat(), "purpose": "Prøve arbejdet i stalden", "goals": ["Møde til tiden"]})
    assert response.status_code == 201, response.get_json()
    return headers


def _bearer(user) -> dict:
    _row, plain = auth_services.issue_api_token(user, "contract", scope=TokenScope.READ_WRITE)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _document() -> dict:
    """The OpenAPI document, read once when the tests are collected (it depends on the code, not on data)."""
    from placement.api.openapi import document

    app = create_app(_config("sqlite://"))
    with app.app_context(), app.test_request_context():
        return document()


#: Rules the document can only describe (its descriptions name them) may refuse a request it allows:
#: bodies name records that must exist, Danish postcodes, CVR check digits, date windows that move with today and
#: rules between fields (422); a young person's own travel limit (400); a period ending before it begins (400).
#: A change names the version it was made on: another one is refused (412 for If-Match), whatever else is wrong.
CONFIG = schemathesis.Config.from_str(f"""
seed = 1
[generation]
max-examples = {EXAMPLES}

[[operations]]
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-method = "PATCH"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422"]
checks.negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "409", "412", "422"]

[[operations]]
include-operation-id-regex = "^(participant_matches|report_)"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404"]
""")

schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)
schema.config.update(base_url=f"http://localhost{API}")
schema.app = _wsgi


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_the_documented_contract(case, under_test, tokens):
    role = Role.ADMIN if "Partnerships" in case.operation.tags else Role.CONSULTANT
    case.call_and_validate(headers=tokens[role])
