"""The token page and the API documentation in real Chromium, under the strict CSP."""

import re

import pytest
from playwright.sync_api import expect

from chorus.conftest import PASSWORD
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_a_new_token_is_shown_once_and_copied(browser, live_server, employee):
    page = browser.new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, employee.user.email, PASSWORD)
    page.goto(f"{live_server.url}/o/acme/")
    page.get_by_role("link", name="API tokens").click()

    page.get_by_label("Name").fill("Intranet feed")
    page.get_by_role("button", name="Create token").click()

    secret = page.get_by_role("textbox", name="Token").input_value()
    assert re.fullmatch(r"chorus_[\w-]{40,}", secret)
    page.get_by_role("button", name="Copy the token").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    page.goto(f"{live_server.url}/o/acme/api-tokens/")
    expect(page.get_by_role("cell", name="Intranet feed", exact=True)).to_be_visible()
    assert secret not in page.content()


def test_the_docs_page_runs_a_request_with_a_token(browser, live_server, employee):
    from chorus.api import services

    secret = services.create_token(by=employee, name="Docs").secret
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")

    page.locator("button.authorize").first.click()
    page.locator(".modal-ux input").fill(secret)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    page.locator("#operations-Me-chorus_api_v1_me_me").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()

    expect(page.locator(".live-responses-table")).to_contain_text("erin.employee@acme.test")
    assert all(url.startswith(live_server.url) for url in requests), requests
