"""The job checks' pages: a consultant records (and corrects) a check under its rules, the agreement's table and the
start page's due list, and the mentor's two questions through a single-use e-mailed link."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from placement.agreements import services as agreements
from placement.agreements.models import Agreement, MentorLink, Outcome
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.mail.models import OutboxMessage
from placement.retention import services
from placement.retention.models import Employment, JobCheck
from tests import factories

TODAY = date(2027, 9, 1)
HEALTH = "Angst i store grupper"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(agreements, "today", lambda: TODAY)


@pytest.fixture
def hire(app, partnership):
    """Mikkel's internship that ended in an ordinary job from 31 January 2027: checks due 28 February, 30 April,
    31 July 2027 and 31 January 2028."""
    consultant = factories.user(Role.CONSULTANT, partnership)
    actor = Actor(consultant, consultant.name, False)
    company = factories.company(partnership, name="Engholm Kvægbrug")
    mentor = factories.mentor(company, name="Karen Mentor", email="karen@example.com")
    job = factories.job_function(company, title="Staldmedhjælper", mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id,
                                  health_notes=HEALTH)
    agreement = agreements.new_agreement(
        participant=young, job_function=job, mentor=mentor, consultant=consultant, start_date=date(2026, 9, 1),
        actor=actor, planned_weeks=20, weekly_hours=15, purpose="p", tasks="t", works_with="w", meeting="m",
        support="s", follow_up_plan="f", goals=["Møde til tiden"])
    for step, by in (("send", actor), ("confirm", Actor(None, "mentor (link)", True)), ("start", actor)):
        agreements.transition(agreement, step, by)
    agreements.record_outcome(agreement, actor, outcome=Outcome.ORDINARY_JOB, ended_on=date(2027, 1, 29), hours=20,
                              job_start=date(2027, 1, 31))
    db.session.commit()
    checks = {c.month: c for c in services.checks_of(agreement)}
    return {"consultant": consultant, "agreement": agreement, "checks": checks, "mentor": mentor, "young": young}


def _answer(client, check, **fields):
    data = {"status": "employed", "checked_on": "2027-05-02", "hours": "25", "reason": "", "note": "", "seen": ""}
    data.update(fields)
    return client.post(f"/job-checks/{check.id}", data=data)


def _fresh(check) -> JobCheck:
    db.session.expire_all()
    return db.session.get(JobCheck, check.id)


def _error(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


# The check's page -----------------------------------------------------------------------------------------------

def test_a_consultant_records_a_check_and_every_bad_answer_is_refused_on_its_field(client, login, hire):
    login(hire["consultant"])
    three = hire["checks"][3]
    page = client.get(f"/job-checks/{three.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in ("Mikkel", "Staldmedhjælper", "Engholm Kvægbrug", "January 31, 2027", "April 30, 2027",
                  "Earlier checks", 'value="2027-09-01"'):
        assert shown in html, shown
    assert "Sørensen" not in html and HEALTH not in html

    for fields, field, message in (
            ({"checked_on": "2027-09-02"}, "checked_on", "The date cannot be in the future."),
            ({"checked_on": "2027-01-30"}, "checked_on", "The date cannot be before the job started (January 31, "
                                                         "2027)."),
            ({"checked_on": ""}, "checked_on", "Enter the day you learnt the answer."),
            ({"checked_on": "31-02-2027"}, "checked_on", "Not a valid date value."),
            ({"hours": ""}, "hours", "Enter the weekly hours in the job."),
            ({"hours": "41"}, "hours", "The weekly hours must be between 1 and 40."),
            ({"hours": "mange"}, "hours", "Not a valid integer value."),
            ({"status": "not_employed", "hours": ""}, "reason", "Say why the job ended."),
            ({"status": ""}, "status", "Choose yes, no or unknown.")):
        refused = _answer(client, three, **fields)
        assert refused.status_code == 400, fields
        assert _error(refused.get_data(as_text=True), field) == message, fields
        assert _fresh(three).status is None, fields

    twelve = hire["checks"][12]  # due 31 January 2028: not yet
    refused = _answer(client, twelve, checked_on="2027-08-30")
    assert refused.status_code == 400
    assert "it can be recorded from January 17, 2028" in refused.get_data(as_text=True)
    assert _fresh(twelve).status is None
    assert "it can be recorded from January 17, 2028" in client.get(f"/job-checks/{twelve.id}").get_data(as_text=True)

    done = _answer(client, three, hours="25", note="Trives godt")
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/agreements/{hire['agreement'].id}#job-checks")
    three = _fresh(three)
    assert (three.status, three.checked_on, three.hours, three.note) == (Employment.EMPLOYED, date(2027, 5, 2), 25,
                                                                           "Trives godt")
    assert (three.recorded_by_id, three.recorded_label) == (hire["consultant"].id, hire["consultant"].name)

    detail = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "The job check after 3 months was recorded: Still employed." in detail
    table = detail[detail.index('id="job-checks"'):detail.index('id="timeline"')]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S)
    assert len(rows) == 4
    assert "Missing" in rows[0] and f'href="/job-checks/{hire["checks"][1].id}"' in rows[0]
    assert "Still employed" in rows[1] and "25" in rows[1] and hire["consultant"].name in rows[1]
    assert "Correct the check" in rows[1]
    assert "Missing" in rows[2] and "Record the check" in rows[2]
    assert "To come" in rows[3] and "href" not in rows[3]  # 12 months: not recordable before 17 January 2028
    assert "Job check" in detail and "3 months: Still employed" in detail  # the timeline


def test_a_recorded_check_is_corrected_on_the_same_form_and_a_change_meanwhile_is_not_overwritten(
        client, login, hire):
    login(hire["consultant"])
    one = hire["checks"][1]
    assert _answer(client, one, checked_on="2027-03-01", hours="20").status_code == 302
    html = client.get(f"/job-checks/{one.id}").get_data(as_text=True)
    assert "Correct the answer" in html and 'value="20"' in html and 'value="2027-03-01"' in html
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', html).group(1)
    assert seen

    stale = _answer(client, one, status="not_employed", hours="", reason="Lukket afdeling", seen="")
    assert stale.status_code == 302 and stale.headers["Location"].endswith(f"/job-checks/{one.id}")
    assert _fresh(one).status is Employment.EMPLOYED

    fixed = _answer(client, one, status="not_employed", checked_on="2027-03-01", hours="", reason="Lukket afdeling",
                    seen=seen)
    assert fixed.status_code == 302
    one = _fresh(one)
    assert (one.status, one.hours, one.reason) == (Employment.NOT_EMPLOYED, None, "Lukket afdeling")
    assert "was corrected: No longer employed" in client.get(fixed.headers["Location"]).get_data(as_text=True)


def test_only_staff_on_the_case_reach_a_check(app, hire, partnership, other_partnership):
    one = hire["checks"][1]

    def status(user, method="get"):
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        return getattr(client, method)(f"/job-checks/{one.id}").status_code, \
            client.post(f"/job-checks/{one.id}/ask-mentor").status_code

    assert status(factories.user(Role.COORDINATOR, other_partnership)) == (404, 404)
    assert status(factories.user(Role.ADMIN, other_partnership))[0] in (200, 302)  # a purpose first, then the page
    assert status(factories.user(Role.CONSULTANT, partnership)) == (404, 404)  # not named on the case
    assert status(factories.user(Role.CASEWORKER, partnership)) == (403, 403)
    assert status(factories.user(Role.MENTOR, partnership)) == (403, 403)
    other = app.test_client()
    other.post("/login", data={"email": factories.user(Role.COORDINATOR, other_partnership).email,
                               "password": factories.PASSWORD})
    assert _answer(other, one, checked_on="2027-03-01").status_code == 404
    assert _fresh(one).status is None
    assert app.test_client().get(f"/job-checks/{one.id}").status_code == 302  # to the login


# The start page ---------------------------------------------------------------------------------------------------

def test_the_start_page_lists_the_checks_to_record_until_they_are_recorded(app, client, login, hire, partnership,
                                                                           other_partnership):
    login(hire["consultant"])
    checks = hire["checks"]
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="job-checks"'):]
    section = section[:section.index("</section>")]
    assert "Job checks to record" in section and "Mikkel Sørensen · Staldmedhjælper, Engholm Kvægbrug" in section
    assert [int(i) for i in re.findall(r'href="/job-checks/(\d+)"', section)] == [checks[m].id for m in (1, 3, 6)]
    read = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")
                              .order_by(AuditEvent.id.desc())).first()
    assert hire["young"].id in read.records and "agreements" in read.fields

    assert _answer(client, checks[1], checked_on="2027-03-01", hours="20").status_code == 302
    section = client.get("/").get_data(as_text=True).split('id="job-checks"')[1].split("</section>")[0]
    assert [int(i) for i in re.findall(r'href="/job-checks/(\d+)"', section)] == [checks[m].id for m in (3, 6)]

    def listed(user):
        other = app.test_client()
        other.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        page = other.get("/").get_data(as_text=True)
        return re.findall(r'href="/job-checks/(\d+)"', page)

    assert len(listed(factories.user(Role.COORDINATOR, partnership))) == 2
    assert listed(factories.user(Role.COORDINATOR, other_partnership)) == []
    assert listed(factories.user(Role.CONSULTANT, partnership)) == []  # not their hire


# The mentor's link ------------------------------------------------------------------------------------------------

def _mail_to(recipient: str) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                              .order_by(OutboxMessage.id.desc())).first()


def _path(message: OutboxMessage) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", message.body).group(0))


def _ask(client, check) -> str:
    response = client.post(f"/job-checks/{check.id}/ask-mentor")
    assert response.status_code == 302
    return _path(_mail_to("karen@example.com"))


def test_the_mentor_answers_through_the_link_once(app, client, login, hire):
    login(hire["consultant"])
    three = hire["checks"][3]
    path = _ask(client, three)
    assert path.startswith("/m/job/")
    message = _mail_to("karen@example.com")
    assert message.subject == "Is Mikkel still employed? Staldmedhjælper"
    assert "Mikkel" in message.body and "Sørensen" not in message.body and "3 months" in message.body
    assert "was asked by e-mail" in client.get(f"/job-checks/{three.id}").get_data(as_text=True)
    assert "has not answered yet" in client.get(f"/job-checks/{three.id}").get_data(as_text=True)

    mentor = app.test_client()  # nobody logged in
    page = mentor.get(path)
    assert page.status_code == 200 and page.headers["X-Robots-Tag"] == "noindex, nofollow"
    html = page.get_data(as_text=True)
    assert "Is Mikkel still employed with you?" in html and "Staldmedhjælper" in html
    for hidden in ("Sørensen", HEALTH, "Trives"):
        assert hidden not in html, hidden

    refused = mentor.post(path, data={"employed": "yes", "hours": ""})
    assert refused.status_code == 400 and _error(refused.get_data(as_text=True), "hours") == \
        "Enter the weekly hours in the job."
    refused = mentor.post(path, data={"employed": "no", "reason": " "})
    assert refused.status_code == 400 and _error(refused.get_data(as_text=True), "reason") == \
        "Say why the job ended."
    refused = mentor.post(path, data={})
    assert refused.status_code == 400 and _error(refused.get_data(as_text=True), "employed") == "Answer yes or no."
    assert _fresh(three).status is None

    before = db.session.scalar(select(db.func.max(AuditEvent.id)))
    thanks = mentor.post(path, data={"employed": "yes", "hours": "22"})
    assert thanks.status_code == 200 and "Your answer about Mikkel is recorded." in thanks.get_data(as_text=True)
    three = _fresh(three)
    assert (three.status, three.hours, three.checked_on, three.recorded_label, three.recorded_by_id) == (
        Employment.EMPLOYED, 22, TODAY, "mentor (link)", None)
    agreement = db.session.get(Agreement, hire["agreement"].id)
    assert (agreement.events[-1].kind, agreement.events[-1].actor_label) == ("job_check", "mentor (link)")
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before,
                                                          AuditEvent.entity == "job_checks")).all()
    assert audited and {a.actor_label for a in audited} == {"mentor link"}
    told = _mail_to(hire["consultant"].email)
    assert told is not None and "Still employed" in told.body and f"/job-checks/{three.id}" in told.body

    # Once only: a replay and a later visit are refused and change nothing.
    again = mentor.post(path, data={"employed": "no", "reason": "Stoppet"})
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)
    later = mentor.get(path)
    assert later.status_code == 410 and hire["consultant"].email in later.get_data(as_text=True)
    assert _fresh(three).status is Employment.EMPLOYED

    detail = client.get(f"/job-checks/{three.id}").get_data(as_text=True)
    assert "answered through the e-mailed link" in detail


def test_a_plan_link_does_not_open_a_check_nor_a_check_link_the_plan(app, client, login, hire, partnership):
    login(hire["consultant"])
    check_path = _ask(client, hire["checks"][6])
    check_token = check_path.rsplit("/", 1)[1]
    # A second internship whose plan waits for the same mentor.
    consultant = hire["consultant"]
    sent = agreements.new_agreement(
        participant=factories.participant(partnership, consultant_id=consultant.id), job_function=hire[
            "agreement"].job_function, mentor=hire["mentor"], consultant=consultant, start_date=date(2027, 10, 1),
        actor=Actor(consultant, consultant.name, False), planned_weeks=20, weekly_hours=15, purpose="p", tasks="t",
        works_with="w", meeting="m", support="s", follow_up_plan="f", goals=["Møde til tiden"])
    db.session.commit()
    with app.test_request_context():
        plan_url = agreements.send_to_mentor(sent, Actor(consultant, consultant.name, False))
        db.session.commit()
    plan_token = plan_url.rsplit("/", 1)[1]

    mentor = app.test_client()
    assert mentor.get(f"/m/{check_token}").status_code == 404
    assert mentor.post(f"/m/{check_token}", data={"answer": "confirm", "version": "1"}).status_code == 404
    assert mentor.get(f"/m/job/{plan_token}").status_code == 404
    assert mentor.post(f"/m/job/{plan_token}", data={"employed": "yes", "hours": "20"}).status_code == 404
    assert _fresh(hire["checks"][6]).status is None
    # Neither was spent by the wrong door.
    assert mentor.get(f"/m/{plan_token}").status_code == 200
    assert mentor.get(check_path).status_code == 200
    assert mentor.get("/m/job/forged-token").status_code == 404


def test_a_check_link_stops_when_the_check_is_recorded_expired_or_replaced(app, client, login, hire):
    login(hire["consultant"])
    one, six = hire["checks"][1], hire["checks"][6]
    first = _ask(client, one)
    second = _ask(client, one)  # asking again: the earlier link stops
    mentor = app.test_client()
    assert mentor.get(first).status_code == 410
    assert mentor.get(second).status_code == 200
    assert _answer(client, one, checked_on="2027-03-01", hours="20").status_code == 302
    refused = mentor.get(second)
    assert refused.status_code == 410 and "no longer waits for your answer" in refused.get_data(as_text=True)
    assert "The job: " in refused.get_data(as_text=True) and " at Engholm Kvægbrug." in refused.get_data(as_text=True)

    path = _ask(client, six)
    link = db.session.scalars(select(MentorLink).where(MentorLink.job_check_id == six.id)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = mentor.post(path, data={"employed": "yes", "hours": "20"})
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert _fresh(six).status is None


def test_the_mentor_is_not_asked_before_a_check_is_due_nor_without_an_e_mail(client, login, hire):
    login(hire["consultant"])
    twelve, six = hire["checks"][12], hire["checks"][6]
    refused = client.post(f"/job-checks/{twelve.id}/ask-mentor", follow_redirects=True)
    assert "it can be recorded from January 17, 2028" in refused.get_data(as_text=True)
    assert _mail_to("karen@example.com") is None
    hire["mentor"].email = ""
    db.session.commit()
    refused = client.post(f"/job-checks/{six.id}/ask-mentor", follow_redirects=True)
    assert "has no e-mail address" in refused.get_data(as_text=True)
    assert db.session.scalars(select(MentorLink).where(MentorLink.job_check_id.is_not(None))).all() == []


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_forms_carry_their_csrf_token(app, client, hire, app_config):
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": hire["consultant"].email, "password": factories.PASSWORD,
                                "csrf_token": _csrf(login_page)})
    three = hire["checks"][3]
    html = client.get(f"/job-checks/{three.id}").get_data(as_text=True)
    assert _answer(client, three).status_code == 400 and _fresh(three).status is None  # no token
    assert _answer(client, three, csrf_token=_csrf(html)).status_code == 302
    six = hire["checks"][6]
    html = client.get(f"/job-checks/{six.id}").get_data(as_text=True)
    asked = html.split(f'action="/job-checks/{six.id}/ask-mentor"')[1]
    assert client.post(f"/job-checks/{six.id}/ask-mentor", data={"csrf_token": _csrf(asked)}).status_code == 302
    path = _path(_mail_to("karen@example.com"))

    mentor = app.test_client()
    page = mentor.get(path).get_data(as_text=True)
    assert mentor.post(path, data={"employed": "yes", "hours": "30"}).status_code == 400
    assert _fresh(six).status is None
    assert mentor.post(path, data={"employed": "yes", "hours": "30", "csrf_token": _csrf(page)}).status_code == 200
    assert _fresh(six).hours == 30
