"""A run of due posts: claimed in batches and recorded on threads while the network is called.

The test database on SQLite lives in memory, where the stages run one after another;
on PostgreSQL they run on threads with connections of their own, as in a worker.
"""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import ClassVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chorus.governance.models import RuleRevision
from chorus.networks.connectors.base import OutgoingPost, PublishedPost, RateLimited
from chorus.networks.connectors.outbox import OutboxConnector
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership
from chorus.policies.models import Acknowledgment, PolicyVersion
from chorus.policies.services import acknowledge, publish_version
from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.publishing.tests.factories import (
    T0,
    activity_in_feed,
    connect,
    join_programme,
    scheduled_post,
)
from chorus.sharing.models import FeedState, ProgrammeConsent
from chorus.testing.markers import stages_threaded

pytestmark = pytest.mark.django_db(transaction=True)

RESET = T0.replace(hour=10)


class WatchingConnector:
    """The outbox, noting each post it is handed and what the database says meanwhile."""

    sent: ClassVar[list[str]] = []
    threads: ClassVar[set[int]] = set()
    rate_limit_text: ClassVar[str] = ""
    # While sending the first text, wait (10 s at most) for the second to be claimed.
    await_claim: ClassVar[tuple[str, str] | None] = None
    claim_seen = False

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        WatchingConnector.sent.append(post.text)
        WatchingConnector.threads.add(threading.get_ident())
        if WatchingConnector.await_claim and post.text == WatchingConnector.await_claim[0]:
            WatchingConnector.claim_seen = self._claimed_within(WatchingConnector.await_claim[1])
        if post.text == WatchingConnector.rate_limit_text:
            raise RateLimited("429 Too Many Requests", reset_at=RESET)
        return OutboxConnector().publish(account, post)

    def _claimed_within(self, text: str, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if Post.objects.filter(text=text, state=PostState.PUBLISHING).exists():
                return True
            time.sleep(0.01)
        return False


@pytest.fixture
def network(settings) -> Iterator[type[WatchingConnector]]:
    settings.CHORUS_CONNECTORS = {"outbox": f"{__name__}.WatchingConnector"}
    WatchingConnector.sent = []
    WatchingConnector.threads = set()
    WatchingConnector.rate_limit_text = ""
    WatchingConnector.await_claim = None
    WatchingConnector.claim_seen = False
    yield WatchingConnector


@pytest.fixture
def account(employee: Membership) -> ConnectedAccount:
    join_programme(employee)
    return connect(employee)


def schedule(account: ConnectedAccount, count: int, *, prefix: str = "Post") -> list[Post]:
    return [scheduled_post(account, text=f"{prefix} {number}") for number in range(count)]


def test_every_due_post_goes_out_once_in_order_across_claim_batches(network, account):
    count = 2 * pipeline.CLAIM_BATCH + 3
    posts = schedule(account, count)

    assert pipeline.run_due_posts(now=T0, synchronous=True) == count

    assert network.sent == [post.text for post in posts]
    assert network.threads == {threading.get_ident()}
    assert set(Post.objects.values_list("state", flat=True)) == {PostState.PUBLISHED}
    outcomes = Counter(Post.objects.values_list("attempts__outcome", flat=True))
    assert outcomes == {AttemptOutcome.PUBLISHED: count}
    assert OutboxPost.objects.count() == count
    assert set(Post.objects.values_list("attempt_count", flat=True)) == {1}


def test_a_small_first_claim_batch_then_full_ones_and_a_small_last_one():
    first, full, last = pipeline.FIRST_CLAIM_BATCH, pipeline.CLAIM_BATCH, pipeline.LAST_CLAIM_BATCH
    count = first + 2 * full + 3 + last

    batches = list(pipeline.claim_batches(range(count)))

    assert [len(batch) for batch in batches] == [first, full, full, 3, last]
    assert [post_id for batch in batches for post_id in batch] == list(range(count))
    assert [len(batch) for batch in pipeline.claim_batches(range(first + 2))] == [first, 2]
    assert list(pipeline.claim_batches([])) == []
    assert list(pipeline.claim_batches([7, 8])) == [(7, 8)]


@stages_threaded
def test_the_next_batch_is_claimed_while_the_network_is_called(network, account):
    posts = schedule(account, pipeline.FIRST_CLAIM_BATCH + pipeline.CLAIM_BATCH)
    last_of_first_batch, first_of_next = (
        posts[pipeline.FIRST_CLAIM_BATCH - 1],
        posts[pipeline.FIRST_CLAIM_BATCH],
    )
    # One after another, the next batch would be claimed only after this post is recorded.
    network.await_claim = (last_of_first_batch.text, first_of_next.text)

    pipeline.run_due_posts(now=T0, synchronous=True)

    assert network.claim_seen
    assert Post.objects.filter(state=PostState.PUBLISHED).count() == len(posts)


def test_posts_claimed_with_a_rate_limited_one_are_held_back_not_sent(network, account, employee):
    limited = schedule(account, 4)
    other_account = connect(employee, handle="@erin-two")
    others = schedule(other_account, 3, prefix="Elsewhere")
    network.rate_limit_text = limited[1].text

    pipeline.run_due_posts(now=T0, synchronous=True)

    # The network saw the limited account's posts up to the one it refused, no further.
    sent_of_limited = [text for text in network.sent if text.startswith("Post")]
    assert sent_of_limited == [limited[0].text, limited[1].text]
    for post in limited[1:]:
        post.refresh_from_db()
        assert (post.state, post.next_attempt_at) == (PostState.SCHEDULED, RESET)
    # The others of its batch were claimed before the limit was known: each says why it waits.
    held = limited[1].attempts.get()
    assert held.outcome == AttemptOutcome.RATE_LIMITED
    for post in limited[2:]:
        [attempt] = post.attempts.all()
        assert attempt.outcome == AttemptOutcome.RATE_LIMITED
        assert attempt.detail.startswith("Not sent: the network refused an earlier post")
    # Another account's limit is its own.
    assert set(Post.objects.filter(account=other_account).values_list("state", flat=True)) == {
        PostState.PUBLISHED
    }
    assert [text for text in network.sent if text.startswith("Elsewhere")] == [
        post.text for post in others
    ]

    network.rate_limit_text = ""
    pipeline.run_due_posts(now=RESET, synchronous=True)

    assert set(Post.objects.values_list("state", flat=True)) == {PostState.PUBLISHED}
    copies = Counter(OutboxPost.objects.values_list("idempotency_key", flat=True))
    assert len(copies) == len(limited) + len(others)
    assert set(copies.values()) == {1}


def test_a_claim_batch_reads_what_its_posts_share_once(network, account, employee, owner):
    version = publish_version(
        by=owner, text="Be kind online.", summary="First version", major=True
    ).version
    acknowledge(member=employee, version=version)
    posts = schedule(account, pipeline.CLAIM_BATCH)

    with CaptureQueriesContext(connection) as queries:
        claims = pipeline._claim_many([post.pk for post in posts], now=T0)

    assert [attempt is not None for _post, attempt in claims] == [True] * len(posts)
    reads = [query["sql"] for query in queries if query["sql"].upper().startswith("SELECT")]
    for table in (
        PolicyVersion._meta.db_table,
        Acknowledgment._meta.db_table,
        ProgrammeConsent._meta.db_table,
        RuleRevision._meta.db_table,
        Post._meta.db_table,
    ):
        assert sum(f'FROM "{table}"' in sql for sql in reads) == 1, table


def claimed_and_sent(posts: list[Post]) -> list[pipeline._Delivered]:
    claims = pipeline._claim_in_run([post.pk for post in posts], now=T0)
    return pipeline._deliver_in_run(claims, halted={})


def writes_to_record(deliveries: list[pipeline._Delivered]) -> int:
    with CaptureQueriesContext(connection) as queries:
        pipeline._record_in_run(deliveries, now=T0)
    return sum(not query["sql"].upper().startswith("SELECT") for query in queries)


def test_posts_the_network_took_are_recorded_together(network, account, employee):
    activity, entry = activity_in_feed(employee)
    few = [scheduled_post(account, text=f"Few {n}", activity=activity) for n in range(2)]
    many = [scheduled_post(account, text=f"Many {n}", activity=activity) for n in range(8)]

    writes_for_few = writes_to_record(claimed_and_sent(few))
    writes_for_many = writes_to_record(claimed_and_sent(many))

    # However many posts a batch holds, its record takes the same statements.
    assert writes_for_many == writes_for_few
    for post in few + many:
        post.refresh_from_db()
        on_network = OutboxPost.objects.get(idempotency_key=post.idempotency_key)
        assert post.state == PostState.PUBLISHED
        assert post.published_at == T0
        assert post.external_id == f"outbox-{on_network.pk}"
        assert post.external_url.endswith(f"#outbox-post-{on_network.pk}")
        [attempt] = post.attempts.all()
        assert (attempt.outcome, attempt.finished_at) == (AttemptOutcome.PUBLISHED, T0)
    entry.refresh_from_db()
    assert entry.state == FeedState.DONE
    notified = Notification.objects.filter(member=employee, kind=NotificationKind.POST_PUBLISHED)
    assert sorted(n.params["excerpt"] for n in notified) == sorted(p.text for p in few + many)
    assert {n.url for n in notified} == {pipeline.post_page_url(post) for post in few + many}


def test_a_post_settled_elsewhere_meanwhile_leaves_the_rest_of_its_batch_recorded(
    network, account, employee
):
    posts = schedule(account, 3)
    deliveries = claimed_and_sent(posts)
    # Recovered by another worker between the send and the record.
    Post.objects.filter(pk=posts[1].pk).update(state=PostState.PUBLISHED)

    pipeline._record_in_run(deliveries, now=T0)

    for post in (posts[0], posts[2]):
        post.refresh_from_db()
        assert post.state == PostState.PUBLISHED
        assert post.attempts.get().outcome == AttemptOutcome.PUBLISHED
    # Not recorded twice: its attempt is left for the recovery that settled it.
    assert posts[1].attempts.get().outcome == AttemptOutcome.STARTED
    notified = Notification.objects.filter(member=employee, kind=NotificationKind.POST_PUBLISHED)
    assert sorted(n.params["excerpt"] for n in notified) == [posts[0].text, posts[2].text]
