"""The pipeline against a network that fails on cue: every post goes out once, or says why not."""

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from typing import ClassVar

import pytest
from django.db.models import Count

from chorus.core.workflow import TransitionNotAllowed
from chorus.networks import services as account_services
from chorus.networks.connectors.base import (
    AuthError,
    OutgoingPost,
    PermanentError,
    PublishedPost,
    RateLimited,
    TransientError,
)
from chorus.networks.connectors.outbox import OutboxConnector
from chorus.networks.models import AccountStatus, ConnectedAccount, OutboxPost
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership
from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.publishing.tests.factories import (
    T0,
    activity_in_feed,
    connect,
    join_programme,
    scheduled_post,
)
from chorus.publishing.workflow import POST_WORKFLOW
from chorus.sharing.models import FeedState
from chorus.sharing.selectors import DEFAULT_MIN_GAP

MINUTE = timedelta(minutes=1)


class ScriptedConnector:
    """A network that raises the scripted errors in turn, then records posts like the outbox."""

    script: ClassVar[list[Exception]] = []
    sent_keys: ClassVar[list[str]] = []

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        ScriptedConnector.sent_keys.append(post.idempotency_key)
        if ScriptedConnector.script:
            raise ScriptedConnector.script.pop(0)
        return OutboxConnector().publish(account, post)

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        return OutboxConnector().find_published(account, idempotency_key)


@pytest.fixture
def network(settings) -> Iterator[type[ScriptedConnector]]:
    settings.CHORUS_CONNECTORS = {"outbox": f"{__name__}.ScriptedConnector"}
    ScriptedConnector.script = []
    ScriptedConnector.sent_keys = []
    yield ScriptedConnector
    ScriptedConnector.script = []


@pytest.fixture
def account(employee: Membership) -> ConnectedAccount:
    join_programme(employee)
    return connect(employee)


def run(at: datetime) -> int:
    return pipeline.run_due_posts(now=at, synchronous=True)


def outcomes(post: Post) -> list[str]:
    return list(post.attempts.order_by("started_at", "pk").values_list("outcome", flat=True))


def assert_none_lost_none_doubled(*posts: Post) -> None:
    """Each published post is on the network exactly once; nothing else is."""
    per_key = Counter(OutboxPost.objects.values_list("idempotency_key", flat=True))
    assert all(count == 1 for count in per_key.values()), per_key
    for post in posts:
        post.refresh_from_db()
        on_network = per_key[str(post.idempotency_key)]
        assert on_network == (1 if post.state == PostState.PUBLISHED else 0), post.state


@pytest.mark.django_db
def test_temporary_errors_twice_then_published_once_with_backoff(network, account, employee):
    activity, entry = activity_in_feed(employee)
    post = scheduled_post(account, activity=activity)
    network.script = [TransientError("502 Bad Gateway"), TransientError("Connection reset")]

    assert run(T0) == 1
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.next_attempt_at == T0 + MINUTE

    assert run(T0 + timedelta(seconds=30)) == 0  # not due yet: nothing sent
    assert len(network.sent_keys) == 1

    run(T0 + MINUTE)
    post.refresh_from_db()
    assert post.next_attempt_at == T0 + MINUTE + 5 * MINUTE

    run(T0 + 6 * MINUTE)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.published_at == T0 + 6 * MINUTE
    assert post.attempt_count == 3
    assert post.external_id.startswith("outbox-")
    attempts = list(post.attempts.order_by("started_at"))
    assert [a.outcome for a in attempts] == ["transient", "transient", "published"]
    assert [a.retry_at for a in attempts] == [T0 + MINUTE, T0 + 6 * MINUTE, None]
    assert [a.detail for a in attempts[:2]] == ["502 Bad Gateway", "Connection reset"]
    assert all(a.finished_at is not None for a in attempts)
    # The same idempotency key every time: the network sees one post.
    assert network.sent_keys == [str(post.idempotency_key)] * 3
    entry.refresh_from_db()
    assert entry.state == FeedState.DONE
    published = Notification.objects.get(member=employee, kind=NotificationKind.POST_PUBLISHED)
    assert published.url == f"/o/acme/posts/{post.pk}/"
    assert published.emailed_at is None
    assert_none_lost_none_doubled(post)


@pytest.mark.django_db
def test_retry_after_from_the_network_is_honoured(network, account):
    post = scheduled_post(account)
    network.script = [TransientError("Busy", retry_after=timedelta(seconds=90))]

    run(T0)

    post.refresh_from_db()
    assert post.next_attempt_at == T0 + timedelta(seconds=90)


@pytest.mark.django_db
def test_gives_up_after_the_maximum_of_temporary_errors_and_mails_the_owner(
    network, account, employee, smtp, django_capture_on_commit_callbacks
):
    post = scheduled_post(account)
    network.script = [TransientError(f"Timeout {n}") for n in range(10)]
    now = T0
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(pipeline.MAX_TEMPORARY_FAILURES):
            run(now)
            post.refresh_from_db()
            if post.state == PostState.FAILED:
                break
            assert post.next_attempt_at is not None
            now = post.next_attempt_at

    assert post.state == PostState.FAILED
    assert outcomes(post) == ["transient"] * pipeline.MAX_TEMPORARY_FAILURES
    assert "Timeout 5" in post.failure_reason
    # 1, 5, 25, 125 and 625 minutes apart.
    retry_gaps = [
        a.retry_at - a.started_at for a in post.attempts.order_by("started_at") if a.retry_at
    ]
    assert retry_gaps == list(pipeline.BACKOFF)
    [mail] = smtp.mailbox.to(employee.user.email)
    assert "Timeout 5" in smtp.mailbox.body_of(mail)
    assert_none_lost_none_doubled(post)


@pytest.mark.django_db
def test_rate_limit_holds_every_post_of_the_account_until_the_reset(network, account, employee):
    first, second = scheduled_post(account), scheduled_post(account, text="Another post of mine.")
    elsewhere = scheduled_post(connect(employee, handle="@erin-two"), text="On my other account.")
    reset = T0 + 15 * MINUTE
    network.script = [RateLimited("429 Too Many Requests", reset_at=reset)]

    run(T0)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == PostState.SCHEDULED
    assert first.next_attempt_at == second.next_attempt_at == reset
    [attempt] = first.attempts.all()
    assert (attempt.outcome, attempt.retry_at) == (AttemptOutcome.RATE_LIMITED, reset)
    # Claimed with the first, the second was held back without reaching the network.
    assert str(second.idempotency_key) not in network.sent_keys
    [held] = second.attempts.all()
    assert (held.outcome, held.retry_at) == (AttemptOutcome.RATE_LIMITED, reset)
    assert held.detail.startswith("Not sent: the network refused an earlier post")
    assert "429 Too Many Requests" in held.detail
    # Another account's limit is its own.
    elsewhere.refresh_from_db()
    assert elsewhere.state == PostState.PUBLISHED
    sent_before_reset = len(network.sent_keys)
    assert sent_before_reset == 2

    assert run(reset - timedelta(seconds=1)) == 0
    assert len(network.sent_keys) == sent_before_reset

    assert run(reset) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == PostState.PUBLISHED
    assert outcomes(first) == ["rate_limited", "published"]
    assert outcomes(second) == ["rate_limited", "published"]
    assert_none_lost_none_doubled(first, second, elsewhere)


@pytest.mark.django_db
def test_auth_error_asks_the_owner_to_reconnect_and_holds_the_account_posts(
    network, account, employee, settings, smtp, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://chorus.example.org"
    first, second = scheduled_post(account), scheduled_post(account, text="My second post.")
    later = scheduled_post(account, text="A post for tomorrow.", at=T0 + timedelta(days=1))
    network.script = [AuthError("The access token was revoked by the user")]

    with django_capture_on_commit_callbacks(execute=True):
        run(T0)

    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert account.status_reason == "The access token was revoked by the user"
    assert network.sent_keys == [str(first.idempotency_key)]  # the second was not attempted
    for post in (first, second, later):
        post.refresh_from_db()
        assert post.state == PostState.SCHEDULED
    assert outcomes(first) == ["auth"]
    [held] = second.attempts.all()
    assert held.outcome == AttemptOutcome.AUTH
    assert held.detail.startswith("Not sent: the network refused an earlier post")
    assert not later.attempts.exists()
    [notice] = Notification.objects.filter(
        member=employee, kind=NotificationKind.ACCOUNT_NEEDS_RECONNECT
    )
    assert notice.url == "/o/acme/accounts/"
    [mail] = smtp.mailbox.to(employee.user.email)
    assert "https://chorus.example.org/o/acme/accounts/" in smtp.mailbox.body_of(mail)

    # While it waits, nothing is attempted and the owner is not told again.
    with django_capture_on_commit_callbacks(execute=True):
        assert run(T0 + 2 * timedelta(days=1)) == 0
    assert len(network.sent_keys) == 1
    assert len(smtp.mailbox.messages) == 1

    reconnected_at = T0 + 3 * timedelta(days=1)
    account_services.reconnect_account(by=employee, account=account, now=reconnected_at)
    # The queue resumes, spread again from now rather than in one burst.
    new_times = sorted(
        at
        for at in Post.objects.filter(account=account).values_list("next_attempt_at", flat=True)
        if at is not None
    )
    assert len(new_times) == 3
    assert new_times[0] >= reconnected_at
    assert min(b - a for a, b in pairwise(new_times)) >= DEFAULT_MIN_GAP
    for at in new_times:
        assert run(at) == 1

    for post in (first, second, later):
        post.refresh_from_db()
        assert post.state == PostState.PUBLISHED
    assert outcomes(first) == ["auth", "published"]
    assert_none_lost_none_doubled(first, second, later)


@pytest.mark.django_db
def test_permanent_error_fails_the_post_with_the_network_reason(
    network, account, employee, login, smtp, django_capture_on_commit_callbacks
):
    post = scheduled_post(account)
    reason = "Status is a duplicate (error 187)"
    network.script = [PermanentError(reason)]

    with django_capture_on_commit_callbacks(execute=True):
        run(T0)

    post.refresh_from_db()
    assert post.state == PostState.FAILED
    assert post.failure_reason == reason
    [attempt] = post.attempts.all()
    assert (attempt.outcome, attempt.detail) == (AttemptOutcome.PERMANENT, reason)
    assert run(T0 + timedelta(days=1)) == 0  # a failed post is not retried by itself
    [mail] = smtp.mailbox.to(employee.user.email)
    body = smtp.mailbox.body_of(mail)
    assert reason in body
    assert f"/o/acme/posts/{post.pk}/" in body
    page = login(employee).get(f"/o/acme/posts/{post.pk}/")
    assert reason in page.content.decode()
    assert_none_lost_none_doubled(post)


@pytest.mark.django_db
def test_the_owner_retries_a_failed_post_and_it_goes_out_once(network, account, employee, login):
    post = scheduled_post(account)
    network.script = [PermanentError("Media processing failed")]
    run(T0)

    response = login(employee).post(f"/o/acme/posts/{post.pk}/retry/")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.failure_reason == ""
    assert post.next_attempt_at is not None
    run(post.next_attempt_at)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert outcomes(post) == ["permanent", "published"]
    assert_none_lost_none_doubled(post)


@pytest.mark.django_db
def test_two_workers_racing_on_one_post_publish_it_once(network, account):
    post = scheduled_post(account)
    # The second worker read the post while it was still scheduled.
    stale = Post.objects.get(pk=post.pk)

    claimed, attempt = pipeline._claim(post_id=post.pk, now=T0)
    assert attempt is not None
    # Its claim is conditional on the state it read: it loses.
    with pytest.raises(TransitionNotAllowed):
        POST_WORKFLOW.apply(stale, "claim", publishing_started_at=T0)
    assert pipeline._claim(post_id=post.pk, now=T0)[1] is None
    assert pipeline.publish_post(post_id=post.pk, now=T0).state == PostState.PUBLISHING
    assert network.sent_keys == []

    pipeline._send(claimed, attempt=attempt, now=T0)
    pipeline.publish_post(post_id=post.pk, now=T0)  # a late duplicate task

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.attempt_count == 1
    assert outcomes(post) == ["published"]
    assert network.sent_keys == [str(post.idempotency_key)]
    assert_none_lost_none_doubled(post)


@pytest.mark.django_db
def test_a_post_moved_later_after_it_was_found_due_is_not_claimed(network, account):
    post = scheduled_post(account)
    # A worker found it due at T0; before it claims, the owner moves it to tomorrow.
    Post.objects.filter(pk=post.pk).update(next_attempt_at=T0 + timedelta(days=1))

    claimed, attempt = pipeline._claim(post_id=post.pk, now=T0)

    assert attempt is None
    assert claimed.state == PostState.SCHEDULED
    assert not post.attempts.exists()
    assert network.sent_keys == []


@pytest.mark.django_db
def test_a_post_whose_text_changed_after_approval_is_refused(network, account, employee):
    post = scheduled_post(account)
    Post.objects.filter(pk=post.pk).update(text="Something its owner never approved.")

    run(T0)

    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert "not the text its owner approved" in post.cancelled_reason
    [attempt] = post.attempts.all()
    assert attempt.outcome == AttemptOutcome.REFUSED
    assert network.sent_keys == []
    assert Notification.objects.filter(
        member=employee, kind=NotificationKind.POSTS_CANCELLED
    ).exists()
    assert_none_lost_none_doubled(post)


@pytest.mark.django_db
def test_a_post_of_a_member_who_left_the_programme_is_refused(network, account, employee):
    post = scheduled_post(account)
    employee.consents.update(left_at=T0 - MINUTE)

    run(T0)

    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert outcomes(post) == ["refused"]
    assert network.sent_keys == []


@pytest.mark.django_db
def test_a_post_of_an_account_taken_out_of_the_programme_is_refused(network, account):
    post = scheduled_post(account)
    ConnectedAccount.objects.filter(pk=account.pk).update(takes_part=False)

    run(T0)

    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert outcomes(post) == ["refused"]
    assert network.sent_keys == []


@pytest.mark.django_db
def test_a_post_is_not_published_before_its_time(network, account):
    post = scheduled_post(account, at=T0 + MINUTE)

    assert run(T0) == 0
    assert pipeline.publish_post(post_id=post.pk, now=T0).state == PostState.SCHEDULED
    assert network.sent_keys == []
    assert not post.attempts.exists()


@pytest.mark.django_db
def test_an_unexpected_connector_crash_is_retried_like_a_temporary_error(
    network, account, settings
):
    post = scheduled_post(account)
    network.script = [ZeroDivisionError("bug")]

    run(T0)

    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.next_attempt_at == T0 + MINUTE
    assert outcomes(post) == ["transient"]
    assert post.attempts.get().detail == "Unexpected error (ZeroDivisionError)"


@pytest.mark.django_db
def test_a_network_without_connector_fails_the_post(network, account, settings):
    settings.CHORUS_CONNECTORS = {}
    post = scheduled_post(account)

    run(T0)

    post.refresh_from_db()
    assert post.state == PostState.FAILED
    assert post.failure_reason == "Chorus cannot post to Development outbox on this server."


@pytest.mark.django_db
def test_each_post_is_on_the_network_once_after_a_mixed_day(network, account, employee):
    posts = [scheduled_post(account, text=f"Post number {n}.") for n in range(5)]
    network.script = [
        TransientError("Timeout"),
        RateLimited("Slow down", reset_at=T0 + 3 * MINUTE),
        TransientError("Timeout"),
    ]
    for minute in range(0, 60):
        run(T0 + minute * MINUTE)

    states = Counter(Post.objects.values_list("state", flat=True))
    assert states == {PostState.PUBLISHED: 5}
    assert_none_lost_none_doubled(*posts)
    assert (
        OutboxPost.objects.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1).count()
        == 0
    )
