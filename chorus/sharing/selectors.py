"""Reads for the employee side of sharing: programme, feed, composer, my posts."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState, Suggestion
from chorus.campaigns.workflow import VISIBLE_TO_EMPLOYEES
from chorus.core.db import any_of
from chorus.core.memo import read_once_per_batch
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import PROFILES
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post, PostState
from chorus.register.selectors import delegated_accounts
from chorus.sharing import spread
from chorus.sharing.models import AdvocacySettings, FeedEntry, FeedState, ProgrammeConsent
from chorus.training.models import Module
from chorus.training.selectors import locked_kinds

# Activities Chorus posts for the employee; the others they do on the network themselves.
COMPOSABLE_KINDS = frozenset({ActivityKind.SHARE_LINK, ActivityKind.REPOST, ActivityKind.OWN_POST})
FEED_STATE_ORDER = (FeedState.NEW, FeedState.SCHEDULED, FeedState.DONE, FeedState.SKIPPED)
DEFAULT_DAY_STARTS = time(9, 0)
DEFAULT_DAY_ENDS = time(17, 0)
DEFAULT_MIN_GAP = timedelta(minutes=90)
# Posts whose time lies further back cannot affect gaps or today's caps.
SCHEDULE_LOOKBACK = timedelta(days=2)


def advocacy_settings_for(*, organisation: Organisation) -> AdvocacySettings:
    """The organisation's programme settings, created with the defaults on first use."""
    settings, _created = AdvocacySettings.objects.get_or_create(organisation=organisation)
    return settings


# Programme


def open_consent(*, member: Membership) -> ProgrammeConsent | None:
    return ProgrammeConsent.objects.filter(member=member, left_at__isnull=True).first()


@read_once_per_batch
def is_participant(*, member: Membership) -> bool:
    return ProgrammeConsent.objects.filter(member=member, left_at__isnull=True).exists()


def consent_history(*, member: Membership) -> QuerySet[ProgrammeConsent]:
    return ProgrammeConsent.objects.filter(member=member).order_by("-joined_at", "-pk")


def choosable_accounts(*, member: Membership) -> QuerySet[ConnectedAccount]:
    """The member's connected accounts that could take part (or did): all but disconnected."""
    return ConnectedAccount.objects.filter(member=member).exclude(status=AccountStatus.DISCONNECTED)


def participating_accounts(*, member: Membership) -> QuerySet[ConnectedAccount]:
    """Accounts Chorus may post to for the member: connected and chosen by them."""
    return ConnectedAccount.objects.filter(
        member=member, status=AccountStatus.ACTIVE, takes_part=True
    )


def member_language(member: Membership) -> str:
    return member.user.language or member.organisation.default_language


# Feed


def _on_networks(networks: Iterable[str]) -> Q:
    """Campaigns that allow one of ``networks`` (a campaign naming none allows every one)."""
    allows_any = Q(campaign__networks=[])
    # JSON text search works on every database; names are quoted so "x" is not in "linkedin".
    return reduce(or_, (Q(campaign__networks__icontains=f'"{n}"') for n in networks), allows_any)


def _visible_feed(member: Membership, now: datetime) -> QuerySet[FeedEntry]:
    return FeedEntry.objects.filter(member=member, campaign__state__in=VISIBLE_TO_EMPLOYEES).filter(
        Q(activity__expires_at__isnull=True) | Q(activity__expires_at__gt=now)
    )


def feed_for(
    *, member: Membership, state: str = "", now: datetime | None = None
) -> QuerySet[FeedEntry]:
    """The member's feed: live (or pilot) activities that have not expired.

    New entries come first, then those most relevant to the member (a suggestion in
    their language, a campaign on networks where they take part), newest first.
    """
    entries = _visible_feed(member, now or timezone.now())
    if state:
        entries = entries.filter(state=state)
    networks = set(participating_accounts(member=member).values_list("network", flat=True))
    in_language = Suggestion.objects.filter(
        activity=OuterRef("activity"), language=member_language(member)
    )
    on_networks = (
        ExpressionWrapper(_on_networks(networks), output_field=BooleanField())
        if networks
        else Value(False)
    )
    return (
        entries.annotate(
            state_rank=Case(
                *(When(state=s, then=Value(rank)) for rank, s in enumerate(FEED_STATE_ORDER)),
                default=Value(len(FEED_STATE_ORDER)),
                output_field=IntegerField(),
            ),
            relevance=Case(When(Exists(in_language), then=Value(1)), default=Value(0))
            + Case(When(on_networks, then=Value(1)), default=Value(0)),
        )
        .select_related("activity", "campaign")
        .order_by("state_rank", "-relevance", "-created_at", "-pk")
    )


def feed_counts(*, member: Membership, now: datetime | None = None) -> dict[str, int]:
    counts = dict.fromkeys(FeedState.values, 0)
    rows = (
        _visible_feed(member, now or timezone.now())
        .order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
    )
    for state, count in rows:
        counts[state] = count
    return counts


@dataclass(frozen=True)
class LinkCard:
    url: str
    title: str
    description: str
    domain: str


def link_url_for(activity: Activity) -> str:
    """The link a post of this activity carries: the shared page, or the reposted post."""
    if activity.kind == ActivityKind.SHARE_LINK:
        return activity.link_url
    if activity.kind == ActivityKind.REPOST:
        return activity.post_url
    return ""


def link_card(activity: Activity) -> LinkCard | None:
    url = link_url_for(activity)
    if not url:
        return None
    return LinkCard(
        url=url,
        title=activity.link_title or activity.title,
        description=activity.link_description,
        domain=(urlsplit(url).hostname or "").removeprefix("www."),
    )


def best_suggestion(
    *, suggestions: Sequence[Suggestion], network: str, language: str
) -> Suggestion | None:
    """The caption to start from: for this network in the member's language, then generic,
    then any in their language, then any at all."""

    def rank(suggestion: Suggestion) -> tuple[int, int]:
        language_match = suggestion.language == language
        if language_match and suggestion.network == network:
            return (0, suggestion.pk)
        if language_match and not suggestion.network:
            return (1, suggestion.pk)
        if language_match:
            return (2, suggestion.pk)
        if suggestion.network in ("", network):
            return (3, suggestion.pk)
        return (4, suggestion.pk)

    return min(suggestions, key=rank, default=None)


@dataclass(frozen=True)
class FeedCard:
    entry: FeedEntry
    suggestion: Suggestion | None
    link: LinkCard | None
    is_pilot: bool
    composable: bool
    locked_by: Module | None = None  # the training module that unlocks this kind of activity


def feed_cards(*, member: Membership, entries: Iterable[FeedEntry]) -> list[FeedCard]:
    """What the feed shows for each entry of a page."""
    entries = list(entries)
    activity_ids = [entry.activity_id for entry in entries]
    suggestions: dict[int, list[Suggestion]] = {}
    for suggestion in Suggestion.objects.filter(activity_id__in=activity_ids):
        suggestions.setdefault(suggestion.activity_id, []).append(suggestion)
    networks = list(participating_accounts(member=member).values_list("network", flat=True))
    language = member_language(member)
    locked = locked_kinds(member=member)
    return [
        FeedCard(
            entry=entry,
            suggestion=best_suggestion(
                suggestions=suggestions.get(entry.activity_id, []),
                network=networks[0] if networks else "",
                language=language,
            ),
            link=link_card(entry.activity),
            is_pilot=entry.campaign.state == CampaignState.PILOT,
            composable=entry.activity.kind in COMPOSABLE_KINDS,
            locked_by=locked.get(entry.activity.kind),
        )
        for entry in entries
    ]


# Composer


def allows_network(campaign: Campaign, network: str) -> bool:
    return not campaign.networks or network in campaign.networks


def composer_accounts(*, member: Membership, campaign: Campaign) -> list[ConnectedAccount]:
    """The member's participating accounts, and company accounts they are a delegate of,
    on networks the campaign is for."""
    return [
        account
        for account in [*participating_accounts(member=member), *delegated_accounts(member=member)]
        if account.network in PROFILES and allows_network(campaign, account.network)
    ]


def suggestions_of(*, activity: Activity) -> list[Suggestion]:
    return list(Suggestion.objects.filter(activity=activity))


# My posts


@dataclass(frozen=True)
class MyPosts:
    approved: list[Post]
    scheduled: list[Post]
    publishing: list[Post]
    failed: list[Post]
    published: list[Post]
    cancelled: list[Post]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.approved,
                self.scheduled,
                self.publishing,
                self.failed,
                self.published,
                self.cancelled,
            )
        )


HISTORY_LENGTH = 20


def my_posts(*, member: Membership) -> MyPosts:
    """The member's posts by state; the published and cancelled ones most recent first."""
    posts = Post.objects.filter(member=member).select_related(
        "account", "activity", "activity__campaign"
    )

    def in_state(state: str) -> list[Post]:
        return list(posts.filter(state=state).order_by("scheduled_for", "approved_at", "pk"))

    return MyPosts(
        approved=list(posts.filter(state=PostState.APPROVED).order_by("-approved_at", "-pk")),
        scheduled=in_state(PostState.SCHEDULED),
        publishing=in_state(PostState.PUBLISHING),
        failed=in_state(PostState.FAILED),
        published=list(
            posts.filter(state=PostState.PUBLISHED).order_by("-published_at", "-pk")[
                :HISTORY_LENGTH
            ]
        ),
        cancelled=list(
            posts.filter(state=PostState.CANCELLED).order_by("-cancelled_at", "-pk")[
                :HISTORY_LENGTH
            ]
        ),
    )


def _holds_time(now: datetime) -> Q:
    since = now - SCHEDULE_LOOKBACK
    return Q(
        state__in=(PostState.SCHEDULED, PostState.PUBLISHING),
        scheduled_for__gte=since,
    ) | Q(state=PostState.PUBLISHED, published_at__gte=since)


def posts_with_times(*, member: Membership, now: datetime) -> QuerySet[Post]:
    """The member's posts that hold a time near or after ``now``: what gaps and caps count."""
    return Post.objects.filter(member=member).filter(_holds_time(now))


def taken_times(
    *, member: Membership, now: datetime, exclude: Sequence[int] = ()
) -> list[spread.Taken]:
    """The times ``posts_with_times`` hold, as the spreading planner takes them."""
    rows = (
        posts_with_times(member=member, now=now)
        .exclude(pk__in=list(exclude))
        .values_list("account_id", "published_at", "scheduled_for")
    )
    return [
        spread.Taken(at=moment, account=account_id)
        for account_id, published_at, scheduled_for in rows
        if (moment := published_at or scheduled_for) is not None
    ]


def posts_with_times_of(*, member_ids: Iterable[int], now: datetime) -> QuerySet[Post]:
    """``posts_with_times`` for many members in one query."""
    return Post.objects.filter(member_id__in=any_of(list(member_ids))).filter(_holds_time(now))


def taken_times_by_member(
    *, member_ids: Iterable[int], now: datetime
) -> defaultdict[int, list[spread.Taken]]:
    """``taken_times`` for many members in one query, by member (an empty list for none)."""
    taken: defaultdict[int, list[spread.Taken]] = defaultdict(list)
    rows = posts_with_times_of(member_ids=member_ids, now=now).values_list(
        "member_id", "account_id", "published_at", "scheduled_for"
    )
    for member_id, account_id, published_at, scheduled_for in rows:
        if (moment := published_at or scheduled_for) is not None:
            taken[member_id].append(spread.Taken(at=moment, account=account_id))
    return taken


def participant_ids(*, member_ids: Iterable[int]) -> set[int]:
    """Which of these members are in the programme (have an open consent)."""
    return set(
        ProgrammeConsent.objects.filter(
            member_id__in=any_of(list(member_ids)), left_at__isnull=True
        ).values_list("member_id", flat=True)
    )


def default_start_date(*, member: Membership, now: datetime | None = None) -> date:
    """Today in the member's time zone, or tomorrow once today's working hours are nearly over."""
    local = (now or timezone.now()).astimezone(member.time_zone)
    last_hour = datetime.combine(local.date(), DEFAULT_DAY_ENDS, member.time_zone) - timedelta(
        hours=1
    )
    return local.date() if local < last_hour else local.date() + timedelta(days=1)
