"""The young person's history in the matches (issue #11) and the near-miss option.

Built on the scenario of tests/test_matches.py (a young person in Skjern, 6900, who likes animals, travels at most
15 km and wishes 15–25 hours a week): the calm animal job in Tarm, the hectic kitchen in Skjern, the workshop in Borris.
"""

from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from placement.agreements.models import Agreement, NotHiredReason, Outcome, State
from placement.extensions import db
from placement.geo import postcode_distance_km
from placement.matches import services
from placement.matches.forms import MatchFilterForm
from placement.matches.services import MatchFilters
from placement.matching import Exclusion
from placement.progress.csvio import CHOICES
from placement.retention.models import Employment, JobCheck
from tests import factories
from tests.test_matches import (
    API,
    CALM_TITLE,
    HOME,
    KITCHEN_TITLE,
    WORKSHOP_TITLE,
    _company,
    _page,
    _profile,
    _titles,
    _token,
    scenario,
)


@pytest.fixture
def world(partnership, other_partnership):
    return scenario(partnership, other_partnership)


#: Videbæk, 15.6 km from Skjern: just over the young person's 15 km (by 4 %).
NEAR = "6920"
NEAR_TITLE, HOURS_TITLE, SHORT_TITLE = "Gartnerimedhjælper", "Lagermedhjælper (lange dage)", "Butiksmedhjælper"


def _agreement(world, job, state: State, *, start=date(2026, 1, 5), **fields) -> Agreement:
    """One of the young person's own agreements at ``job`` (a recorded history, as the import makes it)."""
    agreement = Agreement(partnership_id=world["partnership"].id, participant_id=world["young"].id,
                          job_function_id=job.id, mentor_id=job.mentor_id, consultant_id=world["consultant"].id,
                          state=state, start_date=start, **fields)
    db.session.add(agreement)
    db.session.commit()
    return agreement


def _ended(world, job, reason: NotHiredReason, ended_on=date(2026, 6, 3)) -> Agreement:
    return _agreement(world, job, State.ENDED, ended_on=ended_on, outcome=Outcome.NOT_HIRED, not_hired_reason=reason)


def _suggestion(result, job):
    return next(s for s in result.suggestions if s.subject.id == job.id)


# Marks ----------------------------------------------------------------------------------------------------------

def test_an_earlier_internship_is_marked_at_its_job_function_and_at_the_companys_others(world):
    calm = world["calm"]
    sibling = factories.job_function(calm.company, title="Foldmedhjælper", tasks="Passe heste og kalve", places=1,
                                     hours_min=10, hours_max=25, mentor=calm.mentor,
                                     **_profile(structure=5, predictability=5, pace=2, sensory_load=2))
    before = services.matches_for_participant(world["young"])
    assert all(not s.history for s in before.suggestions)

    agreement = _ended(world, calm, NotHiredReason.HEALTH)
    result = services.matches_for_participant(world["young"])  # the agreement moved the data revision
    assert result is not before
    (mark,) = _suggestion(result, calm).history
    assert (mark.agreement_id, mark.same_job_function, mark.state, mark.day) == (
        agreement.id, True, State.ENDED, date(2026, 6, 3))
    assert mark.text == "Earlier internship here: ended June 3, 2026 – not hired (health)" and not mark.lowers
    (other,) = _suggestion(result, sibling).history
    assert not other.same_job_function
    assert other.text == f"Earlier internship at this company ({CALM_TITLE}): ended June 3, 2026 – not hired (health)"
    assert not _suggestion(result, world["kitchen"]).history
    # A reason not tied to the workplace marks, it does not lower: the order is the engine's.
    assert _titles(result.suggestions)[0] == CALM_TITLE and not _suggestion(result, calm).lowered


def test_the_marks_say_what_became_of_each_internship(world):
    calm, kitchen, workshop = world["calm"], world["kitchen"], world["workshop"]
    _agreement(world, kitchen, State.ENDED, ended_on=date(2025, 11, 28), outcome=Outcome.FLEX_JOB,
               outcome_start=date(2025, 12, 1))
    _agreement(world, workshop, State.SENT, start=date(2026, 8, 3))
    _agreement(world, calm, State.DECLINED, start=date(2026, 2, 2))
    _agreement(world, calm, State.DRAFT)  # drafts and cancelled plans are not marked
    _agreement(world, calm, State.CANCELLED)
    result = services.matches_for_participant(world["young"])
    assert [m.text for m in _suggestion(result, kitchen).history] == [
        "Earlier internship here: ended November 28, 2025 – hired: flex-job"]
    assert [m.text for m in _suggestion(result, workshop).history] == [
        "Internship here: plan sent to the mentor, start August 3, 2026"]
    assert [m.text for m in _suggestion(result, calm).history] == [
        "Earlier internship here: the plan was declined by the mentor (start February 2, 2026)"]


def test_the_marks_are_in_danish_with_danish_dates(world):
    _ended(world, world["calm"], NotHiredReason.HEALTH)
    with force_locale("da"):
        result = services.matches_for_participant(world["young"])
        here = _("Earlier internship here")
    (mark,) = _suggestion(result, world["calm"]).history
    assert here == "Tidligere praktik her"
    assert mark.text == "Tidligere praktik her: afsluttet 3. juni 2026 – ikke ansat (helbred)"


def test_the_page_and_the_api_show_the_marks(client, login, world):
    calm = world["calm"]
    agreement = _ended(world, calm, NotHiredReason.HEALTH)
    login(world["consultant"])
    html = _page(client, f"/participants/{world['young'].id}/internships")
    start = html.index(f'id="job-{calm.id}"')
    item = html[start:html.index("</li>", start)]
    assert 'data-history' in item and "Earlier internship here: ended June 3, 2026 – not hired (health)" in item

    data = client.get(f"{API}/participants/{world['young'].id}/matches",
                      headers=_token(world["consultant"])).get_json()
    first = data["matches"][0]
    assert first["job_function"]["id"] == calm.id and first["lowered"] is None and first["near_miss"] == []
    assert first["history"] == [{"agreement_id": agreement.id, "job_function_id": calm.id, "same_job_function": True,
                                 "state": "ended", "outcome": "not_hired", "not_hired_reason": "health",
                                 "date": "2026-06-03", "lowers": False,
                                 "text": "Earlier internship here: ended June 3, 2026 – not hired (health)"}]
    assert data["status"] == []


# Lowered ---------------------------------------------------------------------------------------------------------

def test_an_internship_that_ended_for_the_workplace_is_ranked_after_every_other(client, world):
    calm = world["calm"]
    assert _titles(services.matches_for_participant(world["young"]).suggestions)[0] == CALM_TITLE
    _ended(world, calm, NotHiredReason.WORKPLACE)
    result = services.matches_for_participant(world["young"])
    assert _titles(result.suggestions) == [WORKSHOP_TITLE, KITCHEN_TITLE, CALM_TITLE]
    assert [s.rank for s in result.suggestions] == [1, 2, 3] and result.fitting == 3
    last = result.suggestions[-1]
    assert last.lowered == "lowered: stopped here, did not fit the workplace"
    assert last.history[0].lowers and last.history[0].text.endswith("not hired (did not fit the workplace)")
    # With a limit the lowered one comes only after all the others.
    assert _titles(services.matches_for_participant(world["young"], limit=2).suggestions) == [
        WORKSHOP_TITLE, KITCHEN_TITLE]
    assert _titles(services.matches_for_participant(world["young"], limit=3).suggestions)[-1] == CALM_TITLE

    data = client.get(f"{API}/participants/{world['young'].id}/matches",
                      headers=_token(world["consultant"])).get_json()
    assert [m["job_function"]["title"] for m in data["matches"]] == [WORKSHOP_TITLE, KITCHEN_TITLE, CALM_TITLE]
    assert data["matches"][-1]["lowered"] == "lowered: stopped here, did not fit the workplace"
    assert data["matches"][-1]["history"][0]["lowers"] is True


def test_only_the_job_function_itself_is_lowered_and_an_excluded_one_stays_excluded(world):
    calm, far = world["calm"], world["far"]
    sibling = factories.job_function(calm.company, title="Foldmedhjælper", tasks="Passe heste og kalve", places=1,
                                     hours_min=10, hours_max=25, mentor=calm.mentor,
                                     **_profile(structure=5, predictability=5, pace=2, sensory_load=2))
    _ended(world, calm, NotHiredReason.WORKPLACE)
    _ended(world, far, NotHiredReason.WORKPLACE)
    result = services.matches_for_participant(world["young"])
    assert not _suggestion(result, sibling).lowered and _suggestion(result, sibling).history
    assert _titles(result.suggestions)[-1] == CALM_TITLE
    (excluded,) = result.excluded
    assert excluded.subject.id == far.id and not excluded.lowered and excluded.history[0].lowers


def test_the_workplace_reason_is_a_word_of_the_history_import_and_a_choice_of_the_outcome_form():
    assert CHOICES["not_hired_reason"].read("arbejdspladsen") == NotHiredReason.WORKPLACE.value
    assert CHOICES["not_hired_reason"].read("workplace") == NotHiredReason.WORKPLACE.value
    assert CHOICES["not_hired_reason"].read("Passede ikke til arbejdspladsen") == NotHiredReason.WORKPLACE.value
    assert CHOICES["not_hired_reason"].word("workplace", "da") == "arbejdspladsen"
    assert [r for r in NotHiredReason if r.tied_to_workplace] == [NotHiredReason.WORKPLACE]
    assert NotHiredReason.WORKPLACE.label == "Did not fit the workplace"


# The note at the top ---------------------------------------------------------------------------------------------

def test_an_active_internship_and_a_job_are_noted_at_the_top(client, login, world):
    young = world["young"]
    assert services.matches_for_participant(young).status == ()
    active = _agreement(world, world["workshop"], State.ACTIVE, start=date(2026, 3, 2))
    hire = _agreement(world, world["kitchen"], State.ENDED, ended_on=date(2025, 10, 31),
                      outcome=Outcome.ORDINARY_JOB, outcome_hours=20, outcome_start=date(2025, 11, 3))
    result = services.matches_for_participant(young)
    assert [(n.kind, n.agreement_id, n.since) for n in result.status] == [
        ("internship", active.id, date(2026, 3, 2)), ("job", hire.id, date(2025, 11, 3))]
    assert result.status[0].text == (f"In an internship now: {WORKSHOP_TITLE} at Borris Værksted, since "
                                     "March 2, 2026.")
    assert result.status[1].text == (f"In a job since November 3, 2025: Ordinary job at Skjern Kantine ApS "
                                     f"({KITCHEN_TITLE}).")

    login(world["consultant"])
    html = _page(client, f"/participants/{young.id}/internships")
    assert 'id="status"' in html and html.index('id="status"') < html.index('class="filters"')
    assert "In an internship now:" in html and "In a job since November 3, 2025" in html

    data = client.get(f"{API}/participants/{young.id}/matches", headers=_token(world["consultant"])).get_json()
    assert [(n["kind"], n["since"], n["company_name"]) for n in data["status"]] == [
        ("internship", "2026-03-02", "Borris Værksted"), ("job", "2025-11-03", "Skjern Kantine ApS")]
    assert data["status"][1]["outcome"] == "ordinary_job"

    # A job check that says the young person is no longer employed takes the job's note away.
    db.session.add(JobCheck(partnership_id=world["partnership"].id, agreement_id=hire.id, month=1,
                            due_on=date(2025, 12, 3), status=Employment.NOT_EMPLOYED, checked_on=date(2025, 12, 5),
                            reason="Stoppede"))
    db.session.commit()
    assert [n.kind for n in services.matches_for_participant(young).status] == ["internship"]


def test_a_confirmed_internship_is_noted(world):
    confirmed = _agreement(world, world["calm"], State.CONFIRMED, start=date(2026, 9, 7))
    (note,) = services.matches_for_participant(world["young"]).status
    assert (note.kind, note.agreement_id) == ("confirmed", confirmed.id)
    assert note.text == f"Has a confirmed internship: {CALM_TITLE} at Engholm Kvægbrug, from September 7, 2026."


# Near misses -----------------------------------------------------------------------------------------------------

@pytest.fixture
def near(world):
    """Three more job functions: one 15.6 km away (4 % over 15 km), one offering 26–30 hours (1 hour, 4 %, over
    the wished 25), one offering 10–12 (3 hours, 20 %, under the wished 15: not near)."""
    assert 15 < postcode_distance_km(HOME, NEAR) < 16.5
    calm_profile = _profile(structure=5, predictability=5, pace=2, sensory_load=2)
    garden = _company(world["partnership"], "Videbæk Gartneri", NEAR)
    store = _company(world["partnership"], "Skjern Lager", HOME)
    jobs = {
        "far": factories.job_function(garden, title=NEAR_TITLE, tasks="Potte planter", hours_min=10, hours_max=25,
                                      places=1, mentor=factories.mentor(garden, experience_level=4, max_interns=1),
                                      **calm_profile),
        "hours": factories.job_function(store, title=HOURS_TITLE, tasks="Pakke varer", hours_min=26, hours_max=30,
                                        places=1, mentor=factories.mentor(store, experience_level=4, max_interns=2),
                                        **calm_profile),
    }
    jobs["short"] = factories.job_function(store, title=SHORT_TITLE, tasks="Fylde varer op", hours_min=10,
                                           hours_max=12, places=1, mentor=jobs["hours"].mentor, **calm_profile)
    return jobs


def test_near_misses_are_listed_only_on_request_marked_and_ranked_by_their_total(world, near):
    young = world["young"]
    plain = services.matches_for_participant(young)
    assert NEAR_TITLE not in _titles(plain.suggestions) and HOURS_TITLE not in _titles(plain.suggestions)
    assert plain.near_misses == 0 and plain.excluded_count == 4

    result = services.matches_for_participant(young, MatchFilters(near_miss=True))
    assert result is not plain and result.filters.near_miss
    assert result.near_misses == 2 and result.fitting == plain.fitting + 2 and result.excluded_count == 2
    totals = [s.total for s in result.suggestions]
    assert totals == sorted(totals, reverse=True)  # among the others, by their total
    garden, hours = _suggestion(result, near["far"]), _suggestion(result, near["hours"])
    assert garden.reasons == [] and [(r.code, r.detail) for r in garden.near_miss] == [
        ("too_far", "15.6 km, limit 15 km")]
    assert [(r.code, r.detail) for r in hours.near_miss] == [
        ("hours_dont_fit", "offers 26–30 hours a week, wished 15–25")]
    assert all(not s.near_miss for s in result.suggestions if s.subject.id not in (near["far"].id, near["hours"].id))
    # Too far by more than 10 %, or hours 20 % off: still excluded, with the reason.
    excluded = services.matches_for_participant(young, MatchFilters(near_miss=True), excluded=True).excluded
    assert {s.subject.title: [r.code for r in s.reasons] for s in excluded} == {
        world["far"].title: ["too_far"], SHORT_TITLE: ["hours_dont_fit"]}


def test_a_near_miss_with_another_reason_stays_excluded(world, near):
    near["far"].places = 0
    db.session.commit()
    result = services.matches_for_participant(world["young"], MatchFilters(near_miss=True), excluded=True)
    assert NEAR_TITLE not in _titles(result.suggestions)
    garden = next(s for s in result.excluded if s.subject.id == near["far"].id)
    assert {r.code for r in garden.reasons} == {"no_free_place", "too_far"}
    assert Exclusion.NO_FREE_PLACE & ~services.NEAR_MISS_EXCLUSIONS


def test_the_page_has_the_near_miss_option_and_keeps_it_in_its_links(client, login, world, near):
    login(world["consultant"])
    url = f"/participants/{world['young'].id}/internships"
    html = _page(client, url)
    assert 'name="near_miss"' in html and NEAR_TITLE not in html and "data-near-miss" not in html
    html = _page(client, url + "?near_miss=1")
    assert NEAR_TITLE in html and HOURS_TITLE in html and html.count("data-near-miss") == 2
    assert "just over the limit: 15.6 km, limit 15 km" in html
    assert "just over the limit: offers 26–30 hours a week, wished 15–25" in html
    assert "Of them 2 are just over the limit, marked as such." in html
    count = html[html.index('class="count"'):]
    assert "near_miss=1" in count[:count.index("</p>")]  # the links keep the option


def test_the_api_takes_near_miss_and_marks_them(client, world, near):
    young, headers = world["young"], _token(world["consultant"])
    url = f"{API}/participants/{young.id}/matches"
    plain = client.get(url, headers=headers).get_json()
    assert plain["filters"]["near_miss"] is False and plain["near_misses"] == 0
    assert NEAR_TITLE not in [m["job_function"]["title"] for m in plain["matches"]]
    data = client.get(url + "?near_miss=true", headers=headers).get_json()
    assert data["filters"]["near_miss"] is True and data["near_misses"] == 2
    garden = next(m for m in data["matches"] if m["job_function"]["title"] == NEAR_TITLE)
    assert garden["reasons"] == [] and garden["rank"] is not None
    assert garden["near_miss"] == [{"code": "too_far", "label": Exclusion.TOO_FAR.label,
                                    "detail": "15.6 km, limit 15 km"}]
    response = client.get(url + "?near_miss=maybe", headers=headers)
    assert response.status_code == 400 and "near_miss" in response.get_json()["message"]
    schema = client.get(f"{API}/openapi.json").get_json()
    assert "near_miss" in schema["components"]["parameters"]
    match = schema["components"]["schemas"]["JobFunctionMatch"]
    assert {"history", "lowered", "near_miss"} <= set(match["required"])


def test_the_filter_form_reads_the_option(app, world):
    with app.test_request_context("/?near_miss=1"):
        from flask import request
        form = MatchFilterForm(request.args, travel_limit=15)
        form.validate()
        assert form.filters() == MatchFilters(near_miss=True)
    with app.test_request_context("/"):
        from flask import request
        form = MatchFilterForm(request.args, travel_limit=15)
        form.validate()
        assert form.filters() == MatchFilters()


def test_no_agreement_of_another_young_person_is_marked(world):
    other = factories.participant(world["partnership"], postcode=HOME)
    db.session.add(Agreement(partnership_id=world["partnership"].id, participant_id=other.id,
                             job_function_id=world["kitchen"].id, mentor_id=world["kitchen"].mentor_id,
                             state=State.ENDED, start_date=date(2026, 1, 5), ended_on=date(2026, 3, 1),
                             outcome=Outcome.NOT_HIRED, not_hired_reason=NotHiredReason.WORKPLACE))
    db.session.commit()
    result = services.matches_for_participant(world["young"])
    assert all(not s.history and not s.lowered for s in result.suggestions) and result.status == ()
    assert db.session.scalar(select(Agreement.id).where(Agreement.participant_id == world["young"].id)) is None


# The demo --------------------------------------------------------------------------------------------------------

def test_on_the_demo_mikkels_list_marks_his_earlier_internship(runner, client, login):
    from placement.auth.models import User
    from placement.demo.data import DEMO_PASSWORD, EXAMPLE_INTERNSHIP, MATCHING_EXAMPLE
    from placement.participants.models import Participant
    from placement.sanity import day_text

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    mikkel = db.session.scalar(select(Participant).where(Participant.name == MATCHING_EXAMPLE["name"]))
    (agreement,) = db.session.scalars(select(Agreement).where(Agreement.participant_id == mikkel.id)).all()
    result = services.matches_for_participant(mikkel)
    marked = [s for s in result.suggestions if s.history]
    assert marked and all(s.subject.company.name == EXAMPLE_INTERNSHIP for s in marked)
    here = _suggestion(result, agreement.job_function)
    text = f"Earlier internship here: ended {day_text(agreement.ended_on)} – not hired (another internship)"
    assert [m.text for m in here.history] == [text] and not here.lowered and result.status == ()

    login(db.session.scalar(select(User).where(User.email == "konsulent@demo.example")), password=DEMO_PASSWORD)
    html = _page(client, f"/participants/{mikkel.id}/internships")
    assert text in html


def test_the_near_miss_and_the_lowering_read_in_danish(world, near):
    _ended(world, world["calm"], NotHiredReason.WORKPLACE)
    with force_locale("da"):
        result = services.matches_for_participant(world["young"], MatchFilters(near_miss=True))
        label = _("just over the limit")
    assert label == "lige over grænsen"
    assert [r.detail for r in _suggestion(result, near["far"]).near_miss] == ["15,6 km, grænse 15 km"]
    last = result.suggestions[-1]
    assert last.subject.id == world["calm"].id
    assert last.lowered == "sænket: stoppede her, passede ikke til arbejdspladsen"
    assert last.history[0].text.endswith("ikke ansat (passede ikke til arbejdspladsen)")
