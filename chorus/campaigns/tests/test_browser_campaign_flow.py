"""A campaign from first draft to approval, in real Chromium (no CSP or script errors)."""

import re

import pytest
from playwright.sync_api import expect

from chorus.campaigns.models import Campaign, CampaignState
from chorus.conftest import PASSWORD
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def test_draft_submit_and_approve(browser, live_server, content_manager, reviewer, teams):
    manager = browser.new_page()
    log_in(manager, content_manager.user.email, PASSWORD)
    manager.goto("/o/acme/campaigns/")
    expect(manager.get_by_text("No campaigns yet.")).to_be_visible()

    manager.get_by_role("link", name="New campaign").click()
    manager.get_by_label("Name").fill("Spring launch")
    manager.get_by_label("German").check()
    manager.get_by_label("LinkedIn").check()
    manager.get_by_label("X", exact=True).check()
    manager.get_by_role("button", name="Create campaign").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Spring launch")

    manager.get_by_role("link", name="Add an activity").click()
    link = manager.locator("#id_link_url")
    topic = manager.locator("#id_topic")
    manager.get_by_label("Employees are asked to").select_option("own_post")
    expect(link).to_be_hidden()
    expect(topic).to_be_visible()
    manager.get_by_label("Employees are asked to").select_option("share_link")
    expect(topic).to_be_hidden()
    manager.locator("#id_title").fill("Share the launch post")
    link.fill("https://acme.test/blog/spring")
    manager.get_by_label("Link card title").fill("Spring is here")
    manager.get_by_role("button", name="Add activity").click()
    expect(manager.locator(".link-card")).to_contain_text("acme.test")

    manager.get_by_role("link", name="Add a suggestion").click()
    manager.get_by_label("Network").select_option("x")
    manager.get_by_label("Suggested text").fill("é" * 270)
    manager.get_by_role("button", name="Add suggestion").click()
    expect(manager.get_by_text("Too long somewhere")).to_be_visible()

    manager.get_by_role("button", name="Submit for review").click()
    expect(manager.locator(".messages")).to_contain_text("Submitted for review.")

    checker = browser.new_page()
    log_in(checker, reviewer.user.email, PASSWORD)
    checker.goto("/o/acme/campaigns/?state=in_review")
    checker.get_by_role("link", name="Spring launch").click()
    checker.get_by_role("link", name="Review this campaign").click()
    checker.get_by_label("Request changes").check()
    checker.get_by_role("button", name="Send review").click()
    expect(checker.get_by_text("Say what needs to change.").first).to_be_visible()
    checker.get_by_label("Approve").check()
    checker.get_by_label("Comment").fill("Shorten the X text before going live next time")
    checker.get_by_role("button", name="Send review").click()
    expect(checker.locator(".messages")).to_contain_text("Campaign approved.")
    expect(checker).to_have_url(re.compile(r"/o/acme/campaigns/\d+/$"))

    assert Campaign.objects.get().state == CampaignState.APPROVED
