"""The API's fuzzy listings: the hits are checked against the listing's filters in chunks and only a page is loaded."""

from placement.api import views
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from tests import factories


def test_search_hits_are_filtered_in_chunks_and_paged_in_rank_order(client, partnership, other_partnership,
                                                                      monkeypatch):
    names = ["Grøn Gård ApS", "Grønt Gartneri", "Grøn Gård Tarm", "Grøn Gård Skjern", "Grøn Gårdbutik"]
    companies = [factories.company(partnership, name=name) for name in names]
    companies[2].active = False
    factories.company(other_partnership, name="Grøn Gård Randers")
    _token, plain = auth_services.issue_api_token(factories.user(Role.CONSULTANT, partnership), "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}

    def page(**args) -> dict:
        query = "&".join(f"{key}={value}" for key, value in args.items())
        return client.get(f"/api/v1/companies?{query}", headers=headers).get_json()

    whole = page(q="grøn gård", per_page=50)
    monkeypatch.setattr(views, "ID_CHUNK", 2)  # as a search with more hits than a statement takes parameters
    assert page(q="grøn gård", per_page=50) == whole
    ranked = [item["name"] for item in whole["items"]]
    assert "Grøn Gård Randers" not in ranked and "Grøn Gård Tarm" in ranked
    first, second = page(q="grøn gård", per_page=2, page=1), page(q="grøn gård", per_page=2, page=2)
    assert [item["name"] for item in first["items"] + second["items"]] == ranked[:4]
    assert first["total"] == whole["total"] == len(ranked)
    active = page(q="grøn gård", per_page=50, active="true")
    assert [item["name"] for item in active["items"]] == [name for name in ranked if name != "Grøn Gård Tarm"]


def test_mentors_and_job_functions_are_searched_in_the_users_partnership_and_by_company(
        client, partnership, other_partnership, monkeypatch):
    farm = factories.company(partnership, name="Grøn Gård ApS")
    shop = factories.company(partnership, name="Byens Butik")
    theirs = factories.company(other_partnership, name="Anden Gård")
    for company, surname in ((farm, "Staldsen"), (shop, "Butiksen"), (theirs, "Andersen")):
        factories.mentor(company, name=f"Karen {surname}")
        factories.job_function(company, title=f"Staldmedhjælper hos {company.name}")
    tokens = {role: auth_services.issue_api_token(factories.user(role, partnership), "test")[1]
              for role in (Role.CONSULTANT, Role.ADMIN)}
    db.session.commit()
    monkeypatch.setattr(views, "ID_CHUNK", 1)  # the filters' check in chunks

    def listed(role: Role, path: str, **args) -> tuple[set[str], int]:
        query = "&".join(f"{key}={value}" for key, value in args.items())
        data = client.get(f"/api/v1/{path}?{query}", headers={"Authorization": f"Bearer {tokens[role]}"}).get_json()
        names = {item.get("name") or item["title"] for item in data["items"]}
        assert data["total"] == len(names)
        return names, data["total"]

    ours = {"Staldmedhjælper hos Grøn Gård ApS", "Staldmedhjælper hos Byens Butik"}
    assert listed(Role.CONSULTANT, "job-functions", q="staldmedhjælper") == (ours, 2)
    assert listed(Role.CONSULTANT, "job-functions", q="staldmedhjælper", company_id=shop.id) == (
        {"Staldmedhjælper hos Byens Butik"}, 1)
    assert listed(Role.CONSULTANT, "mentors", q="karen") == ({"Karen Staldsen", "Karen Butiksen"}, 2)
    assert listed(Role.CONSULTANT, "mentors", q="karen", company_id=farm.id, active="true") == ({"Karen Staldsen"}, 1)
    assert listed(Role.CONSULTANT, "mentors", q="karen", company_id=theirs.id) == (set(), 0)  # not theirs
    assert listed(Role.ADMIN, "job-functions", q="staldmedhjælper") == (ours | {"Staldmedhjælper hos Anden Gård"}, 3)
