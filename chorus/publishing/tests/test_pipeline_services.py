"""Finding due and interrupted posts, and the periodic jobs that do it."""

from datetime import timedelta

import pytest

from chorus.core.scheduler import registered_jobs
from chorus.networks.connectors.base import TransientError
from chorus.networks.models import AccountStatus, ConnectedAccount, OutboxPost
from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, Post, PostState, PublishAttempt
from chorus.publishing.tests.factories import (
    T0,
    activity_in_feed,
    connect,
    join_programme,
    scheduled_post,
)


@pytest.fixture
def account(employee):
    join_programme(employee)
    return connect(employee)


def interrupt(post: Post, *, at=T0) -> None:
    Post.objects.filter(pk=post.pk).update(state=PostState.PUBLISHING, publishing_started_at=at)
    PublishAttempt.objects.create(post=post, started_at=at)


@pytest.mark.django_db
def test_each_accounts_due_posts_are_published_as_one_task_in_order(
    account, employee, django_capture_on_commit_callbacks
):
    posts = [scheduled_post(account, text=f"Post {n}", at=T0) for n in range(3)]
    other_account = connect(employee, handle="@other")
    other = scheduled_post(other_account, text="Elsewhere", at=T0 - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert pipeline.run_due_posts(now=T0) == 4

    assert len(callbacks) == 2
    # The tasks run on the real clock, long after T0.
    states = Post.objects.filter(pk__in=[post.pk for post in [*posts, other]])
    assert set(states.values_list("state", flat=True)) == {PostState.PUBLISHED}
    sent = OutboxPost.objects.filter(account=account).order_by("pk")
    assert list(sent.values_list("text", flat=True)) == [post.text for post in posts]
    assert list(other_account.outbox_posts.values_list("text", flat=True)) == ["Elsewhere"]


@pytest.mark.django_db
def test_posts_of_an_account_that_needs_reconnecting_are_not_taken_up(account, employee):
    scheduled_post(account, at=T0)
    ConnectedAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    other = scheduled_post(connect(employee, handle="@other"), at=T0)

    assert pipeline.run_due_posts(now=T0, synchronous=True) == 1
    other.refresh_from_db()
    assert other.state == PostState.PUBLISHED


@pytest.mark.django_db
def test_run_due_posts_takes_at_most_the_limit_oldest_first(account):
    posts = [
        scheduled_post(account, text=f"Post {n}", at=T0 - timedelta(minutes=n)) for n in range(3)
    ]

    assert pipeline.run_due_posts(now=T0, limit=2, synchronous=True) == 2

    states = {p.pk: p.state for p in Post.objects.all()}
    assert states[posts[2].pk] == states[posts[1].pk] == PostState.PUBLISHED
    assert states[posts[0].pk] == PostState.SCHEDULED


@pytest.mark.django_db
def test_a_post_within_its_lease_is_left_to_its_worker(account):
    post = scheduled_post(account)
    interrupt(post)

    assert pipeline.recover_interrupted_posts(now=T0 + timedelta(minutes=9)) == 0

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING
    assert post.attempts.get().outcome == AttemptOutcome.STARTED


@pytest.mark.django_db
def test_recovery_retries_at_once_when_the_network_does_not_have_it(account):
    post = scheduled_post(account)
    interrupt(post)
    now = T0 + timedelta(minutes=11)

    assert pipeline.recover_interrupted_posts(now=now) == 1

    post.refresh_from_db()
    assert (post.state, post.next_attempt_at) == (PostState.SCHEDULED, now)
    attempt = post.attempts.get()
    assert (attempt.outcome, attempt.retry_at, attempt.finished_at) == (
        AttemptOutcome.INTERRUPTED,
        now,
        now,
    )
    assert pipeline.recover_interrupted_posts(now=now) == 0


class UnreachableConnector:
    def publish(self, account, post):
        raise TransientError("unreachable")

    def find_published(self, account, idempotency_key):
        raise TransientError("unreachable")


@pytest.mark.django_db
def test_recovery_leaves_a_post_it_cannot_check(account, settings):
    settings.CHORUS_CONNECTORS = {"outbox": f"{__name__}.UnreachableConnector"}
    post = scheduled_post(account)
    interrupt(post)

    assert pipeline.recover_interrupted_posts(now=T0 + timedelta(hours=1)) == 0

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING
    assert not OutboxPost.objects.exists()


def test_due_posts_every_minute_and_recovery_every_five():
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["publishing.publish_due_posts"].every == timedelta(minutes=1)
    assert jobs["publishing.recover_interrupted_posts"].every == timedelta(minutes=5)


@pytest.mark.django_db
def test_publishing_a_post_reads_and_writes_only_what_it_needs(
    account, employee, django_assert_num_queries
):
    activity, _entry = activity_in_feed(employee)
    first, second = (
        scheduled_post(account, text=f"Post {n} https://acme.test/x", activity=activity)
        for n in (1, 2)
    )
    pipeline.publish_post(post_id=first.pk, now=T0)  # compiles the rules, stores the snapshot

    # Claim (in a savepoint here): the post with its account, member, organisation and
    # activity under lock; the member's consent; the current policy; the rules' revision
    # and snapshot; the logged check; the claim; the attempt. Send: the outbox looks for
    # the key, then stores the post (savepoint). Record (savepoint): published, the feed
    # entry done, the notification, the attempt finished.
    with django_assert_num_queries(20):
        pipeline.publish_post(post_id=second.pk, now=T0)

    second.refresh_from_db()
    assert second.state == PostState.PUBLISHED
