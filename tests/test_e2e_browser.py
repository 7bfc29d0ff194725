"""End to end in headless Chromium: what a job consultant does on their first day.

Skipped where Chromium and its driver are not installed; `.ci/run` installs them, so CI runs these.
"""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

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

    browser.get(server + "/login")
    browser.find_element(By.ID, "email").send_keys(user.email)
    browser.find_element(By.ID, "password").send_keys(factories.PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()


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
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    error = browser.find_element(By.ID, "cvr-error")
    assert "modulus-11" in error.text
    assert browser.find_element(By.ID, "cvr").get_attribute("aria-describedby").endswith("cvr-error")
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
