"""Calendar files: one agreement's meetings, and the personal feed opened by its secret address."""

import hashlib
import re
from datetime import date

import pytest
from sqlalchemy import select

from placement.agreements import services
from placement.agreements.models import CalendarFeed
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent, AuditSubject
from placement.audit.reads import CALENDAR_FEED
from placement.auth.models import Role
from placement.extensions import db
from tests import factories

PLAN = {"purpose": "Prøve arbejdet", "tasks": "Fodring", "works_with": "Karen", "meeting": "Kl. 8 ved stalden",
        "support": "Korte beskeder", "follow_up_plan": "Hver 4. uge", "goals": ["Møde til tiden"]}
ICS = "text/calendar; charset=utf-8"


@pytest.fixture
def setting(partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug")
    mentor = factories.mentor(company, email="karen@example.com", max_interns=5)
    job = factories.job_function(company, title="Staldmedhjælper", places=5, mentor=mentor)
    staff = Actor(consultant, consultant.name, False)

    def agreement(participant, *steps):
        made = services.new_agreement(participant=participant, job_function=job, mentor=mentor,
                                      consultant=consultant, start_date=date(2026, 9, 1), actor=staff,
                                      planned_weeks=12, weekly_hours=15, follow_up_weeks=4, **PLAN)
        for step in steps:
            services.transition(made, step, Actor(None, "mentor (link)", True) if step == "confirm" else staff)
        db.session.commit()
        return made

    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id)
    return {"consultant": consultant, "young": young, "agreement": agreement, "job": job}


def _events(text: str) -> list[dict[str, str]]:
    """Parse the VEVENTs of an iCalendar text (unfolding continued lines)."""
    lines = text.replace("\r\n ", "").split("\r\n")
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key.split(";")[0]] = value
    return events


def test_one_agreements_meetings_as_an_ics_file(client, login, setting):
    agreement = setting["agreement"](setting["young"], "send", "confirm")
    login(setting["consultant"])
    response = client.get(f"/agreements/{agreement.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ICS
    assert response.headers["Content-Disposition"] == f'attachment; filename="internship-{agreement.id}.ics"'
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    events = _events(text)
    follow_ups = services.follow_up_dates(agreement)
    assert len(follow_ups) == 2 and len(events) == 1 + len(follow_ups)
    assert events[0]["DTSTART"] == "20260901"
    assert events[0]["SUMMARY"] == "Internship start: Staldmedhjælper\\, Engholm Kvægbrug"
    assert [e["DTSTART"] for e in events[1:]] == [d.strftime("%Y%m%d") for d in follow_ups]
    assert all(e["SUMMARY"].startswith("Follow-up: Staldmedhjælper") for e in events[1:])
    assert len({e["UID"] for e in events}) == len(events)
    assert "Mikkel" not in text and "Sørensen" not in text


def test_only_whoever_works_on_the_case_gets_the_file(client, login, setting, partnership, other_partnership):
    agreement = setting["agreement"](setting["young"])
    url = f"/agreements/{agreement.id}/calendar.ics"
    assert client.get(url).status_code == 302  # to the login page
    for user, status in ((factories.user(Role.CONSULTANT, partnership), 404),
                         (factories.user(Role.CONSULTANT, other_partnership), 404),
                         (factories.user(Role.MENTOR, partnership), 403),
                         (factories.user(Role.COORDINATOR, partnership), 302)):  # not named: the purpose first
        login(user)
        response = client.get(url)
        assert response.status_code == status, user.role
        if status == 302:
            assert "/audit/purpose?" in response.headers["Location"]
            client.post(response.headers["Location"], data={"purpose": "coordination"})
            assert client.get(url).status_code == 200
        client.post("/logout")
    assert client.get("/agreements/999/calendar.ics").status_code == 302


def _feed_url(client) -> str:
    response = client.post("/account/calendar", data={"action": "create"})
    assert response.status_code == 200
    return re.search(r'<code class="token" id="feed-url">http://localhost(/calendar/[^<]+\.ics)</code>',
                     response.get_data(as_text=True)).group(1)


def test_the_personal_feed_opens_by_its_key_without_login(client, login, setting, partnership):
    active = setting["agreement"](setting["young"], "send", "confirm", "start")
    setting["agreement"](factories.participant(partnership, consultant_id=setting["consultant"].id))  # a draft
    not_mine = setting["agreement"](factories.participant(partnership, name="Sara Holm"), "send", "confirm")
    login(setting["consultant"])
    assert "You have no calendar feed." in client.get("/account/calendar").get_data(as_text=True)
    url = _feed_url(client)
    feed = db.session.get(CalendarFeed, setting["consultant"].id)
    key = url.split("/")[-1].removesuffix(".ics")
    assert feed.digest == hashlib.sha256(key.encode()).hexdigest()  # only the digest is stored
    assert "Your feed is on" in client.get("/account/calendar").get_data(as_text=True)
    assert url not in client.get("/account/calendar").get_data(as_text=True)  # shown once
    client.post("/logout")

    response = client.get(url)  # a calendar program: nobody is logged in
    assert response.status_code == 200 and response.headers["Content-Type"] == ICS
    text = response.get_data(as_text=True)
    uids = {e["UID"].split("-")[1] for e in _events(text)}
    assert uids == {str(active.id)}, uids  # the draft and another consultant's case are left out
    assert str(not_mine.id) not in uids and "Mikkel" not in text and "Sara" not in text
    assert client.get("/calendar/not-the-key.ics").status_code == 404


def _reads():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.id)).all()


def test_each_calendar_file_is_one_audited_read_of_the_young_people_in_it(client, login, setting, partnership):
    agreement = setting["agreement"](setting["young"], "send", "confirm")
    other_young = factories.participant(partnership, consultant_id=setting["consultant"].id)
    second = setting["agreement"](other_young, "send", "confirm", "start")
    login(setting["consultant"])
    assert client.get(f"/agreements/{agreement.id}/calendar.ics").status_code == 200
    [one] = _reads()
    assert (one.entity, one.entity_id, one.records) == ("agreements", str(agreement.id), [setting["young"].id])
    assert (one.actor_id, one.purpose, one.fields) == (setting["consultant"].id, "case_work", "agreements")
    url = _feed_url(client)
    client.post("/logout")

    assert client.get(url).status_code == 200  # the calendar program, nobody logged in
    feed = _reads()[1:]
    assert len(feed) == 1, feed
    [read] = feed
    # Logged as the feed's owner, for their case work: nobody is there to ask.
    assert (read.actor_id, read.actor_label) == (setting["consultant"].id, setting["consultant"].email)
    assert (read.purpose, read.entity_id, read.fields) == ("case_work", CALENDAR_FEED, "agreements")
    assert read.records == sorted([setting["young"].id, other_young.id]) and second.participant_id == other_young.id
    subjects = db.session.scalars(select(AuditSubject.participant_id).where(AuditSubject.event_id == read.id)).all()
    assert sorted(subjects) == read.records
    assert client.get(url).status_code == 200
    assert len(_reads()) == 3  # every fetch is a read


def test_a_coordinators_feed_reads_for_case_work_and_an_empty_one_logs_nothing(client, login, setting, partnership):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    login(coordinator)
    url = _feed_url(client)
    client.post("/logout")
    assert client.get(url).status_code == 200
    assert _reads() == []  # names nobody: nothing to log
    setting["agreement"](setting["young"], "send", "confirm")  # not named on the case, in the partnership
    assert client.get(url).status_code == 200
    [read] = _reads()
    assert (read.actor_id, read.purpose, read.records) == (coordinator.id, "case_work", [setting["young"].id])


def test_a_replaced_key_invalidates_the_old_address_and_turning_off_ends_it(client, login, setting):
    setting["agreement"](setting["young"], "send", "confirm")
    login(setting["consultant"])
    old = _feed_url(client)
    new = _feed_url(client)
    assert old != new
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    client.post("/account/calendar", data={"action": "remove"})
    assert client.get(new).status_code == 404
    assert db.session.get(CalendarFeed, setting["consultant"].id) is None


def test_a_deactivated_users_feed_stops(client, login, setting):
    login(setting["consultant"])
    url = _feed_url(client)
    client.post("/logout")
    setting["consultant"].active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_an_archived_partnerships_feeds_stop(client, login, setting, partnership):
    from placement.database import utcnow

    login(setting["consultant"])
    url = _feed_url(client)
    client.post("/logout")
    assert client.get(url).status_code == 200
    partnership.archived_at = utcnow()
    db.session.commit()
    assert client.get(url).status_code == 404


def test_mentors_have_no_feed_page(client, login, partnership):
    login(factories.user(Role.MENTOR, partnership))
    assert client.get("/account/calendar").status_code == 403


def test_control_characters_cannot_start_a_new_calendar_property():
    from placement.agreements.calendar import _escape

    assert _escape("Lager\rATTENDEE:mailto:x@example.com") == "Lager ATTENDEE:mailto:x@example.com"
    assert "\r" not in _escape("a\r\nb") and _escape("a\r\nb") == "a\\nb"
