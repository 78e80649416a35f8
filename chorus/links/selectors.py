"""Reads for tracked links: settings, short addresses, and totals from the rollups."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from chorus.campaigns.models import Campaign
from chorus.links.models import (
    Click,
    LinkHourlyStats,
    LinkSettings,
    LinkTotals,
    NotCounted,
    TrackedLink,
)
from chorus.orgs.models import Membership, Organisation


def link_settings_for(*, organisation: Organisation) -> LinkSettings:
    """The organisation's link settings, created with the defaults on first use."""
    link_settings, _created = LinkSettings.objects.get_or_create(organisation=organisation)
    return link_settings


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def installation_base_url() -> str:
    return _with_slash(settings.CHORUS_LINK_BASE_URL)


def base_url_of(link_settings: LinkSettings) -> str:
    if link_settings.short_base_url:
        return _with_slash(link_settings.short_base_url)
    return installation_base_url()


def short_url(link: TrackedLink) -> str:
    return base_url_of(link_settings_for(organisation=link.organisation)) + link.code


@dataclass(frozen=True)
class Totals:
    """Clicks by how they were counted. ``counted`` are the unique human visits."""

    clicks: int = 0
    counted: int = 0
    bots: int = 0
    members: int = 0
    repeats: int = 0
    colleagues: int = 0


_TOTAL_FIELDS = ("clicks", "counted", "bots", "members", "repeats", "colleagues")


def _sums() -> dict[str, Coalesce]:
    return {name: Coalesce(Sum(name), 0) for name in _TOTAL_FIELDS}


def _totals(rows: QuerySet[LinkTotals]) -> Totals:
    return Totals(**rows.aggregate(**_sums()))


def campaign_totals(*, campaign: Campaign) -> Totals:
    return _totals(LinkTotals.objects.filter(campaign=campaign))


def member_totals(*, member: Membership, campaign: Campaign | None = None) -> Totals:
    rows = LinkTotals.objects.filter(member=member)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return _totals(rows)


@dataclass(frozen=True)
class MemberTotals:
    member_id: int | None
    name: str
    totals: Totals


def campaign_totals_by_member(*, campaign: Campaign) -> list[MemberTotals]:
    """Each employee's share of a campaign's visits, most first."""
    rows = list(
        LinkTotals.objects.filter(campaign=campaign)
        .values("member_id")
        .annotate(**_sums())
        .order_by("-counted", "member_id")
        .values_list("member_id", *_TOTAL_FIELDS)
    )
    names = {
        pk: full_name or email
        for pk, full_name, email in Membership.objects.filter(
            pk__in=[row[0] for row in rows if row[0]]
        ).values_list("pk", "user__full_name", "user__email")
    }
    return [
        MemberTotals(
            member_id=member_id,
            name=names.get(member_id, "") if member_id else "",
            totals=Totals(*sums),
        )
        for member_id, *sums in rows
    ]


@dataclass(frozen=True)
class LinkWithTotals:
    link: TrackedLink
    short_url: str
    totals: Totals


def links_of(*, member: Membership) -> list[LinkWithTotals]:
    """The member's links, newest first, each with its totals."""
    links = list(
        TrackedLink.objects.filter(member=member).select_related("activity", "campaign")[:200]
    )
    sums = {
        link_id: Totals(*sums)
        for link_id, *sums in LinkTotals.objects.filter(link__in=links).values_list(
            "link_id", *_TOTAL_FIELDS
        )
    }
    base = base_url_of(link_settings_for(organisation=member.organisation))
    return [
        LinkWithTotals(link=link, short_url=base + link.code, totals=sums.get(link.pk, Totals()))
        for link in links
    ]


def campaign_links(*, campaign: Campaign) -> QuerySet[TrackedLink]:
    return TrackedLink.objects.filter(campaign=campaign).select_related("member__user", "activity")


def clicks_by_reason(*, link: TrackedLink) -> dict[str, int]:
    """From the clicks themselves, for checks against the rollups."""
    rows = Click.objects.filter(link=link).aggregate(
        counted=Count("pk", filter=Q(counted=True)),
        **{
            reason: Count("pk", filter=Q(not_counted_reason=reason)) for reason in NotCounted.values
        },
    )
    return dict(rows)


@dataclass(frozen=True)
class CampaignWithTotals:
    campaign: Campaign
    totals: Totals


def campaigns_with_links(*, organisation: Organisation) -> list[CampaignWithTotals]:
    """The organisation's campaigns whose links were shared, newest first, with totals."""
    campaigns = list(
        Campaign.objects.filter(
            organisation=organisation,
            pk__in=TrackedLink.objects.filter(organisation=organisation).values("campaign_id"),
        ).order_by("-created_at", "-pk")[:100]
    )
    sums = {
        campaign_id: Totals(*sums)
        for campaign_id, *sums in LinkTotals.objects.filter(campaign__in=campaigns)
        .values("campaign_id")
        .annotate(**_sums())
        .values_list("campaign_id", *_TOTAL_FIELDS)
    }
    return [
        CampaignWithTotals(campaign=campaign, totals=sums.get(campaign.pk, Totals()))
        for campaign in campaigns
    ]


def campaign_hours(*, campaign: Campaign, since: datetime) -> list[tuple[datetime, int, int]]:
    """Visits counted and all clicks per hour since ``since``, from the hourly rollups."""
    return list(
        LinkHourlyStats.objects.filter(campaign=campaign, hour__gte=since)
        .values("hour")
        .annotate(visits=Sum("counted"), all_clicks=Sum("clicks"))
        .order_by("hour")
        .values_list("hour", "visits", "all_clicks")
    )
