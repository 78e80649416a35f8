from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chorus.networks.models import (
    AccountStatus,
    ConnectedAccount,
    FollowerSnapshot,
    NetworkApp,
    OutboxPost,
)
from chorus.networks.networks import Network, NetworkProfile, profile_for
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Capability, role_can
from chorus.publishing.models import Post, PostState


def live_accounts_of(*, member: Membership) -> QuerySet[ConnectedAccount]:
    """The member's accounts that are connected or waiting to be reconnected."""
    return ConnectedAccount.objects.filter(member=member).exclude(status=AccountStatus.DISCONNECTED)


def outbox_posts_of(*, member: Membership) -> QuerySet[OutboxPost]:
    return (
        OutboxPost.objects.filter(account__member=member)
        .select_related("account")
        .order_by("-created_at", "-pk")
    )


def network_apps_of(*, organisation: Organisation) -> dict[str, NetworkApp]:
    return {app.network: app for app in NetworkApp.objects.filter(organisation=organisation)}


def network_is_available(profile: NetworkProfile, app: NetworkApp | None) -> bool:
    """Whether members of an organisation with this app row may connect this network."""
    if profile.network == Network.OUTBOX:
        return bool(settings.CHORUS_OUTBOX_ENABLED)
    if profile.network not in settings.CHORUS_CONNECTORS:
        return False
    if profile.needs_app:
        return app is not None and app.enabled and app.credentials is not None
    # Networks without an app of their own are on until the organisation turns them off.
    return app is None or app.enabled


def connectable_networks(*, member: Membership) -> list[NetworkProfile]:
    """The networks this member may connect an account on, in the order Chorus lists them.

    Company pages (Facebook, Instagram) are for members who manage the organisation.
    """
    apps = network_apps_of(organisation=member.organisation)
    may_manage = role_can(member.role, Capability.MANAGE_SETTINGS)
    profiles = [profile_for(network) for network in Network.values if network != Network.OUTBOX]
    return [
        profile
        for profile in profiles
        if network_is_available(profile, apps.get(profile.network))
        and (may_manage or not profile.company_pages_only)
    ]


# Growth: what the member's accounts gained, and what their posts earned


def snapshot_day(moment: datetime) -> date:
    """The day a follower snapshot taken at ``moment`` counts for (the installation's zone)."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


@dataclass(frozen=True, kw_only=True)
class AccountGrowth:
    account: ConnectedAccount
    followers: int | None
    change_7_days: int | None
    change_30_days: int | None
    likes: int
    reposts: int
    replies: int
    published_posts: int


@dataclass(frozen=True, kw_only=True)
class Growth:
    rows: list[AccountGrowth]
    likes: int
    reposts: int
    replies: int

    @property
    def anything_known(self) -> bool:
        return any(row.followers is not None or row.published_posts for row in self.rows)


def _followers_on(day: date) -> Subquery:
    """The account's followers on ``day``, or on the last day before it with a snapshot."""
    return Subquery(
        FollowerSnapshot.objects.filter(account=OuterRef("pk"), day__lte=day)
        .order_by("-day")
        .values("followers")[:1]
    )


def _change(now: int | None, then: int | None) -> int | None:
    return None if now is None or then is None else now - then


def growth_of(*, member: Membership, now: datetime | None = None) -> Growth:
    """Each live account's followers, their change over 7 and 30 days, and what its
    published posts earned. A change is unknown until there is a snapshot that old."""
    today = snapshot_day(now or timezone.now())
    accounts = list(live_accounts_of(member=member).order_by("network", "handle"))
    earlier = {
        row["pk"]: row
        for row in ConnectedAccount.objects.filter(pk__in=[a.pk for a in accounts]).values(
            "pk",
            a_week_ago=_followers_on(today - timedelta(days=7)),
            a_month_ago=_followers_on(today - timedelta(days=30)),
        )
    }
    earned = {
        row["account"]: row
        for row in Post.objects.filter(
            member=member, account__in=accounts, state=PostState.PUBLISHED
        )
        .values("account")
        .annotate(
            posts=Count("pk"),
            likes=Coalesce(Sum("metrics__likes"), 0),
            reposts=Coalesce(Sum("metrics__reposts"), 0),
            replies=Coalesce(Sum("metrics__replies"), 0),
        )
        .order_by()
    }
    nothing = {"posts": 0, "likes": 0, "reposts": 0, "replies": 0}
    rows = []
    for account in accounts:
        then, counts = earlier[account.pk], earned.get(account.pk, nothing)
        rows.append(
            AccountGrowth(
                account=account,
                followers=account.followers_count,
                change_7_days=_change(account.followers_count, then["a_week_ago"]),
                change_30_days=_change(account.followers_count, then["a_month_ago"]),
                likes=counts["likes"],
                reposts=counts["reposts"],
                replies=counts["replies"],
                published_posts=counts["posts"],
            )
        )
    return Growth(
        rows=rows,
        likes=sum(row.likes for row in rows),
        reposts=sum(row.reposts for row in rows),
        replies=sum(row.replies for row in rows),
    )
