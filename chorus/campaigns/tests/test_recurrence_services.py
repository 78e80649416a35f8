"""Evergreen activities: due occurrences are copied, offered, and the next one scheduled."""

from datetime import UTC, datetime, timedelta

import pytest

from chorus.campaigns import services
from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState, Recurrence
from chorus.campaigns.tests.conftest import upload
from chorus.sharing.models import FeedEntry, FeedState

LIVE_AT = datetime(2030, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def evergreen(ready_campaign, content_manager, reviewer, teams, employee, responder, admin):
    """A live campaign for Sales with a weekly and a monthly evergreen activity."""
    for member in (employee, responder):
        member.teams.add(teams["Sales"])
    ready_campaign.target_teams.set([teams["Sales"]])
    weekly = services.add_activity(
        by=content_manager,
        campaign=ready_campaign,
        kind=ActivityKind.OWN_POST,
        title="Weekly tip",
        topic="Tips",
        image=upload(),
        image_alt="A tip",
        expires_at=LIVE_AT + timedelta(days=2),
        recurrence=Recurrence.WEEKLY,
        now=LIVE_AT - timedelta(days=1),
    )
    services.add_suggestion(by=content_manager, activity=weekly, language="en", text="Tip!")
    services.add_suggestion(
        by=content_manager, activity=weekly, language="de", network="x", text="Tipp!"
    )
    services.add_activity(
        by=content_manager,
        campaign=ready_campaign,
        kind=ActivityKind.OWN_POST,
        title="Monthly",
        topic="News",
        recurrence=Recurrence.MONTHLY,
        now=LIVE_AT - timedelta(days=1),
    )
    services.submit_campaign(by=content_manager, campaign=ready_campaign, now=LIVE_AT)
    services.approve_campaign(by=reviewer, campaign=ready_campaign, now=LIVE_AT)
    services.go_live(by=content_manager, campaign=ready_campaign, now=LIVE_AT)
    return ready_campaign


def test_nothing_is_due_before_the_first_period(evergreen):
    assert services.create_due_occurrences(now=LIVE_AT + timedelta(days=6)) == []
    assert evergreen.activities.count() == 3


def test_a_due_occurrence_is_copied_offered_and_rescheduled(evergreen, employee, responder):
    due = LIVE_AT + timedelta(weeks=1)
    weekly = evergreen.activities.get(title="Weekly tip", recurs_from=None)

    created = services.create_due_occurrences(now=due + timedelta(minutes=5))

    assert len(created) == 1
    occurrence = Activity.objects.get(recurs_from=weekly)
    assert occurrence.pk == created[0].pk
    assert (occurrence.title, occurrence.kind, occurrence.topic, occurrence.campaign) == (
        "Weekly tip",
        "own_post",
        "Tips",
        evergreen,
    )
    assert occurrence.recurrence == Recurrence.NONE
    assert occurrence.expires_at == LIVE_AT + timedelta(days=2, weeks=1)
    assert occurrence.image.name == weekly.image.name
    assert occurrence.image_alt == "A tip"
    assert sorted(occurrence.suggestions.values_list("language", "network", "text")) == [
        ("de", "x", "Tipp!"),
        ("en", "", "Tip!"),
    ]
    weekly.refresh_from_db()
    assert weekly.next_occurrence_at == LIVE_AT + timedelta(weeks=2)
    entries = FeedEntry.objects.filter(activity=occurrence)
    assert set(entries.values_list("member", flat=True)) == {employee.pk, responder.pk}
    assert set(entries.values_list("state", flat=True)) == {FeedState.NEW}


def test_running_twice_creates_one_occurrence(evergreen):
    moment = LIVE_AT + timedelta(weeks=1, hours=1)

    services.create_due_occurrences(now=moment)
    services.create_due_occurrences(now=moment)

    assert Activity.objects.filter(recurs_from__isnull=False).count() == 1


def test_each_week_shifts_the_expiry_again(evergreen):
    for week in (1, 2):
        services.create_due_occurrences(now=LIVE_AT + timedelta(weeks=week))

    expiries = list(
        Activity.objects.filter(recurs_from__title="Weekly tip")
        .order_by("pk")
        .values_list("expires_at", flat=True)
    )
    assert expiries == [
        LIVE_AT + timedelta(days=2, weeks=1),
        LIVE_AT + timedelta(days=2, weeks=2),
    ]


def test_missed_periods_give_one_occurrence_and_the_next_in_the_future(evergreen):
    moment = LIVE_AT + timedelta(weeks=3, days=1)

    services.create_due_occurrences(now=moment)

    weekly = evergreen.activities.get(title="Weekly tip", recurs_from=None)
    assert weekly.occurrences.count() == 1
    assert weekly.next_occurrence_at == LIVE_AT + timedelta(weeks=4)
    assert weekly.occurrences.get().expires_at == LIVE_AT + timedelta(days=2, weeks=3)


def test_monthly_activities_follow_the_calendar(evergreen):
    monthly = evergreen.activities.get(title="Monthly", recurs_from=None)
    assert monthly.next_occurrence_at == datetime(2030, 2, 28, 9, 0, tzinfo=UTC)

    services.create_due_occurrences(now=datetime(2030, 2, 28, 9, 0, tzinfo=UTC))

    monthly.refresh_from_db()
    assert monthly.occurrences.count() == 1
    assert monthly.next_occurrence_at == datetime(2030, 3, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("state", ["ended", "archived", "draft", "pilot"])
def test_only_live_campaigns_recur(state, evergreen):
    Campaign.objects.filter(pk=evergreen.pk).update(state=state)

    assert services.create_due_occurrences(now=LIVE_AT + timedelta(weeks=5)) == []
    assert not Activity.objects.filter(recurs_from__isnull=False).exists()


def test_no_occurrence_after_the_campaign_ends(evergreen):
    Campaign.objects.filter(pk=evergreen.pk).update(ends_at=LIVE_AT + timedelta(days=5))

    assert services.create_due_occurrences(now=LIVE_AT + timedelta(weeks=1)) == []
    assert not Activity.objects.filter(recurs_from__isnull=False).exists()
    assert (
        not Activity.objects.filter(next_occurrence_at__isnull=False)
        .exclude(title="Monthly")
        .exists()
    )
    assert Campaign.objects.get(pk=evergreen.pk).state == CampaignState.LIVE
