"""THE RALLY TEST: a rally that meets its goal posts each pledge once, spread over its window;
a rally that misses its goal posts nothing at all."""

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.networks.models import OutboxPost
from chorus.notifications.models import Notification, NotificationKind
from chorus.publishing.models import Post, PostState
from chorus.rallies import services
from chorus.rallies.models import RallyState
from chorus.rallies.stagger import minimum_gap
from chorus.rallies.tests.helpers import (
    live_activity,
    now,
    offer,
    open_rally,
    participant,
    pledge_own_words,
)

pytestmark = pytest.mark.django_db


def publish_due(at: datetime) -> None:
    """The real publisher, as operators run it: every post due by ``at`` goes out once."""
    call_command("chorus_publish_due", "--now", at.isoformat())


@pytest.fixture
def pledgers(organisation):
    return [participant(organisation, number) for number in range(6)]


def test_goal_met_posts_each_pledge_once_spread_across_the_window(
    organisation, content_manager, pledgers
):
    start = now()
    activity = live_activity(organisation)
    offer(activity)
    rally = open_rally(by=content_manager, activity=activity, at=start, goal=5)
    pledges = [
        pledge_own_words(member, account, rally, seed=n, at=start + timedelta(minutes=n))
        for n, (member, account) in enumerate(pledgers)
    ]
    # One changes their mind before the deadline: their post must never go out.
    services.withdraw(member=pledgers[5][0], pledge=pledges[5], now=start + timedelta(hours=1))
    kept = pledges[:5]

    resolved = services.resolve_due_rallies(now=rally.deadline + timedelta(seconds=30))

    assert resolved == [rally]
    rally.refresh_from_db()
    assert rally.state == RallyState.FIRED
    posts = [Post.objects.get(pk=p.post_id) for p in kept]
    assert {post.state for post in posts} == {PostState.SCHEDULED}
    times = sorted(post.scheduled_for for post in posts if post.scheduled_for is not None)
    assert len(times) == len(posts)
    assert all(rally.window_starts_at < t < rally.window_ends_at for t in times)
    assert len(set(times)) == len(times), "two posts share a moment"
    gaps = [later - earlier for earlier, later in pairwise(times)]
    floor = minimum_gap(start=rally.window_starts_at, end=rally.window_ends_at, count=len(times))
    assert min(gaps) >= floor, f"a burst: {min(gaps)} < {floor}"
    assert all(post.next_attempt_at == post.scheduled_for for post in posts)
    assert Post.objects.get(pk=pledges[5].post_id).state == PostState.CANCELLED

    fired = Notification.objects.filter(kind=NotificationKind.RALLY_FIRED)
    assert sorted(n.member_id for n in fired) == sorted(p.member_id for p in kept)
    for notification in fired:
        post = Post.objects.get(member_id=notification.member_id, pledge__rally=rally)
        assert post.scheduled_for is not None
        assert notification.params["scheduled_for"] == post.scheduled_for.isoformat()
        assert "Welcome Helsinki" in notification.message
        assert notification.url == f"/o/acme/rallies/{rally.pk}/"
    assert AuditEvent.objects.filter(action=AuditAction.RALLY_FIRED, object_id=str(rally.pk))

    # Midway through the window only the posts due by then have gone out: no burst.
    publish_due(rally.window_starts_at + (rally.window_ends_at - rally.window_starts_at) / 2)
    assert 0 < OutboxPost.objects.count() < len(kept)

    publish_due(rally.window_ends_at)
    publish_due(rally.window_ends_at + timedelta(minutes=5))

    outbox = list(OutboxPost.objects.all())
    assert len(outbox) == len(kept)
    for pledge in kept:
        post = Post.objects.get(pk=pledge.post_id)
        assert post.state == PostState.PUBLISHED
        (record,) = [r for r in outbox if r.idempotency_key == str(post.idempotency_key)]
        assert record.account_id == pledge.account_id
        assert record.text == post.text
        assert "#employee" in record.text
    texts = [record.text for record in outbox]
    assert len(set(texts)) == len(texts), "identical messages went out"
    assert not OutboxPost.objects.filter(account=pledgers[5][1]).exists()


def test_goal_missed_posts_nothing_and_tells_the_pledgers(organisation, content_manager, pledgers):
    start = now()
    activity = live_activity(organisation)
    offer(activity)
    rally = open_rally(by=content_manager, activity=activity, at=start, goal=4)
    pledges = [
        pledge_own_words(member, account, rally, seed=n, at=start)
        for n, (member, account) in enumerate(pledgers[:3])
    ]

    # Not yet: before the deadline nothing is decided.
    assert services.resolve_due_rallies(now=rally.deadline - timedelta(seconds=1)) == []

    assert services.resolve_due_rallies(now=rally.deadline) == [rally]

    rally.refresh_from_db()
    assert rally.state == RallyState.MISSED
    assert rally.resolved_at == rally.deadline
    posts = Post.objects.filter(pledge__rally=rally)
    assert posts.count() == 3
    assert set(posts.values_list("state", flat=True)) == {PostState.CANCELLED}
    assert set(posts.values_list("cancelled_reason", flat=True)) == {"rally goal not reached"}
    assert not posts.filter(scheduled_for__isnull=False).exists()

    publish_due(rally.window_ends_at + timedelta(days=1))
    assert OutboxPost.objects.count() == 0
    assert not Post.objects.filter(state=PostState.PUBLISHED).exists()

    missed = Notification.objects.filter(kind=NotificationKind.RALLY_MISSED)
    assert sorted(n.member_id for n in missed) == sorted(p.member_id for p in pledges)
    assert {n.params["pledges"] for n in missed} == {3}
    assert all("nothing was posted" in n.message for n in missed)
    assert not Notification.objects.filter(kind=NotificationKind.RALLY_FIRED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.RALLY_MISSED, object_id=str(rally.pk))

    # Resolving again changes nothing.
    assert services.resolve_due_rallies(now=rally.deadline + timedelta(hours=1)) == []
