"""``manage.py chorus_publish_due``: recovery, then every due post, once, on a given clock."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chorus.networks.models import OutboxPost
from chorus.publishing.models import AttemptOutcome, Post, PostState, PublishAttempt
from chorus.publishing.tests.factories import T0, connect, join_programme, scheduled_post


@pytest.fixture
def account(employee):
    join_programme(employee)
    return connect(employee)


def publish_due(at: str) -> str:
    out = StringIO()
    call_command("chorus_publish_due", "--now", at, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_publishes_what_is_due_at_the_given_time(account):
    due = scheduled_post(account, at=T0)
    later = scheduled_post(account, text="Tomorrow's post.", at=T0 + timedelta(days=1))

    output = publish_due(T0.isoformat())

    assert "took up 1 due posts" in output
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == PostState.PUBLISHED
    assert later.state == PostState.SCHEDULED
    assert OutboxPost.objects.get().idempotency_key == str(due.idempotency_key)


@pytest.mark.django_db
def test_recovers_an_interrupted_post_before_publishing(account):
    post = scheduled_post(account, at=T0)
    Post.objects.filter(pk=post.pk).update(state=PostState.PUBLISHING, publishing_started_at=T0)
    PublishAttempt.objects.create(post=post, started_at=T0)

    output = publish_due((T0 + timedelta(minutes=11)).isoformat())

    assert "Recovered 1 interrupted posts; took up 1 due posts." in output
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert list(post.attempts.values_list("outcome", flat=True)) == [
        AttemptOutcome.INTERRUPTED,
        AttemptOutcome.PUBLISHED,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["tomorrow", "2026-05-04T09:00:00"])
def test_refuses_a_time_it_cannot_read(value):
    with pytest.raises(CommandError, match="--now"):
        publish_due(value)
