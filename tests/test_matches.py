"""Matching in the app: the issue's scenario, filters, access, freshness of the cached network, weights, API.

The scenario (issue #3, "Done when"): a young person in Skjern (6900) who likes animals, needs a calm and
predictable workplace and travels at most 15 km. A calm animal job in Tarm (6880, about 9 km), a near but
hectic kitchen in Skjern itself, and a horse farm in Ulfborg (6990, about 41 km).
"""

import re
from datetime import date

import numpy as np
import pytest
from flask_babel import force_locale
from flask_login import login_user
from markupsafe import escape
from sqlalchemy import event, func, select

from placement.agreements import services as agreement_services
from placement.agreements.models import Outcome
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent
from placement.auth import services as auth_services
from placement.auth.models import Role
from placement.extensions import db
from placement.geo import lookup, postcode_distance_km
from placement.matches import services
from placement.matches.models import MatchingWeights
from placement.matching import Exclusion, Weights
from placement.network import services as network_services
from placement.network.models import CompanyKind
from placement.occupations.models import Occupation
from tests import factories

HOME, CALM, KITCHEN, FAR, WORKSHOP = "6900", "6880", "6900", "6990", "6940"
CALM_TITLE, KITCHEN_TITLE, FAR_TITLE, WORKSHOP_TITLE = (
    "Dyrepasser i kalvestalden", "Køkkenhjælper i kantinen", "Staldmedhjælper på hestegården", "Pakkeri")
API = "/api/v1"


def _profile(structure=3, predictability=3, pace=3, social_contact=3, physical_load=3, sensory_load=3,
             independence=3) -> dict:
    return dict(structure=structure, predictability=predictability, pace=pace, social_contact=social_contact,
                physical_load=physical_load, sensory_load=sensory_load, independence=independence)


def _company(partnership, name, postcode, kind=CompanyKind.ORDINARY):
    place = lookup(postcode)
    return factories.company(partnership, name=name, postcode=postcode, town=place.town, kind=kind,
                             latitude=place.latitude, longitude=place.longitude)


def _occupation(label: str, isco: str, alt_labels: str = "") -> Occupation:
    occupation = Occupation(uri=f"http://data.europa.eu/esco/occupation/test-{label}", isco_group=isco, label=label,
                            alt_labels=alt_labels)
    db.session.add(occupation)
    db.session.commit()
    return occupation


@pytest.fixture
def world(partnership, other_partnership):
    """The issue's scenario in one partnership, and the people who work on it."""
    return scenario(partnership, other_partnership)


def scenario(partnership, other_partnership) -> dict:
    """Build the issue's scenario (``world``; tests/test_matches_history.py builds on it too)."""
    cattle = _occupation("kvægbrugsmedhjælper", "6121", "staldmedhjælper\ndyrepasser")
    kitchen_help = _occupation("køkkenmedhjælper", "9412", "opvasker")
    packer = _occupation("pakkeriarbejder", "9321")

    farm = _company(partnership, "Engholm Kvægbrug", CALM)
    calm = factories.job_function(
        farm, title=CALM_TITLE, tasks="Fodre kalve, muge ud i stalden, passe heste efter faste rutiner",
        occupation=cattle, hours_min=10, hours_max=25, places=1,
        mentor=factories.mentor(farm, experience_level=4, max_interns=1),
        **_profile(structure=5, predictability=5, pace=2, social_contact=2, sensory_load=2, independence=2))
    canteen = _company(partnership, "Skjern Kantine ApS", KITCHEN)
    kitchen = factories.job_function(
        canteen, title=KITCHEN_TITLE, tasks="Opvask og anretning i en travl kantine", occupation=kitchen_help,
        hours_min=10, hours_max=30, places=2, mentor=factories.mentor(canteen, experience_level=3, max_interns=2),
        **_profile(structure=2, predictability=2, pace=5, social_contact=4, sensory_load=5))
    horses = _company(partnership, "Ulfborg Hestegård", FAR)
    far = factories.job_function(
        horses, title=FAR_TITLE, tasks="Pasning af heste og kalve i stalden", occupation=cattle, hours_min=10,
        hours_max=25, mentor=factories.mentor(horses, experience_level=5, max_interns=2),
        **_profile(structure=5, predictability=5, pace=2, social_contact=2, sensory_load=2))
    social = _company(partnership, "Borris Værksted", WORKSHOP, CompanyKind.SOCIAL_ECONOMIC)
    workshop = factories.job_function(
        social, title=WORKSHOP_TITLE, tasks="Pakke varer efter en fast plan", occupation=packer, hours_min=10,
        hours_max=25, mentor=factories.mentor(social, experience_level=5, max_interns=3),
        **_profile(structure=4, predictability=4, pace=2, social_contact=2, sensory_load=2))

    consultant = factories.user(Role.CONSULTANT, partnership)
    young = factories.participant(
        partnership, name="Mikkel Sørensen", postcode=HOME, interests="dyr, heste, kalve, stald", max_km=15,
        hours_min=15, hours_max=25, support_need=3, consultant_id=consultant.id,
        **_profile(structure=5, predictability=5, pace=2, sensory_load=2))
    return {"partnership": partnership, "other": other_partnership, "consultant": consultant, "young": young,
            "calm": calm, "kitchen": kitchen, "far": far, "workshop": workshop}


def _titles(scored) -> list[str]:
    return [s.subject.title for s in scored]


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# The scenario --------------------------------------------------------------------------------------------------

def test_postcodes_of_the_scenario_are_where_the_issue_says():
    assert 8 <= postcode_distance_km(HOME, CALM) <= 10
    assert postcode_distance_km(HOME, KITCHEN) == 0
    assert 38 <= postcode_distance_km(HOME, FAR) <= 42
    assert 10 <= postcode_distance_km(HOME, WORKSHOP) <= 11


def test_calm_animal_job_ranks_first_and_the_hectic_kitchen_low_with_its_reason(world):
    result = services.matches_for_participant(world["young"])

    assert _titles(result.suggestions) == [CALM_TITLE, WORKSHOP_TITLE, KITCHEN_TITLE]
    first, kitchen = result.suggestions[0], result.suggestions[-1]
    assert first.rank == 1 and kitchen.rank == 3
    assert first.distance_km == pytest.approx(postcode_distance_km(HOME, CALM), abs=0.05)
    assert first.component("interests").value > 0.3 > kitchen.component("interests").value
    # The engine's own sentences say why the kitchen ranks low.
    assert kitchen.component("demands").sentence == "Kræver mere tempo end ønsket"
    assert "flere sanseindtryk" in kitchen.component("social").sentence
    assert kitchen.component("structure").sentence == "Mindre struktur og forudsigelighed end der er brug for"
    assert kitchen.component("distance").sentence == "samme postnummer – tæt på"
    assert first.component("distance").sentence == "8,8 km – inden for din grænse på 15 km"
    # Every component has its value, its (normalised) weight and a line of the engine's explanation.
    assert [c.weight for c in first.components] == list(Weights().normalised().as_tuple())
    assert len(first.explanations) == 8 and first.explanations[2].startswith("Krav ")
    assert first.match.job_id == world["calm"].id and first.match.total == first.total

    assert _titles(result.excluded) == [FAR_TITLE]
    far = result.excluded[0]
    assert [(r.code, r.label) for r in far.reasons] == [("too_far", Exclusion.TOO_FAR.label)]
    assert far.rank is None and far.distance_km > 15
    # The reason carries its figures: how far, against the young person's limit.
    assert far.reasons[0].detail == f"{far.distance_km:.1f} km, limit 15 km"


def test_every_exclusion_reason_carries_its_figures(world):
    shop = _company(world["partnership"], "Skjern Byggemarked", CALM)
    calm = _profile(structure=5, predictability=5, pace=2, social_contact=2, sensory_load=2)

    def job(title, **fields):
        fields.setdefault("mentor", factories.mentor(shop, experience_level=4, max_interns=2))
        return factories.job_function(shop, title=title, tasks="Fylde varer op", hours_min=10, hours_max=25,
                                      **{"places": 1, **calm, **fields})

    job("Uden pladser", places=0)
    job("Fuld mentor", mentor=factories.mentor(shop, experience_level=4, max_interns=0))
    job("Tungt lager", physical_load=5)
    job("Uden mentor", mentor=None)
    excluded = services.matches_for_participant(world["young"], excluded=True).excluded
    reasons = {s.subject.title: [(r.code, r.detail) for r in s.reasons] for s in excluded}
    assert reasons["Uden pladser"] == [("no_free_place", "no places offered")]
    assert reasons["Fuld mentor"] == [("mentor_at_capacity", "the mentor takes no interns")]
    assert reasons["Tungt lager"] == [("physical_load", "demands 5, manageable 3 (scale 1–5)")]
    assert reasons["Uden mentor"] == [("no_mentor", "")]  # nothing to count: the reason says it all
    # Places and a mentor's interns, when some are taken: how many there are.
    person, job_row = services.person_for(world["young"]), services.job_for(world["calm"])
    detail = services._reason_detail
    assert detail("no_free_place", person, job_row, float("nan"), services.Room(True, 2, 1)) == "2 places, all taken"
    assert detail("mentor_at_capacity", person, job_row, float("nan"), services.Room(True, 1, 1)) \
        == "the mentor takes 1 intern at a time"
    with force_locale("da"):
        assert detail("physical_load", person, services.job_for(world["kitchen"]), float("nan"),
                      services.Room(True, 1, 1)).startswith("kræver ")


def test_page_shows_ranked_suggestions_and_the_excluded_farm_only_on_request(client, login, world):
    login(world["consultant"])
    url = f"/participants/{world['young'].id}/internships"
    html = _page(client, url)
    assert html.index(CALM_TITLE) < html.index(WORKSHOP_TITLE) < html.index(KITCHEN_TITLE)
    assert "Kræver mere tempo end ønsket" in html
    assert FAR_TITLE not in html
    assert {int(pct) % 5 for pct in re.findall(r'data-pct="(\d+)"', html)} == {0}
    assert 'name="job"' in html  # the checkboxes to compare two

    html = _page(client, url + "?excluded=1")
    assert FAR_TITLE in html and Exclusion.TOO_FAR.label in html
    # Only ids and numbers in the addresses the page builds: no names, no interests.
    for href in re.findall(r'href="([^"]*internships[^"]*)"', html):
        assert re.fullmatch(r"/participants/\d+/internships(\?[a-z_]+=\d+(&amp;[a-z_]+=\d+)*)?(#excluded)?", href), href


def test_the_page_shows_the_best_20_and_all_on_request_with_the_excluded_count(client, login, world):
    """25 job functions fit (the world's 3 and 22 more): the default shows 20, ``?all=1`` all 25 ranked."""
    canteen = world["kitchen"].company
    mentor = factories.mentor(canteen, experience_level=3, max_interns=30)
    for n in range(22):
        factories.job_function(canteen, title=f"Opvasker {n:02d}", tasks="Opvask", hours_min=10, hours_max=30,
                               places=1, mentor=mentor, **_profile())
    login(world["consultant"])
    url = f"/participants/{world['young'].id}/internships"

    html = _page(client, url)
    assert html.count('name="job"') == services.TOP
    assert "20 suggestions shown of 25 that fit; 1 excluded by a hard requirement" in html
    assert f'href="{url}?all=1"' in html and "Show all 25" in html
    assert f'href="{url}?excluded=1#excluded"' in html

    html = _page(client, url + "?all=1")
    assert html.count('name="job"') == 25
    assert "25 suggestions shown of 25 that fit; 1 excluded by a hard requirement" in html
    assert "Show all 25" not in html and "Show only the best 20" in html
    ranks = [int(rank) for rank in re.findall(r"<h2>(\d+)\. ", html)]
    assert ranks == list(range(1, 26))
    assert html.count('class="table components"') == 25  # every suggestion with its reasons
    for href in re.findall(r'href="([^"]*internships[^"]*)"', html):
        assert re.fullmatch(r"/participants/\d+/internships(\?[a-z_]+=\d+(&amp;[a-z_]+=\d+)*)?(#excluded)?", href), href
    assert services.matches_for_participant(world["young"], limit=None).fitting == 25


def test_filters_narrow_the_job_functions_considered(client, login, world):
    young = world["young"]
    by_kind = services.matches_for_participant(young, services.MatchFilters(kind="social_economic"))
    assert _titles(by_kind.suggestions) == [WORKSHOP_TITLE] and by_kind.excluded == []
    by_area = services.matches_for_participant(young, services.MatchFilters(area="9"))
    assert _titles(by_area.suggestions) == [WORKSHOP_TITLE, KITCHEN_TITLE]
    assert _titles(services.matches_for_participant(young, services.MatchFilters(area="6")).excluded) == [FAR_TITLE]
    near = services.matches_for_participant(young, services.MatchFilters(max_km=5))
    assert _titles(near.suggestions) == [KITCHEN_TITLE] and near.considered == 1
    # A filter never widens the young person's own limit.
    assert services.matches_for_participant(young, services.MatchFilters(max_km=100)).filters.max_km == 15

    login(world["consultant"])
    url = f"/participants/{young.id}/internships"
    html = _page(client, url + "?kind=social_economic")
    assert WORKSHOP_TITLE in html and CALM_TITLE not in html
    html = _page(client, url + "?max_km=5")
    assert KITCHEN_TITLE in html and CALM_TITLE not in html
    html = _page(client, url + "?max_km=30")
    assert "own limit of 15 km." in html
    assert CALM_TITLE in html  # the bad filter filters nothing
    assert _page(client, url + "?area=x").count("Not a valid choice") == 1


def test_compare_two_suggestions_side_by_side(client, login, world):
    login(world["consultant"])
    young, calm, kitchen = world["young"], world["calm"], world["kitchen"]
    base = f"/participants/{young.id}/internships/compare"

    response = client.get(f"{base}?job={calm.id}&job={kitchen.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{base}?a={calm.id}&b={kitchen.id}")
    html = _page(client, f"{base}?a={calm.id}&b={kitchen.id}")
    assert html.index(CALM_TITLE) < html.index(KITCHEN_TITLE)
    assert "Kræver mere tempo end ønsket" in html and "Tempo, fysisk belastning og selvstændighed passer" in html
    assert html.count('data-pct="') == 2
    # The consultant goes on from the comparison to the agreement for either suggestion.
    for job in (calm, kitchen):
        assert f"/agreements/new?participant_id={young.id}&amp;job_function_id={job.id}" in html

    html = _page(client, f"{base}?a={calm.id}&b={world['far'].id}")  # an excluded one shows its reason
    assert Exclusion.TOO_FAR.label in html
    assert f"job_function_id={world['far'].id}" not in html.split("<tfoot>")[1]  # and offers no agreement

    assert client.get(f"{base}?job={calm.id}").status_code == 302  # one is not a comparison
    assert client.get(f"{base}?a={calm.id}&b={calm.id}").status_code == 302
    other_job = factories.job_function(_company(world["other"], "Aarhus Bageri", "8000"), title="Bager")
    assert client.get(f"{base}?a={calm.id}&b={other_job.id}").status_code == 404


# Access ----------------------------------------------------------------------------------------------------------

def test_candidates_lists_only_the_young_people_the_user_works_on(client, login, world):
    partnership, calm = world["partnership"], world["calm"]
    other_consultant = factories.user(Role.CONSULTANT, partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    theirs = factories.participant(partnership, name="Sara Holm", postcode=HOME, interests="heste",
                                   consultant_id=other_consultant.id, caseworker_id=caseworker.id, max_km=20)
    factories.participant(partnership, name="Inaktiv Person", postcode=HOME, active=False,
                          consultant_id=world["consultant"].id)
    far_away = factories.participant(partnership, name="Jonas Lund", postcode="9000",
                                     consultant_id=world["consultant"].id)
    url = f"/job-functions/{calm.id}/candidates"

    login(world["consultant"])
    html = _page(client, url)
    assert "Mikkel Sørensen" in html
    assert "Sara Holm" not in html and "Inaktiv Person" not in html and "Jonas Lund" not in html
    html = _page(client, url + "?excluded=1")
    assert "Jonas Lund" in html and Exclusion.TOO_FAR.label in html and "Sara Holm" not in html

    client.post("/logout")
    login(factories.user(Role.COORDINATOR, partnership))
    html = _page(client, url)
    assert html.index("Mikkel Sørensen") < html.index("Sara Holm") or html.index("Sara Holm") < html.index(
        "Mikkel Sørensen")
    assert "Inaktiv Person" not in html

    client.post("/logout")
    login(caseworker)
    html = _page(client, url)
    assert "Sara Holm" in html and "Mikkel Sørensen" not in html
    assert far_away.id and theirs.id


def test_a_mentor_gets_403_and_another_partnership_404(client, login, world):
    young, calm = world["young"], world["calm"]
    urls = [f"/participants/{young.id}/internships", f"/job-functions/{calm.id}/candidates",
            f"/participants/{young.id}/internships/compare?a={calm.id}&b={world['kitchen'].id}"]
    mentor = calm.mentor
    login(factories.user(Role.MENTOR, world["partnership"], mentor=mentor))
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.get("/matching/weights").status_code == 403

    client.post("/logout")
    login(factories.user(Role.CONSULTANT, world["other"]))
    for url in urls:
        assert client.get(url).status_code == 404, url

    client.post("/logout")
    login(factories.user(Role.CONSULTANT, world["partnership"]))  # same partnership, not on the case
    assert client.get(urls[0]).status_code == 404
    assert client.get(urls[1]).status_code == 200


def test_links_to_the_matching_pages(client, login, world):
    detail = f"/job-functions/{world['calm'].id}"
    login(world["consultant"])
    html = _page(client, detail)
    assert f"/job-functions/{world['calm'].id}/candidates" in html
    assert "/matching/weights" not in html
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, world["partnership"]))
    assert "/matching/weights" in _page(client, detail)
    client.post("/logout")
    login(factories.user(Role.CASEWORKER, world["partnership"]))
    assert f"/job-functions/{world['calm'].id}/candidates" in _page(client, detail)


# A change in the network is seen on the next request --------------------------------------------------------------

def test_a_changed_job_function_changes_the_ranking_without_restart(client, login, world):
    login(world["consultant"])
    url = f"/participants/{world['young'].id}/internships"
    index = services.network(world["partnership"].id)
    assert services.network(world["partnership"].id) is index  # unchanged network: the cached build is reused
    html = _page(client, url)
    assert html.index(WORKSHOP_TITLE) < html.index(KITCHEN_TITLE)

    # The change is made by another session, as another worker process would; the cache is not told.
    kitchen = world["kitchen"]
    network_services.apply_job_function(kitchen, _profile(structure=5, predictability=5, pace=2, social_contact=2,
                                                          sensory_load=2))
    db.session.commit()

    html = _page(client, url)
    assert html.index(CALM_TITLE) < html.index(KITCHEN_TITLE) < html.index(WORKSHOP_TITLE)
    assert services.network(world["partnership"].id) is not index
    kitchen_now = next(s for s in services.matches_for_participant(world["young"]).suggestions
                       if s.subject.id == kitchen.id)
    assert kitchen_now.rank == 2
    assert kitchen_now.component("demands").sentence == "Tempo, fysisk belastning og selvstændighed passer"


def test_mentor_and_company_changes_are_seen_too(world):
    young, calm = world["young"], world["calm"]
    calm.mentor.max_interns = 0
    db.session.commit()
    excluded = {s.subject.id: [r.code for r in s.reasons] for s in services.matches_for_participant(young).excluded}
    assert excluded[calm.id] == ["mentor_at_capacity"]

    calm.mentor_id = None  # no mentor assigned: the engine's "no capacity", told as its own reason
    db.session.commit()
    excluded = {s.subject.id: s.reasons for s in services.matches_for_participant(young).excluded}
    assert [(r.code, r.label) for r in excluded[calm.id]] == [("no_mentor", services.NO_MENTOR_REASON)]

    world["workshop"].company.active = False  # a deactivated company is no longer offered
    db.session.commit()
    result = services.matches_for_participant(young)
    assert WORKSHOP_TITLE not in _titles(result.suggestions) + _titles(result.excluded)

    world["kitchen"].places = 0
    db.session.commit()
    excluded = {s.subject.id: [r.code for r in s.reasons] for s in services.matches_for_participant(young).excluded}
    assert excluded[world["kitchen"].id] == ["no_free_place"]


def _offered(index) -> dict[int, int]:
    return {int(index.job_ids[row]): int(row) for row in np.flatnonzero(index.present)}


def test_the_network_follows_changes_row_by_row_as_a_full_build_would(world, calls):
    partnership_id, young = world["partnership"].id, world["young"]
    built = services.network(partnership_id)
    full_build = services._network_structure
    builds = calls(services, "_network_structure")

    world["kitchen"].title = "Køkkenmedhjælper i kantinen"
    world["kitchen"].pace = 3
    world["calm"].mentor.max_interns = 0
    world["workshop"].company.active = False
    world["far"].company.postcode, world["far"].company.town = "6950", "Ringkøbing"
    farm = world["calm"].company
    added = factories.job_function(farm, title="Staldhjælp med kalve", hours_min=10, hours_max=25,
                                   mentor=factories.mentor(farm, experience_level=4, max_interns=2),
                                   **_profile(structure=5, predictability=5, pace=2, social_contact=2, sensory_load=2))
    db.session.commit()
    updated = services.network(partnership_id)
    assert builds == [] and updated is not built  # followed row by row, not built again
    assert updated.offered == built.offered  # the workshop is no longer offered, the new job function is
    assert updated.offered_row(world["workshop"].id) is None and updated.offered_row(added.id) is not None

    fresh = full_build(partnership_id).with_occupancy(services.occupancy(partnership_id))
    mine, theirs = _offered(updated), _offered(fresh)
    assert mine.keys() == theirs.keys()
    for ident, row in mine.items():
        other = theirs[ident]
        assert updated.jobs.row(row) == fresh.jobs.row(other)
        assert updated.model.analysed(row) == fresh.model.analysed(other)
        assert (updated.has_mentor[row], updated.kinds[row], updated.areas[row]) == \
               (fresh.has_mentor[other], fresh.kinds[other], fresh.areas[other])
    result = services.matches_for_participant(young)
    assert added.id in {s.subject.id for s in result.suggestions}
    assert WORKSHOP_TITLE not in _titles(result.suggestions) + _titles(result.excluded)

    world["workshop"].company.active = True  # offered again: its old row comes back
    db.session.commit()
    again = services.network(partnership_id)
    assert builds == [] and again.offered_row(world["workshop"].id) == built.offered_row(world["workshop"].id)
    assert WORKSHOP_TITLE in _titles(services.matches_for_participant(young).suggestions)


def test_the_network_is_built_again_when_a_change_cannot_be_followed_row_by_row(world, calls):
    partnership_id = world["partnership"].id
    services.network(partnership_id)
    builds = calls(services, "_network_structure")
    world["calm"].occupation.alt_labels = "staldmedhjælper\ndyrepasser\nkalvepasser"  # shared by everyone
    db.session.commit()
    services.network(partnership_id)
    assert builds == [partnership_id]


# Internship agreements take places and make the track record --------------------------------------------------

MENTOR_LINK = Actor(None, "mentor (link)", True)
PLAN = {"purpose": "Prøve arbejdet", "tasks": "Fodring", "works_with": "Mentoren", "meeting": "Kl. 8",
        "support": "Korte beskeder", "follow_up_plan": "Hver 4. uge", "goals": ["Møde til tiden"]}


def _internship(world, job, *steps):
    """An agreement for another young person at ``job``, taken through the workflow's ``steps``."""
    job.mentor.email = "mentor@example.com"
    staff = Actor(world["consultant"], world["consultant"].name, False)
    agreement = agreement_services.new_agreement(
        participant=factories.participant(world["partnership"], postcode=HOME), job_function=job, mentor=job.mentor,
        consultant=world["consultant"], start_date=date(2026, 1, 5), actor=staff, **PLAN)
    for step in steps:
        if step == "hired":
            agreement_services.record_outcome(agreement, staff, outcome=Outcome.ORDINARY_JOB,
                                              ended_on=date(2026, 6, 26), hours=25, job_start=date(2026, 7, 1))
        else:
            agreement_services.transition(agreement, step, MENTOR_LINK if step == "confirm" else staff)
    db.session.commit()
    return agreement


def test_a_confirmed_agreement_fills_the_job_function_at_once(world):
    young, calm = world["young"], world["calm"]
    calm.mentor.max_interns = 2  # the mentor has room: only the place is full
    calm.mentor.email = "mentor@example.com"
    db.session.commit()
    assert _titles(services.matches_for_participant(young).suggestions)[0] == CALM_TITLE
    index = services.network(world["partnership"].id)

    agreement = _internship(world, calm, "send")
    changed = services.network(world["partnership"].id)
    assert changed is not index  # an agreement changes what the network offers ...
    assert changed.model is index.model  # ... but not the network itself: its interest model is not built again
    assert _titles(services.matches_for_participant(young).suggestions)[0] == CALM_TITLE  # sent holds no place

    agreement_services.transition(agreement, "confirm", MENTOR_LINK)  # the only place is taken
    db.session.commit()
    result = services.matches_for_participant(young)
    assert CALM_TITLE not in _titles(result.suggestions)
    excluded = {s.subject.id: [(r.code, r.label) for r in s.reasons] for s in result.excluded}
    assert excluded[calm.id] == [("no_free_place", Exclusion.NO_FREE_PLACE.label)]


def test_a_mentor_at_capacity_through_agreements_is_excluded(world):
    young, calm = world["young"], world["calm"]
    calm.places = 3
    db.session.commit()
    _internship(world, calm, "send", "confirm")  # the mentor's one intern
    excluded = {s.subject.id: [r.code for r in s.reasons] for s in services.matches_for_participant(young).excluded}
    assert excluded[calm.id] == ["mentor_at_capacity"]


def test_a_company_with_past_hires_scores_higher_on_the_track_record(world):
    young, kitchen = world["young"], world["kitchen"]
    before = {s.subject.id: s for s in services.matches_for_participant(young).suggestions}
    assert before[kitchen.id].component("track_record").value == pytest.approx(0.5)

    _internship(world, kitchen, "send", "confirm", "start", "hired")
    after = {s.subject.id: s for s in services.matches_for_participant(young).suggestions}
    record = after[kitchen.id].component("track_record")
    assert record.value == pytest.approx(2 / 3) and record.sentence == "1 af 1 tidligere forløb endte i ansættelse"
    assert record.value > after[world["calm"].id].component("track_record").value == pytest.approx(0.5)
    assert after[kitchen.id].total > before[kitchen.id].total
    assert after[kitchen.id].rank is not None and not after[kitchen.id].reasons  # an ended one holds no place


# Weights --------------------------------------------------------------------------------------------------------

def _weights_form(**values) -> dict:
    data = dict.fromkeys(("interests", "structure", "demands", "social", "support", "hours", "distance",
                          "track_record"), "0")
    data.update(values)
    return data


def test_weights_form_validates_normalises_and_changes_the_ranking(client, login, world):
    partnership, young = world["partnership"], world["young"]
    login(factories.user(Role.COORDINATOR, partnership))
    html = _page(client, "/matching/weights")
    assert 'value="0.25"' in html and "uses the default weights" in html

    response = client.post("/matching/weights", data=_weights_form())
    assert response.status_code == 200
    assert "At least one weight must be above 0." in response.get_data(as_text=True)
    response = client.post("/matching/weights", data=_weights_form(interests="2", distance="nan"))
    html = response.get_data(as_text=True)
    assert "Number must be between 0 and 1." in html and "Enter a number from 0 to 1, e.g. 0.25." in html
    assert db.session.get(MatchingWeights, partnership.id) is None

    # Only distance counts (the decimal comma is accepted): the kitchen next door comes first.
    response = client.post("/matching/weights", data=_weights_form(distance="0,5", version="0"))
    assert response.status_code == 302
    assert services.weights_for(partnership.id) == Weights(0, 0, 0, 0, 0, 0, 1, 0)
    assert _titles(services.matches_for_participant(young).suggestions)[0] == KITCHEN_TITLE
    login_page = _page(client, "/matching/weights")
    assert "uses its own weights" in login_page and 'value="1.0"' in login_page

    client.post("/matching/weights", data=_weights_form(interests="1", structure="1", version="1"))
    assert services.weights_for(partnership.id) == Weights(0.5, 0.5, 0, 0, 0, 0, 0, 0)
    assert _titles(services.matches_for_participant(young).suggestions)[0] == CALM_TITLE

    assert client.post("/matching/weights", data={"reset": "1"}).status_code == 302
    assert db.session.get(MatchingWeights, partnership.id) is None
    assert services.weights_for(partnership.id) == Weights()


def test_who_may_change_the_weights_of_which_partnership(client, login, world):
    partnership, other = world["partnership"], world["other"]
    login(world["consultant"])
    assert client.get("/matching/weights").status_code == 403
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, partnership))
    assert client.get(f"/matching/weights?partnership={other.id}").status_code == 404
    assert client.get("/matching/weights?partnership=abc").status_code == 404  # no guessing at a malformed choice
    assert client.get(f"/matching/weights?partnership={partnership.id}").status_code == 200  # their own, named
    client.post("/logout")
    admin = login(factories.user(Role.ADMIN, partnership))
    response = client.post(f"/matching/weights?partnership={other.id}", data=_weights_form(hours="1", version="0"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"?partnership={other.id}")
    assert services.weights_for(other.id) == Weights(0, 0, 0, 0, 0, 1, 0, 0)
    assert services.weights_for(partnership.id) == Weights()
    assert admin.partnership_id == partnership.id


# The JSON API gives what the pages give ------------------------------------------------------------------------

def _token(user) -> dict:
    _row, plain = auth_services.issue_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_api_matches_are_the_pages_matches(client, world):
    young, headers = world["young"], _token(world["consultant"])
    expected = services.matches_for_participant(young)
    response = client.get(f"{API}/participants/{young.id}/matches", headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    assert [m["job_function"]["id"] for m in data["matches"]] == [s.subject.id for s in expected.suggestions]
    assert [m["total"] for m in data["matches"]] == [s.total for s in expected.suggestions]
    assert [m["rank"] for m in data["matches"]] == [1, 2, 3]
    first, kitchen = data["matches"][0], data["matches"][-1]
    assert first["components"]["interests"] == {
        "value": expected.suggestions[0].component("interests").value,
        "weight": Weights().normalised().interests,
        "explanation": expected.suggestions[0].component("interests").sentence}
    assert kitchen["components"]["demands"]["explanation"] == "Kræver mere tempo end ønsket"
    assert first["explanations"] == expected.suggestions[0].explanations
    assert "excluded" not in data and data["excluded_count"] == 1
    assert data["excluded_reasons"] == [{"code": "too_far", "label": Exclusion.TOO_FAR.label, "count": 1}]
    schema = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]["ParticipantMatches"]
    assert set(data) == set(schema["required"])

    data = client.get(f"{API}/participants/{young.id}/matches?include_excluded=true&kind=ordinary",
                      headers=headers).get_json()
    assert [m["job_function"]["title"] for m in data["matches"]] == [CALM_TITLE, KITCHEN_TITLE]
    assert data["excluded"][0]["job_function"]["title"] == FAR_TITLE
    assert data["excluded"][0]["reasons"] == [{"code": "too_far", "label": Exclusion.TOO_FAR.label}]
    assert data["excluded"][0]["rank"] is None

    response = client.get(f"{API}/participants/{young.id}/matches?max_km=16", headers=headers)
    assert response.status_code == 400 and "max_km" in response.get_json()["message"]
    assert client.get(f"{API}/participants/{young.id}/matches?limit=1", headers=headers).get_json()[
        "matches"][0]["job_function"]["title"] == CALM_TITLE
    other = _token(factories.user(Role.CONSULTANT, world["other"]))
    assert client.get(f"{API}/participants/{young.id}/matches", headers=other).status_code == 404
    mentor = _token(factories.user(Role.MENTOR, world["partnership"], mentor=world["calm"].mentor))
    assert client.get(f"{API}/participants/{young.id}/matches", headers=mentor).status_code == 403


def test_api_candidates_are_the_pages_candidates(app, client, world):
    consultant, calm = world["consultant"], world["calm"]
    factories.participant(world["partnership"], name="Emma Dal", postcode=CALM, interests="køkken",
                          consultant_id=consultant.id)
    with app.test_request_context():
        login_user(consultant)
        expected = services.candidates_for_job_function(calm, consultant)
    data = client.get(f"{API}/job-functions/{calm.id}/candidates?include_excluded=1",
                      headers=_token(consultant)).get_json()
    assert [c["participant"]["id"] for c in data["candidates"]] == [s.subject.id for s in expected.candidates]
    assert [c["total"] for c in data["candidates"]] == [s.total for s in expected.candidates]
    assert data["candidates"][0]["participant"]["name"] == "Mikkel Sørensen"
    assert data["offered"] is True and data["considered"] == 2 and data["excluded"] == []
    assert set(data["candidates"][0]["components"]) == set(services.COMPONENT_LABELS)


# What a request costs: the excluded on request, a kept result, a page that is cheap to render ---------------------

def test_the_excluded_are_counted_always_and_listed_and_explained_only_on_request(client, login, world):
    young = world["young"]
    counted = services.matches_for_participant(young, excluded=False)
    assert counted.excluded == [] and counted.excluded_count == 1
    assert [(reason.code, n) for reason, n in counted.excluded_reasons] == [("too_far", 1)]
    assert _titles(services.matches_for_participant(young, excluded=True).excluded) == [FAR_TITLE]

    login(world["consultant"])
    url = f"/participants/{young.id}/internships"
    html = _page(client, url)
    assert FAR_TITLE not in html and f'id="excluded-{world["far"].id}"' not in html
    assert f'<li data-reason="too_far">{Exclusion.TOO_FAR.label}: 1</li>' in html  # the reasons, counted
    assert "1 job function is excluded by a hard filter" in html
    html = _page(client, url + "?excluded=1")
    assert f'id="excluded-{world["far"].id}"' in html
    assert re.search(r'data-reason="too_far"><span lang="da">[^<]+</span> \([\d.]+ km, limit 15 km\)</li>', html)
    assert f'<li data-reason="too_far">{Exclusion.TOO_FAR.label}: 1</li>' in html


def test_exclusions_are_counted_per_reason_from_the_engines_bitmasks():
    masks = np.array([0, Exclusion.TOO_FAR | Exclusion.HOURS_DONT_FIT, Exclusion.MENTOR_AT_CAPACITY,
                      Exclusion.MENTOR_AT_CAPACITY, Exclusion.TOO_FAR], dtype=np.uint8)
    has_mentor = np.array([True, True, True, False, False])
    counts = [(reason.code, n) for reason, n in services.exclusion_counts(masks, has_mentor)]
    assert counts == [("mentor_at_capacity", 1), ("no_mentor", 1), ("hours_dont_fit", 1), ("too_far", 2)]
    assert services.exclusion_counts(masks[:1], has_mentor[:1]) == []


def test_the_page_has_unique_ids_and_each_explanation_in_a_disclosure(client, login, world):
    login(world["consultant"])
    url = f"/participants/{world['young'].id}/internships"
    for query in ("", "?excluded=1", "?all=1&excluded=1"):
        html = _page(client, url + query)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        for ref in re.findall(r'\s(?:for|aria-labelledby|aria-describedby)="([^"]+)"', html):
            assert ref in ids, ref
    disclosures = re.findall(r'<details class="why"( open)?>\s*<summary id="(why-\d+)">Why ([^<]+)</summary>\s*'
                             r'<table class="table components" aria-labelledby="(why-\d+)">', html)
    assert [title for _open, _id, title, _label in disclosures] == [CALM_TITLE, WORKSHOP_TITLE, KITCHEN_TITLE]
    assert [bool(is_open) for is_open, *_rest in disclosures] == [True, False, False]  # the first one open
    assert all(summary == label for _open, summary, _title, label in disclosures)
    # Every component of every suggestion keeps its score, weight and reason.
    assert html.count('<th scope="row">Interests</th>') == 3
    assert ('<th scope="row">Distance</th><td>100 %</td><td>10 %</td><td lang="da">samme postnummer – tæt på</td>'
            in html)


def test_a_kept_result_is_reused_until_something_it_depends_on_changes(world, monkeypatch):
    young, kitchen = world["young"], world["kitchen"]

    def interest_in_the_kitchen(result) -> float:
        return next(s for s in result.suggestions if s.subject.id == kitchen.id).component("interests").value

    first = services.matches_for_participant(young, excluded=False)
    assert services.matches_for_participant(young, excluded=False) is first
    assert services.matches_for_participant(young, excluded=True) is not first  # another question

    young.interests = "opvask i et køkken"  # the young person's record: its row version moves
    db.session.commit()
    changed = services.matches_for_participant(young, excluded=False)
    assert changed is not first and interest_in_the_kitchen(changed) > interest_in_the_kitchen(first)

    version = young.version
    young.interests = "dyr, heste, kalve, stald"
    db.session.commit()
    before = services.matches_for_participant(young, excluded=False)
    young.occupations = [kitchen.occupation]  # chosen occupations alone do not move the row version
    db.session.commit()
    assert young.version == version + 1
    chosen = services.matches_for_participant(young, excluded=False)
    assert chosen is not before and interest_in_the_kitchen(chosen) > interest_in_the_kitchen(before)

    services.save_weights(world["partnership"], _weights_form(distance="1"))
    db.session.commit()
    weighted = services.matches_for_participant(young, excluded=False)
    assert weighted is not chosen and _titles(weighted.suggestions)[0] == KITCHEN_TITLE

    monkeypatch.setattr(agreement_services, "today", lambda: date(2030, 1, 2))  # the service's today
    tomorrow = services.matches_for_participant(young, excluded=False)
    assert tomorrow is not weighted and services.matches_for_participant(young, excluded=False) is tomorrow

    with force_locale("da"):  # labels and numbers are formatted for the locale
        danish = services.matches_for_participant(young, excluded=False)
    calm = next(s for s in danish.suggestions if s.subject.id == world["calm"].id)
    assert danish is not tomorrow and calm.distance_text == "8,8 km"
    assert next(s for s in tomorrow.suggestions if s.subject.id == world["calm"].id).distance_text == "8.8 km"


def test_every_request_is_checked_and_audited_even_when_its_result_is_kept(client, login, world):
    young = world["young"]
    url, api = f"/participants/{young.id}/internships", f"{API}/participants/{young.id}/matches"

    def reads() -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.entity == "participants", AuditEvent.entity_id == str(young.id)))

    login(world["consultant"])
    before = reads()
    _page(client, url)
    _page(client, url)
    assert client.get(api, headers=_token(world["consultant"])).status_code == 200
    assert reads() == before + 3
    client.post("/logout")
    login(factories.user(Role.CONSULTANT, world["partnership"]))  # same partnership, not on the case
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(factories.user(Role.CONSULTANT, world["other"]))
    assert client.get(url).status_code == 404
    assert client.get(api, headers=_token(factories.user(Role.CONSULTANT, world["other"]))).status_code == 404
    mentor = factories.user(Role.MENTOR, world["partnership"], mentor=world["calm"].mentor)
    assert client.get(api, headers=_token(mentor)).status_code == 403
    assert reads() == before + 3


def test_a_repeated_page_reads_nothing_it_depends_on_and_loads_nothing_lazily(app, client, login,
                                                                                             world):
    login(world["consultant"])
    url = f"/participants/{world['young'].id}/internships"
    # The day's first view records "suggestions shown" for the results funnel, which moves the partnership's data
    # revision once: the second view ranks again, every later one reuses the kept result.
    _page(client, url)
    _page(client, url)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = _page(client, url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert again.index(CALM_TITLE) < again.index(WORKSHOP_TITLE) < again.index(KITCHEN_TITLE)
    loads = [s for s in statements if re.match(r"SELECT (job_functions|companies|mentors|occupations|"
                                                 r"matching_weights)\.", s)]
    assert loads == []
    # Nothing the ranking depends on is read again: the partnership's revision came with the session's user.
    assert not any("matching_weights" in s or "agreements" in s for s in statements)


def test_each_suggestion_shows_its_strongest_reasons_while_the_table_is_folded(client, login, world):
    login(world["consultant"])
    html = _page(client, f"/participants/{world['young'].id}/internships")
    result = services.matches_for_participant(world["young"])
    first = result.suggestions[0]
    strongest = first.strongest()
    assert len(strongest) == services.STRONGEST
    # The components that add most to the total, best first.
    assert [c.value * c.weight for c in strongest] == sorted((c.value * c.weight for c in first.components),
                                                             reverse=True)[:services.STRONGEST]
    line = html.split('class="strongest"')[1].split("</p>")[0]
    positions = [line.index(escape(c.sentence)) for c in strongest]
    assert positions == sorted(positions)
    assert html.count('class="strongest"') == len(result.suggestions)
    assert html.index('class="strongest"') < html.index("<details")
