"""A member follows a notification from the navigation, in real Chromium."""

import pytest
from playwright.sync_api import expect

from chorus.conftest import PASSWORD
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_following_a_notification_reads_it_and_the_count_follows(browser, live_server, employee):
    notify(
        member=employee,
        kind=NotificationKind.RALLY_FIRED,
        params={"rally": "Hiring week"},
        url="/o/acme/my-data/",
    )
    notify(member=employee, kind=NotificationKind.POSTS_CANCELLED, params={"count": 2})
    page = browser.new_page()
    log_in(page, employee.user.email, PASSWORD)
    page.goto(f"{live_server.url}/o/acme/")

    page.get_by_role("link", name="Notifications, 2 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(
        page.get_by_role("button", name="Mark as read: 2 posts that had not gone out yet were")
    ).to_be_visible()
    page.get_by_role(
        "button",
        name="The rally “Hiring week” reached its goal: your post is going out.",
        exact=True,
    ).click()

    expect(page).to_have_url(f"{live_server.url}/o/acme/my-data/")
    page.get_by_role("link", name="Notifications, 1 unread").click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("1 notification marked as read.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
