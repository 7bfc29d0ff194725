"""End to end in headless Chromium: the course around the internship, as issue #12's "Done when" walks it.

The coordinator writes a goal with Mikkel and makes his link; Mikkel opens it in a phone-size window (390 px) and
says how the goal is going; the coordinator finds his answer in the draft status note, marks the note final and
opens the printable note; a network meeting's action shows on its owner's start page.

Skipped where Chromium and its driver are not installed (as tests/test_e2e_browser.py).
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from placement.auth.models import Role
from placement.course.models import NoteState, StatusNote
from placement.extensions import db
from placement.goals.models import SelfAssessment
from placement.participants.services import local_today
from placement.progress.services import add_months
from tests import factories
from tests import test_e2e_browser as e2e

pytestmark = pytest.mark.skipif(not (e2e.CHROMIUM and e2e.CHROMEDRIVER), reason="needs chromium and chromedriver")

# The live server and the headless browser of the first browser test.
server = e2e.server
browser = e2e.browser

WAIT = 10
PHONE_WIDTH = 390
GOAL = "Jeg vil møde til tiden tre dage om ugen."
SENTENCE = "Det går bedre, jeg kom til tiden i mandags."
ACTION = "Kontakte hestepensionen om et besøg"


def _wait(browser):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT)


def _open(browser, url: str) -> None:
    browser.get(url)
    e2e._loaded(browser)


def test_a_goal_assessed_on_mikkels_phone_reaches_the_final_status_note_and_an_action_its_owner(
        app, server, browser, partnership):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    coordinator = factories.user(Role.COORDINATOR, partnership)
    consultant = factories.user(Role.CONSULTANT, partnership)
    today = local_today()
    # The second status-note period ends in a week: its draft can be prepared today and holds today's answers.
    mikkel = factories.participant(partnership, name="Mikkel Dyrholm", coordinator_id=coordinator.id,
                                   consultant_id=consultant.id,
                                   course_start=add_months(today + timedelta(days=7), -6))
    e2e._log_in(browser, server, coordinator)

    # The coordinator writes the goal with Mikkel, in his own words.
    _open(browser, f"{server}/participants/{mikkel.id}/goals/new")
    form = browser.find_element(By.CSS_SELECTOR, "form.form")
    form.find_element(By.ID, "wording").send_keys(GOAL)
    form.find_element(By.ID, "activities").send_keys("En sms aftenen før")
    e2e._submit(form)
    assert GOAL in browser.find_element(By.TAG_NAME, "main").text

    # … and makes his link: shown once, as a QR code and as text.
    e2e._submit(e2e._form(browser, "/goals/link"))
    assert browser.find_elements(By.CSS_SELECTOR, "figure.young-qr svg")
    link = browser.find_element(By.CSS_SELECTOR, "code.token").text.strip()
    assert "/m/u/" in link

    # Mikkel opens it on his phone: a window 390 px wide, no login.
    staff_window = browser.current_window_handle
    browser.switch_to.new_window("window")
    browser.set_window_size(PHONE_WIDTH, 844)
    _open(browser, link)
    assert "Hi Mikkel" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_WIDTH
    goal_form = browser.find_element(By.CSS_SELECTOR, "form.own-assess")
    goal_id = goal_form.find_element(By.NAME, "goal_id").get_attribute("value")
    browser.find_element(By.CSS_SELECTOR, f'label[for="score-{goal_id}-4"]').click()
    goal_form.find_element(By.NAME, "sentence").send_keys(SENTENCE)
    e2e._submit(goal_form)
    _wait(browser).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, f"#goal-{goal_id}"), SENTENCE))
    assert db.session.scalars(select(SelfAssessment.score)).all() == [4]
    browser.close()
    browser.switch_to.window(staff_window)

    # The coordinator prepares the draft status note of the period: Mikkel's answer is in it.
    _open(browser, f"{server}/participants/{mikkel.id}/status-notes")
    prepare = next(f for f in browser.find_elements(By.CSS_SELECTOR, 'form[action$="/status-notes"]')
                   if f.find_element(By.NAME, "number").get_attribute("value") == "2")
    e2e._submit(prepare)
    assert "/status-notes/" in browser.current_url
    assert SENTENCE in browser.find_element(By.CSS_SELECTOR, ".note-facts").text

    # … marks it final (confirming the question the page asks) …
    final = e2e._form(browser, "/final")
    final.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(browser).until(ec.alert_is_present()).accept()
    _wait(browser).until(e2e.replaced(final))
    e2e._loaded(browser)
    note = db.session.scalars(select(StatusNote)).one()
    db.session.refresh(note)
    assert note.state is NoteState.FINAL and note.facts["self_assessments"][0]["sentence"] == SENTENCE

    # … and opens the printable note.
    browser.find_element(By.CSS_SELECTOR, f'a[href$="/status-notes/{note.id}/print"]').click()
    _wait(browser).until(ec.url_contains("/print"))
    e2e._loaded(browser)
    assert "Status note" in browser.find_element(By.TAG_NAME, "h1").text
    assert "(draft)" not in browser.find_element(By.TAG_NAME, "h1").text
    assert SENTENCE in browser.find_element(By.TAG_NAME, "main").text

    # A network meeting with an action owned by the consultant …
    _open(browser, f"{server}/participants/{mikkel.id}/meetings/new")
    form = browser.find_element(By.CSS_SELECTOR, "form.form")
    e2e._fill(browser, form, kind="network", starts_at="10:00", place="Jobcentret",
              agenda="Næste praktik")
    e2e._submit(form)
    _wait(browser).until(ec.url_matches(r"/meetings/\d+"))
    actions = e2e._form(browser, "/actions")
    actions.find_element(By.NAME, "text").send_keys(ACTION)
    Select(actions.find_element(By.NAME, "owner_id")).select_by_value(str(consultant.id))
    e2e._fill(browser, actions, deadline=(today + timedelta(days=14)).isoformat())
    e2e._submit(actions)
    assert ACTION in browser.find_element(By.ID, "actions").text

    # … shows on the consultant's start page.
    e2e._submit(browser.find_element(By.CSS_SELECTOR, "form[action='/logout']"))
    e2e._log_in(browser, server, consultant)
    assert ACTION in browser.find_element(By.ID, "actions").text
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
