"""End to end in headless Chromium: what a job consultant does on their first day.

Skipped where Chromium and its driver are not installed; `.ci/run` installs them, so CI runs these.
"""

import shutil
import threading
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from placement.agreements import services as agreement_services
from placement.auth.models import Role
from tests import factories

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs chromium and chromedriver")


@pytest.fixture
def server(app):
    """Serve the test app on a free local port for the browser."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _log_in(browser, server, user):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/login")
    browser.find_element(By.ID, "email").send_keys(user.email)
    browser.find_element(By.ID, "password").send_keys(factories.PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    # Wait for the start page: going on at once could cut the login short on a slow machine.
    WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form[action='/logout']")))


def test_consultant_finds_companies_as_they_type_and_a_wrong_cvr_is_refused(app, server, browser, partnership):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    factories.company(partnership, name="Hansens Maskinstation ApS", postcode="6900", town="Skjern")
    farm = factories.company(partnership, name="Nielsens Kvægbrug")
    factories.job_function(farm, title="Landbrugsmedhjælper", tasks="Fodring af kalve i landbrug")
    _log_in(browser, server, factories.user(Role.CONSULTANT, partnership))

    box = browser.find_element(By.ID, "home-q")
    box.send_keys("hansen maskinstation")
    first = WebDriverWait(browser, 5).until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#home-q-results a")))
    assert "Hansens Maskinstation ApS" in first.text

    box.clear()
    box.send_keys("lanbrug")
    WebDriverWait(browser, 5).until(ec.text_to_be_present_in_element((By.ID, "home-q-results"),
                                                                     "Landbrugsmedhjælper"))

    browser.get(server + "/companies/new")
    browser.find_element(By.ID, "cvr").send_keys("12345678")
    browser.find_element(By.ID, "name").send_keys("Prøve ApS")
    browser.find_element(By.ID, "postcode").send_keys("8900")
    # The town is filled in from the postcode while one types, before saving.
    WebDriverWait(browser, 5).until(lambda b: b.find_element(By.ID, "town").get_attribute("value") == "Randers C")
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    error = browser.find_element(By.ID, "cvr-error")
    assert "last digit does not fit the others" in error.text
    assert browser.find_element(By.ID, "cvr").get_attribute("aria-describedby").endswith("cvr-error")
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe


def _loaded(browser) -> None:
    """Wait until the page has finished loading, so no element found next is replaced under the test's hands."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete")


def replaced(element):
    """A wait condition: the page holding ``element`` has been replaced by the next one.

    Like Selenium's ``staleness_of``, but this ChromeDriver answers a question about an element of a replaced
    document with "Node with given id does not belong to the document" instead of a stale-element error: that
    too means the page is gone."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return gone


def _form(browser, action_suffix: str):
    from selenium.webdriver.common.by import By

    _loaded(browser)
    return browser.find_element(By.CSS_SELECTOR, f'form[action$="{action_suffix}"]')


def _fill(browser, form, **values):
    """Set fields by name (dates through script: the browser's date widget types locale-specific)."""
    from selenium.webdriver.common.by import By

    for name, value in values.items():
        fields = form.find_elements(By.NAME, name)
        if fields[0].get_attribute("type") == "radio":
            radio = next(f for f in fields if f.get_attribute("value") == value)
            browser.find_element(By.CSS_SELECTOR, f'label[for="{radio.get_attribute("id")}"]').click()
        else:
            browser.execute_script("arguments[0].value = arguments[1]", fields[0], value)


def _submit(form):
    """Submit and wait for the next page (the form goes stale once the browser has left its page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(form.parent, 10).until(replaced(form))
    _loaded(form.parent)


def test_an_internship_from_suggestion_to_flex_job_with_the_mentor_link(app, server, browser, partnership):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    consultant = factories.user(Role.CONSULTANT, partnership)
    farm = factories.company(partnership, name="Fjordgården", postcode="8900", employees=12)
    mentor = factories.mentor(farm, name="Karen Fjord", email="karen@example.com", experience_level=4, max_interns=2)
    factories.job_function(farm, title="Staldmedhjælper", tasks="Fodring af kalve", mentor=mentor, places=1,
                           hours_min=10, hours_max=25)
    young = factories.participant(partnership, name="Mikkel Testesen", interests="dyr, kalve, stald",
                                  consultant_id=consultant.id, hours_min=15, hours_max=20, max_km=20)
    _log_in(browser, server, consultant)
    # An internship that started eight weeks ago: follow-ups, the end and the decision lie in the past.
    today = agreement_services.today()  # the service's Danish date, not the machine's
    start = today - timedelta(weeks=8)
    ended, decided = today - timedelta(days=2), today - timedelta(days=1)

    browser.get(f"{server}/participants/{young.id}/internships")
    browser.find_element(By.LINK_TEXT, "Make an agreement").click()
    form = browser.find_element(By.CSS_SELECTOR, "main form.form")
    _fill(browser, form, start_date=start.isoformat(), purpose="Prøve arbejdet i stalden",
          works_with="Karen og to kolleger", meeting="Mandag–torsdag 8–12 ved stalden",
          goals="Møde til tiden\n- Sige til, hvis jeg bliver forsinket\nFodre kalvene selv",
          follow_up_plan="Møde hver 4. uge med Karen og konsulenten")
    _submit(form)
    assert "Draft" in browser.find_element(By.TAG_NAME, "main").text
    agreement_url = browser.current_url

    _submit(_form(browser, "/steps/send"))
    browser.get(server + "/outbox")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Staldmedhjælper").click()
    WebDriverWait(browser, 5).until(ec.url_contains("/outbox/"))
    link = next(a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")
                if "/m/" in (a.get_attribute("href") or ""))

    browser.get(link)
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Prøve arbejdet i stalden" in page and "Fodre kalvene selv" in page
    confirm = browser.find_element(By.CSS_SELECTOR, 'button[value="confirm"]')
    confirm.click()
    WebDriverWait(browser, 10).until(replaced(confirm))
    browser.get(link)
    assert "used already" in browser.find_element(By.TAG_NAME, "main").text

    browser.get(agreement_url)
    _submit(_form(browser, "/steps/start"))
    form = _form(browser, "/follow-ups")
    _fill(browser, form, held_on=(start + timedelta(weeks=4)).isoformat(), note="Godt i gang, trives med kalvene",
          next_step="Flere timer")
    _submit(form)
    calendar = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text()).then(done);", agreement_url + "/calendar.ics")
    assert calendar.startswith("BEGIN:VCALENDAR") and "Staldmedhjælper" in calendar and "Mikkel" not in calendar

    form = _form(browser, "/end")
    _fill(browser, form, ended_on=ended.isoformat(), outcome="flex_job", outcome_hours="15",
          outcome_start=(ended + timedelta(days=9)).isoformat())
    _submit(form)
    form = _form(browser, "/decision")
    _fill(browser, form, decision="approved", decided_on=decided.isoformat())
    _submit(form)
    form = _form(browser, "/place")
    _fill(browser, form, choice="reopened")
    _submit(form)

    timeline = browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    for step in ("Sent to mentor", "Confirmed by mentor", "Active", "Ended"):
        assert step in timeline, (step, timeline)
    assert "Karen Fjord" in timeline and "Godt i gang" in timeline
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Flex-job" in page and "Approved" in page
    # The replayed link's 410 is expected; a script error or a CSP violation is not.
    severe = [entry for entry in browser.get_log("browser")
              if entry["level"] == "SEVERE" and "410" not in entry["message"]]
    assert not severe, severe


def test_the_comparison_bar_follows_the_ticks_and_offers_the_button(app, server, browser, partnership):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    consultant = factories.user(Role.CONSULTANT, partnership)
    farm = factories.company(partnership, name="Fjordgården", postcode="8900", employees=12)
    mentor = factories.mentor(farm, name="Karen Fjord", email="karen@example.com", max_interns=3)
    for title in ("Staldmedhjælper", "Markhjælper", "Maskinhjælper"):
        factories.job_function(farm, title=title, mentor=mentor, places=1, hours_min=10, hours_max=25)
    young = factories.participant(partnership, name="Mikkel Testesen", interests="dyr, stald",
                                  consultant_id=consultant.id, hours_min=15, hours_max=20, max_km=20)
    _log_in(browser, server, consultant)
    browser.get(f"{server}/participants/{young.id}/internships")
    bar = browser.find_element(By.CSS_SELECTOR, "form[data-compare] .compare-bar")
    assert bar.value_of_css_property("position") == "sticky"
    assert "Tick two suggestions" in bar.text
    boxes = browser.find_elements(By.CSS_SELECTOR, 'form[data-compare] input[name="job"]')
    button = bar.find_element(By.CSS_SELECTOR, "button[type=submit]")
    assert len(boxes) == 3 and not button.is_enabled()

    def tick(box):  # as a user scrolls to it: above the bar, not behind it
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()

    tick(boxes[0])
    assert "1 suggestion chosen" in bar.text
    tick(boxes[1])
    # A third box waits, and the bar says why, instead of greying it out silently.
    assert "Untick one to choose another" in bar.text and not boxes[2].is_enabled() and button.is_enabled()
    button.click()
    WebDriverWait(browser, 10).until(lambda b: "/internships/compare?a=" in b.current_url)
    _loaded(browser)
    assert "Make an agreement" in browser.find_element(By.TAG_NAME, "main").text


def test_a_suggestions_explanation_names_the_words_and_the_occupation_that_matched(app, server, browser,
                                                                                    partnership):
    from selenium.webdriver.common.by import By

    from placement.extensions import db
    from placement.occupations.models import Occupation

    db.session.add(Occupation(uri="http://data.europa.eu/esco/occupation/test-staldmedhjaelper", isco_group="9212",
                              label="staldmedhjælper", alt_labels="hestepasser\nstaldarbejder"))
    consultant = factories.user(Role.CONSULTANT, partnership)
    farm = factories.company(partnership, name="Fjordgården", postcode="8900")
    factories.job_function(farm, title="Staldmedhjælper", tasks="Fodring og mugning hos heste", places=1,
                           hours_min=10, hours_max=25, mentor=factories.mentor(farm, name="Karen Fjord", max_interns=2))
    shop = factories.company(partnership, name="Byens Boghandel", postcode="8900")
    factories.job_function(shop, title="Butiksassistent", tasks="Kassen og hylderne", places=1, hours_min=10,
                           hours_max=25, mentor=factories.mentor(shop, name="Per Bog", max_interns=1))
    # The young person names the occupation by an ESCO synonym only; the job function is not linked to it.
    young = factories.participant(partnership, name="Mikkel Testesen", interests="hestepasser, gerne i en stald",
                                  consultant_id=consultant.id, hours_min=15, hours_max=20, max_km=20)
    _log_in(browser, server, consultant)
    browser.get(f"{server}/participants/{young.id}/internships")

    def interest_sentence(details) -> str:
        for row in details.find_elements(By.CSS_SELECTOR, "table.components tbody tr"):
            if row.find_element(By.TAG_NAME, "th").get_attribute("textContent").strip() == "Interests":
                return row.find_element(By.CSS_SELECTOR, "td[lang=da]").get_attribute("textContent").strip()
        raise AssertionError("no interests row")

    first, second = browser.find_elements(By.CSS_SELECTOR, "details.why")[:2]
    assert first.get_attribute("open") is not None  # the first suggestion's reasons are shown at once
    shown = first.find_element(By.CSS_SELECTOR, "table.components").text
    assert "'hestepasser' = staldmedhjælper (ud fra titlen)" in shown  # the synonym, resolved through the title
    assert "'stald' i titlen (staldmedhjælper)" in shown  # a word inside the Danish compound
    assert interest_sentence(first).startswith("Passer godt til interesserne: ")
    assert interest_sentence(second) == "Intet fælles med interesserne"  # the shop: nothing claimed
