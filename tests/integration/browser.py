"""Headless Chromium, driven by Selenium, for the owner's pages (test_owner_browser.py).

A phone-sized window (412x915), a fresh profile per test, explicit waits. Debian's ``chromium`` and
``chromium-driver`` (tools/ep installs them) are used as they are: Selenium Manager never runs (it
would try to download a driver). Paths can be moved with EP_CHROMIUM and EP_CHROMEDRIVER.

Selectors lean on what the pages post and where they go (form actions, field names, hrefs, URLs)
rather than on their layout; the few that read text or classes say so where they are used.
"""
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = os.environ.get("EP_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("EP_CHROMEDRIVER", "/usr/bin/chromedriver")
PHONE = (412, 915)
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/130.0.0.0 Mobile Safari/537.36")
PAGE_TIMEOUT = 60  # a first page load builds Odoo's CSS/JS bundles
STEP_TIMEOUT = 30  # a step after the page is there (a redirect, a reload)


def screenshot_dir():
    state = Path(os.environ.get("EP_STATE") or Path(__file__).resolve().parents[2] / ".state")
    return state / "reports" / "screenshots"


def check_binaries():
    """Fail (never skip) when Chromium or its driver is missing: the suite runs every test."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not (os.path.isfile(path) and os.access(path, os.X_OK))]
    if missing:
        pytest.fail("headless browser tests need %s (Debian packages chromium and chromium-driver; "
                    "tools/ep installs them, or set EP_CHROMIUM / EP_CHROMEDRIVER)" % " and ".join(missing),
                    pytrace=False)


def start_chromium(profile_dir, size=PHONE):
    check_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--user-data-dir=%s" % profile_dir, "--window-size=%d,%d" % size, "--lang=en-US",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--disable-features=Translate",
                     "--password-store=basic"):
        options.add_argument(argument)
    # a phone: its viewport and touch (a plain window cannot be narrower than 500 px in headless Chromium)
    options.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 1.0, "touch": True, "mobile": True},
        "userAgent": PHONE_USER_AGENT})
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en",
                                              "credentials_enable_service": False,
                                              "profile.password_manager_enabled": False})
    # the phone of a driver in China (the lots' time zone), whatever the machine's
    service = Service(executable_path=CHROMEDRIVER, log_output=str(Path(profile_dir).parent / "chromedriver.log"),
                      env=dict(os.environ, TZ="Asia/Shanghai"))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as exc:
        pytest.fail("Chromium did not start (%s, driver %s): %s" % (CHROMIUM, CHROMEDRIVER, exc.msg), pytrace=False)
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    return driver


class Browser:
    """A Chromium window on the server under test, with the few moves the owner's pages need."""

    def __init__(self, driver, base_url):
        self.driver = driver
        self.base_url = base_url.rstrip("/")
        self.profile = None  # the Chromium profile folder (open_browser)

    # ------------------------------------------------------------ where we are
    @property
    def url(self):
        return self.driver.current_url

    @property
    def path(self):
        return urlsplit(self.driver.current_url).path

    def text(self):
        """The visible text of the page (whitespace folded); waits out a page being replaced (a refresh)."""
        body = self.poll(lambda d: d.find_element(By.TAG_NAME, "body").text or " ", 5)
        return " ".join((body or "").split())

    def lang(self):
        """The page's language as Odoo names it (``<html lang="zh-CN">``: zh_CN)."""
        return (self.driver.execute_script("return document.documentElement.lang") or "en-US").replace("-", "_")

    def describe(self):
        return "at %s: %s" % (self.url, self.text()[:600])

    # ------------------------------------------------------------ waiting
    def wait(self, condition, message, timeout=STEP_TIMEOUT):
        """Wait until ``condition(driver)`` is truthy; fail with ``message`` and where the browser is."""
        found = self.poll(condition, timeout)
        if not found:
            pytest.fail("%s (waited %d s) %s" % (message, timeout, self.describe()), pytrace=False)
        return found

    def poll(self, condition, timeout):
        """``condition(driver)`` once truthy within ``timeout`` seconds, else None (no failure)."""
        # WebDriverException too: while a page replaces itself (the order page reloads every 3 s) Chromium
        # may answer "Node with given id does not belong to the document" instead of a stale element
        waiter = WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                               ignored_exceptions=(NoSuchElementException, StaleElementReferenceException,
                                                   WebDriverException))
        try:
            return waiter.until(condition)
        except TimeoutException:
            return None

    def wait_ready(self, timeout=PAGE_TIMEOUT):
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete",
                  "the page did not finish loading", timeout)

    def wait_path(self, pattern, timeout=PAGE_TIMEOUT):
        """Wait for a page whose path matches the regular expression ``pattern``; returns the match."""
        found = self.wait(lambda d: re.search(pattern, urlsplit(d.current_url).path),
                          "expected a page matching %r" % pattern, timeout)
        self.wait_ready(timeout)
        return found

    # ------------------------------------------------------------ moving
    def open(self, path):
        try:
            self.driver.get(self.base_url + path)
            loaded = True
        except TimeoutException:
            loaded = False
        if not loaded:
            pytest.fail("%s did not load within %d s" % (path, PAGE_TIMEOUT), pytrace=False)
        self.wait_ready()
        return self

    def find(self, css, root=None):
        return (root or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css, root=None):
        return (root or self.driver).find_elements(By.CSS_SELECTOR, css)

    def has(self, css):
        return bool(self.find_all(css))

    def element(self, css, message=None, timeout=STEP_TIMEOUT):
        """The first element matching ``css``, once it is on the page."""
        return self.wait(lambda d: d.find_element(By.CSS_SELECTOR, css),
                         message or "no %s on the page" % css, timeout)

    def forms(self, action, method=None):
        """The forms sending to ``action`` (a path: the form's action may carry a query), ``method``
        ("get", "post") if given."""
        def collect(driver):
            found = []
            for form in driver.find_elements(By.TAG_NAME, "form"):
                target = urlsplit(form.get_attribute("action") or "").path
                if target == action and (method is None or (form.get_attribute("method") or "get").lower() == method):
                    found.append(form)
            return (found,)  # truthy: an empty list is an answer too

        answer = self.poll(collect, 5)  # again if the page was replaced meanwhile (a refresh)
        return answer[0] if answer else []

    def form(self, action, method=None, timeout=STEP_TIMEOUT):
        """The first form sending to ``action``, once it is on the page."""
        return self.wait(lambda d: (self.forms(action, method) or [False])[0],
                         "no form to %s%s on the page" % (action, " (%s)" % method if method else ""), timeout)

    def submit(self, form):
        """Press the form's own submit button (associated by the form attribute too), like a finger."""
        button = self.submit_button(form)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()

    def submit_button(self, form):
        form_id = form.get_attribute("id")
        buttons = self.find_all("button[type=submit], input[type=submit]", form)
        if not buttons and form_id:
            buttons = self.find_all('button[type=submit][form="{0}"], input[type=submit][form="{0}"]'.format(form_id))
        assert buttons, "the form to %s has no submit button" % form.get_attribute("action")
        return buttons[0]

    def fill(self, field, value):
        field.clear()
        field.send_keys(value)

    def choose(self, select, value):
        Select(select).select_by_value(str(value))

    def tick(self, box):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        if not box.is_selected():
            box.click()
        assert box.is_selected(), "could not tick %s" % box.get_attribute("outerHTML")

    def type_plate(self, form, plate):
        """Type a plate into a plate form: the province picker (``plate_province``) and the rest
        (``plate``) when the form has the picker, else the whole plate in ``plate``."""
        field = self.find('input[name="plate"]:not([type="hidden"])', form)
        provinces = self.find_all('select[name="plate_province"]', form)
        if provinces:
            self.choose(provinces[0], plate[0])
            self.fill(field, plate[1:])
        else:
            self.fill(field, plate)

    # ------------------------------------------------------------ logging in
    def login(self, login, password):
        self.open("/web/login")
        form = self.form("/web/login", "post")
        self.fill(self.find('input[name="login"]', form), login)
        self.fill(self.find('input[name="password"]', form), password)
        self.submit(form)
        self.wait(lambda d: (urlsplit(d.current_url).path != "/web/login"
                             or d.find_elements(By.CSS_SELECTOR, ".alert-danger")),
                  "the login page did not answer", PAGE_TIMEOUT)
        assert self.path != "/web/login", "%s could not log in %s" % (login, self.describe())
        self.wait_ready()

    # ------------------------------------------------------------ fetching (same session)
    def fetch(self, path):
        """GET ``path`` with the page's cookies: ``{"status", "type", "head"}`` (head: first bytes as text)."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(async (response) => {
                const bytes = new Uint8Array(await response.arrayBuffer());
                done({status: response.status, type: response.headers.get('Content-Type') || '',
                      size: bytes.length, head: String.fromCharCode(...bytes.slice(0, 8))});
            }).catch((error) => done({status: 0, type: '', size: 0, head: String(error)}));
        """, path)

    # ------------------------------------------------------------ evidence
    def screenshot(self, name):
        folder = screenshot_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / ("%s.png" % re.sub(r"[^\w.-]+", "_", name))
        try:
            self.driver.save_screenshot(str(path))
        except WebDriverException:
            return None
        return path


def open_browser(base_url, tmp_dir, size=PHONE):
    """A new Chromium with a fresh profile under ``tmp_dir``."""
    profile = Path(tmp_dir) / "chromium-profile"
    profile.mkdir(parents=True)
    browser = Browser(start_chromium(profile, size), base_url)
    browser.profile = profile
    return browser


def close_browser(browser, name):
    """Leave a screenshot of the page the browser ends on (the flow's last page, or where it failed),
    then quit Chromium and remove its profile."""
    try:
        browser.screenshot(name)
    finally:
        try:
            browser.driver.quit()
        finally:
            if browser.profile:
                shutil.rmtree(browser.profile, ignore_errors=True)
