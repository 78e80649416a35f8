"""Objects the publishing and accounts tests start from, built directly (no view involved)."""

from datetime import UTC, datetime

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.sharing.models import FeedEntry, FeedState, ProgrammeConsent

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def join_programme(member: Membership) -> ProgrammeConsent:
    return ProgrammeConsent.objects.create(member=member, terms_version=1, terms_text="Terms")


def connect(
    member: Membership,
    *,
    handle: str = "@erin",
    network: str = "outbox",
    status: str = AccountStatus.ACTIVE,
    takes_part: bool = True,
) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network=network,
        external_id=handle.lower(),
        handle=handle,
        status=status,
        takes_part=takes_part,
    )


def scheduled_post(
    account: ConnectedAccount,
    *,
    text: str = "Our new release is out, and I helped build it.",
    at: datetime = T0,
    activity: Activity | None = None,
    state: str = PostState.SCHEDULED,
) -> Post:
    return Post.objects.create(
        organisation=account.organisation,
        member=account.member,
        account=account,
        network=account.network,
        activity=activity,
        text=text,
        approved_text_sha256=text_fingerprint(text),
        state=state,
        scheduled_for=at,
        next_attempt_at=at if state == PostState.SCHEDULED else None,
    )


def activity_in_feed(member: Membership) -> tuple[Activity, FeedEntry]:
    campaign = Campaign.objects.create(
        organisation=member.organisation, name="Launch", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.SHARE_LINK, title="Release"
    )
    entry = FeedEntry.objects.create(
        member=member, activity=activity, campaign=campaign, state=FeedState.SCHEDULED
    )
    return activity, entry
