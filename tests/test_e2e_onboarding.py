"""End to end in headless Chromium: day one of a municipality, as issue #8's "Done when" walks it.

The first admin comes from the command line; everything after happens on the pages, with the second factor
required: the admin enrols TOTP and creates the partnership "Randers", invites its youth coordinator, who chooses a
password from the e-mailed link, enrols TOTP and invites a consultant; the consultant chooses a password, enrols, and
logs in again with both factors. The codes come from ``pyotp`` with the secret the setup page shows as text.

Skipped where Chromium and its driver are not installed (as tests/test_e2e_browser.py).
"""

import re
import time

import pytest
from sqlalchemy import select

from placement.extensions import db
from placement.mail.models import OutboxMessage
from tests import test_e2e_browser as e2e

pytestmark = pytest.mark.skipif(not (e2e.CHROMIUM and e2e.CHROMEDRIVER), reason="needs chromium and chromedriver")

# The live server and the headless browser of the first browser test.
server = e2e.server
browser = e2e.browser

pyotp = pytest.importorskip("pyotp")

ADMIN = {"email": "anne.admin@randers.dk", "name": "Anne Andersen", "password": "blå kaffekande i skuret 77"}
COORDINATOR = {"email": "rikke.k@randers.dk", "name": "Rikke Holm", "password": "lilla giraf under bordet 42"}
CONSULTANT = {"email": "carl.k@randers.dk", "name": "Carl Mortensen", "password": "grøn traktor på marken 1987"}
WAIT = 10


@pytest.fixture
def app_config() -> dict:
    # The second factor as in production, and CSRF protection on: a real browser sends the tokens.
    return {"TOTP_REQUIRED": True, "WTF_CSRF_ENABLED": True}


class Authenticator:
    """The phone app: codes for one secret, never the same time step twice (the service refuses a replay)."""

    def __init__(self, secret: str) -> None:
        self.totp = pyotp.TOTP(secret)
        self.last: int | None = None

    def wrong_code(self) -> str:
        """A code of no step the service would accept now."""
        now = self.totp.timecode(time.time())
        near = {self.totp.generate_otp(counter) for counter in range(now - 2, now + 3)}
        return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555") if code not in near)

    def code(self) -> str:
        now = self.totp.timecode(time.time())
        # The service accepts the current step and its neighbours, each once: the next unused one is at most now + 1.
        counter = now if self.last is None or self.last < now else self.last + 1
        assert counter <= now + 1, "two codes within one step already: the test goes too fast for TOTP"
        self.last = counter
        return self.totp.generate_otp(counter)


def _wait(browser):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT)


def _main_text(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "main").text


def _submit(browser, form=None) -> None:
    """Submit the page's main form and wait until the browser has left the page."""
    from selenium.webdriver.common.by import By

    form = form or browser.find_element(By.CSS_SELECTOR, "main form.form")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(browser).until(e2e.replaced(form))


def _type(browser, **values: str) -> None:
    from selenium.webdriver.common.by import By

    for field_id, value in values.items():
        field = browser.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)


def _select(browser, field_id: str, *, value: str | None = None, text: str | None = None) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    choice = Select(browser.find_element(By.ID, field_id))
    if value is not None:
        choice.select_by_value(value)
    else:
        choice.select_by_visible_text(text)


def _password_step(browser, server, person: dict) -> None:
    browser.get(server + "/login")
    _type(browser, email=person["email"], password=person["password"])
    _submit(browser)


def _logged_in(browser, person: dict) -> None:
    """Wait for the start page of the person (the logout button shows a session)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form[action='/logout']")))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == f"Welcome, {person['name']}", heading


def _enrol(browser, server) -> Authenticator:
    """On the forced setup page: read the key shown as text, confirm with a code, see the recovery codes, go on."""
    from selenium.webdriver.common.by import By

    assert browser.current_url == server + "/login/second-factor/setup", browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Set up the second factor"
    assert browser.find_elements(By.CSS_SELECTOR, "figure.totp-qr svg"), "no QR code on the setup page"
    secret = browser.find_element(By.CSS_SELECTOR, "code.totp-secret").text.replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    phone = Authenticator(secret)
    # A wrong code first: refused on the field, nothing turned on.
    _type(browser, code=phone.wrong_code())
    _submit(browser)
    assert "wrong" in browser.find_element(By.ID, "code-error").text
    assert browser.find_element(By.CSS_SELECTOR, "code.totp-secret").text.replace(" ", "") == secret
    _type(browser, code=phone.code())
    _submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your recovery codes"
    codes = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "ol.recovery-codes code")]
    assert len(codes) >= 5 and len(set(codes)) == len(codes) and all(codes), codes
    continue_link = browser.find_element(By.LINK_TEXT, "I have saved the codes: continue")
    continue_link.click()

    _wait(browser).until(e2e.replaced(continue_link))
    return phone


def _invitation_link(server, email: str) -> str:
    """Read the newest invitation to ``email`` from the outbox table (as the mail sender would)."""
    with db.engine.connect() as conn:
        bodies = conn.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                              .order_by(OutboxMessage.id.desc())).all()
    assert len(bodies) == 1, f"expected one e-mail to {email}, got {len(bodies)}"
    links = re.findall(r"https?://\S+", bodies[0])
    assert len(links) == 1, bodies[0]
    assert links[0].startswith(server + "/password/set?token="), links[0]
    return links[0]


def _choose_password(browser, server, link: str, person: dict) -> None:
    """Open the invitation in a fresh browser session and choose the password."""
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(link)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Choose your password"
    assert person["email"] in _main_text(browser)
    # Too short and too simple first: refused with the reason on the field.
    _type(browser, password="kort1", confirm="kort1")
    _submit(browser)
    assert browser.find_element(By.ID, "password-error").text, "a weak password was not refused on the field"
    _type(browser, password=person["password"], confirm=person["password"])
    _submit(browser)
    assert browser.current_url == server + "/login", browser.current_url
    assert "Your password is set" in _main_text(browser)
    # The link works once.
    browser.get(link)
    assert browser.find_element(By.TAG_NAME, "h1").text == "This link cannot be used"
    assert "used already" in _main_text(browser)


def _invite(browser, person: dict, role: str, partnership: str | None = None) -> None:
    """On the users page: add a user, who is sent an invitation."""
    from selenium.webdriver.common.by import By

    browser.find_element(By.LINK_TEXT, "Users").click()
    browser.find_element(By.LINK_TEXT, "Add user").click()
    _type(browser, name=person["name"], email=person["email"])
    _select(browser, "role", value=role)
    if partnership is not None:
        _select(browser, "partnership_id", text=partnership)
    _submit(browser)
    page = _main_text(browser)
    assert f"{person['name']} was created and has been sent an invitation" in page, page


def _log_out(browser) -> None:
    from selenium.webdriver.common.by import By

    _submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/logout']"))


def test_first_admin_to_consultant_with_second_factor_all_through_the_browser(app, runner, server, browser):
    from selenium.webdriver.common.by import By

    # Links in e-mails come from the configured base URL (as in production), here the live server.
    app.config["BASE_URL"] = server

    # 1. The first partnership and the first admin by the command line, as the README says.
    result = runner.invoke(args=["partnerships", "create", "--name", "Drift", "--municipality", "Randers Kommune",
                                 "--education-place", "Randers Bo- og Erhvervstræning"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--email", ADMIN["email"], "--name", ADMIN["name"],
                                 "--role", "admin", "--partnership", "Drift", "--password", ADMIN["password"]])
    assert result.exit_code == 0, result.output
    db.session.remove()  # nothing of the test's own session stays open while the server writes

    _password_step(browser, server, ADMIN)
    _enrol(browser, server)
    _logged_in(browser, ADMIN)

    # 2. The partnership "Randers" on the partnerships page.
    browser.find_element(By.LINK_TEXT, "Partnerships").click()
    browser.find_element(By.LINK_TEXT, "Add partnership").click()
    _type(browser, name="Randers", municipality="Randers Kommune",
          education_place="Randers Bo- og Erhvervstræning", postcode="8900")
    _submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Randers"
    browser.find_element(By.LINK_TEXT, "Partnerships").click()
    assert browser.find_elements(By.LINK_TEXT, "Randers"), _main_text(browser)

    # 3. The admin invites Randers' youth coordinator.
    _invite(browser, COORDINATOR, "coordinator", partnership="Randers")
    link = _invitation_link(server, COORDINATOR["email"])

    # The coordinator chooses a password, logs in, must set up the second factor, and invites a consultant.
    _choose_password(browser, server, link, COORDINATOR)
    _password_step(browser, server, COORDINATOR)
    _enrol(browser, server)
    _logged_in(browser, COORDINATOR)
    assert "Youth coordinator · Randers" in browser.find_element(By.CSS_SELECTOR, ".who").text
    _invite(browser, CONSULTANT, "consultant")
    assert "Randers" in _main_text(browser)
    link = _invitation_link(server, CONSULTANT["email"])

    # The consultant chooses a password, sets up the second factor at the first login ...
    _choose_password(browser, server, link, CONSULTANT)
    _password_step(browser, server, CONSULTANT)
    phone = _enrol(browser, server)
    _logged_in(browser, CONSULTANT)
    _log_out(browser)

    # ... and logs in again with both factors: password, then the next code from the app.
    _password_step(browser, server, CONSULTANT)
    assert browser.current_url == server + "/login/second-factor", browser.current_url
    _type(browser, code=phone.code())
    _submit(browser)
    _logged_in(browser, CONSULTANT)
    assert "Job consultant · Randers" in browser.find_element(By.CSS_SELECTOR, ".who").text

    # No script error and no CSP violation on the way (a refused weak password is a 400, a used link a 404/410).
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
              and not re.search(r"\b(400|404|410)\b", entry["message"])]
    assert not severe, severe
