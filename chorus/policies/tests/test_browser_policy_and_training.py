"""A new policy version pauses an employee's posts until they accept it; training unlocks
writing their own posts. In real Chromium, through the pages.

An owner publishes version 2.0 of the social media policy as a major change. The
employee, who accepted 1.0 and has two posts scheduled for the coming days, finds them
paused on "My posts", reads and accepts 2.0, and finds them scheduled again at their
own times. Writing their own post is locked until they pass "Advocacy basics"; they read
its lessons, answer its quiz, and the activity opens in the composer.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.conftest import PASSWORD
from chorus.orgs.models import Membership
from chorus.policies import services as policy_services
from chorus.policies.models import PolicyVersion
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import connect, scheduled_post
from chorus.sharing import services as sharing_services
from chorus.sharing.feed import offer_campaign
from chorus.testing.browser import BrowserSession, log_in
from chorus.training import services as training_services
from chorus.training.models import Module
from chorus.training.starter import ADVOCACY_BASICS

pytestmark = pytest.mark.browser

FIRST_POLICY = "# Our social media policy\n\nBe kind, be honest, say that you work here."
NEW_SECTION = "\n\n## Images\n\nNever post pictures of unreleased products."
SUMMARY = "A new section on pictures of unreleased products."
OWN_POST = "Write about your first month"
SHARE = "Share the spring newsletter"


@pytest.fixture
def employee_with_posts(owner: Membership, employee: Membership) -> list[Post]:
    """The employee accepted version 1.0, joined, and has two posts scheduled ahead."""
    publication = policy_services.publish_version(
        by=owner, text=FIRST_POLICY, summary="Our first policy.", major=True
    )
    policy_services.acknowledge(member=employee, version=publication.version)
    sharing_services.join_programme(member=employee)
    account = connect(employee, handle="@erin")
    soon = timezone.now() + timedelta(days=2)
    return [
        scheduled_post(account, text="Spring is here, and so is our newsletter.", at=soon),
        scheduled_post(
            account, text="Proud of what we shipped this month.", at=soon + timedelta(hours=3)
        ),
    ]


@pytest.fixture
def locked_own_post(content_manager: Membership, employee: Membership) -> Module:
    """A live campaign offers a link to share and an own post; the latter needs training."""
    campaign = Campaign.objects.create(
        organisation=employee.organisation, name="Spring", state=CampaignState.LIVE
    )
    Activity.objects.create(
        campaign=campaign, kind=ActivityKind.SHARE_LINK, title=SHARE, link_url="https://a.test/"
    )
    Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title=OWN_POST,
        topic="Your first month with us",
        position=1,
    )
    offer_campaign(campaign=campaign)
    basics = next(
        module
        for module in training_services.add_starter_modules(by=content_manager)
        if module.starter_key == ADVOCACY_BASICS.key
    )
    training_services.set_unlock_requirements(
        by=content_manager, requirements={ActivityKind.OWN_POST: basics}
    )
    return basics


def activity_card(page: Page, title: str) -> Locator:
    return page.locator("article", has=page.get_by_role("heading", name=title, exact=True))


def publish_major_version(page: Page) -> None:
    page.goto("/o/acme/policy/edit/")
    text = page.get_by_label("Policy (Markdown)")
    text.fill(text.input_value() + NEW_SECTION)
    page.get_by_label("What changed").fill(SUMMARY)
    page.get_by_label("Major: everyone must read and accept it again").check()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_text("2.0").first).to_be_visible()


def answer_the_quiz_rightly(page: Page) -> None:
    for question in ADVOCACY_BASICS.questions:
        group = page.get_by_role("group", name=str(question.text))
        for choice in question.choices:
            if choice.correct:
                group.get_by_label(str(choice.text), exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def test_policy_pauses_and_resumes_posts_and_training_unlocks_own_posts(
    browser: BrowserSession, live_server, owner, employee, employee_with_posts, locked_own_post
):
    times = {post.pk: post.scheduled_for for post in employee_with_posts}

    # 1. The owner publishes version 2.0 as a major change.
    owner_page = browser.new_page()
    log_in(owner_page, owner.user.email, PASSWORD, totp_secret=owner.user.totp_secret)
    publish_major_version(owner_page)
    assert PolicyVersion.objects.filter(major=2, minor=0, summary=SUMMARY).exists()

    # 2. The employee finds both posts paused on "My posts", with the reason.
    page = browser.new_page()
    log_in(page, employee.user.email, PASSWORD)
    page.goto("/o/acme/share/posts/")
    banner = page.locator("#policy-pause-banner")
    expect(banner).to_contain_text("version 2.0")
    paused = page.locator(".paused-posts .post-item")
    expect(paused).to_have_count(2)
    expect(paused.first).to_contain_text("Paused")
    assert set(Post.objects.values_list("state", flat=True)) == {PostState.PAUSED}

    # 3. They read and accept version 2.0; both posts are scheduled again at their times.
    banner.get_by_role("link", name="Read and accept version 2.0").click()
    expect(page.get_by_text("Never post pictures of unreleased products.")).to_be_visible()
    page.get_by_role("button", name="I have read and accept version 2.0").click()
    expect(page.get_by_role("heading", name="Policy accepted")).to_be_visible()
    expect(page.get_by_role("heading", name="Posts back on schedule")).to_be_visible()
    page.goto("/o/acme/share/posts/")
    expect(page.locator("#policy-pause-banner")).to_have_count(0)
    scheduled = page.locator("section", has=page.get_by_role("heading", name="Scheduled"))
    expect(scheduled.locator(".post-item")).to_have_count(2)
    for post in Post.objects.all():
        assert (post.state, post.scheduled_for) == (PostState.SCHEDULED, times[post.pk])

    # 4. Writing their own post is locked until they pass "Advocacy basics".
    page.goto("/o/acme/")
    card = activity_card(page, OWN_POST)
    expect(card).to_contain_text("Locked")
    expect(activity_card(page, SHARE).get_by_role("link", name="Write your post")).to_be_visible()
    card.get_by_role("link", name="Complete the module “Advocacy basics” to unlock").click()
    page.get_by_role("link", name="Start the lessons").click()
    for _lesson in ADVOCACY_BASICS.lessons[:-1]:
        page.get_by_role("button", name="Mark as read and go to the next lesson").click()
    page.get_by_role("button", name="Mark as read and take the quiz").click()
    expect(page).to_have_url(re.compile(rf"/training/{locked_own_post.pk}/quiz/$"))
    answer_the_quiz_rightly(page)
    expect(page.get_by_text("You passed with 100%.")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Write your own post")

    # 5. The activity now opens in the composer.
    page.goto("/o/acme/")
    card = activity_card(page, OWN_POST)
    expect(card).not_to_contain_text("Locked")
    card.get_by_role("link", name="Write your post").click()
    expect(page).to_have_url(re.compile(r"/share/activities/\d+/$"))
    expect(page.get_by_role("heading", name=OWN_POST)).to_be_visible()
    expect(page.locator("textarea[name=text]")).to_be_editable()
    expect(page.get_by_text("Complete the module")).to_have_count(0)
    assert not browser.problems
