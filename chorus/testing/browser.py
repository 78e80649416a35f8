"""End-to-end tests in real Chromium through Playwright's synchronous API.

One Chromium per test module; every ``browser.new_page()`` opens a fresh context, so
each page is a separate person with their own cookies. Pages are watched for Content
Security Policy violations and script errors, which fail the test. When a test fails,
the pages it opened are described in the report and saved as screenshots.

Tests using these fixtures are marked ``browser``; ``pytest -m "not browser"`` skips them.
"""

import os
import re
import tempfile
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from chorus.testing.smtp import SMTPServer
from chorus.testing.totp import fresh_code

CHROMIUM = os.environ.get("CHORUS_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(
    os.environ.get("CHORUS_TEST_ARTIFACTS", Path(tempfile.gettempdir()) / "chorus-browser-tests")
)
TIMEOUT_MS = 10_000

_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


@dataclass
class BrowserSession:
    """Pages opened by one test against the live server, and the problems they logged."""

    browser: Browser
    base_url: str
    pages: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def new_page(self) -> Page:
        """A page in a new browser context: no cookies, nobody logged in."""
        context = self.browser.new_context(base_url=self.base_url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        self.pages.append(page)
        return page

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        # A 404 page is logged as a failed resource; that is no problem of the page.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{page.url}: {message.text}")

    def close(self) -> None:
        for page in self.pages:
            page.context.close()

    def describe(self, directory: Path, name: str) -> str:
        """Save a screenshot of every open page and say where each is and what it shows."""
        directory.mkdir(parents=True, exist_ok=True)
        lines = []
        for number, page in enumerate(self.pages, start=1):
            if page.is_closed():
                continue
            path = directory / f"{name}-page{number}.png"
            try:
                page.screenshot(path=path, full_page=True)
                text = page.locator("body").inner_text(timeout=1000)
            except Exception as error:  # a broken page is described as such
                text = f"(cannot read the page: {error})"
            lines += [
                f"Page {number}: {page.url}",
                f"Screenshot: {path}",
                text.strip()[:3000],
                "",
            ]
        if self.problems:
            lines += ["Browser console problems:", *self.problems]
        return "\n".join(lines)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Chromium for one test module.

    Playwright's synchronous API keeps an event loop running in the test thread, so
    Django would refuse database access there; it is allowed while the module runs.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (set CHORUS_TEST_CHROMIUM)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser(
    chromium: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[BrowserSession]:
    session = BrowserSession(browser=chromium, base_url=live_server.url)
    yield session
    call = request.node.stash.get(_reports, {}).get("call")
    session.close()
    if call is not None and call.passed and session.problems:
        pytest.fail("The browser logged problems:\n" + "\n".join(session.problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report, and describe the browser pages of a failed test."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    session = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and isinstance(session, BrowserSession):
        name = re.sub(r"[^\w.-]+", "_", item.nodeid)[-120:]
        report.sections.append(("browser pages", session.describe(ARTIFACTS, name)))
    return report


def log_in(page: Page, email: str, password: str, *, totp_secret: str | None = None) -> None:
    """Log in through the login page, and the two-factor step when the account has one."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in").click()
    if totp_secret is None:
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.locator("input[name=code]").fill(fresh_code(totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def wait_for_email(smtp: SMTPServer, address: str, *, timeout: float = 10) -> str:
    """The plain-text body of the first message the SMTP server received for ``address``."""
    deadline = time.monotonic() + timeout
    while not (messages := smtp.mailbox.to(address)):
        if time.monotonic() > deadline:
            received = [str(message["To"]) for message in smtp.mailbox.messages]
            raise AssertionError(f"No email to {address} arrived; received for: {received}")
        time.sleep(0.05)
    return smtp.mailbox.body_of(messages[0])
