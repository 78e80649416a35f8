"""The people list filters as the admin types, through htmx, without a full page load."""

import pytest
from playwright.sync_api import expect

from chorus.conftest import PASSWORD
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_typing_in_the_search_narrows_the_list_in_place(
    browser, live_server, admin, employee, reviewer
):
    page = browser.new_page()
    log_in(page, admin.user.email, PASSWORD, totp_secret=admin.user.totp_secret)
    page.goto(f"{live_server.url}/o/acme/people/")
    results = page.locator("#people-results")
    expect(results).to_contain_text(reviewer.user.full_name)
    page.evaluate("window.fullPageMarker = true")

    page.fill("#q", "erin")

    expect(results).not_to_contain_text(reviewer.user.full_name)
    expect(results).to_contain_text(employee.user.full_name)
    expect(page).to_have_url(f"{live_server.url}/o/acme/people/?q=erin&role=&team=")
    assert page.evaluate("window.fullPageMarker") is True

    page.fill("#q", "nobody-has-this-name")
    expect(results).to_contain_text("No one matches these filters.")
