"""From a campaign's first draft to three published posts, in real Chromium.

A content manager writes a campaign, a reviewer sends it back once and then approves
it, the pilot team answers, it goes live; an employee joins the programme, connects a
development outbox, writes three posts in their own words, spreads them over two
working days, and after the publisher runs (with a clock two days on) finds them
published and recorded in the outbox, each with the organisation's disclosure.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from chorus.campaigns.models import Campaign, CampaignState, PilotFeedback
from chorus.conftest import PASSWORD, make_member
from chorus.links.models import TrackedLink
from chorus.links.services import short_url
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.orgs.models import Membership, Organisation, Team
from chorus.orgs.roles import Role
from chorus.publishing.models import Post, PostState
from chorus.sharing import services as sharing_services
from chorus.testing.browser import BrowserSession, log_in

pytestmark = pytest.mark.browser

CAMPAIGN = "Solar tiles launch"
FIRST = "Share the solar tiles launch"
SECOND = "Write about a winter on the roof"
THIRD = "Share the installer training"
FIRST_LINK = "https://acme.test/solar"
THIRD_LINK = "https://acme.test/training"
FIRST_SUGGESTION = (
    "Our new solar roof tiles cut a family's energy bill by a third. "
    "Proud of the team that built them over three long winters."
)
THIRD_SUGGESTION = "Installers can now learn to fit our solar tiles in a two day course."
REVISED_THIRD_SUGGESTION = (
    "Installers can now learn to fit our solar tiles in a two day course, "
    "with a certificate at the end."
)
CHANGE_REQUEST = "Mention the certificate in the installer training text."
PILOT_COMMENT = "Clear and friendly; the energy bill figure will get attention."
NEARLY_THE_SUGGESTION = FIRST_SUGGESTION + " Have a look."
OWN_WORDS = {
    FIRST: "I spent a morning on a test roof in Tampere and came down convinced: "
    "these tiles are quietly brilliant.",
    SECOND: "Three winters of frozen fingers, cold coffee and stubborn prototypes. "
    "I would do it all again with this crew.",
    THIRD: "Know a roofer who likes learning new tricks? Our course takes two days "
    "and ends with a certificate.",
}
DISCLOSURE = "#employee"


def final(words: str, link: str = "") -> str:
    """What the employee approves: their words, the link if any, and the disclosure."""
    return f"{words}\n{link}\n\n{DISCLOSURE}" if link else f"{words}\n\n{DISCLOSURE}"


LINKS = {FIRST: FIRST_LINK, THIRD: THIRD_LINK}


def expected(title: str) -> str:
    """The approved text; a shared page's link is the employee's own tracked short link."""
    if title not in LINKS:
        return final(OWN_WORDS[title])
    link = TrackedLink.objects.get(activity__title=title)
    assert link.target.startswith(f"{LINKS[title]}?utm_source=outbox&")
    return final(OWN_WORDS[title], short_url(link))


@pytest.fixture
def pilot_member(organisation: Organisation, teams: dict[str, Team]) -> Membership:
    """An employee in the Nordics team (the pilot team), already taking part."""
    member = make_member(organisation, Role.EMPLOYEE, "pia.pilot@acme.test", "Pia Pilot")
    member.teams.add(teams["Nordics"])
    sharing_services.join_programme(member=member)
    return member


@pytest.fixture
def targeted_employee(employee: Membership, teams: dict[str, Team]) -> Membership:
    """Erin, in the Sales team the campaign is for, not in the pilot, not yet taking part."""
    employee.teams.add(teams["Sales"])
    return employee


def new_page(browser: BrowserSession) -> Page:
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    return page


def messages(page: Page) -> Locator:
    return page.locator(".messages")


def activity_card(page: Page, title: str) -> Locator:
    return page.locator("article", has=page.get_by_role("heading", name=title, exact=True))


def write_campaign(manager: Page) -> None:
    manager.goto("/o/acme/campaigns/")
    manager.get_by_role("link", name="New campaign").click()
    manager.get_by_label("Name").fill(CAMPAIGN)
    manager.get_by_label("Goal").fill("Tell people about the solar roof tiles.")
    manager.get_by_label("English").check()
    manager.get_by_label("Development outbox").check()
    manager.get_by_label("LinkedIn").check()
    manager.get_by_label("Sales").check()
    manager.get_by_label("Pilot team").select_option(label="Nordics")
    manager.get_by_role("button", name="Create campaign").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    expect(manager.locator(".campaign-settings")).to_contain_text("Development outbox")
    expect(manager.locator(".campaign-settings")).to_contain_text("Nordics")

    add_activity(manager, kind="share_link", title=FIRST, link=FIRST_LINK, card="Solar tiles")
    add_suggestion(manager, FIRST, FIRST_SUGGESTION)
    add_activity(manager, kind="own_post", title=SECOND, topic="Building the tiles")
    add_activity(manager, kind="share_link", title=THIRD, link=THIRD_LINK, card="Training")
    add_suggestion(manager, THIRD, THIRD_SUGGESTION)
    expect(manager.locator("article.activity")).to_have_count(3)


def add_activity(
    manager: Page, *, kind: str, title: str, link: str = "", card: str = "", topic: str = ""
) -> None:
    manager.get_by_role("link", name="Add an activity").click()
    manager.get_by_label("Employees are asked to").select_option(kind)
    manager.locator("#id_title").fill(title)
    if link:
        manager.locator("#id_link_url").fill(link)
        manager.get_by_label("Link card title").fill(card)
    if topic:
        manager.get_by_label("Topic").fill(topic)
    manager.get_by_role("button", name="Add activity").click()
    expect(messages(manager)).to_contain_text("Activity added.")
    expect(activity_card(manager, title)).to_be_visible()


def add_suggestion(manager: Page, title: str, text: str) -> None:
    activity_card(manager, title).get_by_role("link", name="Add a suggestion").click()
    manager.locator("#id_language").select_option("en")
    manager.get_by_label("Suggested text").fill(text)
    manager.get_by_role("button", name="Add suggestion").click()
    expect(messages(manager)).to_contain_text("Suggestion added.")
    expect(activity_card(manager, title)).to_contain_text(text[:60])


def review(checker: Page, *, decision: str, comment: str) -> None:
    checker.goto("/o/acme/campaigns/?state=in_review")
    checker.get_by_role("link", name=CAMPAIGN).click()
    checker.get_by_role("link", name="Review this campaign").click()
    expect(checker.get_by_role("heading", name=FIRST)).to_be_visible()
    checker.get_by_label(decision).check()
    checker.get_by_label("Comment").fill(comment)
    checker.get_by_role("button", name="Send review").click()


def open_composer(page: Page, title: str) -> None:
    """Open an activity from the employee's feed on the home page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    feed_item = page.locator("li.feed-item", has=page.get_by_role("heading", name=title))
    feed_item.get_by_role("link", name="Write your post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def approve_own_words(page: Page, title: str) -> None:
    """Write in one's own words, see no warning and the exact text with disclosure, approve."""
    words = OWN_WORDS[title]
    preview = page.locator("#composer-preview")
    page.get_by_label("Your post").fill(words)
    expect(preview.get_by_text("Your words are your own")).to_be_visible()
    expect(preview.get_by_role("alert")).to_have_count(0)
    shown = preview.locator(".post-preview")
    expect(shown).to_contain_text(words)
    expect(shown).to_contain_text(DISCLOSURE)
    assert shown.inner_text() == expected(title)  # line breaks as they will be posted
    page.get_by_role("button", name="Approve, schedule later").click()
    expect(page).to_have_url(re.compile(r"/o/acme/share/posts/$"))
    expect(messages(page)).to_contain_text("Approved. Choose when it goes out")


def test_a_campaign_becomes_three_published_posts(
    browser,
    live_server,
    content_manager,
    reviewer,
    targeted_employee,
    pilot_member,
    teams,
):
    # 1. The content manager writes the campaign and submits it.
    manager = new_page(browser)
    log_in(manager, content_manager.user.email, PASSWORD)
    write_campaign(manager)
    manager.get_by_role("button", name="Submit for review").click()
    expect(messages(manager)).to_contain_text("Submitted for review.")
    expect(manager.locator(".campaign-state")).to_have_text("In review")
    campaign = Campaign.objects.get(name=CAMPAIGN)
    assert set(campaign.networks) >= {"outbox"}
    assert campaign.languages == ["en"]
    assert campaign.pilot_team == teams["Nordics"]
    assert list(campaign.target_teams.all()) == [teams["Sales"]]

    # 2. The reviewer asks for a change; the manager reads it, edits, resubmits; approved.
    checker = new_page(browser)
    log_in(checker, reviewer.user.email, PASSWORD)
    review(checker, decision="Request changes", comment=CHANGE_REQUEST)
    expect(messages(checker)).to_contain_text("Changes requested.")

    manager.reload()
    expect(manager.locator(".campaign-state")).to_have_text("Draft")
    history = manager.locator(".review-history")
    expect(history).to_contain_text("Rita Reviewer")
    expect(history.locator("blockquote")).to_have_text(CHANGE_REQUEST)
    activity_card(manager, THIRD).get_by_role("link", name="Edit suggestion").click()
    manager.get_by_label("Suggested text").fill(REVISED_THIRD_SUGGESTION)
    manager.get_by_role("button", name="Save suggestion").click()
    expect(messages(manager)).to_contain_text("Suggestion saved.")
    expect(activity_card(manager, THIRD)).to_contain_text("certificate")
    manager.get_by_role("button", name="Submit for review").click()
    expect(messages(manager)).to_contain_text("Submitted for review.")

    review(checker, decision="Approve", comment="Good to go.")
    expect(messages(checker)).to_contain_text("Campaign approved.")
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.APPROVED

    # 3. The pilot: the pilot team answers, the manager reads it and goes live.
    manager.reload()
    manager.get_by_role("button", name="Start the pilot").click()
    expect(messages(manager)).to_contain_text("The pilot has started")
    expect(manager.get_by_text("No answers from the pilot team yet.")).to_be_visible()

    tester = new_page(browser)
    log_in(tester, pilot_member.user.email, PASSWORD)
    tester.goto("/o/acme/")
    tester.get_by_role("link", name="Tell us how your audience would read this").first.click()
    expect(tester.get_by_role("heading", level=1)).to_have_text(f"Pilot: {CAMPAIGN}")
    expect(tester.get_by_role("heading", name=SECOND)).to_be_visible()
    tester.get_by_label("My audience would welcome this").check()
    tester.get_by_label("Comment").fill(PILOT_COMMENT)
    tester.get_by_role("button", name="Send my answer").click()
    expect(messages(tester)).to_contain_text("Thank you. Your answer was saved.")
    expect(tester.locator(".pilot-current")).to_contain_text("My audience would welcome this")
    assert PilotFeedback.objects.get().comment == PILOT_COMMENT

    manager.reload()
    pilot = manager.locator("section", has=manager.get_by_role("heading", name="Pilot feedback"))
    expect(pilot.locator(".pilot-counts")).to_contain_text("My audience would welcome this: 1")
    expect(pilot.locator(".pilot-answers")).to_contain_text("Pia Pilot")
    expect(pilot.locator(".pilot-answers")).to_contain_text(PILOT_COMMENT)
    manager.get_by_role("button", name="Go live").click()
    expect(messages(manager)).to_contain_text("The campaign is live")
    expect(manager.locator(".campaign-state")).to_have_text("Live")

    # 4. The employee joins, connects an outbox, writes three posts and spreads them.
    page = new_page(browser)
    log_in(page, targeted_employee.user.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Programme").click()
    page.get_by_role("button", name="I agree, and I want to take part").click()
    expect(messages(page)).to_contain_text("Welcome to the programme.")
    expect(page.get_by_role("heading", name="You are taking part")).to_be_visible()

    nav.get_by_role("link", name="Accounts").click()
    connect = page.locator(".outbox-card")
    connect.get_by_label("Handle").fill("@erin-dev")
    connect.get_by_label("Use it for the advocacy programme").uncheck()
    connect.get_by_role("button", name="Connect development outbox").click()
    expect(page.get_by_role("status")).to_contain_text("Development outbox @erin-dev connected")
    row = page.locator("tr", has_text="@erin-dev")
    expect(row).to_contain_text("posts are recorded in Chorus, not sent to any network")
    expect(row).to_contain_text("Not used for the programme")

    nav.get_by_role("link", name="Programme").click()
    outbox_choice = page.get_by_label("Development outbox · @erin-dev")
    expect(outbox_choice).not_to_be_checked()
    outbox_choice.check()
    page.get_by_role("button", name="Save my choice").click()
    expect(messages(page)).to_contain_text("Your choice of accounts is saved.")
    expect(page.get_by_label("Development outbox · @erin-dev")).to_be_checked()
    assert ConnectedAccount.objects.get(member=targeted_employee).takes_part

    # The first activity: nearly the suggestion is caught, the employee's own words are not.
    open_composer(page, FIRST)
    text = page.get_by_label("Your post")
    expect(text).to_have_value(FIRST_SUGGESTION)
    preview = page.locator("#composer-preview")
    text.fill(NEARLY_THE_SUGGESTION)
    warning = preview.get_by_role("alert")
    expect(warning).to_contain_text("the same as the suggested text")
    expect(preview.get_by_label("Post it anyway")).to_be_visible()
    expect(preview.locator(".post-preview")).to_contain_text("Have a look.")
    page.get_by_role("button", name="Approve, schedule later").click()
    expect(page.locator("#composer-preview").get_by_role("alert")).to_contain_text(
        "the same as the suggested text"
    )
    assert not Post.objects.exists()
    approve_own_words(page, FIRST)
    for title in (SECOND, THIRD):
        open_composer(page, title)
        approve_own_words(page, title)

    approved = page.locator("section", has=page.get_by_role("heading", name="Approved, not yet"))
    expect(approved.locator(".post-item")).to_have_count(3)
    first_day = (timezone.now().astimezone(targeted_employee.time_zone) + timedelta(days=1)).date()
    for title in (FIRST, SECOND, THIRD):
        page.get_by_label(title).check()
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Number of days").fill("2")
    page.get_by_label("Working day starts").fill("09:00")
    page.get_by_label("Working day ends").fill("17:00")
    page.get_by_role("button", name="Spread the chosen posts").click()
    expect(messages(page)).to_contain_text("3 posts scheduled.")
    scheduled = page.locator("section", has=page.get_by_role("heading", name="Scheduled"))
    expect(scheduled.locator(".post-item")).to_have_count(3)
    expect(page.get_by_text("No approved posts are waiting for a time.")).to_be_visible()

    posts = list(Post.objects.filter(member=targeted_employee).order_by("activity__position"))
    zone = targeted_employee.time_zone
    window_opens = datetime.combine(first_day, time(9), zone)
    window_closes = datetime.combine(first_day + timedelta(days=1), time(17), zone)
    for post in posts:
        assert post.state == PostState.SCHEDULED
        assert post.scheduled_for is not None
        assert window_opens <= post.scheduled_for <= window_closes
        local = post.scheduled_for.astimezone(zone)
        assert time(9) <= local.time() <= time(17)

    # 5. The worker runs two days later; everything went out, once, word for word.
    call_command("chorus_publish_due", now=window_closes.isoformat())

    page.reload()
    published = page.locator("section", has=page.get_by_role("heading", name="Published"))
    expect(published.locator(".post-item")).to_have_count(3)
    for title in (FIRST, SECOND, THIRD):
        expect(published.locator(".post-item", has_text=title)).to_contain_text(DISCLOSURE)
    expect(page.get_by_text("Nothing is scheduled.")).to_be_visible()

    nav.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="See what your outbox recorded").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development outbox")
    expect(page.locator(".outbox-card")).to_contain_text("not sent to any social network")
    recorded = page.locator(".outbox-posts > li")
    expect(recorded).to_have_count(3)
    for index in range(3):
        expect(recorded.nth(index)).to_contain_text(DISCLOSURE)
        expect(recorded.nth(index)).to_contain_text("Recorded for @erin-dev")
    for words in OWN_WORDS.values():
        expect(page.locator(".outbox-posts")).to_contain_text(words)

    assert OutboxPost.objects.count() == 3
    by_title = {}
    for post in Post.objects.filter(member=targeted_employee).select_related("activity"):
        assert post.activity is not None
        by_title[post.activity.title] = post
        assert post.state == PostState.PUBLISHED
        assert post.attempts.count() == 1
        record = OutboxPost.objects.get(idempotency_key=str(post.idempotency_key))
        assert record.text == post.text
        assert record.account_id == post.account_id
    assert {title: post.text for title, post in by_title.items()} == {
        title: expected(title) for title in (FIRST, SECOND, THIRD)
    }
    assert Post.objects.count() == 3
