"""From connecting a Bluesky account to the post in its repository, in real Chromium.

An employee taking part in the programme connects their Bluesky account on the
connect page with an app password (against a real PDS), chooses it for the
programme, writes a post for a live campaign's link and approves it to go out
now. The worker (``chorus_publish_due``) publishes it; the PDS then holds a post
whose text is exactly the approved text, with the disclosure and the post's link,
the link clickable, and the campaign's link card.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.conftest import PASSWORD
from chorus.links.models import TrackedLink
from chorus.links.services import short_url
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.models import Post, PostState
from chorus.sharing import services as sharing_services
from chorus.sharing.models import FeedEntry, FeedState
from chorus.testing.browser import BrowserSession, log_in

pytestmark = pytest.mark.browser

TITLE = "Share the solar tiles launch"
LINK = "https://acme.test/solar"
OWN_WORDS = "Hyvää huomenta! A morning on a test roof in Tampere: these tiles are brilliant."
DISCLOSURE = "#employee"


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in a queue nobody drains here: the worker in this test is the command."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def live_campaign(organisation, employee: Membership) -> Activity:
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Solar tiles launch",
        state=CampaignState.LIVE,
        networks=["bluesky"],
        languages=["en"],
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title=TITLE,
        link_url=LINK,
        link_title="Solar tiles",
        link_description="Roof tiles that make electricity.",
    )
    FeedEntry.objects.create(
        member=employee, activity=activity, campaign=campaign, state=FeedState.NEW
    )
    sharing_services.join_programme(member=employee)
    return activity


def new_page(browser: BrowserSession) -> Page:
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_an_employee_connects_bluesky_and_their_approved_post_lands_on_the_pds(
    browser, live_server, pds, employee, live_campaign, queued_tasks
):
    on_bluesky = pds.create_account("erin")
    handle = f"@{on_bluesky.handle}"
    page = new_page(browser)
    log_in(page, employee.user.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")

    # 1. Connect the account on the connect page, with an app password.
    nav.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Connect Bluesky").click()
    expect(page).to_have_url(re.compile(r"/o/acme/accounts/connect/bluesky/$"))
    page.get_by_label("Server").fill(pds.url)
    page.get_by_label("Handle or email").fill(on_bluesky.handle)
    page.get_by_label("App password").fill(on_bluesky.app_password)
    page.get_by_role("button", name="Connect Bluesky").click()
    expect(page.locator(".messages")).to_contain_text(f"Bluesky {handle} is connected")
    account = ConnectedAccount.objects.get(member=employee, network="bluesky")
    assert account.external_id == on_bluesky.did
    assert account.server == pds.url

    # 2. Choose it for the programme.
    nav.get_by_role("link", name="Programme").click()
    page.get_by_label(f"Bluesky · {handle}").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.locator(".messages")).to_contain_text("Your choice of accounts is saved.")

    # 3. Write the post in their own words and approve it to go out now.
    nav.get_by_role("link", name="Home").click()
    feed_item = page.locator("li.feed-item", has=page.get_by_role("heading", name=TITLE))
    feed_item.get_by_role("link", name="Write your post").click()
    page.get_by_label("Your post").fill(OWN_WORDS)
    preview = page.locator("#composer-preview .post-preview")
    expect(preview).to_contain_text(OWN_WORDS)
    expect(preview).to_contain_text(DISCLOSURE)
    approved_text = preview.inner_text()
    page.get_by_role("button", name="Approve and post now").click()
    expect(page.locator(".messages")).to_contain_text("Approved. It is going out now.")
    post = Post.objects.get(member=employee)
    assert post.state == PostState.SCHEDULED
    assert post.account == account

    # 4. The worker publishes it.
    call_command("chorus_publish_due", now=(timezone.now() + timedelta(minutes=1)).isoformat())

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED, post.failure_reason
    record = pds.get_record(post.external_id)
    assert record is not None
    value = record["value"]
    assert value["text"] == post.text == approved_text
    assert OWN_WORDS in value["text"]
    assert DISCLOSURE in value["text"]
    # The link is the employee's own tracked short link, which leads to the campaign's page.
    tracked = TrackedLink.objects.get(member=employee, activity=post.activity, network="bluesky")
    assert post.link_url == short_url(tracked)
    assert tracked.target.startswith(f"{LINK}?utm_source=bluesky")
    assert post.link_url in value["text"]
    [link] = [f for f in value["facets"] if f["features"][0]["$type"].endswith("#link")]
    index = link["index"]
    assert value["text"].encode()[index["byteStart"] : index["byteEnd"]].decode() == post.link_url
    assert value["embed"]["external"]["uri"] == post.link_url
    assert value["embed"]["external"]["title"] == "Solar tiles"
    assert value["embed"]["external"]["description"] == "Roof tiles that make electricity."
    assert [r["uri"] for r in pds.list_records(on_bluesky.did)] == [post.external_id]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My posts").click()
    published = page.locator("section", has=page.get_by_role("heading", name="Published"))
    expect(published.locator(".post-item", has_text=TITLE)).to_contain_text(DISCLOSURE)
