"""Offering a campaign's activities to the members it targets, in bulk.

An organisation may have 100,000 members, so feed entries and notifications are
written with one INSERT ... SELECT each rather than row by row from Python.
"""

import json
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.models import Activity, Campaign
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership
from chorus.sharing.models import FeedEntry, FeedState, ProgrammeConsent


def targeted_members(*, campaign: Campaign, pilot: bool = False) -> QuerySet[Membership]:
    """Active members the campaign is for: its pilot team, or its target teams (or everyone)."""
    members = Membership.objects.filter(
        organisation_id=campaign.organisation_id, is_active=True, user__is_active=True
    )
    if pilot:
        return members.filter(teams=campaign.pilot_team_id)
    team_ids = list(campaign.target_teams.values_list("pk", flat=True))
    if not team_ids:
        return members
    in_target_team = Membership.teams.through.objects.filter(
        membership_id=OuterRef("pk"), team_id__in=team_ids
    )
    return members.filter(Exists(in_target_team))


def participants(members: QuerySet[Membership]) -> QuerySet[Membership]:
    open_consent = ProgrammeConsent.objects.filter(member_id=OuterRef("pk"), left_at__isnull=True)
    return members.filter(Exists(open_consent))


def _ids_sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SQL selecting the primary keys of ``queryset`` as a column named ``id``."""
    sql, params = queryset.annotate(id_=F("pk")).values("id_").query.sql_with_params()
    return sql.replace('AS "id_"', "AS id", 1), params


def offer_activities(
    *, campaign: Campaign, members: QuerySet[Membership], activities: QuerySet[Activity]
) -> int:
    """Add each activity to each member's feed (once), and return how many entries were new."""
    now = timezone.now()
    member_sql, member_params = _ids_sql(members)
    activity_sql, activity_params = _ids_sql(activities)
    feed = FeedEntry._meta.db_table
    # Only table names and Django-built subqueries are formatted in; values are parameters.
    sql = (
        f"INSERT INTO {feed} (member_id, activity_id, campaign_id, state, created_at, updated_at) "  # noqa: S608
        f"SELECT m.id, a.id, %s, %s, %s, %s FROM ({member_sql}) m CROSS JOIN ({activity_sql}) a "
        "WHERE true ON CONFLICT (member_id, activity_id) DO NOTHING"
    )
    params = (campaign.pk, FeedState.NEW, now, now, *member_params, *activity_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def notify_new_activities(*, campaign: Campaign, members: QuerySet[Membership], count: int) -> int:
    """One in-app notification per participant; the email digest picks them up later."""
    now = timezone.now()
    member_sql, member_params = _ids_sql(participants(members))
    table = Notification._meta.db_table
    params_json = json.dumps({"campaign": campaign.pk, "name": campaign.name, "count": count})
    url = reverse("orgs:home", kwargs={"org": campaign.organisation.slug})
    sql = (
        f"INSERT INTO {table} (member_id, kind, params, url, created_at) "  # noqa: S608
        f"SELECT m.id, %s, %s, %s, %s FROM ({member_sql}) m"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, (NotificationKind.NEW_ACTIVITIES, params_json, url, now, *member_params)
        )
        return int(cursor.rowcount)


def offer_campaign(*, campaign: Campaign, pilot: bool = False) -> int:
    """Put a campaign that went to pilot or live into its audience's feeds and tell them."""
    members = targeted_members(campaign=campaign, pilot=pilot)
    activities = Activity.objects.filter(campaign=campaign)
    count = activities.count()
    with transaction.atomic():
        added = offer_activities(campaign=campaign, members=members, activities=activities)
        if count:
            notify_new_activities(campaign=campaign, members=members, count=count)
    return added
