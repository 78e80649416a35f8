"""A member connects a development outbox, caps it, and disconnects it, in real Chromium."""

import pytest
from playwright.sync_api import Dialog, expect

from chorus.conftest import PASSWORD
from chorus.networks.models import ConnectedAccount
from chorus.publishing.models import PostState
from chorus.publishing.tests.factories import join_programme, scheduled_post
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_connect_cap_and_disconnect_an_outbox(browser, live_server, employee):
    join_programme(employee)
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, employee.user.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", name="Your accounts")).to_be_visible()
    page.get_by_label("Handle").fill("@erin-dev")
    page.get_by_role("button", name="Connect development outbox").click()

    expect(page.get_by_role("status")).to_contain_text("Development outbox @erin-dev connected")
    row = page.locator("tr", has_text="@erin-dev")
    expect(row).to_contain_text("posts are recorded in Chorus, not sent to any network")
    account = ConnectedAccount.objects.get(member=employee)
    waiting = scheduled_post(account, text="Friday's post about the launch.")

    row.get_by_label("Posts per day at most").fill("3")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("tr", has_text="@erin-dev")).to_contain_text("at most 3 posts a day")

    page.get_by_role("button", name="Disconnect @erin-dev").click()

    expect(page.get_by_role("heading", name="Cancelled posts")).to_be_visible()
    expect(page.get_by_role("link", name="Friday's post about the launch.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.state == PostState.CANCELLED


def test_disconnect_asks_first(browser, live_server, employee):
    page = browser.new_page()
    dialogs: list[Dialog] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog)
        dialog.dismiss()

    page.on("dialog", dismiss)
    ConnectedAccount.objects.create(
        organisation=employee.organisation,
        member=employee,
        network="outbox",
        external_id="@erin",
        handle="@erin",
        takes_part=True,
    )
    log_in(page, employee.user.email, PASSWORD)
    page.goto("/o/acme/accounts/")

    page.get_by_role("button", name="Disconnect @erin").click()

    assert "Every post still waiting for it is cancelled" in dialogs[0].message
    assert ConnectedAccount.objects.get().status == "active"
