"""Every page each demo role reaches, in headless Chromium: axe-core finds no serious or critical violation, and the
Danish interface shows no English word and no ISO-formatted date.

The crawl starts at the start page and follows the links of each page (one page per route pattern: ids become N),
plus the pages a role reaches only through a form (the matching page, a young person's goals). axe-core is the
copy bundled with ``axe-selenium-python`` (axe 3.1: WCAG 2.0 A and AA rules), run through its own API because that
package's helper passes the options where axe expects the context.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from placement.auth.models import User
from placement.demo.data import DEMO_PASSWORD
from placement.extensions import db
from placement.participants.models import Participant
from tests import test_e2e_browser as e2e

pytestmark = pytest.mark.skipif(not (e2e.CHROMIUM and e2e.CHROMEDRIVER), reason="needs chromium and chromedriver")
axe_selenium_python = pytest.importorskip("axe_selenium_python")

server = e2e.server

#: The demo logins, one per role.
ROLES = ("admin@demo.example", "koordinator@demo.example", "konsulent@demo.example", "sagsbehandler@demo.example",
         "mentor@demo.example")
#: Pages per role: enough to reach every route pattern of the demo without making CI slow.
MAX_PAGES = 45
#: Links not followed: leaving the session, files (calendar, CSV, PDF, ZIP), the API's JSON, the language switch.
SKIP = re.compile(r"(/logout|\.ics$|\.csv$|\.pdf$|\.zip$|/export|/download|/calendar/|/static/|/api/|/language|"
                  r"/logo)")
#: English words that never belong in the Danish interface (proper names aside); matched as whole words.
ENGLISH = re.compile(r"\b(Placement|Match|Matches|Score|Submit|Save|Cancel|Search|Edit|Delete|Yes|No|None|True|False|"
                     r"the|and|of|with|from|ordinary|social_economic|yes|no)\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
AXE = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = ("const done = arguments[arguments.length - 1];"
           "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
           ".then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')"
           ".map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)))"
           ".catch((e) => done([`axe failed: ${e}`]));")


@pytest.fixture
def app_config() -> dict:
    return {"BABEL_DEFAULT_LOCALE": "da"}  # the service's own default; the test suite's is English


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def danish_browser():
    """Headless Chromium asking for Danish pages, like a Danish municipality's desktop."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = e2e.CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--lang=da", "--window-size=1366,1000"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "da"})
    driver = webdriver.Chrome(service=Service(e2e.CHROMEDRIVER), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def _pattern(path: str) -> str:
    return re.sub(r"/\d+", "/N", urlsplit(path).path)


def _log_in(browser, server, email: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(server + "/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form[action='/logout']")))


def _extra_pages(email: str) -> list[str]:
    """Pages reached through a form rather than a link: the matching page of one of the user's young people."""
    user = db.session.scalars(select(User).where(User.email == email)).one()
    if user.role.value not in ("consultant", "coordinator"):
        return []
    participant = db.session.scalars(select(Participant).where(Participant.partnership_id == user.partnership_id)
                                     .order_by(Participant.id)).first()
    return [f"/participants/{participant.id}/internships"] if participant else []


def _crawl(browser, server, start: list[str]) -> dict[str, list[str]]:
    """Visit one page per route pattern from ``start`` on; return the problems found per path."""
    from selenium.webdriver.common.by import By

    script = AXE.read_text(encoding="utf-8")
    problems: dict[str, list[str]] = {}
    queue, seen = list(start), set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        browser.get(server + path)
        if browser.execute_script("return document.contentType") != "text/html":
            continue
        browser.execute_script(script)
        found = list(browser.execute_async_script(RUN_AXE))
        text = browser.execute_script("return document.title + '\\n' + document.body.innerText")
        found += [f"English word “{word}”" for word in sorted(set(ENGLISH.findall(text)))]
        found += [f"ISO date {day}" for day in sorted(set(ISO_DATE.findall(text)))]
        if found:
            problems[path] = found
        for link in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
            href = (link.get_attribute("href") or "").split("#")[0]
            if href.startswith(server):
                target = href[len(server):]
                if target and not SKIP.search(urlsplit(target).path) and _pattern(target) not in seen:
                    queue.append(target)
    assert len(seen) > 3, "the crawl reached almost nothing: is the login working?"
    return problems


@pytest.mark.parametrize("email", ROLES)
def test_every_page_of_the_role_is_accessible_and_danish(demo, server, danish_browser, email):
    _log_in(danish_browser, server, email)
    problems = _crawl(danish_browser, server, ["/", *_extra_pages(email)])
    assert not problems, "\n".join(f"{path}: {'; '.join(found)}" for path, found in problems.items())
