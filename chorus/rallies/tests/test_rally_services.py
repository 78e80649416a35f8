import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import Activity, ActivityKind, CampaignState
from chorus.core.scheduler import registered_jobs
from chorus.core.workflow import TransitionNotAllowed
from chorus.networks.models import ConnectedAccount
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import scheduled_post
from chorus.rallies import services, tasks
from chorus.rallies.models import Rally, RallyState
from chorus.rallies.tests.helpers import (
    live_activity,
    now,
    offer,
    open_rally,
    participant,
    pledge_own_words,
)
from chorus.sharing.selectors import DEFAULT_MIN_GAP

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return now()


@pytest.fixture
def activity(organisation):
    return live_activity(organisation)


def rally_fields(activity: Activity, start: datetime, **changes: Any) -> dict[str, Any]:
    deadline = start + timedelta(days=1)
    fields = {
        "activity": activity,
        "title": "Welcome Helsinki",
        "goal_pledges": 10,
        "deadline": deadline,
        "window_starts_at": deadline,
        "window_ends_at": deadline + timedelta(hours=1),
        "now": start,
    }
    return {**fields, **changes}


def field_codes(error: ValidationError) -> dict[str, list[str | None]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# create_rally


def test_create_rally_opens_it_and_audits(content_manager, activity, start):
    rally = services.create_rally(by=content_manager, **rally_fields(activity, start))

    assert rally.state == RallyState.OPEN
    assert rally.organisation == content_manager.organisation
    assert rally.created_by == content_manager
    event = AuditEvent.objects.get(action=AuditAction.RALLY_CREATED)
    assert event.actor == content_manager.user
    assert event.object_id == str(rally.pk)
    assert event.after is not None
    assert event.after["goal_pledges"] == 10
    assert event.after["window_ends_at"] == rally.window_ends_at.isoformat()


@pytest.mark.parametrize("role", ["employee", "reviewer", "responder"])
def test_only_content_managers_create_rallies(role, cast, activity, start):
    with pytest.raises(PermissionDenied):
        services.create_rally(by=cast[role], **rally_fields(activity, start))

    assert not Rally.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"goal_pledges": 0}, {"goal_pledges": ["min_value"]}),
        ({"title": "  "}, {"title": ["required"]}),
        ({"deadline_delta": timedelta(minutes=-1)}, {"deadline": ["past"]}),
        ({"window_start_delta": timedelta(minutes=-1)}, {"window_starts_at": ["before_deadline"]}),
        ({"window_length": timedelta(minutes=59)}, {"window_ends_at": ["too_short"]}),
    ],
)
def test_create_rally_field_errors(changes, expected, content_manager, activity, start):
    fields = rally_fields(activity, start)
    if "deadline_delta" in changes:
        fields["deadline"] = start + changes.pop("deadline_delta")
        fields["window_starts_at"] = fields["deadline"] + timedelta(hours=1)
        fields["window_ends_at"] = fields["deadline"] + timedelta(hours=3)
    if "window_start_delta" in changes:
        fields["window_starts_at"] = fields["deadline"] + changes.pop("window_start_delta")
    if "window_length" in changes:
        fields["window_ends_at"] = fields["window_starts_at"] + changes.pop("window_length")
    fields.update(changes)

    with pytest.raises(ValidationError) as error:
        services.create_rally(by=content_manager, **fields)

    assert field_codes(error.value) == expected
    assert not Rally.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RALLY_CREATED).exists()


def test_the_deadline_itself_may_open_the_window(content_manager, activity, start):
    fields = rally_fields(activity, start)

    rally = services.create_rally(by=content_manager, **fields)

    assert rally.window_starts_at == rally.deadline


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.PILOT, CampaignState.ENDED])
def test_only_activities_of_live_campaigns(state, content_manager, activity, start):
    activity.campaign.state = state
    activity.campaign.save()

    with pytest.raises(ValidationError) as error:
        services.create_rally(by=content_manager, **rally_fields(activity, start))

    assert field_codes(error.value) == {"activity": ["not_live"]}


def test_only_activities_where_people_write_a_post(content_manager, organisation, start):
    like = live_activity(organisation, kind=ActivityKind.LIKE)

    with pytest.raises(ValidationError) as error:
        services.create_rally(by=content_manager, **rally_fields(like, start))

    assert field_codes(error.value) == {"activity": ["kind"]}


def test_one_rally_per_activity(content_manager, activity, start):
    services.create_rally(by=content_manager, **rally_fields(activity, start))

    with pytest.raises(ValidationError) as error:
        services.create_rally(by=content_manager, **rally_fields(activity, start))

    assert field_codes(error.value) == {"activity": ["taken"]}


def test_activity_of_another_organisation_is_refused(content_manager, other_organisation, start):
    foreign = live_activity(other_organisation)

    with pytest.raises(ValidationError) as error:
        services.create_rally(by=content_manager, **rally_fields(foreign, start))

    assert field_codes(error.value) == {"activity": ["invalid"]}


def test_the_window_must_end_before_the_activity_expires(content_manager, activity, start):
    activity.expires_at = start + timedelta(days=1, minutes=30)
    activity.save()

    with pytest.raises(ValidationError) as error:
        services.create_rally(by=content_manager, **rally_fields(activity, start))

    assert field_codes(error.value) == {"window_ends_at": ["after_expiry"]}


# cancel_rally


@pytest.fixture
def pledged_rally(organisation, content_manager, activity, start):
    people = [participant(organisation, number) for number in range(3)]
    offer(activity)
    rally = open_rally(by=content_manager, activity=activity, at=start, goal=2)
    for number, (member, account) in enumerate(people):
        pledge_own_words(member, account, rally, seed=number, at=start)
    return rally, people


def test_cancel_rally_cancels_every_post_and_tells_pledgers(content_manager, pledged_rally, start):
    rally, people = pledged_rally

    services.cancel_rally(by=content_manager, rally=rally, now=start + timedelta(hours=1))

    rally.refresh_from_db()
    assert rally.state == RallyState.CANCELLED
    assert rally.resolved_at == start + timedelta(hours=1)
    posts = Post.objects.filter(pledge__rally=rally)
    assert set(posts.values_list("state", flat=True)) == {PostState.CANCELLED}
    assert set(posts.values_list("cancelled_reason", flat=True)) == {"rally cancelled"}
    told = Notification.objects.filter(kind=NotificationKind.POSTS_CANCELLED)
    assert sorted(n.member_id for n in told) == sorted(member.pk for member, _a in people)
    event = AuditEvent.objects.get(action=AuditAction.RALLY_CANCELLED)
    assert event.actor == content_manager.user
    assert event.before is not None and event.after is not None
    assert (event.before["state"], event.after["state"]) == ("open", "cancelled")
    # A cancelled rally is not resolved later.
    assert services.resolve_due_rallies(now=rally.deadline) == []


def test_cancel_rally_needs_manage_content(employee, pledged_rally, start):
    rally, _people = pledged_rally

    with pytest.raises(PermissionDenied):
        services.cancel_rally(by=employee, rally=rally, now=start)

    rally.refresh_from_db()
    assert rally.state == RallyState.OPEN


def test_cancel_rally_of_another_organisation_is_refused(outsider, pledged_rally, start):
    rally, _people = pledged_rally

    with pytest.raises(ValidationError):
        services.cancel_rally(by=outsider, rally=rally, now=start)


def test_a_fired_rally_cannot_be_cancelled(content_manager, pledged_rally):
    rally, _people = pledged_rally
    services.resolve_due_rallies(now=rally.deadline)

    with pytest.raises(TransitionNotAllowed):
        services.cancel_rally(by=content_manager, rally=rally, now=rally.deadline)

    assert not Post.objects.filter(state=PostState.CANCELLED).exists()


# resolve_due_rallies


def test_only_due_rallies_are_resolved(content_manager, organisation, pledged_rally, start):
    rally, _people = pledged_rally
    later_activity = live_activity(organisation)
    later = open_rally(
        by=content_manager, activity=later_activity, at=start, deadline_in=timedelta(days=5)
    )

    assert services.resolve_due_rallies(now=rally.deadline) == [rally]

    later.refresh_from_db()
    assert later.state == RallyState.OPEN


def test_a_rally_decided_after_its_window_closed_posts_nothing(pledged_rally):
    rally, _people = pledged_rally

    services.resolve_due_rallies(now=rally.window_ends_at - timedelta(minutes=30))

    rally.refresh_from_db()
    assert rally.state == RallyState.MISSED
    posts = Post.objects.filter(pledge__rally=rally)
    assert set(posts.values_list("state", flat=True)) == {PostState.CANCELLED}
    assert Notification.objects.filter(kind=NotificationKind.RALLY_MISSED).count() == 3


def test_a_rally_whose_campaign_ended_posts_nothing(pledged_rally):
    rally, _people = pledged_rally
    rally.activity.campaign.state = CampaignState.ENDED
    rally.activity.campaign.save()

    services.resolve_due_rallies(now=rally.deadline)

    rally.refresh_from_db()
    assert rally.state == RallyState.MISSED
    posts = Post.objects.filter(pledge__rally=rally)
    assert set(posts.values_list("state", flat=True)) == {PostState.CANCELLED}
    assert set(posts.values_list("cancelled_reason", flat=True)) == {
        "rally campaign is no longer live"
    }


def test_a_rally_decided_late_spreads_over_what_is_left_of_its_window(pledged_rally):
    rally, _people = pledged_rally
    late = rally.window_starts_at + timedelta(hours=1)

    services.resolve_due_rallies(now=late)

    rally.refresh_from_db()
    assert rally.state == RallyState.FIRED
    posts = Post.objects.filter(pledge__rally=rally)
    times = sorted(post.scheduled_for for post in posts if post.scheduled_for is not None)
    assert all(late < t < rally.window_ends_at for t in times)
    assert len(set(times)) == 3


def test_the_periodic_job_runs_every_minute_and_resolves(pledged_rally):
    rally, _people = pledged_rally
    job = next(job for job in registered_jobs() if job.name == "rallies.resolve_due_rallies")

    assert job.every == timedelta(minutes=1)
    assert job.task is tasks.resolve_due_rallies
    # Due now by the real clock: the task uses it.
    Rally.objects.filter(pk=rally.pk).update(
        deadline=now() - timedelta(minutes=1),
        window_starts_at=now(),
        window_ends_at=now() + timedelta(hours=2),
    )

    result = tasks.resolve_due_rallies.enqueue()

    assert result.return_value == 1
    rally.refresh_from_db()
    assert rally.state == RallyState.FIRED


# Firing keeps each author's gap and each account's daily cap where a slot allows it


def two_pledgers(
    organisation: Organisation,
    content_manager: Membership,
    activity: Activity,
    *,
    at: datetime,
    window_start: datetime,
    window: timedelta,
) -> tuple[Rally, list[tuple[Membership, ConnectedAccount]]]:
    people = [participant(organisation, number) for number in range(2)]
    offer(activity)
    rally = open_rally(
        by=content_manager,
        activity=activity,
        at=at,
        goal=2,
        deadline_in=window_start - timedelta(hours=1) - at,
        window=window,
    )
    for number, (member, account) in enumerate(people):
        pledge_own_words(member, account, rally, seed=number, at=at)
    return rally, people


def rally_time_of(rally: Rally, member: Membership) -> datetime:
    post = Post.objects.get(pledge__rally=rally, member=member)
    assert post.scheduled_for is not None
    return post.scheduled_for


@pytest.mark.parametrize("seed", range(6))
def test_a_fired_rally_gives_a_capped_account_the_slot_on_another_day(
    organisation, content_manager, activity, start, seed
):
    # A window from noon to noon (UTC, everyone's time zone here): one slot each day.
    window_start = datetime.combine(start.date() + timedelta(days=2), time(12), tzinfo=UTC)
    rally, [(capped, capped_account), (free, _account)] = two_pledgers(
        organisation,
        content_manager,
        activity,
        at=start,
        window_start=window_start,
        window=timedelta(days=1),
    )
    ConnectedAccount.objects.filter(pk=capped_account.pk).update(daily_cap=1)
    already = window_start.replace(hour=23)  # that account's one post of the first day
    scheduled_post(capped_account, text="Already planned.", at=already)

    services.resolve_due_rallies(now=rally.deadline, rng=random.Random(seed))

    assert rally_time_of(rally, capped).date() == window_start.date() + timedelta(days=1)
    assert rally_time_of(rally, free).date() == window_start.date()


@pytest.mark.parametrize("seed", range(6))
def test_a_fired_rally_keeps_each_authors_gap_from_their_other_posts(
    organisation, content_manager, activity, start, seed
):
    window_start = start + timedelta(days=2)
    rally, [(busy, busy_account), (free, _account)] = two_pledgers(
        organisation,
        content_manager,
        activity,
        at=start,
        window_start=window_start,
        window=timedelta(hours=4),
    )
    # Right where the first of the two slots (an hour into the window, give or take 24
    # minutes) falls: closer than the usual 90 minutes.
    other = window_start + timedelta(hours=1)
    scheduled_post(busy_account, text="My own post.", at=other)

    services.resolve_due_rallies(now=rally.deadline, rng=random.Random(seed))

    assert abs(rally_time_of(rally, busy) - other) >= DEFAULT_MIN_GAP
    assert abs(rally_time_of(rally, free) - other) < DEFAULT_MIN_GAP
