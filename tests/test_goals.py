"""Goals the young person owns (issue #12, section 1): the learning circle, the state and its history, the young
person's own page through their link, their self-assessments beside the staff's notes, and who may do what."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from placement.agreements import services as agreement_services
from placement.agreements.models import State
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent, AuditSubject
from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.goals import links
from placement.goals import services as goals
from placement.goals.models import GoalEvent, GoalState, LearningGoal, SelfAssessment, YoungPersonLink
from placement.mail.models import OutboxMessage
from placement.participants.services import local_today
from tests import factories

HEALTH = "Angst i store grupper, tager medicin"
SUPPORT = "Har brug for pauser efter konflikter"
PLAN_SUPPORT = "Pauser hver time på grund af angst"
STEPS = {"wording": "Jeg vil møde til tiden hver dag", "activities": "Vi øver morgenrutinen", "activity_owner":
         "Mikkel og Anna", "activity_due": "", "measure_how": "Vi tæller de dage, hvor Mikkel kommer til tiden",
         "measure_on": "", "learned": ""}


@pytest.fixture
def case(app, partnership):
    """A young person with a named consultant, coordinator and caseworker, an active internship with goals, and
    another young person of the same partnership."""
    consultant = factories.user(Role.CONSULTANT, partnership)
    coordinator = factories.user(Role.COORDINATOR, partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    young = factories.participant(partnership, name="Mikkel Dyrholm", consultant_id=consultant.id,
                                  coordinator_id=coordinator.id, caseworker_id=caseworker.id, psychological=True,
                                  disruptions=["anxiety"], health_notes=HEALTH, support_notes=SUPPORT)
    other = factories.participant(partnership, name="Sofie Andersen", consultant_id=consultant.id)
    company = factories.company(partnership, name="Tarm Hestepension")
    mentor = factories.mentor(company, name="Karen Mentor", email="karen@example.com")
    job = factories.job_function(company, title="Staldmedhjælper", mentor=mentor)
    agreement = agreement_services.new_agreement(
        participant=young, job_function=job, mentor=mentor, consultant=consultant,
        start_date=local_today() - timedelta(days=7), actor=Actor(None, "test", False), follow_up_weeks=4,
        purpose="Prøve arbejdet i stalden", support=PLAN_SUPPORT, goals=["Fodre hestene selv"])
    agreement.state = State.ACTIVE
    db.session.commit()
    return {"young": young, "other": other, "consultant": consultant, "coordinator": coordinator,
            "caseworker": caseworker, "agreement": agreement, "partnership": partnership}


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _create(client, young, **steps):
    return client.post(f"/participants/{young.id}/goals/new", data={**STEPS, **steps})


def _goal(young) -> LearningGoal:
    return db.session.scalars(select(LearningGoal).where(LearningGoal.participant_id == young.id)
                              .order_by(LearningGoal.id.desc())).first()


def _issue(client, young, email: str = "") -> str:
    """Give the young person a new link through the page; return its path."""
    page = client.post(f"/participants/{young.id}/goals/link", data={"email": email})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html  # the QR code, inline
    return urlsplit(re.search(r"https?://[^\s<\"]+/m/u/[^\s<\"]+", html).group(0)).path


def _own_reads(young) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view",
                                                       AuditEvent.purpose == "own_access")
                              .order_by(AuditEvent.id)).all()


# Writing goals -------------------------------------------------------------------------------------------------

def test_a_goal_without_the_young_persons_own_words_is_refused(app, case):
    client = _client(app, case["coordinator"])
    response = _create(client, case["young"], wording="   ")
    assert response.status_code == 400
    assert "Write the goal in the young person&#39;s own words. A goal is not saved without them." in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LearningGoal)) == 0
    assert db.session.scalar(select(func.count()).select_from(GoalEvent)) == 0


def test_the_learning_circle_from_goal_to_the_goal_that_follows(app, case):
    young, coordinator = case["young"], case["coordinator"]
    client = _client(app, coordinator)
    due = (local_today() + timedelta(days=14)).isoformat()
    created = _create(client, young, activity_due=due)
    assert created.status_code == 302 and created.headers["Location"].endswith(f"#goal-{_goal(young).id}")
    goal = _goal(young)
    assert (goal.wording, goal.state, goal.activity_owner) == (STEPS["wording"], GoalState.ACTIVE, "Mikkel og Anna")
    page = client.get(f"/participants/{young.id}/goals").get_data(as_text=True)
    assert STEPS["wording"] in page and STEPS["measure_how"] in page and "Fodre hestene selv" in page

    edited = client.post(f"/participants/{young.id}/goals/{goal.id}/edit",
                         data={**STEPS, "activity_due": due, "learned": "Det hjælper at pakke tasken aftenen før",
                               "version": goal.version})
    assert edited.status_code == 302
    db.session.refresh(goal)
    state = client.post(f"/participants/{young.id}/goals/{goal.id}/state",
                        data={"state": "reached", "comment": "Til tiden 20 dage i træk", "version": goal.version})
    assert state.status_code == 302
    db.session.refresh(goal)
    assert goal.state is GoalState.REACHED and goal.learned == "Det hjælper at pakke tasken aftenen før"

    follows = client.post(f"/participants/{young.id}/goals/new?follows={goal.id}",
                          data={**STEPS, "wording": "Jeg vil arbejde 4 timer om dagen"})
    assert follows.status_code == 302
    new = _goal(young)
    assert new.follows_id == goal.id and new.state is GoalState.ACTIVE

    page = client.get(f"/participants/{young.id}/goals").get_data(as_text=True)
    assert f'href="#goal-{new.id}">Jeg vil arbejde 4 timer om dagen</a>' in page  # step 4 names the next goal
    assert "Follows the goal: Jeg vil møde til tiden hver dag" in page
    # The history: who, when, what; the audit log holds that the texts changed, never the young person's words.
    kinds = [(e.kind, e.actor_label, e.to_state) for e in goal.events]
    assert kinds == [("created", coordinator.name, GoalState.ACTIVE), ("edited", coordinator.name, None),
                     ("state", coordinator.name, GoalState.REACHED)]
    assert goal.events[1].fields == "learned" and goal.events[2].comment == "Til tiden 20 dage i træk"
    assert "changed the steps (learned)" in page and "Til tiden 20 dage i træk" in page
    logged = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.entity == "learning_goals")).all()
    assert logged and all("Jeg vil" not in str(changes) for changes in logged)


def test_a_state_change_on_an_old_page_is_refused(app, case):
    young = case["young"]
    first, second = _client(app, case["coordinator"]), _client(app, case["consultant"])
    _create(first, young)
    goal = _goal(young)
    seen = goal.version
    assert first.post(f"/participants/{young.id}/goals/{goal.id}/state",
                      data={"state": "dropped", "comment": "Ikke vigtigt nu", "version": seen}).status_code == 302
    late = second.post(f"/participants/{young.id}/goals/{goal.id}/state",
                       data={"state": "reached", "version": seen}, follow_redirects=True)
    assert "Someone else changed this goal meanwhile." in late.get_data(as_text=True)
    db.session.refresh(goal)
    assert goal.state is GoalState.DROPPED and [e.to_state for e in goal.events][-1] is GoalState.DROPPED
    same = first.post(f"/participants/{young.id}/goals/{goal.id}/state",
                      data={"state": "dropped", "version": goal.version}, follow_redirects=True)
    assert "The goal is already “Dropped”." in same.get_data(as_text=True)


def test_two_people_editing_a_goal_at_once_the_second_sees_the_first_ones_text(app, case):
    young = case["young"]
    first, second = _client(app, case["coordinator"]), _client(app, case["consultant"])
    _create(first, young)
    goal = _goal(young)
    seen = goal.version
    assert first.post(f"/participants/{young.id}/goals/{goal.id}/edit",
                      data={**STEPS, "activities": "Vækkeur kl. 6", "version": seen}).status_code == 302
    clash = second.post(f"/participants/{young.id}/goals/{goal.id}/edit",
                        data={**STEPS, "activities": "Mor vækker ham", "version": seen})
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Someone else saved this record while you were editing it." in html
    assert "Vækkeur kl. 6" in html and "Mor vækker ham" in html
    db.session.refresh(goal)
    assert goal.activities == "Vækkeur kl. 6"


# Who may do what ---------------------------------------------------------------------------------------------------

def test_caseworkers_read_goals_and_only_the_case_people_reach_them(app, case, other_partnership):
    young = case["young"]
    _create(_client(app, case["consultant"]), young)
    goal = _goal(young)
    caseworker = _client(app, case["caseworker"])
    page = caseworker.get(f"/participants/{young.id}/goals")
    assert page.status_code == 200 and STEPS["wording"] in page.get_data(as_text=True)
    assert "Make a new link" not in page.get_data(as_text=True) and "Edit the steps" not in page.get_data(as_text=True)
    assert _create(caseworker, young).status_code == 403
    assert caseworker.post(f"/participants/{young.id}/goals/{goal.id}/state",
                           data={"state": "dropped", "version": goal.version}).status_code == 403
    assert caseworker.post(f"/participants/{young.id}/goals/link").status_code == 403
    # A consultant not named on the case, and a coordinator of another partnership: as if it did not exist.
    stranger = _client(app, factories.user(Role.CONSULTANT, case["partnership"]))
    assert stranger.get(f"/participants/{young.id}/goals").status_code == 404
    assert _create(stranger, young).status_code == 404
    foreign = _client(app, factories.user(Role.COORDINATOR, other_partnership))
    assert foreign.get(f"/participants/{young.id}/goals/{goal.id}/edit").status_code == 404
    mentor = _client(app, factories.user(Role.MENTOR, case["partnership"]))
    assert mentor.get(f"/participants/{young.id}/goals").status_code == 403
    # A goal id of another young person answers 404 on this one's pages.
    _create(_client(app, case["consultant"]), case["other"], wording="Sofies mål")
    assert _client(app, case["consultant"]).get(
        f"/participants/{young.id}/goals/{_goal(case['other']).id}/edit").status_code == 404
    assert db.session.get(LearningGoal, goal.id).state is GoalState.ACTIVE


def test_a_coordinator_not_named_gives_a_purpose_before_seeing_the_goals(app, case):
    coordinator = _client(app, factories.user(Role.COORDINATOR, case["partnership"]))
    asked = coordinator.get(f"/participants/{case['young'].id}/goals")
    assert asked.status_code == 302 and "/audit/purpose?" in asked.headers["Location"]


# The young person's link ---------------------------------------------------------------------------------------

def test_the_young_persons_page_shows_their_own_goals_meetings_and_plan_and_no_health_data(app, case):
    young, staff = case["young"], _client(app, case["coordinator"])
    _create(staff, young)
    _create(staff, case["other"], wording="Sofie vil tage bussen alene")
    path = _issue(staff, young, email="mikkel@example.com")
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "mikkel@example.com")).one()
    assert path in message.body and "Hello Mikkel," in message.body and "Keep it to yourself." in message.body

    phone = app.test_client()  # no account, no login
    page = phone.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Hi Mikkel" in html and STEPS["wording"] in html and "How is it going?" in html
    assert "Staldmedhjælper at Tarm Hestepension" in html and "Prøve arbejdet i stalden" in html
    assert "Fodre hestene selv" in html
    next_follow_up = next(d for d in agreement_services.follow_up_dates(case["agreement"]) if d >= local_today())
    assert "Follow-up meeting about your internship at Tarm Hestepension" in html
    assert str(next_follow_up.year) in html
    for private in (HEALTH, SUPPORT, PLAN_SUPPORT, "Dyrholm", "Sofie", "anxiety", "Anxiety"):
        assert private not in html, private
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    # Faces carry words for screen readers; the drawings are hidden from them.
    assert html.count('<svg class="face"') == 5 and html.count('aria-hidden="true" focusable="false"') == 5
    assert '<span class="face-words">Very good</span>' in html


def test_each_use_of_the_link_is_audited_as_the_young_persons_own_access(app, case):
    young, staff = case["young"], _client(app, case["coordinator"])
    _create(staff, young)
    path = _issue(staff, young)
    phone = app.test_client()
    phone.get(path)
    phone.get(path)
    phone.post(path, data={"goal_id": _goal(young).id, "score": "4"})
    reads = _own_reads(young)
    assert len(reads) == 3
    link = links.live_link(young)
    for read in reads:
        assert read.records == [young.id] and read.actor_id is None and read.actor_label == "young person (link)"
        assert (read.entity, read.entity_id) == ("young_person_links", str(link.id))
    subjects = db.session.scalars(select(AuditSubject.participant_id).where(
        AuditSubject.event_id.in_([r.id for r in reads]))).all()
    assert subjects == [young.id] * 3
    page = staff.get(f"/participants/{young.id}/goals").get_data(as_text=True)
    assert "Last opened" in page
    log = staff.get(f"/audit/participants/{young.id}").get_data(as_text=True)
    assert "own access" in log and "young person (link)" in log


def test_the_young_person_says_how_it_goes_and_the_coordinator_sees_it_beside_the_notes(app, case):
    young, staff = case["young"], _client(app, case["coordinator"])
    _create(staff, young)
    goal = _goal(young)
    path = _issue(staff, young)
    phone = app.test_client()
    answered = phone.post(path, data={"goal_id": goal.id, "score": "2", "sentence": "Bussen var forsinket"})
    assert answered.status_code == 302
    assert "Thank you. We have saved your answer." in phone.get(path).get_data(as_text=True)
    [assessment] = goals.assessments_of(young)
    assert (assessment.score, assessment.sentence, assessment.goal_id) == (2, "Bussen var forsinket", goal.id)
    page = staff.get(f"/participants/{young.id}/goals").get_data(as_text=True)
    assert "What the young person says" in page and "Bad (2/5)" in page and "Bussen var forsinket" in page
    assert "Last time you said:" in phone.get(path).get_data(as_text=True)


@pytest.mark.parametrize("score", ["0", "6", "", "tre"])
def test_an_assessment_outside_one_to_five_is_refused_and_nothing_is_saved(app, case, score):
    young, staff = case["young"], _client(app, case["coordinator"])
    _create(staff, young)
    path = _issue(staff, young)
    refused = app.test_client().post(path, data={"goal_id": _goal(young).id, "score": score, "sentence": "Godt"})
    assert refused.status_code == 400
    assert "Choose one of the five faces, from 1 to 5." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SelfAssessment)) == 0


def test_the_link_cannot_reach_another_young_persons_goal_nor_a_finished_one(app, case):
    young, staff = case["young"], _client(app, case["coordinator"])
    _create(staff, case["other"], wording="Sofies mål")
    others = _goal(case["other"])
    _create(staff, young)
    mine = _goal(young)
    path = _issue(staff, young)
    phone = app.test_client()
    refused = phone.post(path, data={"goal_id": others.id, "score": "5"})
    assert refused.status_code == 400 and "This goal is not one of yours." in refused.get_data(as_text=True)
    assert "Sofies mål" not in refused.get_data(as_text=True)
    staff.post(f"/participants/{young.id}/goals/{mine.id}/state", data={"state": "reached", "version": mine.version})
    finished = phone.post(path, data={"goal_id": mine.id, "score": "5"})
    assert finished.status_code == 400 and "This goal is finished." in finished.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SelfAssessment)) == 0


def test_a_revoked_or_replaced_link_answers_410_naming_whom_to_ask(app, case):
    young, staff = case["young"], _client(app, case["coordinator"])
    first = _issue(staff, young)
    second = _issue(staff, young)  # a new link replaces the first
    phone = app.test_client()
    gone = phone.get(first)
    assert gone.status_code == 410
    html = gone.get_data(as_text=True)
    assert "This link has been stopped. Ask for a new link." in html
    assert f"Ask {case['coordinator'].name} for a new link:" in html and case["coordinator"].email in html
    assert phone.get(second).status_code == 200
    assert staff.post(f"/participants/{young.id}/goals/link/revoke").status_code == 302
    assert phone.get(second).status_code == 410
    assert phone.post(second, data={"goal_id": 1, "score": "3"}).status_code == 410
    refusals = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused",
                                                           AuditEvent.entity == "young_person_links")).all()
    assert len(refusals) == 3 and all(r.changes == {"reason": [None, "revoked"]} for r in refusals)
    assert links.live_link(young) is None


def test_an_expired_link_answers_410_and_a_forged_one_404(app, case, monkeypatch):
    young, staff = case["young"], _client(app, case["coordinator"])
    path = _issue(staff, young)
    link = db.session.scalars(select(YoungPersonLink)).one()
    days = app.config["YOUNG_PERSON_LINK_DAYS"]
    assert timedelta(days=days - 1) < link.expires_at - utcnow() <= timedelta(days=days)
    later = utcnow() + timedelta(days=days, minutes=1)
    monkeypatch.setattr(links, "utcnow", lambda: later)
    expired = app.test_client().get(path)
    assert expired.status_code == 410 and "This link is too old. Ask for a new link." in expired.get_data(as_text=True)
    monkeypatch.undo()
    forged = app.test_client().get(path[:-4] + "abcd")
    assert forged.status_code == 404 and "This link does not work." in forged.get_data(as_text=True)
    assert app.test_client().get("/m/u/not-a-link").status_code == 404


# The service API other features read ---------------------------------------------------------------------------

def test_the_service_api_gives_goals_assessments_in_a_period_and_extendable_meetings(app, case):
    young, staff = case["young"], _client(app, case["coordinator"])
    _create(staff, young)
    goal = _goal(young)
    with app.test_request_context():
        early = goals.record_assessment(young, goal, 3, "")
        late = goals.record_assessment(young, goal, 5, "Super")
        early.at = early.at - timedelta(days=40)
        db.session.commit()
    today = local_today()
    assert [a.score for a in goals.assessments_of(young)] == [3, 5]
    assert [a.score for a in goals.assessments_of(young, since=today - timedelta(days=7))] == [5]
    assert [a.score for a in goals.assessments_of(young, until=today - timedelta(days=30))] == [3]
    assert [g.id for g in goals.goals_of(young)] == [goal.id]
    assert goals.goals_of(young, states=[GoalState.REACHED]) == []
    assert [p.text for p in goals.plan_goals_of(young)] == ["Fodre hestene selv"]
    assert late.id in [a.id for a in goal.assessments]

    def network_meetings(participant, day):
        return [goals.Meeting(day + timedelta(days=1), "Netværksmøde", "Jobcentret")]

    goals.register_meeting_source(network_meetings)
    try:
        meetings = goals.next_meetings(young, today)
    finally:
        goals.MEETING_SOURCES.remove(network_meetings)
    assert meetings[0] == goals.Meeting(today + timedelta(days=1), "Netværksmøde", "Jobcentret")
    assert any("Follow-up meeting" in m.title for m in meetings)
    assert all(m.day >= today for m in meetings)


def test_the_young_persons_link_stays_out_of_the_access_log(app, case):
    from placement.redaction import redact_path

    path = _issue(_client(app, case["coordinator"]), case["young"])
    assert redact_path(path) == "/m/…"
