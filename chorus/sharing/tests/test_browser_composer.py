"""The composer's preview follows the employee's typing, through htmx, in real Chromium."""

import pytest
from playwright.sync_api import expect

from chorus.conftest import PASSWORD
from chorus.publishing.models import Post
from chorus.sharing.tests.conftest import SUGGESTION
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_the_preview_follows_typing_and_the_guard_asks_before_approving(
    browser, live_server, participant, activity
):
    page = browser.new_page()
    log_in(page, participant.user.email, PASSWORD)
    page.goto(f"{live_server.url}/o/acme/share/activities/{activity.pk}/")
    preview = page.locator("#composer-preview")
    expect(preview).to_contain_text("the same as the suggested text")
    page.evaluate("window.fullPageMarker = true")

    page.fill("#id_text", "Up on a roof in Tampere this week, and honestly impressed.")

    expect(preview).to_contain_text("Up on a roof in Tampere this week")
    expect(preview).to_contain_text("#employee")
    expect(preview).to_contain_text("Your words are your own")
    assert page.evaluate("window.fullPageMarker") is True

    page.fill("#id_text", SUGGESTION)
    expect(preview).to_contain_text("Post it anyway")
    page.click("text=Approve, schedule later")
    expect(page.locator("#composer-preview")).to_contain_text("Post it anyway")
    assert not Post.objects.exists()

    page.check("#id_acknowledge_similarity")
    page.click("text=Approve, schedule later")

    expect(page).to_have_url(f"{live_server.url}/o/acme/share/posts/")
    expect(page.locator("main")).to_contain_text("Approved. Choose when it goes out")
    assert Post.objects.get().text.endswith("#employee")
