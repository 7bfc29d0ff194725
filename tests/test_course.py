"""The course around the internship: status and network meetings with their actions, and the status note of every
third month (draft from the period's records, edit, final lock, share with the caseworker, print)."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from placement.agreements import services as agreement_services
from placement.agreements.models import FollowUp, State
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.course import services
from placement.course.models import Meeting, MeetingAction, NoteState, StatusNote
from placement.extensions import db
from placement.goals import services as goal_services
from placement.mail.models import OutboxMessage
from placement.participants.services import local_today
from placement.progress.models import Measurement
from placement.progress.services import add_months
from tests import factories
from tests.test_calendar import _events


@pytest.fixture
def case(partnership):
    """A young person whose second status-note period ends in a week, with the case people, an internship and
    measurements; and people who must not see the case."""
    coordinator = factories.user(Role.COORDINATOR, partnership)
    consultant = factories.user(Role.CONSULTANT, partnership)
    caseworker = factories.user(Role.CASEWORKER, partnership)
    today = local_today()
    course_start = add_months(today + timedelta(days=7), -6)
    young = factories.participant(partnership, name="Mikkel Dyrholm", course_start=course_start,
                                  consultant_id=consultant.id, coordinator_id=coordinator.id,
                                  caseworker_id=caseworker.id)
    company = factories.company(partnership, name="Engholm Kvægbrug")
    mentor = factories.mentor(company, name="Karen Engholm", email="karen@example.com")
    job = factories.job_function(company, title="Staldmedhjælper", mentor=mentor)
    return {"coordinator": coordinator, "consultant": consultant, "caseworker": caseworker, "young": young,
            "mentor": mentor, "job": job, "today": today, "course_start": course_start,
            "other_caseworker": factories.user(Role.CASEWORKER, partnership)}


def _meeting_data(case, **overrides) -> dict:
    data = {"kind": "network", "held_on": (case["today"] + timedelta(days=10)).isoformat(), "starts_at": "10:00",
            "duration_minutes": "90", "place": "Jobcentret, mødelokale 2",
            "user_ids": [str(case["coordinator"].id), str(case["caseworker"].id)],
            "others": "Mikkel, the young person\nHanne Berg, psychologist", "agenda": "Praktikken", "minutes": ""}
    data.update(overrides)
    return data


def _create_meeting(client, case, **overrides) -> Meeting:
    response = client.post(f"/participants/{case['young'].id}/meetings/new", data=_meeting_data(case, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))


# Meetings ---------------------------------------------------------------------------------------------------------

def test_a_network_meeting_with_participants_and_an_action_on_the_owners_start_page(client, login, case):
    login(case["consultant"])
    meeting = _create_meeting(client, case)
    assert meeting.kind.value == "network" and meeting.starts_at == time(10, 0)
    assert {(a.user_id, a.name, a.role) for a in meeting.attendees} == {
        (case["coordinator"].id, "", ""), (case["caseworker"].id, "", ""), (None, "Mikkel", "the young person"),
        (None, "Hanne Berg", "psychologist")}
    deadline = case["today"] + timedelta(days=20)
    response = client.post(f"/meetings/{meeting.id}/actions", data={
        "text": "Send the minutes to the job centre", "owner_id": str(case["caseworker"].id),
        "deadline": deadline.isoformat()})
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Send the minutes to the job centre" in page and "Hanne Berg (psychologist)" in page

    client.post("/logout")
    login(case["caseworker"])
    start = client.get("/").get_data(as_text=True)
    assert "Your actions from meetings" in start and "Send the minutes to the job centre" in start
    assert "Mikkel Dyrholm" in start  # named on the case: the link names the young person
    action = meeting.actions[0]
    assert client.post(f"/actions/{action.id}/done", data={"next": "start"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingAction, action.id).done_on == case["today"]
    assert "Send the minutes to the job centre" not in client.get("/").get_data(as_text=True)
    # The caseworker only reads meetings: another user's action is not theirs to close.
    other = services.add_action(meeting, text="Call the mentor", owner_id=case["consultant"].id, owner_name="",
                                deadline=deadline, allowed_owners=[case["consultant"].id])
    db.session.commit()
    assert client.post(f"/actions/{other.id}/done").status_code == 403


@pytest.mark.parametrize(("fields", "message"), [
    ({"owner_id": "", "owner_name": ""}, "An action needs an owner"),
    ({"deadline": ""}, "An action needs a deadline."),
    ({"owner_name": "Karen Engholm"}, "not both"),
])
def test_an_action_without_owner_or_deadline_is_refused_and_nothing_saved(client, login, case, fields, message):
    login(case["consultant"])
    meeting = _create_meeting(client, case)
    data = {"text": "Call the mentor", "owner_id": str(case["consultant"].id),
            "deadline": (case["today"] + timedelta(days=5)).isoformat(), **fields}
    response = client.post(f"/meetings/{meeting.id}/actions", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MeetingAction.id))) == 0


def test_an_owner_who_does_not_work_on_the_case_is_refused(client, login, case):
    login(case["consultant"])
    meeting = _create_meeting(client, case)
    response = client.post(f"/meetings/{meeting.id}/actions", data={
        "text": "Call", "owner_id": str(case["other_caseworker"].id), "deadline": case["today"].isoformat()})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(MeetingAction.id))) == 0


def test_another_participant_without_a_role_is_refused(client, login, case):
    login(case["consultant"])
    response = client.post(f"/participants/{case['young'].id}/meetings/new",
                           data=_meeting_data(case, others="Hanne Berg, psychologist\nMor"))
    assert response.status_code == 200
    assert "line 2 has no role" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_the_meeting_calendar_file_names_no_young_person(client, login, case):
    login(case["consultant"])
    meeting = _create_meeting(client, case, held_on="2026-03-10", starts_at="10:00", duration_minutes="90")
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert response.status_code == 200 and response.content_type == "text/calendar; charset=utf-8"
    text = response.get_data(as_text=True)
    [event] = _events(text)
    # 10:00 in Copenhagen in March (UTC+1), 90 minutes.
    assert event["DTSTART"] == "20260310T090000Z" and event["DTEND"] == "20260310T103000Z"
    assert event["SUMMARY"] == "Network meeting" and event["LOCATION"] == "Jobcentret\\, mødelokale 2"
    assert "Mikkel" not in text and "Dyrholm" not in text


def test_the_service_proposes_a_working_day_for_a_meeting(client, login, case, monkeypatch):
    # A week after Friday 27 March 2026 is Good Friday, then Easter Monday: the proposal is Tuesday 7 April.
    assert services.proposed_meeting_day(date(2026, 3, 27)) == date(2026, 4, 7)
    assert services.proposed_meeting_day(date(2026, 12, 18)) == date(2026, 12, 28)  # Christmas, then a weekend
    monkeypatch.setattr(agreement_services, "today", lambda: date(2026, 3, 27))
    login(case["consultant"])
    page = client.get(f"/participants/{case['young'].id}/meetings/new").get_data(as_text=True)
    assert 'value="2026-04-07"' in page
    # From a status note due on Saturday 26 December 2026: the meeting is proposed on Monday 28 December.
    page = client.get(f"/participants/{case['young'].id}/meetings/new?day=2026-12-26").get_data(as_text=True)
    assert 'value="2026-12-28"' in page
    # A meeting put on a holiday anyway is saved, with a warning.
    response = client.post(f"/participants/{case['young'].id}/meetings/new",
                           data=_meeting_data(case, held_on="2026-04-03"), follow_redirects=True)
    assert "public holiday" in response.get_data(as_text=True)


def test_a_meeting_is_edited_on_the_version_seen(client, login, case):
    login(case["consultant"])
    meeting = _create_meeting(client, case)
    data = _meeting_data(case, minutes="We agreed on longer days.", version=str(meeting.version))
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    stale = client.post(f"/meetings/{meeting.id}/edit", data={**data, "minutes": "Something else"})
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes == "We agreed on longer days."


# Status notes -----------------------------------------------------------------------------------------------------

def test_status_notes_fall_due_every_third_month_from_the_course_start():
    assert services.due_dates(date(2025, 1, 31), date(2025, 12, 31)) == [
        date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31)]
    assert services.period(date(2025, 1, 31), 2) == (date(2025, 4, 30), date(2025, 7, 31))
    assert services.due_dates(date(2025, 1, 31), date(2025, 4, 29)) == []


def _records(case):
    """An internship with a goal, follow-ups before and in the second period, measurements and the young person's
    own goal with a self-assessment today."""
    start2 = services.period(case["course_start"], 2)[0]
    staff = agreement_services.Actor(case["consultant"], case["consultant"].name, False)
    agreement = agreement_services.new_agreement(
        participant=case["young"], job_function=case["job"], mentor=case["mentor"], consultant=case["consultant"],
        start_date=start2 - timedelta(days=30), actor=staff, goals=["Møde til tiden", "- Stå op kl. 6"],
        weekly_hours=12)
    agreement.state = State.ACTIVE
    agreement.goals[0].reached_on = start2 + timedelta(days=3)
    db.session.add_all([
        FollowUp(agreement=agreement, held_on=start2 - timedelta(days=10), note="Before the period"),
        FollowUp(agreement=agreement, held_on=start2 + timedelta(days=5), note="Feeds the calves alone now",
                 next_step="Add an hour"),
        Measurement(participant=case["young"], measured_on=case["course_start"], motivation=4, work_identity=3,
                    clarification=5, knowledge=4),
        Measurement(participant=case["young"], measured_on=start2 + timedelta(days=4), motivation=6,
                    work_identity=3, clarification=6, knowledge=5)])
    goal = goal_services.create_goal(case["young"], {"wording": "Jeg vil tage bussen selv"}, case["coordinator"])
    goal_services.record_assessment(case["young"], goal, 4, "Det går godt med bussen")
    db.session.commit()
    return agreement


def _prepare(client, case, number: int = 2) -> StatusNote:
    response = client.post(f"/participants/{case['young'].id}/status-notes", data={"number": str(number)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(StatusNote).where(StatusNote.number == number))


def test_the_draft_collects_the_period_records(client, login, case):
    _records(case)
    login(case["coordinator"])
    listing = client.get(f"/participants/{case['young'].id}/status-notes").get_data(as_text=True)
    assert listing.count("Prepare the draft") == 2  # periods 1 (overdue) and 2 (due in a week)
    assert "overdue" in listing
    note = _prepare(client, case)
    assert (note.period_start, note.due_on) == services.period(case["course_start"], 2)
    assert note.state is NoteState.DRAFT and "Staldmedhjælper, Engholm Kvægbrug" in note.text
    assert "1 of 2 reached" in note.text and "total 16 on" in note.text and "(+4)" in note.text
    page = client.get(f"/status-notes/{note.id}").get_data(as_text=True)
    assert "Feeds the calves alone now" in page and "Before the period" not in page
    assert "Jeg vil tage bussen selv" in page and "Det går godt med bussen" in page
    assert 'class="bar-chart"' in page  # the first measurement of the course against the latest
    assert "Møde til tiden" in page and "not reached yet" in page
    # Preparing again opens the same draft.
    assert _prepare(client, case).id == note.id
    # A period further ahead than two weeks is not prepared.
    refused = client.post(f"/participants/{case['young'].id}/status-notes", data={"number": "3"},
                          follow_redirects=True)
    assert "prepared from 14 days before it is due" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(StatusNote.id))) == 1


def test_the_text_is_edited_on_the_version_seen_then_locked_when_final(client, login, case):
    agreement = _records(case)
    login(case["coordinator"])
    note = _prepare(client, case)
    version = note.version
    assert client.post(f"/status-notes/{note.id}", data={"text": "Mikkel is doing well.",
                                                          "version": str(version)}).status_code == 302
    stale = client.post(f"/status-notes/{note.id}", data={"text": "Overwritten", "version": str(version)})
    assert stale.status_code == 409 and "Someone else saved this record" in stale.get_data(as_text=True)
    db.session.expire_all()
    note = db.session.get(StatusNote, note.id)
    assert note.text == "Mikkel is doing well."
    assert client.post(f"/status-notes/{note.id}/final", data={"version": str(version)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(StatusNote, note.id).state is NoteState.DRAFT  # a stale page does not lock it
    client.post(f"/status-notes/{note.id}/final", data={"version": str(note.version)})
    db.session.expire_all()
    note = db.session.get(StatusNote, note.id)
    assert note.is_final and note.finalised_by_id == case["coordinator"].id and note.facts is not None
    refused = client.post(f"/status-notes/{note.id}", data={"text": "Changed later", "version": str(note.version)},
                          follow_redirects=True)
    assert "can no longer be changed" in refused.get_data(as_text=True)
    # The documentation is frozen: a follow-up recorded later in the period does not change the final note.
    db.session.add(FollowUp(agreement=agreement, held_on=note.period_start + timedelta(days=6), note="Added later"))
    db.session.commit()
    page = client.get(f"/status-notes/{note.id}").get_data(as_text=True)
    assert "Mikkel is doing well." in page and "Added later" not in page and "Changed later" not in page


def test_the_caseworker_reads_a_note_once_final_and_shared(client, login, case, other_partnership):
    _records(case)
    login(case["coordinator"])
    note = _prepare(client, case)
    client.post("/logout")
    login(case["caseworker"])
    assert client.get(f"/status-notes/{note.id}").status_code == 404  # a draft
    assert "No status note has been shared" in client.get(
        f"/participants/{case['young'].id}/status-notes").get_data(as_text=True)
    client.post("/logout")
    login(case["coordinator"])
    assert client.post(f"/status-notes/{note.id}/share", data={"version": str(note.version)},
                       follow_redirects=True).status_code == 200
    assert db.session.get(StatusNote, note.id).shared_at is None  # only a final note is shared
    client.post(f"/status-notes/{note.id}/final", data={"version": str(note.version)})
    db.session.expire_all()
    client.post(f"/status-notes/{note.id}/share", data={"version": str(db.session.get(StatusNote, note.id).version)})
    db.session.expire_all()
    assert db.session.get(StatusNote, note.id).shared_at is not None
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.recipient == case["caseworker"].email and f"/status-notes/{note.id}" in mail.body
    assert "Mikkel" not in mail.subject + mail.body
    client.post("/logout")
    login(case["caseworker"])
    page = client.get(f"/status-notes/{note.id}")
    assert page.status_code == 200 and "Feeds the calves alone now" in page.get_data(as_text=True)
    assert "Save the text" not in page.get_data(as_text=True)
    assert client.post(f"/status-notes/{note.id}", data={"text": "x", "version": "1"}).status_code == 403
    client.post("/logout")
    login(case["other_caseworker"])  # not named on the case
    assert client.get(f"/status-notes/{note.id}").status_code == 404
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, other_partnership))
    assert client.get(f"/status-notes/{note.id}").status_code == 404
    assert client.get(f"/status-notes/{note.id}/print").status_code == 404


def test_the_note_prints_on_a4_and_as_a_pdf(client, login, case):
    _records(case)
    login(case["consultant"])
    note = _prepare(client, case)
    page = client.get(f"/status-notes/{note.id}/print")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="print-plan"' in text and "Mikkel Dyrholm" in text
    assert "Feeds the calves alone now" in text and "(draft)" in text
    pdf = client.get(f"/status-notes/{note.id}/note.pdf")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_due_and_overdue_notes_on_the_coordinators_start_page(client, login, case, partnership):
    today = case["today"]
    late = factories.participant(partnership, name="Sara Late", course_start=add_months(today, -3) - timedelta(days=9),
                                 coordinator_id=case["coordinator"].id)
    factories.participant(partnership, name="Ole Later", course_start=add_months(today, -1))  # nothing due yet
    login(case["coordinator"])
    start = client.get("/").get_data(as_text=True)
    section = start[start.index("Status notes due"):start.index("</section>", start.index("Status notes due"))]
    assert "Mikkel Dyrholm" in section and "Sara Late" in section and "Ole Later" not in section
    sara = section[section.index("Sara Late"):section.index("</li>", section.index("Sara Late"))]
    mikkel = section[section.index("Mikkel Dyrholm"):section.index("</li>", section.index("Mikkel Dyrholm"))]
    assert "overdue since" in sara and "overdue" not in mikkel and "due " in mikkel
    factories.status_note(late, case["coordinator"], shared=False)
    start = client.get("/").get_data(as_text=True)
    assert "Sara Late" not in start[start.index("Status notes due"):start.index("</section>",
                                                                                 start.index("Status notes due"))]
    client.post("/logout")
    login(case["consultant"])
    assert "Status notes due" not in client.get("/").get_data(as_text=True)


# Audit ------------------------------------------------------------------------------------------------------------

def test_meeting_and_note_pages_are_audited_reads(client, login, case, partnership):
    meeting = factories.meeting(case["young"], case["consultant"], owner=case["caseworker"])
    note = factories.status_note(case["young"], case["coordinator"], number=1)
    login(case["consultant"])
    before = db.session.scalar(select(func.max(AuditEvent.id)))
    for url in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/calendar.ics", f"/status-notes/{note.id}",
                f"/status-notes/{note.id}/print"):
        assert client.get(url).status_code == 200
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before, AuditEvent.action == "view")).all()
    assert [(r.records, r.purpose) for r in reads] == [([case["young"].id], "case_work")] * 4
    client.post("/logout")
    login(factories.user(Role.COORDINATOR, partnership))  # not named: asked for a purpose first
    asked = client.get(f"/meetings/{meeting.id}")
    assert asked.status_code == 302 and "/audit/purpose" in asked.headers["Location"]
