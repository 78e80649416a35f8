"""A member downloads their data and deletes their account, in real Chromium."""

import json

import pytest
from playwright.sync_api import expect

from chorus.accounts.models import User
from chorus.conftest import PASSWORD
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_download_then_delete(browser, live_server, erin_data):
    user_id = erin_data.member.user_id
    page = browser.new_page()
    log_in(page, erin_data.member.user.email, PASSWORD)
    page.goto(f"{live_server.url}/o/acme/")

    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="Connected accounts")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it all (JSON)").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["profile"]["email"] == "erin.employee@acme.test"

    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("This is not your password.")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()

    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert not User.objects.filter(pk=user_id).exists()
    page.goto(f"{live_server.url}/o/acme/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/o/acme/")
