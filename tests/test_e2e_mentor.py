"""End to end in headless Chromium: the mentor on a 390 px phone, and the consultant taking a sent plan back.

The mentor sees whom to ask before the plan, declining needs a second tap, and after confirming keeps the plan as a
PDF and the meetings as a calendar file. The consultant withdraws a sent plan, changes nothing but sends it again:
the first link is refused, the new one works.
"""

import re
from datetime import date

import pytest
from sqlalchemy import select

from placement.agreements import services
from placement.agreements.models import Agreement, State
from placement.agreements.services import Actor
from placement.auth.models import Role
from placement.extensions import db
from placement.mail.models import OutboxMessage
from tests import factories
from tests import test_e2e_browser as e2e

pytestmark = pytest.mark.skipif(not (e2e.CHROMIUM and e2e.CHROMEDRIVER), reason="needs chromium and chromedriver")

server = e2e.server
browser = e2e.browser

PLAN = {"purpose": "Prøve arbejdet i stalden", "tasks": "Fodring", "works_with": "Karen", "meeting": "Kl. 8",
        "support": "Korte beskeder", "follow_up_plan": "Hver 4. uge", "schedule": "Man–tor 8–12",
        "goals": ["Møde til tiden"]}


@pytest.fixture
def sent(app, partnership):
    partnership.contact_phone = "86 42 00 00"
    consultant = factories.user(Role.CONSULTANT, partnership)
    consultant.name = "Lars Bækgaard"
    farm = factories.company(partnership, name="Engholm Kvægbrug")
    mentor = factories.mentor(farm, name="Karen Mentor", email="karen@example.com", max_interns=2)
    job = factories.job_function(farm, title="Staldmedhjælper", places=2, mentor=mentor)
    young = factories.participant(partnership, name="Mikkel Sørensen", consultant_id=consultant.id)
    staff = Actor(consultant, consultant.name, False)
    agreement = services.new_agreement(participant=young, job_function=job, mentor=mentor, consultant=consultant,
                                       start_date=date(2026, 9, 1), actor=staff, planned_weeks=26, weekly_hours=15,
                                       **PLAN)
    db.session.commit()
    with app.test_request_context():
        services.send_to_mentor(agreement, staff)
        db.session.commit()
    return {"agreement": agreement, "consultant": consultant}


def _link(agreement_id: int) -> str:
    agreement = db.session.get(Agreement, agreement_id)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == agreement.mentor.email)
                                 .order_by(OutboxMessage.id.desc())).first()
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", message.body).group(0))


def _press(browser, form, button: str) -> None:
    """Press one of the form's buttons and wait for the next page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    form.find_element(By.CSS_SELECTOR, button).click()
    WebDriverWait(browser, 10).until(e2e.replaced(form))
    e2e._loaded(browser)


def _follow(browser, text: str) -> None:
    """Follow a link and wait until the next page has replaced this one (not only until it starts loading)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "main")
    browser.find_element(By.LINK_TEXT, text).click()
    WebDriverWait(browser, 10).until(e2e.replaced(page))
    e2e._loaded(browser)


def _fetch(browser, path: str) -> dict:
    """Fetch a file the page links to, from inside the page (headless Chromium does not save downloads)."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(async (r) => done({status: r.status, type: r.headers.get('Content-Type'),"
        " start: (await r.text()).slice(0, 20)}));", path)


def test_the_mentor_on_a_phone_sees_whom_to_ask_declines_only_on_a_second_tap_and_keeps_a_copy(server, browser,
                                                                                                  sent):
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    browser.get(server + _link(sent["agreement"].id))
    e2e._loaded(browser)
    contact = browser.find_element(By.CSS_SELECTOR, ".contact-card")
    assert "Lars Bækgaard" in contact.text and "86 42 00 00" in contact.text
    assert contact.location["y"] < browser.find_element(By.XPATH, "//h2[normalize-space()='The plan']").location["y"]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    # The first tap on "Decline" only asks: nothing is recorded.
    _press(browser, browser.find_element(By.CSS_SELECTOR, "form.form"), "button[value=decline]")
    assert "Decline the internship?" in browser.find_element(By.CSS_SELECTOR, ".confirm-box").text
    db.session.expire_all()
    assert db.session.get(Agreement, sent["agreement"].id).state is State.SENT
    _follow(browser, "Back to the plan")

    _press(browser, browser.find_element(By.CSS_SELECTOR, "form.form"), "button[value=confirm]")
    assert "Thank you" in browser.find_element(By.TAG_NAME, "h1").text
    pdf = browser.find_element(By.PARTIAL_LINK_TEXT, "PDF").get_attribute("href")
    ics = browser.find_element(By.PARTIAL_LINK_TEXT, ".ics").get_attribute("href")
    fetched = _fetch(browser, pdf)
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf" and fetched["start"].startswith("%PDF")
    fetched = _fetch(browser, ics)
    assert fetched["status"] == 200 and fetched["type"].startswith("text/calendar")
    assert fetched["start"].startswith("BEGIN:VCALENDAR")
    db.session.expire_all()
    assert db.session.get(Agreement, sent["agreement"].id).state is State.CONFIRMED


def test_the_consultant_withdraws_a_sent_plan_and_sends_it_again_and_the_first_link_is_refused(server, browser,
                                                                                              sent):
    from selenium.webdriver.common.by import By

    first = _link(sent["agreement"].id)
    browser.set_window_size(1366, 1000)
    e2e._log_in(browser, server, sent["consultant"])
    browser.get(server + f"/agreements/{sent['agreement'].id}")
    e2e._submit(e2e._form(browser, "/steps/withdraw"))
    assert "draft again" in browser.find_element(By.CSS_SELECTOR, ".flash-success").text
    e2e._submit(e2e._form(browser, "/steps/send"))
    assert "sent to the mentor" in browser.find_element(By.CSS_SELECTOR, ".flash-success").text
    second = _link(sent["agreement"].id)
    assert second != first
    browser.get(server + first)
    assert "cannot be used" in browser.find_element(By.TAG_NAME, "h1").text
    assert "Lars Bækgaard" in browser.page_source  # the refused link names whom to ask
    browser.get(server + second)
    assert browser.find_elements(By.CSS_SELECTOR, "button[value=confirm]")
