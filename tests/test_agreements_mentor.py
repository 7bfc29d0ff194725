"""The mentor's side: the e-mailed link (no account), a mentor account's interns, the outbox page and sending."""

import re
import smtplib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from placement.agreements import links, services
from placement.agreements.models import Agreement, MentorLink, State
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.mail import services as mail
from placement.mail.models import OutboxMessage
from tests import factories

PLAN = {"purpose": "Prøve arbejdet i stalden", "tasks": "Fodring og rengøring", "works_with": "Karen og Bo",
        "meeting": "Mandag–torsdag kl. 8–12 ved stalden", "support": "Korte, tydelige beskeder",
        "follow_up_plan": "Møde hver 4. uge", "schedule": "Man–tor 8–12",
        "goals": ["Møde til tiden", "Fodre kalvene selv"]}
HEALTH = "Angst i store grupper, tager medicin"
SUPPORT_NOTES = "Har brug for pauser efter konflikter"
CSRF_ON = [{"WTF_CSRF_ENABLED": True}]


@pytest.fixture
def setting(app, partnership):
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug", employees=10)
    mentor = factories.mentor(company, name="Karen Mentor", email="karen@example.com", max_interns=2)
    job = factories.job_function(company, title="Staldmedhjælper", places=2, mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id, cognitive=True,
                                  psychological=True, disruptions=["anxiety", "social_phobia"],
                                  health_notes=HEALTH, support_notes=SUPPORT_NOTES)
    return {"app": app, "partnership": partnership, "consultant": consultant, "company": company,
            "mentor": mentor, "job": job, "young": young, "staff": Actor(consultant, consultant.name, False)}


def _agreement(setting, *, mentor=None, participant=None, send: bool = True) -> Agreement:
    agreement = services.new_agreement(
        participant=participant or setting["young"], job_function=setting["job"],
        mentor=mentor or setting["mentor"], consultant=setting["consultant"], start_date=date(2026, 9, 1),
        actor=setting["staff"], planned_weeks=26, weekly_hours=15, **PLAN)
    db.session.commit()
    if send:
        with setting["app"].test_request_context():
            services.send_to_mentor(agreement, setting["staff"])
            db.session.commit()
    return agreement


def _link(agreement: Agreement) -> str:
    """Return the path of the link in the newest e-mail to the agreement's mentor."""
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == agreement.mentor.email)
                                 .order_by(OutboxMessage.id.desc())).first()
    url = re.search(r"https?://\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def _answer(client, path: str, answer: str, version: int, comment: str = "", csrf: str | None = None,
            decline_confirmed: str = ""):
    data = {"answer": answer, "version": str(version), "comment": comment, "decline_confirmed": decline_confirmed}
    if csrf is not None:
        data["csrf_token"] = csrf
    return client.post(path, data=data)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


# Through the e-mailed link --------------------------------------------------------------------------------------

@pytest.mark.parametrize("app_config", CSRF_ON)
def test_the_link_from_the_outbox_works_without_login_shows_only_the_plan_and_confirms(client, setting, app_config):
    agreement = _agreement(setting)
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": setting["consultant"].email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    outbox = client.get("/outbox")
    assert outbox.status_code == 200
    html = outbox.get_data(as_text=True)
    assert "karen@example.com" in html and "Internship plan to confirm: Mikkel, Staldmedhjælper" in html
    message_url = re.search(r'href="(/outbox/\d+)"', html).group(1)
    html = client.get(message_url).get_data(as_text=True)
    path = _link(agreement)
    assert f'<a href="http://localhost{path}" rel="noopener noreferrer">' in html
    client.post("/logout", data={"csrf_token": _csrf(html)})

    response = client.get(path)  # nobody is logged in now
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    html = response.get_data(as_text=True)
    for shown in ("Mikkel", "Staldmedhjælper", "Engholm Kvægbrug", "Man–tor 8–12", *PLAN["goals"],
                  PLAN["purpose"], PLAN["support"], PLAN["follow_up_plan"]):
        assert shown in html, shown
    for hidden in ("Sørensen", HEALTH, SUPPORT_NOTES, "Anxiety", "Social phobia", "cognitive", "psychological"):
        assert hidden not in html, hidden
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another host

    assert _answer(client, path, "confirm", agreement.version).status_code == 400  # no CSRF token
    audited_before = db.session.scalar(select(db.func.max(AuditEvent.id)))
    response = _answer(client, path, "confirm", agreement.version, "Vi glæder os", csrf=_csrf(html))
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)

    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.state is State.CONFIRMED
    event = agreement.events[-1]
    assert (event.actor_id, event.actor_label, event.comment) == (None, "Karen Mentor (link)", "Vi glæder os")
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "agreements",
                                                          AuditEvent.id > audited_before)).all()
    assert audited and {a.actor_label for a in audited} == {"mentor link"}
    told = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == setting["consultant"].email)).all()
    assert len(told) == 1 and "Vi glæder os" in told[0].body

    # The link works once: a replayed answer and a later visit are refused, and change nothing.
    assert _answer(client, path, "decline", agreement.version, csrf=_csrf(html)).status_code == 410
    response = client.get(path)
    assert response.status_code == 410 and "used already" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state is State.CONFIRMED


def test_an_expired_link_is_refused(client, setting):
    agreement = _agreement(setting)
    path = _link(agreement)
    link = db.session.scalars(select(MentorLink).where(MentorLink.agreement_id == agreement.id)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert _answer(client, path, "confirm", agreement.version).status_code == 410
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state is State.SENT


def test_a_forged_link_is_404(app, client, setting):
    agreement = _agreement(setting)
    path = _link(agreement)
    link = db.session.scalars(select(MentorLink).where(MentorLink.agreement_id == agreement.id)).one()
    with app.test_request_context():
        wrong_secret = links._serializer().dumps({"link": link.id, "secret": "guessed"})
    for forged in ("/m/not-a-token", path[:-3] + "abc", f"/m/{wrong_secret}"):
        response = client.get(forged)
        assert response.status_code == 404, forged
        assert "Mikkel" not in response.get_data(as_text=True)
    assert client.get(path).status_code == 200  # the real one still works


def test_a_new_link_replaces_the_old_one(client, setting):
    agreement = _agreement(setting)
    first = _link(agreement)
    services.transition(agreement, "cancel", setting["staff"])
    db.session.commit()
    assert client.get(first).status_code == 410  # no longer waits for the mentor


def test_asking_for_changes_needs_a_comment_and_sends_the_plan_back_to_draft(client, setting):
    agreement = _agreement(setting)
    path = _link(agreement)
    response = _answer(client, path, "request_changes", agreement.version)
    assert response.status_code == 200 and "Say which changes are needed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state is State.SENT

    response = _answer(client, path, "request_changes", agreement.version, "Kun formiddage, tak")
    assert response.status_code == 200
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.state is State.DRAFT and agreement.events[-1].comment == "Kun formiddage, tak"
    assert client.get(path).status_code == 410


def test_a_stale_page_shows_the_current_version_and_changes_nothing(client, setting):
    agreement = _agreement(setting)
    path = _link(agreement)
    seen = agreement.version
    services.record_override(agreement, setting["staff"], "Plads til to i sommer")  # changed meanwhile
    db.session.commit()
    response = _answer(client, path, "confirm", seen)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "changed by someone else" in html
    assert f'name="version" type="hidden" value="{agreement.version}"' in html
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state is State.SENT
    assert _answer(client, path, "decline", agreement.version, decline_confirmed="yes").status_code == 200
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state is State.DECLINED


def test_declining_takes_a_second_step_that_keeps_the_comment(client, setting):
    agreement = _agreement(setting)
    path = _link(agreement)
    response = _answer(client, path, "decline", agreement.version, "Vi har ikke tid i år")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Decline the internship?" in html and "cannot be undone" in html
    assert "Vi har ikke tid i år" in html and 'name="decline_confirmed" type="hidden" value="yes"' in html
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state is State.SENT  # nothing recorded yet
    response = _answer(client, path, "decline", agreement.version, "Vi har ikke tid i år", decline_confirmed="yes")
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.state is State.DECLINED and agreement.events[-1].comment == "Vi har ikke tid i år"


def test_the_mentor_sees_whom_to_ask_on_the_plan_and_on_a_spent_link(client, setting):
    setting["partnership"].contact_phone = "86 42 00 00"
    agreement = _agreement(setting)
    path = _link(agreement)
    html = client.get(path).get_data(as_text=True)
    consultant = setting["consultant"]
    assert html.index("Your contact") < html.index("The plan")  # before the long plan, not after it
    assert consultant.name in html and consultant.email in html and "86 42 00 00" in html
    assert 'href="#answer"' in html
    _answer(client, path, "confirm", agreement.version)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 410 and consultant.name in html and consultant.email in html
    job = agreement.job_function
    assert f"The plan: {job.title} at {job.company.name}." in html


def test_the_e_mail_names_the_intern_and_carries_the_consultants_comment(app, setting):
    agreement = _agreement(setting, send=False)
    with app.test_request_context():
        services.send_to_mentor(agreement, setting["staff"], comment="Ring gerne, hvis noget er uklart")
        db.session.commit()
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "karen@example.com")).one()
    assert message.subject == "Internship plan to confirm: Mikkel, Staldmedhjælper"
    assert "Mikkel's internship" in message.body and "Sørensen" not in message.body
    assert "Ring gerne, hvis noget er uklart" in message.body
    assert "September 1, 2026" in message.body and "2026-09-01" not in message.body
    assert setting["consultant"].email in message.body


def test_after_confirming_the_mentor_downloads_the_plan_as_pdf_and_the_meetings_as_ics(client, setting):
    agreement = _agreement(setting)
    path = _link(agreement)
    html = _answer(client, path, "confirm", agreement.version).get_data(as_text=True)
    pdf_path = re.search(r'href="(/m/copy/[^"]+/plan\.pdf)"', html).group(1)
    ics_path = re.search(r'href="(/m/copy/[^"]+/plan\.ics)"', html).group(1)
    pdf = client.get(pdf_path)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
    ics = client.get(ics_path)
    text = ics.get_data(as_text=True)
    assert ics.status_code == 200 and text.startswith("BEGIN:VCALENDAR") and "DTSTART;VALUE=DATE:20260901" in text
    assert "Mikkel" not in text  # calendars are synchronised to third parties: no names
    # Cancelled: the copy is gone; a forged token never worked.
    db.session.expire_all()
    services.transition(db.session.get(Agreement, agreement.id), "cancel", setting["staff"])
    db.session.commit()
    assert client.get(pdf_path).status_code == 410
    assert client.get("/m/copy/forged/plan.pdf").status_code == 404


def test_a_withdrawn_plan_is_edited_and_sent_again_and_the_first_link_is_refused(app, client, login, setting):
    agreement = _agreement(setting)
    first = _link(agreement)
    login(setting["consultant"])
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Withdraw the plan to change it" in page
    response = client.post(f"/agreements/{agreement.id}/steps/withdraw",
                           data={"version": str(agreement.version), "comment": "Timerne ændres"})
    assert response.status_code == 302
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.state is State.DRAFT
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "karen@example.com")
                              .order_by(OutboxMessage.id.desc())).first()
    assert told.subject == "Internship plan withdrawn: Mikkel, Staldmedhjælper" and "Timerne ændres" in told.body
    client.post("/logout")
    assert client.get(first).status_code == 410
    login(setting["consultant"])
    response = client.post(f"/agreements/{agreement.id}/steps/send", data={"version": str(agreement.version)})
    assert response.status_code == 302
    second = _link(agreement)
    assert second != first
    client.post("/logout")
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 410  # the old link stays refused once the plan waits again


# A mentor with an account ----------------------------------------------------------------------------------------

def test_a_mentor_account_sees_and_answers_only_its_own_interns(client, login, setting):
    other_mentor = factories.mentor(setting["company"], name="Bo Mentor", email="bo@example.com")
    mine = _agreement(setting)
    theirs = _agreement(setting, mentor=other_mentor,
                        participant=factories.participant(setting["partnership"], name="Sara Holm"))
    draft = _agreement(setting, participant=factories.participant(setting["partnership"], name="Jonas Lund"),
                       send=False)
    user = login(factories.user(Role.MENTOR, setting["partnership"], mentor=setting["mentor"]))

    html = client.get("/m/agreements").get_data(as_text=True)
    assert '<li><a href="/m/agreements">My interns</a></li>' in html
    assert f"/m/agreements/{mine.id}" in html and "Mikkel" in html and "Sørensen" not in html
    assert "Sara" not in html and "Jonas" not in html
    assert client.get(f"/m/agreements/{theirs.id}").status_code == 404
    assert client.get(f"/m/agreements/{draft.id}").status_code == 404
    assert _answer(client, f"/m/agreements/{theirs.id}", "confirm", theirs.version).status_code == 404

    html = client.get(f"/m/agreements/{mine.id}").get_data(as_text=True)
    assert PLAN["purpose"] in html and HEALTH not in html and 'value="confirm"' in html
    response = _answer(client, f"/m/agreements/{mine.id}", "confirm", mine.version)
    assert response.status_code == 302
    db.session.expire_all()
    mine = db.session.get(Agreement, mine.id)
    assert mine.state is State.CONFIRMED
    assert (mine.events[-1].actor_id, mine.events[-1].actor_label) == (user.id, user.name)
    html = client.get(f"/m/agreements/{mine.id}").get_data(as_text=True)
    assert "Confirmed by mentor" in html and 'value="confirm"' not in html
    assert client.get(_link(mine)).status_code == 410  # answered: the e-mailed link is spent too

    # Staff do not use the mentor's pages.
    client.post("/logout")
    login(setting["consultant"])
    assert client.get("/m/agreements").status_code == 403


# The outbox page and sending --------------------------------------------------------------------------------------

def test_the_outbox_shows_only_the_partnerships_mail_to_case_editors(client, login, setting, other_partnership):
    _agreement(setting)
    elsewhere = mail.enqueue("x@example.com", "Andet partnerskab", "Hemmeligt", partnership_id=other_partnership.id)
    db.session.commit()
    login(setting["consultant"])
    html = client.get("/outbox").get_data(as_text=True)
    assert "karen@example.com" in html and "Andet partnerskab" not in html
    assert 'href="/outbox"' in client.get("/").get_data(as_text=True)
    assert client.get(f"/outbox/{elsewhere.id}").status_code == 404
    client.post("/logout")
    login(factories.user(Role.CASEWORKER, setting["partnership"]))
    assert client.get("/outbox").status_code == 403
    assert 'href="/outbox"' not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(factories.user(Role.ADMIN, setting["partnership"]))
    assert client.get(f"/outbox/{elsewhere.id}").status_code == 200


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.com"}])
def test_the_outbox_page_does_not_exist_when_mail_is_sent(client, login, setting, app_config):
    _agreement(setting)
    message = db.session.scalars(select(OutboxMessage)).first()
    login(setting["consultant"])
    assert client.get("/outbox").status_code == 404
    assert client.get(f"/outbox/{message.id}").status_code == 404
    assert 'href="/outbox"' not in client.get("/").get_data(as_text=True)


def test_sending_marks_sent_and_a_failure_keeps_the_message_for_the_next_attempt(setting):
    first = mail.enqueue("a@example.com", "Første", "Tekst", partnership_id=setting["partnership"].id)
    second = mail.enqueue("b@example.com", "Anden", "Tekst", partnership_id=setting["partnership"].id)
    db.session.commit()
    sent_to = []

    def flaky(message):
        if message.recipient == "b@example.com":
            raise smtplib.SMTPServerDisconnected("connection lost")
        sent_to.append(message.recipient)

    assert mail.send_pending(flaky) == (1, 1)
    db.session.expire_all()
    first, second = db.session.get(OutboxMessage, first.id), db.session.get(OutboxMessage, second.id)
    assert sent_to == ["a@example.com"] and first.sent_at is not None and first.attempts == 1
    assert second.sent_at is None and second.attempts == 1
    assert second.last_error == "SMTPServerDisconnected: connection lost"

    assert mail.send_pending(lambda message: sent_to.append(message.recipient)) == (1, 0)
    db.session.expire_all()
    second = db.session.get(OutboxMessage, second.id)
    assert second.sent_at is not None and second.attempts == 2 and second.last_error == ""
    assert sent_to == ["a@example.com", "b@example.com"]


def test_the_outbox_shows_a_consultant_only_mail_about_their_own_cases(client, login, setting):
    """Another consultant of the partnership must not read, and so not use, a mentor's link for a case not theirs."""
    agreement = _agreement(setting)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.agreement_id == agreement.id)).one()
    login(factories.user(Role.CONSULTANT, setting["partnership"]))
    assert "karen@example.com" not in client.get("/outbox").get_data(as_text=True)
    assert client.get(f"/outbox/{message.id}").status_code == 404
    client.post("/logout")
    login(setting["consultant"])
    assert client.get(f"/outbox/{message.id}").status_code == 200


@pytest.mark.parametrize("app_config", [{"TESTING": False, "ENV": "production", "SECRET_KEY": "x" * 40,
                                         "BASE_URL": "https://praktik.example.dk"}])  # limits: memory:// (conftest)
def test_the_outbox_page_is_for_development_only_even_without_smtp(client, login, setting, app_config):
    _agreement(setting)
    login(setting["consultant"])
    assert client.get("/outbox").status_code == 404
