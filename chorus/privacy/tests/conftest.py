"""A member with something of every kind stored about them, and a colleague with their own."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chorus.api.models import ApiToken
from chorus.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    CampaignState,
    PilotFeedback,
    PilotReaction,
)
from chorus.incentives.models import Entry, EntryStatus, Participation, Programme
from chorus.links.models import LinkTotals, TrackedLink
from chorus.networks.connectors.base import Credentials
from chorus.networks.models import ConnectedAccount
from chorus.notifications.models import DigestPreference, Notification, NotificationKind
from chorus.orgs.models import Membership, Organisation
from chorus.policies.models import Acknowledgment, PolicyVersion
from chorus.publishing.models import Post, PostState, PublishAttempt, text_fingerprint
from chorus.rallies.models import Pledge, Rally
from chorus.sharing.models import FeedEntry, FeedState, ProgrammeConsent
from chorus.training.models import Module, QuizAttempt

MARCH = datetime(2026, 3, 2, 9, tzinfo=UTC)


@dataclass
class Stored:
    member: Membership
    account: ConnectedAccount
    published: Post
    scheduled: Post
    failed: Post
    rally_post: Post
    notification: Notification


def campaign_with_activities(organisation: Organisation) -> tuple[Activity, Activity]:
    campaign = Campaign.objects.create(
        organisation=organisation, name="Spring launch", state=CampaignState.LIVE
    )
    share = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.SHARE_LINK, title="Share our news", points=10
    )
    write = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.OWN_POST, title="Write about spring", points=5
    )
    return share, write


def make_post(member, account, activity, state, text, **fields) -> Post:
    return Post.objects.create(
        organisation=member.organisation,
        member=member,
        account=account,
        network=account.network,
        activity=activity,
        text=text,
        approved_text_sha256=text_fingerprint(text),
        link_url="https://acme.test/news",
        signature=[1, 2, 3],
        state=state,
        **fields,
    )


def store_everything(member: Membership, share: Activity, write: Activity, *, tag: str) -> Stored:
    account = ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network="linkedin",
        external_id=f"li-{tag}",
        handle=f"@{tag}",
        display_name=f"{tag} on LinkedIn",
        credentials=Credentials(access_token=f"SECRET-TOKEN-{tag}"),
        takes_part=True,
    )
    ProgrammeConsent.objects.create(
        member=member,
        terms_version=1,
        terms_text="Old terms",
        joined_at=MARCH - timedelta(days=60),
        left_at=MARCH - timedelta(days=30),
    )
    ProgrammeConsent.objects.create(
        member=member, terms_version=2, terms_text="I choose to take part", joined_at=MARCH
    )
    published = make_post(
        member,
        account,
        share,
        PostState.PUBLISHED,
        f"{tag} shares the spring news in their own words",
        published_at=MARCH,
        attempt_count=1,
        external_id=f"urn:li:{tag}",
        external_url=f"https://linkedin.test/{tag}/1",
    )
    PublishAttempt.objects.create(post=published, outcome="published", detail=f"posted as @{tag}")
    make_post(
        member,
        account,
        write,
        PostState.PUBLISHED,
        f"{tag} writes about spring",
        published_at=MARCH,
        attempt_count=2,
    )
    scheduled = make_post(
        member,
        account,
        write,
        PostState.SCHEDULED,
        f"{tag} has a post still to go",
        scheduled_for=MARCH + timedelta(days=2),
        next_attempt_at=MARCH + timedelta(days=2),
    )
    failed = make_post(
        member,
        account,
        share,
        PostState.FAILED,
        f"{tag} tried once",
        attempt_count=3,
        failure_reason=f"Token of @{tag} expired",
    )
    FeedEntry.objects.create(
        member=member, activity=share, campaign=share.campaign, state=FeedState.DONE
    )
    FeedEntry.objects.create(
        member=member, activity=write, campaign=write.campaign, state=FeedState.SKIPPED
    )
    notification = Notification.objects.create(
        member=member,
        kind=NotificationKind.NEW_ACTIVITIES,
        params={"campaign": share.campaign_id, "name": f"Campaign for {tag}", "count": 2},
    )
    DigestPreference.objects.create(member=member, frequency="daily", last_sent_at=MARCH)
    PilotFeedback.objects.create(
        campaign=share.campaign,
        member=member,
        reaction=PilotReaction.MIXED,
        comment=f"{tag} thinks some would like it",
    )
    rally_post = pledge_to_rally(member, account, share, tag=tag)
    store_governance_and_links(member, share, tag=tag)
    ApiToken.objects.create(
        member=member, name=f"{tag} script", prefix=f"ch_{tag}", token_hash=f"HASH-{tag}"
    )
    return Stored(
        member=member,
        account=account,
        published=published,
        scheduled=scheduled,
        failed=failed,
        rally_post=rally_post,
        notification=notification,
    )


def store_governance_and_links(member: Membership, share: Activity, *, tag: str) -> None:
    """A policy acceptance, a quiz attempt, a tracked link with visits, and earnings."""
    organisation = member.organisation
    version, _created = PolicyVersion.objects.get_or_create(
        organisation=organisation, major=1, minor=0, defaults={"text": "Be kind.", "summary": "1"}
    )
    Acknowledgment.objects.create(member=member, version=version, acknowledged_at=MARCH)
    module = Module.objects.create(organisation=organisation, title=f"Basics for {tag}")
    QuizAttempt.objects.create(
        member=member, module=module, score=75, pass_mark=80, passed=False, created_at=MARCH
    )
    link = TrackedLink.objects.create(
        organisation=organisation,
        member=member,
        activity=share,
        campaign=share.campaign,
        network="linkedin",
        code=f"code{tag}",
        target=f"https://acme.test/spring?utm_content={tag}",
        created_at=MARCH,
    )
    LinkTotals.objects.create(
        link=link, campaign=share.campaign, member=member, clicks=9, counted=7
    )
    programme = Programme.objects.filter(organisation=organisation).first()
    if programme is None:
        programme = Programme.objects.create(
            organisation=organisation,
            name="Spring clicks",
            currency="USD",
            unit="money",
            amount_per_click=Decimal("1.00"),
            starts_at=MARCH - timedelta(days=1),
        )
    Participation.objects.create(programme=programme, member=member, joined_at=MARCH)
    Entry.objects.create(
        programme=programme,
        member=member,
        click_id=member.pk,
        link=link,
        campaign=share.campaign,
        click_time=MARCH,
        amount=Decimal("1.00"),
        status=EntryStatus.CREDITED,
    )


def pledge_to_rally(member, account, share, *, tag: str) -> Post:
    rally = Rally.objects.filter(activity=share).first() or Rally.objects.create(
        organisation=member.organisation,
        activity=share,
        title="Hiring week rally",
        goal_pledges=5,
        deadline=MARCH + timedelta(days=3),
        window_starts_at=MARCH + timedelta(days=3),
        window_ends_at=MARCH + timedelta(days=4),
    )
    post = make_post(member, account, share, PostState.APPROVED, f"{tag} pledges to post")
    Pledge.objects.create(rally=rally, member=member, account=account, post=post)
    return post


@pytest.fixture
def activities(organisation) -> tuple[Activity, Activity]:
    return campaign_with_activities(organisation)


@pytest.fixture
def erin_data(employee, activities) -> Stored:
    return store_everything(employee, *activities, tag="erin")


@pytest.fixture
def adam_data(admin, activities) -> Stored:
    return store_everything(admin, *activities, tag="adam")
