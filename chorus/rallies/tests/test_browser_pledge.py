"""An employee writes a pledge: the exact post, disclosure included, updates as they type."""

import pytest
from playwright.sync_api import expect

from chorus.conftest import PASSWORD
from chorus.rallies.models import Pledge
from chorus.rallies.tests.helpers import connect, join, own_words, tracked_link_of
from chorus.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_follows_the_text_and_the_pledge_is_made(browser, live_server, employee, rally):
    join(employee)
    account = connect(employee)
    page = browser.new_page()
    log_in(page, employee.user.email, PASSWORD)
    page.goto(f"{live_server.url}/o/acme/rallies/{rally.pk}/")
    preview = page.locator("#pledge-preview")
    expect(preview).to_contain_text("#employee")
    expect(page.get_by_role("progressbar")).to_have_accessible_name("0 of 3 pledges")
    page.evaluate("window.fullPageMarker = true")

    page.fill("#id_text", "Proud of our Helsinki people")

    expect(preview.locator("blockquote")).to_have_text(
        f"Proud of our Helsinki people\n{tracked_link_of(account, rally.activity)}\n\n#employee"
    )
    assert page.evaluate("window.fullPageMarker") is True

    page.fill("#id_text", own_words(3))
    page.get_by_role("button", name="Pledge", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("You pledged.")
    expect(page.get_by_role("progressbar")).to_have_accessible_name("1 of 3 pledges")
    pledge = Pledge.objects.get()
    assert pledge.account == account
    assert pledge.post.text.startswith(own_words(3))
