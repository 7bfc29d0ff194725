"""The agreement pages as the staff use them: from a match to a plan, the mentor's confirmation, follow-up, the
outcome, the job centre's decision and the new place, each step on the timeline; refusals change nothing; who
sees and who acts; places taken; the start page; the printable plan."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from placement.agreements import plans, services
from placement.agreements.models import Agreement, Decision, Goal, Outcome, PlaceAfterHire, State
from placement.agreements.services import Actor
from placement.auth.models import Role
from placement.extensions import db
from placement.geo import lookup
from placement.mail.models import OutboxMessage
from placement.participants.services import local_today
from tests import factories

HEALTH_NOTE = "Epilepsi, tager medicin om morgenen"
SUPPORT_NOTE = "Angst i store grupper"
GOALS = "Møde til tiden hver dag\n- Stå op kl. 7\n- Tage bussen selv\nFodre kalvene uden hjælp"
PLAN = {"schedule": "Mandag–torsdag 8–12", "purpose": "Prøve arbejdet i en kalvestald",
        "tasks": "Fodring og rengøring", "works_with": "Karen og Bo i stalden",
        "meeting": "Ved stalden kl. 8, mandag–torsdag", "support": "Fast mentor, korte beskeder",
        "follow_up_plan": "Møde hver 4. uge med mentor og konsulent", "goals": GOALS}
MENTOR_ACTOR = Actor(None, "mentor (link)", True)


@pytest.fixture
def world(partnership):
    place = lookup("8900")
    consultant = factories.user(Role.CONSULTANT, partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug", employees=10, latitude=place.latitude,
                                longitude=place.longitude)
    mentor = factories.mentor(company, name="Karen Mentor", email="karen@engholm.example", max_interns=2)
    job = factories.job_function(company, title="Staldmedhjælper", tasks="Fodre kalve og muge ud", places=1,
                                 mentor=mentor)
    participant = factories.participant(partnership, name="Mikkel Dyrholm", consultant_id=consultant.id,
                                        caseworker_id=caseworker.id, health_notes=HEALTH_NOTE,
                                        support_notes=SUPPORT_NOTE, cognitive=True, interests="dyr, kalve")
    return {"consultant": consultant, "caseworker": caseworker, "company": company, "mentor": mentor, "job": job,
            "participant": participant}


def _fresh(agreement_id: int) -> Agreement:
    """Read the agreement as the database holds it now (the pages changed it in their own sessions)."""
    db.session.expire_all()
    return db.session.get(Agreement, agreement_id)


def _make(world, *, start=None, state=State.DRAFT, **plan) -> Agreement:
    """An agreement made through the services, moved on to ``state``."""
    staff = Actor(world["consultant"], world["consultant"].name, False)
    values = {**PLAN, "start_date": start or local_today(), "planned_weeks": 26, "weekly_hours": 15,
              "follow_up_weeks": 4, **plan}
    agreement = plans.create_agreement(participant=world["participant"], job_function=world["job"],
                                       mentor=world["mentor"], values=values, actor=staff,
                                       consultant=world["consultant"])
    path = {State.SENT: ["send"], State.CONFIRMED: ["send", "confirm"], State.ACTIVE: ["send", "confirm", "start"]}
    for step in path.get(state, []):
        services.transition(agreement, step, MENTOR_ACTOR if step == "confirm" else staff)
    services.commit()
    return agreement


def _post(client, url, **data):
    return client.post(url, data=data, follow_redirects=True)


def _flash_errors(page: str) -> list[str]:
    return re.findall(r'class="flash flash-error" role="alert">([^<]*)<', page)


def test_the_whole_flow_from_a_match_to_the_new_place_is_on_the_timeline(client, login, world):
    login(world["consultant"])
    participant, job = world["participant"], world["job"]
    today = local_today()

    # The match page offers the agreement; its link carries ids only.
    page = client.get(f"/participants/{participant.id}/internships").get_data(as_text=True)
    new_url = f"/agreements/new?participant_id={participant.id}&amp;job_function_id={job.id}"
    assert new_url in page and "Make an agreement" in page

    form = client.get(new_url.replace("&amp;", "&")).get_data(as_text=True)
    assert "Fodre kalve og muge ud" in form  # the tasks come from the job function
    # Question 5 starts from the record's own text about the support (the consultant edits it); never health notes.
    assert SUPPORT_NOTE in form and "Support need 3 of 5" not in form and HEALTH_NOTE not in form
    assert "Write goals so the young person can understand them" in form

    start = today - timedelta(weeks=10)
    response = client.post(new_url.replace("&amp;", "&"), data={
        **PLAN, "support": "", "mentor_id": world["mentor"].id, "start_date": start.isoformat(),
        "planned_weeks": 26, "weekly_hours": 15, "follow_up_weeks": 4})
    assert response.status_code == 302
    agreement_id = int(response.headers["Location"].rsplit("/", 1)[1])
    agreement = _fresh(agreement_id)
    assert agreement.state is State.DRAFT and agreement.consultant_id == world["consultant"].id
    assert agreement.match_explanation["components"] and agreement.match_explanation["total"] > 0
    top = [g for g in agreement.goals if g.parent_id is None]
    assert [g.text for g in top] == ["Møde til tiden hver dag", "Fodre kalvene uden hjælp"]
    assert [g.text for g in agreement.goals if g.parent_id == top[0].id] == ["Stå op kl. 7", "Tage bussen selv"]
    detail = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "The match this internship came from" in detail and "the support need" in detail

    # The plan is incomplete (no support need): sending is refused and nothing changes.
    page = _post(client, f"/agreements/{agreement_id}/steps/send", version=agreement.version).get_data(as_text=True)
    assert any("The plan is not complete" in e for e in _flash_errors(page))
    assert _fresh(agreement_id).state is State.DRAFT
    assert not db.session.scalars(db.select(OutboxMessage)).all()

    # Edit the plan on the version shown.
    edit = client.get(f"/agreements/{agreement_id}/edit").get_data(as_text=True)
    assert "- Stå op kl. 7" in edit
    version = _fresh(agreement_id).version
    response = client.post(f"/agreements/{agreement_id}/edit", data={
        **PLAN, "mentor_id": world["mentor"].id, "start_date": start.isoformat(), "planned_weeks": 26,
        "weekly_hours": 15, "follow_up_weeks": 4, "version": version})
    assert response.status_code == 302
    agreement = _fresh(agreement_id)
    assert agreement.support == PLAN["support"] and agreement.version > version

    # Send: an e-mail to the mentor waits in the outbox.
    _post(client, f"/agreements/{agreement_id}/steps/send", version=agreement.version, comment="Se planen")
    assert _fresh(agreement_id).state is State.SENT
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.recipient == "karen@engholm.example" and "Staldmedhjælper" in message.subject

    # The mentor confirms (through the e-mailed link; here straight through the service).
    agreement = _fresh(agreement_id)
    services.mentor_answer(agreement, "confirm", MENTOR_ACTOR, comment="Vi glæder os",
                           expected_version=agreement.version)
    services.commit()

    _post(client, f"/agreements/{agreement_id}/steps/start", version=_fresh(agreement_id).version)
    agreement = _fresh(agreement_id)
    assert agreement.state is State.ACTIVE and services.is_overdue(agreement, today)

    page = _post(client, f"/agreements/{agreement_id}/follow-ups", version=agreement.version,
                 held_on=today.isoformat(), note="Godt i gang", next_step="Flere timer").get_data(as_text=True)
    assert "The follow-up was logged." in page and "Godt i gang" in page
    assert not services.is_overdue(_fresh(agreement_id), today)

    goal = db.session.scalars(db.select(Goal).filter_by(agreement_id=agreement_id, text="Stå op kl. 7")).one()
    _post(client, f"/agreements/{agreement_id}/goals/{goal.id}/reached", version=_fresh(agreement_id).version)
    assert db.session.get(Goal, goal.id).reached_on == today

    page = _post(client, f"/agreements/{agreement_id}/end", version=_fresh(agreement_id).version,
                 ended_on=today.isoformat(), outcome="flex_job", outcome_hours=20,
                 outcome_start=(today + timedelta(days=14)).isoformat()).get_data(as_text=True)
    agreement = _fresh(agreement_id)
    assert agreement.state is State.ENDED and agreement.outcome is Outcome.FLEX_JOB
    assert agreement.decision is Decision.PENDING
    assert "Agree a new internship place with the company" in page  # the prompt right after the hire

    _post(client, f"/agreements/{agreement_id}/decision", version=agreement.version, decision="approved",
          decided_on=today.isoformat())
    assert _fresh(agreement_id).decision is Decision.APPROVED
    page = _post(client, f"/agreements/{agreement_id}/place", version=_fresh(agreement_id).version,
                 choice="reopened").get_data(as_text=True)
    agreement = _fresh(agreement_id)
    assert agreement.place_after_hire is PlaceAfterHire.REOPENED
    assert "Agree a new internship place with the company" not in page

    steps = [(e.kind, e.from_state, e.to_state) for e in agreement.events]
    assert steps == [
        ("transition", None, State.DRAFT), ("plan", None, State.DRAFT),
        ("transition", State.DRAFT, State.SENT), ("transition", State.SENT, State.CONFIRMED),
        ("transition", State.CONFIRMED, State.ACTIVE), ("follow_up", None, State.ACTIVE),
        ("goal", None, State.ACTIVE), ("transition", State.ACTIVE, State.ENDED),
        ("decision", None, State.ENDED), ("place", None, State.ENDED)]
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert timeline.count("<li") == len(steps)
    for text in ("Draft → Sent to mentor", "Sent to mentor → Confirmed by mentor", "Confirmed by mentor → Active",
                 "Active → Ended", "Vi glæder os", "mentor (link)", "Job-centre decision", "Approved",
                 "The company re-opens the place for a new intern", "Godt i gang"):
        assert text in timeline, text

    # The young person's page tells where they stand.
    person = client.get(f"/participants/{participant.id}").get_data(as_text=True)
    standing = person.split("Where they stand", 1)[1].split("</dd>", 1)[0]
    assert "Flex-job" in standing and "Approved" in standing


def test_an_agreement_made_directly_keeps_no_match(client, login, world):
    login(world["consultant"])
    chooser = client.get("/agreements/new").get_data(as_text=True)
    assert "Mikkel Dyrholm" in chooser and "Staldmedhjælper · Engholm Kvægbrug" in chooser
    url = f"/agreements/new?direct=1&participant_id={world['participant'].id}&job_function_id={world['job'].id}"
    response = client.post(url, data={**PLAN, "mentor_id": world["mentor"].id,
                                      "start_date": local_today().isoformat(), "planned_weeks": 26,
                                      "weekly_hours": 15, "follow_up_weeks": 4})
    assert response.status_code == 302
    agreement = db.session.scalars(db.select(Agreement)).one()
    assert agreement.match_explanation is None


def test_a_sub_goal_before_any_goal_is_refused_on_the_field(client, login, world):
    login(world["consultant"])
    url = f"/agreements/new?participant_id={world['participant'].id}&job_function_id={world['job'].id}"
    page = client.post(url, data={**PLAN, "goals": "- uden mål", "mentor_id": world["mentor"].id,
                                  "start_date": local_today().isoformat(), "planned_weeks": 26, "weekly_hours": 15,
                                  "follow_up_weeks": 4}).get_data(as_text=True)
    assert "must come after the goal it belongs to" in page
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0


def test_an_invalid_step_is_refused_with_a_message_and_changes_nothing(client, login, world):
    agreement = _make(world)
    version, events = agreement.version, len(agreement.events)
    login(world["consultant"])
    for url, message in ((f"/agreements/{agreement.id}/steps/start", "cannot take this step"),
                         (f"/agreements/{agreement.id}/steps/confirm", "Only the mentor confirms"),
                         (f"/agreements/{agreement.id}/steps/bogus", "Unknown step"),
                         (f"/agreements/{agreement.id}/end", "Only an active internship is ended")):
        data = {"version": version, "ended_on": local_today().isoformat(), "outcome": "ordinary_job",
                "outcome_hours": 30, "outcome_start": local_today().isoformat()}
        response = client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 200
        assert any(message in e for e in _flash_errors(response.get_data(as_text=True))), url
    agreement = _fresh(agreement.id)
    assert agreement.state is State.DRAFT and agreement.version == version and len(agreement.events) == events
    assert agreement.outcome is None


def test_a_change_on_a_stale_version_is_refused_and_the_current_one_is_shown(client, login, world):
    agreement = _make(world)
    seen = agreement.version
    plans.update_plan(agreement, world["mentor"], {**PLAN, "purpose": "Ændret af en kollega"},
                      Actor(world["consultant"], "kollega", False), expected_version=seen)
    services.commit()
    login(world["consultant"])
    response = client.post(f"/agreements/{agreement.id}/steps/cancel", data={"version": seen},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert any("changed by someone else meanwhile" in e for e in _flash_errors(page))
    assert "Ændret af en kollega" in page  # the current version
    assert _fresh(agreement.id).state is State.DRAFT
    response = client.post(f"/agreements/{agreement.id}/edit", data={
        **PLAN, "mentor_id": world["mentor"].id, "start_date": local_today().isoformat(), "planned_weeks": 26,
        "weekly_hours": 15, "follow_up_weeks": 4, "version": seen}, follow_redirects=True)
    assert any("changed by someone else meanwhile" in e for e in _flash_errors(response.get_data(as_text=True)))
    assert _fresh(agreement.id).purpose == "Ændret af en kollega"
    # A step without the version is refused too.
    page = _post(client, f"/agreements/{agreement.id}/steps/cancel").get_data(as_text=True)
    assert _flash_errors(page) and _fresh(agreement.id).state is State.DRAFT


def test_a_caseworker_reads_but_cannot_act(client, login, world):
    agreement = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=2))
    login(world["caseworker"])
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Staldmedhjælper" in page and "What you can do now" not in page and "Log a follow-up" not in page
    assert client.get("/agreements").status_code == 200
    assert client.get(f"/agreements/{agreement.id}/print").status_code == 200
    version = agreement.version
    for url in (f"/agreements/{agreement.id}/steps/cancel", f"/agreements/{agreement.id}/end",
                f"/agreements/{agreement.id}/follow-ups", f"/agreements/{agreement.id}/extension",
                f"/agreements/{agreement.id}/edit", "/agreements/new"):
        assert client.post(url, data={"version": version}).status_code == 403, url
    assert client.get("/agreements/new").status_code == 403
    assert _fresh(agreement.id).version == version


def test_other_partnerships_and_consultants_not_on_the_case_get_404(client, login, world, partnership,
                                                                    other_partnership):
    agreement = _make(world)
    for user in (factories.user(Role.CONSULTANT, other_partnership), factories.user(Role.CONSULTANT, partnership)):
        login(user)
        assert client.get(f"/agreements/{agreement.id}").status_code == 404
        assert client.get(f"/agreements/{agreement.id}/print").status_code == 404
        assert client.post(f"/agreements/{agreement.id}/steps/cancel",
                           data={"version": agreement.version}).status_code == 404
        assert "Mikkel Dyrholm" not in client.get("/agreements").get_data(as_text=True)
        client.post("/logout")
    assert _fresh(agreement.id).state is State.DRAFT
    coordinator = factories.user(Role.COORDINATOR, partnership)
    login(coordinator)
    asked = client.get(f"/agreements/{agreement.id}")  # not named on the case: the purpose first
    assert asked.status_code == 302 and "/audit/purpose?" in asked.headers["Location"]
    client.post(asked.headers["Location"], data={"purpose": "coordination"})
    assert client.get(f"/agreements/{agreement.id}").status_code == 200


def test_the_company_page_shows_places_taken_and_free_and_names_only_own_cases(client, login, world, partnership):
    _make(world, state=State.CONFIRMED)
    login(world["consultant"])
    page = client.get(f"/companies/{world['company'].id}").get_data(as_text=True)
    assert "Taken: 1, free: 0." in page
    row = page.split(">Staldmedhjælper</a>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1", "0"]  # places, taken, free
    assert "Mikkel Dyrholm" in page
    job_page = client.get(f"/job-functions/{world['job'].id}").get_data(as_text=True)
    assert "taken 1, free 0" in job_page
    mentor_page = client.get(f"/mentors/{world['mentor'].id}").get_data(as_text=True)
    assert "now 1 (confirmed or active)" in mentor_page and "Mikkel Dyrholm" in mentor_page
    client.post("/logout")
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.get(f"/companies/{world['company'].id}").get_data(as_text=True)
    assert "Mikkel Dyrholm" not in page and "1 internship with a young person whose case you are not on." in page
    assert "Mikkel Dyrholm" not in client.get(f"/mentors/{world['mentor'].id}").get_data(as_text=True)


def test_the_start_page_lists_overdue_follow_ups_and_plans_waiting_for_the_mentor(client, login, world,
                                                                                  partnership):
    overdue = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=6))
    other = factories.participant(partnership, name="Sara Holm", consultant_id=world["consultant"].id)
    waiting = services.new_agreement(participant=other, job_function=world["job"], mentor=world["mentor"],
                                     consultant=world["consultant"], start_date=local_today(),
                                     actor=Actor(world["consultant"], "x", False),
                                     **{k: v for k, v in PLAN.items() if k != "goals"}, goals=["Møde til tiden"])
    services.transition(waiting, "send", Actor(world["consultant"], "x", False))
    world["job"] = factories.job_function(world["company"], title="Kalvepasser", places=1, mentor=world["mentor"])
    hired = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=20))
    services.record_outcome(hired, Actor(world["consultant"], "x", False), outcome=Outcome.PROTECTED,
                            ended_on=local_today(), hours=10, job_start=local_today())
    services.commit()
    login(world["consultant"])
    page = client.get("/").get_data(as_text=True)
    section = page.split('id="overdue"', 1)[1].split('id="waiting"', 1)
    assert f"/agreements/{overdue.id}" in section[0] and "Mikkel Dyrholm" in section[0]
    waiting_part, rest = section[1].split('id="decisions"', 1)
    assert f"/agreements/{waiting.id}" in waiting_part and f"/agreements/{hired.id}" not in waiting_part
    decisions, places = rest.split('id="new-places"', 1)
    assert f"/agreements/{hired.id}" in decisions and f"/agreements/{hired.id}" in places
    client.post("/logout")
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.get("/").get_data(as_text=True)
    assert "Mikkel Dyrholm" not in page and "Sara Holm" not in page


def test_the_printable_plan_has_signature_lines_and_no_health_notes(client, login, world):
    agreement = _make(world)
    login(world["consultant"])
    page = client.get(f"/agreements/{agreement.id}/print").get_data(as_text=True)
    assert "Internship plan" in page and "Fodring og rengøring" in page and "Stå op kl. 7" in page
    assert page.count('class="signature-line"') == 3
    for role in ("Young person: Mikkel Dyrholm", "Mentor: Karen Mentor", f"Job consultant: {world['consultant'].name}"):
        assert role in page
    assert 'data-print hidden' in page and "onclick" not in page
    for secret in (HEALTH_NOTE, SUPPORT_NOTE, "cognitive", "Cognitive"):
        assert secret not in page


def _kept(page: str, text: str) -> bool:
    """Tell whether a text area holds ``text`` (what the user typed)."""
    return re.search(rf">\s*{re.escape(text)}</textarea>", page) is not None


def _field(page: str, field_id: str) -> str:
    """The tag of the input or text area with this id."""
    return re.search(rf'<(?:input|textarea|select)[^>]*id="{field_id}"[^>]*>', page).group(0)


def test_a_follow_up_in_the_future_is_refused_on_the_field_and_keeps_what_was_typed(client, login, world):
    agreement = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=6))
    version, events = agreement.version, len(agreement.events)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    login(world["consultant"])
    response = client.post(f"/agreements/{agreement.id}/follow-ups",
                           data={"version": version, "held_on": tomorrow, "note": "Godt i gang, trives",
                                 "next_step": "Flere timer"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    held_on = _field(page, "follow-up-held_on")
    assert 'aria-invalid="true"' in held_on and 'aria-describedby="follow-up-held_on-error"' in held_on
    assert f'value="{tomorrow}"' in held_on
    error = page.split('id="follow-up-held_on-error">', 1)[1].split("</p>", 1)[0]
    assert f"{format_date(date.fromisoformat(tomorrow), 'long', locale='en')} cannot be in the future" in error
    assert _kept(page, "Godt i gang, trives") and _kept(page, "Flere timer")
    assert not _flash_errors(page)
    # The page's other forms stay empty and carry no errors.
    assert 'aria-invalid' not in _field(page, "extension-until") and "extension-until-error" not in page
    assert 'value=""' not in _field(page, "end-ended_on")  # today, as on a fresh page
    agreement = _fresh(agreement.id)
    assert agreement.follow_ups == [] and agreement.version == version and len(agreement.events) == events


def test_a_follow_up_without_a_note_or_before_the_start_is_refused_on_the_field(client, login, world):
    agreement = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=6))
    login(world["consultant"])
    response = client.post(f"/agreements/{agreement.id}/follow-ups",
                           data={"version": agreement.version, "held_on": "2000-01-03", "note": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in _field(page, "follow-up-note")
    assert "before the internship started" in page.split('id="follow-up-held_on-error">', 1)[1].split("</p>")[0]
    assert _fresh(agreement.id).follow_ups == []


def test_ending_in_the_future_or_a_hire_without_hours_is_refused_on_the_field(client, login, world):
    agreement = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=6))
    version = agreement.version
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    login(world["consultant"])
    response = client.post(f"/agreements/{agreement.id}/end", data={
        "version": version, "ended_on": tomorrow, "outcome": "flex_job", "outcome_start": tomorrow,
        "comment": "Fast job i stalden"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    ended_on = _field(page, "end-ended_on")
    assert 'aria-invalid="true"' in ended_on and f'value="{tomorrow}"' in ended_on
    assert "that is in the future" in page.split('id="end-ended_on-error">', 1)[1].split("</p>")[0]
    assert 'aria-invalid="true"' in _field(page, "end-outcome_hours")
    assert "weekly hours" in page.split('id="end-outcome_hours-error">', 1)[1].split("</p>")[0]
    assert re.search(r'<input[^>]*checked[^>]*value="flex_job"|<input[^>]*value="flex_job"[^>]*checked', page)
    assert _kept(page, "Fast job i stalden")
    agreement = _fresh(agreement.id)
    assert agreement.state is State.ACTIVE and agreement.outcome is None and agreement.version == version


def test_a_decision_before_the_internship_started_is_refused_on_the_field(client, login, world):
    start = local_today() - timedelta(weeks=20)
    agreement = _make(world, state=State.ACTIVE, start=start)
    ended = local_today() - timedelta(days=10)
    services.record_outcome(agreement, Actor(world["consultant"], "x", False), outcome=Outcome.FLEX_JOB,
                            ended_on=ended, hours=15, job_start=ended + timedelta(days=1))
    services.commit()
    login(world["consultant"])
    too_early = (start - timedelta(days=1)).isoformat()
    response = client.post(f"/agreements/{agreement.id}/decision", data={
        "version": agreement.version, "decision": "approved", "decided_on": too_early, "comment": "Bevilget"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    decided_on = _field(page, "decision-decided_on")
    assert 'aria-invalid="true"' in decided_on and f'value="{too_early}"' in decided_on
    error = page.split('id="decision-decided_on-error">', 1)[1].split("</p>")[0]
    assert f"before the internship started ({format_date(start, 'long', locale='en')})" in error
    assert _kept(page, "Bevilget")
    assert _fresh(agreement.id).decision is Decision.PENDING


def test_a_workflow_refusal_after_validation_is_still_flashed(client, login, world):
    agreement = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=6))
    seen = agreement.version
    services.record_extension(agreement, Actor(world["consultant"], "kollega", False),
                              services.planned_end(agreement) + timedelta(days=30), "Mere tid")
    services.commit()
    login(world["consultant"])
    response = client.post(f"/agreements/{agreement.id}/follow-ups",
                           data={"version": seen, "held_on": local_today().isoformat(), "note": "Godt i gang"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert any("changed by someone else meanwhile" in e for e in _flash_errors(response.get_data(as_text=True)))
    assert _fresh(agreement.id).follow_ups == []


def test_the_internship_starts_on_its_actual_first_day_and_the_timeline_keeps_the_planned_one(client, login,
                                                                                              world):
    today = local_today()
    agreement = _make(world, start=today, state=State.CONFIRMED)
    login(world["consultant"])
    start_page = client.get("/").get_data(as_text=True)
    assert "Confirmed by the mentor: ready to start" in start_page and f"/agreements/{agreement.id}" in start_page
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert 'name="started_on"' in page
    tomorrow = today + timedelta(days=1)
    page = _post(client, f"/agreements/{agreement.id}/steps/start", version=agreement.version,
                 started_on=tomorrow.isoformat()).get_data(as_text=True)
    assert "cannot have started" in page and _fresh(agreement.id).state is State.CONFIRMED
    actual = today - timedelta(days=2)
    _post(client, f"/agreements/{agreement.id}/steps/start", version=agreement.version,
          started_on=actual.isoformat())
    agreement = _fresh(agreement.id)
    assert agreement.state is State.ACTIVE and agreement.start_date == actual
    assert "planned" in agreement.events[-1].comment
    # Active: logging a follow-up comes before ending the internship on the page.
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert page.index("Log a follow-up") < page.index("End the internship")


def test_hours_outside_the_offer_or_the_wish_need_a_reason_that_is_kept(client, login, world):
    login(world["consultant"])
    participant, job = world["participant"], world["job"]
    job.hours_min, job.hours_max = 10, 25
    participant.hours_min, participant.hours_max = 15, 25
    db.session.commit()
    url = f"/agreements/new?participant_id={participant.id}&job_function_id={job.id}"
    data = {**PLAN, "mentor_id": world["mentor"].id, "start_date": local_today().isoformat(), "planned_weeks": 26,
            "weekly_hours": 40, "follow_up_weeks": 4}
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "40 hours a week is outside both the job function's offer (10–25) and the young person's wish " \
           "(15–25)" in page and "Give the reason below, or change the hours." in page
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0
    response = client.post(url, data={**data, "weekly_hours": 30, "hours_reason": "Aftalt med Mikkel: fuld tid"})
    assert response.status_code == 302
    agreement = db.session.scalars(db.select(Agreement)).one()
    assert agreement.weekly_hours == 30
    kept = [e for e in agreement.events if e.kind == "hours"]
    assert len(kept) == 1 and kept[0].comment == "Aftalt med Mikkel: fuld tid"


def test_a_hire_in_the_internships_first_week_asks_to_check_the_dates(client, login, world):
    today = local_today()
    agreement = _make(world, start=today, state=State.ACTIVE)
    login(world["consultant"])
    data = {"version": agreement.version, "ended_on": today.isoformat(), "outcome": "flex_job",
            "outcome_hours": 15, "outcome_start": today.isoformat()}
    response = client.post(f"/agreements/{agreement.id}/end", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "ends 0 days after it started, with a hire (Flex-job)" in page
    assert 'name="dates_checked"' in page and _fresh(agreement.id).state is State.ACTIVE
    response = client.post(f"/agreements/{agreement.id}/end", data={**data, "dates_checked": "y"})
    assert response.status_code == 302 and _fresh(agreement.id).state is State.ENDED


def test_a_planned_follow_up_is_moved_on_the_page_and_a_weekend_is_refused(client, login, world):
    from placement.agreements import services as agreement_services
    from placement.workdays import next_workday

    agreement = _make(world, state=State.ACTIVE, start=local_today() - timedelta(weeks=6))
    planned, day = next((p, d) for p, d in agreement_services.planned_follow_ups(agreement) if d > local_today())
    login(world["consultant"])
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert f'name="planned" value="{planned.isoformat()}"' in page  # each coming one has its "Move"
    target = next_workday(day + timedelta(days=2))
    response = client.post(f"/agreements/{agreement.id}/follow-ups/move",
                           data={"version": agreement.version, "planned": planned.isoformat(),
                                 "to": target.strftime("%d.%m.%Y")})  # the Danish way of writing a date
    assert response.status_code == 302
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "moved from" in page and "The follow-up was moved." in page
    assert target in agreement_services.follow_up_dates(_fresh(agreement.id))
    saturday = target + timedelta(days=(5 - target.weekday()) % 7)
    before = _fresh(agreement.id)
    page = client.post(f"/agreements/{agreement.id}/follow-ups/move", follow_redirects=True,
                       data={"version": before.version, "planned": planned.isoformat(),
                             "to": saturday.isoformat()}).get_data(as_text=True)
    assert "weekend day or a public holiday" in page
    assert _fresh(agreement.id).follow_up_moves == before.follow_up_moves
