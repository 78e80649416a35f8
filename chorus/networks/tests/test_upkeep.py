"""The periodic upkeep of connected accounts: tokens, reminders, followers, post metrics.

``StandInNetwork`` stands in for an external network (the network packages are
tested on their own); every part of Chorus runs for real around it.
"""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, cast

import pytest
from django.test import TestCase

from chorus.core.scheduler import registered_jobs
from chorus.networks import services, tasks, upkeep
from chorus.networks.connectors.base import (
    AuthError,
    Credentials,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
    RateLimited,
    TransientError,
)
from chorus.networks.models import AccountStatus, ConnectedAccount, FollowerSnapshot
from chorus.networks.selectors import snapshot_day
from chorus.notifications.models import Notification, NotificationKind
from chorus.publishing import pipeline
from chorus.publishing.models import Post, PostState
from chorus.publishing.models import PostMetrics as StoredMetrics
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
NO_ANSWER = object()


class StandInNetwork:
    """Stands in for an external network: answers what the test told it to, and counts calls.

    ``answers`` maps (action, key) to a value, an error to raise, or a function of the
    account giving either; the key is the account's handle, or a post's external id.
    """

    network: ClassVar[str] = "bluesky"
    answers: ClassVar[dict[tuple[str, str], Any]] = {}
    calls: ClassVar[list[tuple[str, str]]] = []

    def _answer(self, action: str, key: str, account: ConnectedAccount) -> Any:
        self.calls.append((action, key))
        answer = self.answers.get((action, key), NO_ANSWER)
        if answer is NO_ANSWER:
            raise AssertionError(f"The test gave no answer for {action} {key}")
        if callable(answer) and not isinstance(answer, type):
            answer = answer(account)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        return cast(PublishedPost, self._answer("publish", account.handle, account))

    def find_published(self, account: ConnectedAccount, idempotency_key: str) -> None:
        return None

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported("not used here")

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported("not used here")

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported("not used here")

    def comment(self, account: ConnectedAccount, external_id: str, post: OutgoingPost) -> None:
        raise NotSupported("not used here")

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        return cast(PostMetrics, self._answer("post_metrics", external_id, account))

    def follower_count(self, account: ConnectedAccount) -> int:
        return cast(int, self._answer("follower_count", account.handle, account))

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        return cast(Credentials | None, self._answer("refresh", account.handle, account))

    def revoke(self, account: ConnectedAccount) -> None:
        return None


@pytest.fixture
def network(settings):
    settings.CHORUS_CONNECTORS = {
        **settings.CHORUS_CONNECTORS,
        "bluesky": "chorus.networks.tests.test_upkeep.StandInNetwork",
    }
    StandInNetwork.answers = {}
    StandInNetwork.calls = []
    yield StandInNetwork
    StandInNetwork.answers = {}
    StandInNetwork.calls = []


def bluesky_account(member, handle="@erin.bsky.social", **fields) -> ConnectedAccount:
    account = connect(member, handle=handle, network="bluesky")
    if fields:
        ConnectedAccount.objects.filter(pk=account.pk).update(**fields)
        account.refresh_from_db()
    return account


def calls_of(network, action: str) -> list[str]:
    return [key for called, key in network.calls if called == action]


# Tokens


@pytest.mark.django_db
def test_with_a_stand_in_network_a_token_near_expiry_is_refreshed_and_stored(employee, network):
    account = bluesky_account(
        employee,
        credentials=Credentials(access_token="old-access", refresh_token="old-refresh"),
        token_expires_at=NOW + timedelta(hours=12),
        expiry_reminders_sent=1,
    )
    fresh = Credentials(
        access_token="new-access", refresh_token="new-refresh", expires_at=NOW + timedelta(days=60)
    )
    network.answers[("refresh", account.handle)] = fresh

    renewal = upkeep.renew_tokens(now=NOW)

    assert renewal.refreshed == 1
    account.refresh_from_db()
    assert account.credentials.access_token == "new-access"
    assert account.credentials.refresh_token == "new-refresh"
    assert account.token_expires_at == NOW + timedelta(days=60)
    assert account.expiry_reminders_sent == 0
    assert account.status == AccountStatus.ACTIVE
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_with_a_stand_in_network_tokens_far_from_expiry_or_never_expiring_are_left_alone(
    employee, network
):
    bluesky_account(employee, handle="@later", token_expires_at=NOW + timedelta(days=8))
    bluesky_account(employee, handle="@never", token_expires_at=None)
    bluesky_account(
        employee,
        handle="@paused",
        token_expires_at=NOW + timedelta(hours=1),
        status=AccountStatus.NEEDS_RECONNECT,
    )

    assert upkeep.renew_tokens(now=NOW) == upkeep.TokenRenewal()
    assert network.calls == []


@pytest.mark.django_db
def test_with_a_stand_in_network_a_week_out_a_refreshable_token_is_renewed_without_reminder(
    employee, network
):
    account = bluesky_account(employee, token_expires_at=NOW + timedelta(days=6))
    network.answers[("refresh", account.handle)] = Credentials(
        access_token="new", expires_at=NOW + timedelta(days=90)
    )

    upkeep.renew_tokens(now=NOW)

    account.refresh_from_db()
    assert account.token_expires_at == NOW + timedelta(days=90)
    assert account.expiry_reminders_sent == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_with_a_stand_in_network_an_unrefreshable_token_is_reminded_a_week_ahead_once(
    employee, network
):
    expires = NOW + timedelta(days=6, hours=20)
    account = bluesky_account(employee, token_expires_at=expires)
    network.answers[("refresh", account.handle)] = None

    first = upkeep.renew_tokens(now=NOW)
    second = upkeep.renew_tokens(now=NOW + timedelta(hours=1))

    assert (first.reminded, second.reminded) == (1, 0)
    # Once reminded, it is not asked again until the refresh margin.
    assert calls_of(network, "refresh") == [account.handle]
    account.refresh_from_db()
    assert (account.status, account.expiry_reminders_sent) == (AccountStatus.ACTIVE, 1)
    notice = Notification.objects.get()
    assert notice.kind == NotificationKind.ACCOUNT_EXPIRES_SOON
    assert notice.params == {
        "network": "bluesky",
        "account": account.handle,
        "expires_at": expires.isoformat(),
    }
    assert notice.url == "/o/acme/accounts/"


@pytest.mark.django_db
def test_with_a_stand_in_network_the_reminder_mail_carries_the_reconnect_link(
    employee, network, smtp, settings
):
    settings.SITE_URL = "https://chorus.example.org"
    account = bluesky_account(
        employee, handle="@erin", token_expires_at=datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
    )
    network.answers[("refresh", account.handle)] = None

    with TestCase.captureOnCommitCallbacks(execute=True):
        upkeep.renew_tokens(now=NOW)

    [message] = smtp.mailbox.to(employee.user.email)
    body = smtp.mailbox.body_of(message)
    assert message["Subject"] == "Reconnect your Bluesky account @erin"
    assert "Your Bluesky account @erin stops working on June 7, 2026" in body
    assert "connect the same account again from your accounts page" in body
    assert "Reconnect the account:\r\nhttps://chorus.example.org/o/acme/accounts/" in body


@pytest.mark.django_db
def test_with_a_stand_in_network_at_expiry_the_account_needs_reconnecting_and_its_queue_stops(
    employee, network, smtp
):
    join_programme(employee)
    account = bluesky_account(
        employee, token_expires_at=NOW - timedelta(minutes=5), expiry_reminders_sent=1
    )
    post = scheduled_post(account, at=NOW - timedelta(minutes=1))
    network.answers[("refresh", account.handle)] = None

    with TestCase.captureOnCommitCallbacks(execute=True):
        renewal = upkeep.renew_tokens(now=NOW)
        again = upkeep.renew_tokens(now=NOW + timedelta(hours=1))
    pipeline.run_due_posts(now=NOW + timedelta(hours=1), synchronous=True)

    assert (renewal.expired, again.expired) == (1, 0)
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert account.expiry_reminders_sent == 2
    assert account.status_reason == "The connection to Bluesky expired."
    notice = Notification.objects.get()
    assert notice.kind == NotificationKind.ACCOUNT_NEEDS_RECONNECT
    [message] = smtp.mailbox.messages
    assert "http://127.0.0.1:8000/o/acme/accounts/" in smtp.mailbox.body_of(message)
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert calls_of(network, "publish") == []


@pytest.mark.django_db
def test_with_a_stand_in_network_a_refused_refresh_asks_the_owner_to_reconnect_once(
    employee, network, django_capture_on_commit_callbacks
):
    account = bluesky_account(employee, token_expires_at=NOW + timedelta(hours=3))
    network.answers[("refresh", account.handle)] = AuthError("The refresh token was revoked")

    with django_capture_on_commit_callbacks() as mails:
        renewal = upkeep.renew_tokens(now=NOW)
        upkeep.renew_tokens(now=NOW + timedelta(hours=1))

    assert renewal.needs_reconnect == 1
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert account.status_reason == "The refresh token was revoked"
    assert Notification.objects.get().kind == NotificationKind.ACCOUNT_NEEDS_RECONNECT
    assert len(mails) == 1
    assert len(calls_of(network, "refresh")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "failure",
    [
        TransientError("Bad gateway"),
        RateLimited("Slow down", reset_at=NOW + timedelta(minutes=5)),
        ValueError("unexpected reply"),
    ],
)
def test_with_a_stand_in_network_a_failed_refresh_is_tried_again_next_run(
    employee, network, failure
):
    account = bluesky_account(
        employee,
        credentials=Credentials(access_token="still-good"),
        token_expires_at=NOW + timedelta(hours=3),
    )
    network.answers[("refresh", account.handle)] = failure

    assert upkeep.renew_tokens(now=NOW).try_later == 1
    assert upkeep.renew_tokens(now=NOW + timedelta(hours=1)).try_later == 1

    assert len(calls_of(network, "refresh")) == 2
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.credentials.access_token == "still-good"
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_with_a_stand_in_network_a_reconnect_during_a_refresh_keeps_the_reconnected_token(
    employee, network
):
    account = bluesky_account(employee, token_expires_at=NOW + timedelta(hours=3))
    reconnected = Credentials(access_token="from-sign-in", expires_at=NOW + timedelta(days=60))

    def owner_reconnects_meanwhile(stale: ConnectedAccount) -> Credentials:
        fresh = ConnectedAccount.objects.get(pk=stale.pk)
        services.mark_reconnected(account=fresh, credentials=reconnected, now=NOW)
        return Credentials(access_token="from-refresh", expires_at=NOW + timedelta(days=1))

    network.answers[("refresh", account.handle)] = owner_reconnects_meanwhile

    upkeep.renew_tokens(now=NOW)

    account.refresh_from_db()
    assert account.credentials.access_token == "from-sign-in"
    assert account.token_expires_at == NOW + timedelta(days=60)


@pytest.mark.django_db
def test_with_a_stand_in_network_refreshing_never_logs_a_token(employee, network, caplog):
    account = bluesky_account(
        employee,
        credentials=Credentials(access_token="old-secret-access", refresh_token="old-secret-r"),
        token_expires_at=NOW + timedelta(hours=1),
    )
    network.answers[("refresh", account.handle)] = Credentials(
        access_token="new-secret-access",
        refresh_token="new-secret-refresh",
        expires_at=NOW + timedelta(hours=2),
    )

    with caplog.at_level(logging.DEBUG):
        upkeep.renew_tokens(now=NOW)
        network.answers[("refresh", account.handle)] = ValueError("token new-secret-access bad")
        upkeep.renew_tokens(now=NOW)

    assert "Refreshed the token of account" in caplog.text
    assert "secret" not in caplog.text


# Followers


@pytest.mark.django_db
def test_with_a_stand_in_network_followers_are_recorded_once_per_day(employee, network):
    account = bluesky_account(employee)
    network.answers[("follower_count", account.handle)] = 120

    assert upkeep.record_follower_counts(now=NOW).recorded == 1
    network.answers[("follower_count", account.handle)] = 125
    upkeep.record_follower_counts(now=NOW + timedelta(hours=3))

    account.refresh_from_db()
    assert account.followers_count == 125
    assert account.followers_checked_at == NOW + timedelta(hours=3)
    snapshot = FollowerSnapshot.objects.get()
    assert (snapshot.account, snapshot.day, snapshot.followers) == (
        account,
        snapshot_day(NOW),
        125,
    )

    network.answers[("follower_count", account.handle)] = 130
    upkeep.record_follower_counts(now=NOW + timedelta(days=1))

    assert list(FollowerSnapshot.objects.values_list("followers", flat=True)) == [125, 130]


@pytest.mark.django_db
def test_with_a_stand_in_network_accounts_without_follower_counts_are_skipped_quietly(
    employee, network, settings
):
    settings.CHORUS_CONNECTORS = {
        **settings.CHORUS_CONNECTORS,
        "outbox": "chorus.networks.connectors.outbox.OutboxConnector",
    }
    outbox = connect(employee, handle="@outbox")
    counted = bluesky_account(employee)
    network.answers[("follower_count", counted.handle)] = 7

    check = upkeep.record_follower_counts(now=NOW)

    assert (check.recorded, check.not_supported) == (1, 1)
    outbox.refresh_from_db()
    assert outbox.followers_count is None
    assert outbox.status == AccountStatus.ACTIVE
    assert FollowerSnapshot.objects.get().account == counted
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_with_a_stand_in_network_a_rate_limit_pauses_the_accounts_reads_until_reset(
    employee, network
):
    account = bluesky_account(employee)
    network.answers[("follower_count", account.handle)] = RateLimited(
        "Too many requests", reset_at=NOW + timedelta(hours=2)
    )

    assert upkeep.record_follower_counts(now=NOW).paused == 1
    account.refresh_from_db()
    assert account.reads_paused_until == NOW + timedelta(hours=2)

    upkeep.record_follower_counts(now=NOW + timedelta(hours=1))
    assert len(calls_of(network, "follower_count")) == 1

    network.answers[("follower_count", account.handle)] = 33
    upkeep.record_follower_counts(now=NOW + timedelta(hours=2, minutes=1))
    account.refresh_from_db()
    assert account.followers_count == 33


@pytest.mark.django_db
def test_with_a_stand_in_network_a_refused_token_on_followers_asks_to_reconnect(employee, network):
    account = bluesky_account(employee)
    network.answers[("follower_count", account.handle)] = AuthError("Token revoked")

    assert upkeep.record_follower_counts(now=NOW).needs_reconnect == 1
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert Notification.objects.get().kind == NotificationKind.ACCOUNT_NEEDS_RECONNECT

    upkeep.record_follower_counts(now=NOW + timedelta(days=1))
    assert len(calls_of(network, "follower_count")) == 1


@pytest.mark.django_db
def test_with_a_stand_in_network_a_temporary_failure_on_followers_waits_for_the_next_run(
    employee, network
):
    failing = bluesky_account(employee, handle="@failing")
    fine = bluesky_account(employee, handle="@fine")
    network.answers[("follower_count", failing.handle)] = TransientError("Timeout")
    network.answers[("follower_count", fine.handle)] = 10

    check = upkeep.record_follower_counts(now=NOW)

    assert (check.recorded, check.try_later) == (1, 1)
    failing.refresh_from_db()
    assert (failing.status, failing.followers_count) == (AccountStatus.ACTIVE, None)
    network.answers[("follower_count", failing.handle)] = 4
    upkeep.record_follower_counts(now=NOW + timedelta(days=1))
    failing.refresh_from_db()
    assert failing.followers_count == 4


# Post metrics


def published_post(account, *, external_id: str, published_at: datetime, **fields) -> Post:
    post = scheduled_post(account, at=published_at)
    Post.objects.filter(pk=post.pk).update(
        state=PostState.PUBLISHED,
        external_id=external_id,
        published_at=published_at,
        next_attempt_at=None,
        **fields,
    )
    post.refresh_from_db()
    return post


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "next_in"),
    [
        (timedelta(hours=2), timedelta(hours=1)),
        (timedelta(days=3), timedelta(hours=6)),
        (timedelta(days=20), timedelta(days=1)),
    ],
)
def test_with_a_stand_in_network_metrics_are_stored_and_asked_less_often_as_posts_age(
    employee, network, age, next_in
):
    account = bluesky_account(employee)
    post = published_post(account, external_id="at://post/1", published_at=NOW - age)
    network.answers[("post_metrics", "at://post/1")] = PostMetrics(
        likes=12, reposts=3, replies=4, impressions=900
    )

    assert upkeep.refresh_post_metrics(now=NOW).refreshed == 1

    metrics = StoredMetrics.objects.get(post=post)
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.impressions) == (
        12,
        3,
        4,
        900,
    )
    assert (metrics.refreshed_at, metrics.failures) == (NOW, 0)
    assert metrics.next_refresh_at == NOW + next_in


@pytest.mark.django_db
def test_with_a_stand_in_network_only_recent_published_due_posts_are_asked_about(employee, network):
    account = bluesky_account(employee)
    published_post(account, external_id="old", published_at=NOW - timedelta(days=31))
    not_due = published_post(account, external_id="not-due", published_at=NOW - timedelta(days=2))
    StoredMetrics.objects.create(post=not_due, next_refresh_at=NOW + timedelta(minutes=1))
    published_post(account, external_id="", published_at=NOW - timedelta(days=1))
    scheduled_post(account, at=NOW - timedelta(hours=1))
    due = published_post(account, external_id="due", published_at=NOW - timedelta(days=2))
    StoredMetrics.objects.create(post=due, next_refresh_at=NOW)
    network.answers[("post_metrics", "due")] = PostMetrics(likes=1)

    upkeep.refresh_post_metrics(now=NOW)

    assert network.calls == [("post_metrics", "due")]


@pytest.mark.django_db
def test_with_a_stand_in_network_failures_back_off_exponentially_and_success_resets(
    employee, network
):
    account = bluesky_account(employee)
    post = published_post(account, external_id="p", published_at=NOW - timedelta(days=10))
    network.answers[("post_metrics", "p")] = TransientError("Bad gateway")

    upkeep.refresh_post_metrics(now=NOW)
    metrics = StoredMetrics.objects.get(post=post)
    assert (metrics.failures, metrics.next_refresh_at) == (1, NOW + timedelta(minutes=15))

    later = NOW + timedelta(minutes=15)
    upkeep.refresh_post_metrics(now=later)
    metrics.refresh_from_db()
    assert (metrics.failures, metrics.next_refresh_at) == (2, later + timedelta(minutes=30))

    upkeep.refresh_post_metrics(now=later + timedelta(minutes=29))
    assert len(calls_of(network, "post_metrics")) == 2

    network.answers[("post_metrics", "p")] = PostMetrics(likes=5)
    upkeep.refresh_post_metrics(now=later + timedelta(minutes=30))
    metrics.refresh_from_db()
    assert (metrics.failures, metrics.likes) == (0, 5)


def test_backoff_doubles_and_is_capped_at_a_day():
    waits = [upkeep.metrics_backoff(failures=n) for n in (1, 2, 3, 4, 30)]

    assert waits == [
        timedelta(minutes=15),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(days=1),
    ]


@pytest.mark.django_db
def test_with_a_stand_in_network_a_rate_limit_rests_that_account_and_not_the_others(
    employee, network
):
    limited = bluesky_account(employee, handle="@limited")
    other = bluesky_account(employee, handle="@other")
    for name, account in (("a", limited), ("b", limited), ("c", other)):
        published_post(account, external_id=name, published_at=NOW - timedelta(hours=5))
    network.answers[("post_metrics", "a")] = RateLimited(
        "Rate limit", reset_at=NOW + timedelta(minutes=30)
    )
    network.answers[("post_metrics", "b")] = PostMetrics(likes=2)
    network.answers[("post_metrics", "c")] = PostMetrics(likes=3)

    result = upkeep.refresh_post_metrics(now=NOW)

    assert calls_of(network, "post_metrics") == ["a", "c"]
    assert (result.refreshed, result.skipped) == (1, 2)
    limited.refresh_from_db()
    assert limited.reads_paused_until == NOW + timedelta(minutes=30)

    upkeep.refresh_post_metrics(now=NOW + timedelta(minutes=15))
    assert calls_of(network, "post_metrics") == ["a", "c"]

    network.answers[("post_metrics", "a")] = PostMetrics(likes=1)
    upkeep.refresh_post_metrics(now=NOW + timedelta(minutes=30))
    assert sorted(calls_of(network, "post_metrics")[2:]) == ["a", "b"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "refusal", [NotSupported("No metrics API"), PermanentError("The post was deleted")]
)
def test_with_a_stand_in_network_posts_it_cannot_tell_about_are_not_asked_again(
    employee, network, refusal
):
    account = bluesky_account(employee)
    post = published_post(account, external_id="p", published_at=NOW - timedelta(hours=2))
    network.answers[("post_metrics", "p")] = refusal

    assert upkeep.refresh_post_metrics(now=NOW).stopped == 1
    upkeep.refresh_post_metrics(now=NOW + timedelta(days=2))

    assert StoredMetrics.objects.get(post=post).next_refresh_at == upkeep.NEVER
    assert len(calls_of(network, "post_metrics")) == 1


@pytest.mark.django_db
def test_with_a_stand_in_network_a_refused_token_on_metrics_asks_to_reconnect(employee, network):
    account = bluesky_account(employee)
    for name in ("a", "b"):
        published_post(account, external_id=name, published_at=NOW - timedelta(hours=2))
    network.answers[("post_metrics", "a")] = AuthError("Expired token")

    upkeep.refresh_post_metrics(now=NOW)

    assert calls_of(network, "post_metrics") == ["a"]
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert Notification.objects.get().kind == NotificationKind.ACCOUNT_NEEDS_RECONNECT


@pytest.mark.django_db
def test_with_a_stand_in_network_each_run_asks_about_a_bounded_batch_oldest_due_first(
    employee, network
):
    account = bluesky_account(employee)
    names = [f"p{n}" for n in range(5)]
    for name in names:
        published_post(account, external_id=name, published_at=NOW - timedelta(days=3))
        network.answers[("post_metrics", name)] = PostMetrics(likes=1)

    upkeep.refresh_post_metrics(now=NOW, batch_size=2)
    upkeep.refresh_post_metrics(now=NOW + timedelta(minutes=1), batch_size=2)
    upkeep.refresh_post_metrics(now=NOW + timedelta(minutes=2), batch_size=2)

    assert calls_of(network, "post_metrics") == names


@pytest.mark.django_db
def test_accounts_of_a_network_without_a_connector_wait_without_stopping_the_jobs(
    employee, settings
):
    settings.CHORUS_CONNECTORS = {"bluesky": "chorus.networks.connectors.missing.Connector"}
    account = bluesky_account(employee, token_expires_at=NOW + timedelta(hours=1))
    post = published_post(account, external_id="p", published_at=NOW - timedelta(hours=1))

    assert upkeep.renew_tokens(now=NOW).try_later == 1
    assert upkeep.record_follower_counts(now=NOW).try_later == 1
    assert upkeep.refresh_post_metrics(now=NOW).failed == 1

    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert StoredMetrics.objects.get(post=post).next_refresh_at == NOW + timedelta(minutes=15)


# Scheduling


def test_the_upkeep_jobs_are_registered_with_the_scheduler():
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["networks.renew_tokens"].task is tasks.renew_tokens
    assert jobs["networks.record_follower_counts"].task is tasks.record_follower_counts
    assert jobs["networks.refresh_post_metrics"].task is tasks.refresh_post_metrics
    assert jobs["networks.renew_tokens"].every == timedelta(hours=1)
    assert jobs["networks.record_follower_counts"].daily_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("job", "expected"),
    [
        (tasks.renew_tokens, {"refreshed": 1}),
        (tasks.record_follower_counts, {"recorded": 1}),
        (tasks.refresh_post_metrics, {"refreshed": 1}),
    ],
)
def test_with_a_stand_in_network_each_task_runs_its_service(employee, network, job, expected):
    now = datetime.now(UTC)
    account = bluesky_account(employee, token_expires_at=now + timedelta(hours=2))
    published_post(account, external_id="p", published_at=now - timedelta(hours=1))
    network.answers[("refresh", account.handle)] = Credentials(
        access_token="t", expires_at=now + timedelta(days=30)
    )
    network.answers[("follower_count", account.handle)] = 3
    network.answers[("post_metrics", "p")] = PostMetrics(likes=1)

    result = job.enqueue()

    assert result.return_value.items() >= expected.items()
