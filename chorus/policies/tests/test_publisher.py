"""The real publisher and a paused post: it never goes out until its owner accepts the policy,
and the last check before publishing pauses a post whose owner has not accepted it."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from chorus.networks.models import OutboxPost
from chorus.notifications.models import Notification, NotificationKind
from chorus.policies import services
from chorus.policies.models import PolicyPause
from chorus.policies.tests.helpers import MONDAY, publish
from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post

pytestmark = pytest.mark.django_db

DUE = MONDAY + timedelta(hours=2)


@pytest.fixture
def account(employee):
    join_programme(employee)
    return connect(employee)


def publish_due(at: datetime) -> None:
    call_command("chorus_publish_due", "--now", at.isoformat(), stdout=StringIO())


def test_a_paused_post_is_not_published_when_due(owner, account):
    post = scheduled_post(account, at=DUE)
    publish(owner, now=MONDAY)

    publish_due(DUE)
    publish_due(DUE + timedelta(days=1))
    pipeline.publish_post(post_id=post.pk, now=DUE)

    post.refresh_from_db()
    assert post.state == PostState.PAUSED
    assert not OutboxPost.objects.exists()
    assert not post.attempts.exists()


def test_once_accepted_the_post_goes_out_once_with_its_own_key(owner, employee, account):
    post = scheduled_post(account, at=DUE)
    version = publish(owner, now=MONDAY)
    services.acknowledge(member=employee, version=version, now=MONDAY + timedelta(hours=1))

    publish_due(DUE)

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get().idempotency_key == str(post.idempotency_key)


def test_the_last_check_pauses_a_post_whose_owner_has_not_accepted(owner, employee, account):
    version = publish(owner, now=MONDAY)
    # Scheduled after the version came out, as a rally does when it fires.
    post = scheduled_post(account, at=DUE)

    assert pipeline.run_due_posts(now=DUE, synchronous=True) == 1

    post.refresh_from_db()
    assert post.state == PostState.PAUSED
    assert post.failure_reason == "" and post.cancelled_reason == ""
    assert not OutboxPost.objects.exists()
    assert not post.attempts.filter(outcome=AttemptOutcome.REFUSED).exists()
    assert PolicyPause.objects.get(post=post).version == version
    notification = Notification.objects.get(member=employee, kind=NotificationKind.POSTS_PAUSED)
    assert notification.params == {"count": 1, "version": "1.0"}
    assert notification.url == "/o/acme/policy/"


def test_a_post_of_someone_who_accepted_goes_out(owner, employee, admin, account):
    version = publish(owner, now=MONDAY)
    services.acknowledge(member=employee, version=version, now=MONDAY)
    join_programme(admin)
    erins = scheduled_post(account, at=DUE)
    adams = scheduled_post(connect(admin, handle="@adam"), text="Adam's words.", at=DUE)

    pipeline.run_due_posts(now=DUE, synchronous=True)

    assert Post.objects.get(pk=erins.pk).state == PostState.PUBLISHED
    assert Post.objects.get(pk=adams.pk).state == PostState.PAUSED
    assert OutboxPost.objects.get().idempotency_key == str(erins.idempotency_key)


def test_a_post_paused_at_the_last_check_resumes_when_accepted(owner, employee, account):
    version = publish(owner, now=MONDAY)
    post = scheduled_post(account, at=DUE)
    pipeline.run_due_posts(now=DUE, synchronous=True)

    services.acknowledge(member=employee, version=version, now=DUE + timedelta(minutes=5))
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.next_attempt_at is not None
    publish_due(post.next_attempt_at)

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get().idempotency_key == str(post.idempotency_key)


def test_without_a_policy_nothing_is_paused(account):
    post = scheduled_post(account, at=DUE)

    pipeline.run_due_posts(now=DUE, synchronous=True)

    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
