from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from chorus.publishing.models import Post, PostState
from chorus.rallies import services
from chorus.rallies.models import Pledge
from chorus.rallies.selectors import live_pledges
from chorus.rallies.tests.helpers import (
    live_activity,
    now,
    offer,
    open_rally,
    participant,
    pledge_own_words,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return now()


@pytest.fixture
def people(organisation):
    return [participant(organisation, number) for number in range(2)]


@pytest.fixture
def rally(organisation, content_manager, people, start):
    activity = live_activity(organisation)
    offer(activity)
    return open_rally(by=content_manager, activity=activity, at=start, goal=1)


def test_withdrawing_before_the_rally_fires_cancels_the_post(rally, people, start):
    member, account = people[0]
    pledge = pledge_own_words(member, account, rally, seed=1, at=start)
    later = start + timedelta(hours=3)

    services.withdraw(member=member, pledge=pledge, now=later)

    pledge.refresh_from_db()
    assert pledge.withdrawn_at == later
    post = Post.objects.get(pk=pledge.post_id)
    assert post.state == PostState.CANCELLED
    assert post.cancelled_reason == "pledge withdrawn"
    assert not live_pledges(rally=rally).exists()


def test_a_withdrawn_pledge_does_not_count_towards_the_goal(rally, people, start):
    member, account = people[0]
    pledge = pledge_own_words(member, account, rally, seed=1, at=start)
    services.withdraw(member=member, pledge=pledge, now=start)

    services.resolve_due_rallies(now=rally.deadline)

    rally.refresh_from_db()
    assert rally.state == "missed"


def test_withdrawing_after_the_deadline_but_before_firing_is_allowed(rally, people):
    member, account = people[0]
    pledge = pledge_own_words(member, account, rally, seed=1, at=rally.deadline - timedelta(1))

    services.withdraw(member=member, pledge=pledge, now=rally.deadline + timedelta(seconds=5))

    assert Post.objects.get(pk=pledge.post_id).state == PostState.CANCELLED


def test_withdrawing_after_the_rally_fired_is_refused(rally, people, start):
    member, account = people[0]
    pledge = pledge_own_words(member, account, rally, seed=1, at=start)
    services.resolve_due_rallies(now=rally.deadline)

    with pytest.raises(ValidationError) as error:
        services.withdraw(member=member, pledge=pledge, now=rally.deadline + timedelta(minutes=1))

    assert error.value.code == "fired"
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is None
    assert Post.objects.get(pk=pledge.post_id).state == PostState.SCHEDULED


def test_only_the_pledger_can_withdraw(rally, people, start):
    (member, account), (other, _account) = people
    pledge = pledge_own_words(member, account, rally, seed=1, at=start)

    with pytest.raises(ValidationError):
        services.withdraw(member=other, pledge=pledge, now=start)

    assert Pledge.objects.get(pk=pledge.pk).withdrawn_at is None


def test_withdrawing_twice_changes_nothing(rally, people, start):
    member, account = people[0]
    pledge = pledge_own_words(member, account, rally, seed=1, at=start)
    services.withdraw(member=member, pledge=pledge, now=start)

    services.withdraw(member=member, pledge=pledge, now=start + timedelta(hours=1))

    pledge.refresh_from_db()
    assert pledge.withdrawn_at == start
