"""Until a member accepts the current policy they cannot join, approve, schedule, post now
or pledge: each refusal points to the policy. Without a published policy nothing is asked."""

import random
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.policies import services as policies
from chorus.policies.tests.helpers import publish
from chorus.publishing.models import Post, PostState
from chorus.rallies import services as rallies
from chorus.rallies.models import Pledge
from chorus.rallies.tests.helpers import live_activity, offer, open_rally, own_words
from chorus.sharing import services as sharing
from chorus.sharing.models import ProgrammeConsent
from chorus.sharing.tests.conftest import make_account, make_activity, make_post

pytestmark = pytest.mark.django_db

POLICY_URL = "http://testserver/o/acme/policy/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def participant(employee, cast):
    """The employee took part before the organisation published its policy."""
    sharing.join_programme(member=employee)
    make_account(employee)
    return employee


@pytest.fixture
def activity(organisation, participant):
    return make_activity(organisation)


@pytest.fixture
def approved(participant, activity):
    return make_post(participant, participant.connected_accounts.get(), activity)


def assert_points_to_the_policy(
    error: pytest.ExceptionInfo[ValidationError], version: str = "1.0"
) -> None:
    assert error.value.code == "policy_not_accepted"
    (message,) = error.value.messages
    assert f"version {version}" in message
    assert POLICY_URL in message


def test_joining_needs_the_current_version_accepted(owner, employee):
    version = publish(owner)

    with pytest.raises(ValidationError) as error:
        sharing.join_programme(member=employee)

    assert_points_to_the_policy(error)
    assert not ProgrammeConsent.objects.filter(member=employee).exists()

    policies.acknowledge(member=employee, version=version)
    assert sharing.join_programme(member=employee).member == employee


def test_joining_after_a_minor_version_needs_no_new_acceptance(owner, employee):
    policies.acknowledge(member=employee, version=publish(owner))
    publish(owner, major=False)

    assert sharing.join_programme(member=employee).member == employee


def test_joining_without_a_published_policy_asks_nothing(employee):
    assert sharing.join_programme(member=employee).member == employee


def test_approving_is_refused_until_accepted(owner, participant, activity):
    version = publish(owner)
    account = participant.connected_accounts.get()

    def approve() -> Post:
        return sharing.approve_post(
            member=participant,
            activity=activity,
            account=account,
            text="In my own words: the solar tiles changed how our street thinks.",
        )

    with pytest.raises(ValidationError) as error:
        approve()
    assert_points_to_the_policy(error)
    assert not Post.objects.exists()

    policies.acknowledge(member=participant, version=version)
    assert approve().state == PostState.APPROVED


def test_posting_now_is_refused_until_accepted(owner, approved):
    publish(owner)

    with pytest.raises(ValidationError) as error:
        sharing.post_now(member=approved.member, post=approved)

    assert_points_to_the_policy(error)
    assert Post.objects.get(pk=approved.pk).state == PostState.APPROVED


def test_spreading_is_refused_until_accepted(owner, approved):
    version = publish(owner)
    now = timezone.now()

    def spread() -> list[Post]:
        return sharing.spread_posts(
            member=approved.member,
            posts=[approved],
            start_date=now.date() + timedelta(days=1),
            days=3,
            day_starts=time(9),
            day_ends=time(17),
            min_gap=timedelta(minutes=90),
            rng=random.Random(1),
        )

    with pytest.raises(ValidationError) as error:
        spread()
    assert_points_to_the_policy(error)
    assert Post.objects.get(pk=approved.pk).state == PostState.APPROVED

    policies.acknowledge(member=approved.member, version=version)
    assert [post.state for post in spread()] == [PostState.SCHEDULED]


def test_moving_a_post_is_refused_until_accepted(owner, participant, activity):
    account = participant.connected_accounts.get()
    failed = make_post(participant, account, activity, state=PostState.FAILED)
    publish(owner)
    when = timezone.now() + timedelta(days=2)

    with pytest.raises(ValidationError) as error:
        sharing.reschedule_post(member=participant, post=failed, when=when)

    assert_points_to_the_policy(error)
    assert Post.objects.get(pk=failed.pk).state == PostState.FAILED


def test_a_new_major_version_refuses_again_until_accepted(owner, participant, approved):
    policies.acknowledge(member=participant, version=publish(owner))
    publish(owner, major=True)

    with pytest.raises(ValidationError) as error:
        sharing.post_now(member=participant, post=approved)

    assert_points_to_the_policy(error, version="2.0")


def test_pledging_is_refused_until_accepted(organisation, owner, content_manager, employee):
    ProgrammeConsent.objects.create(member=employee, terms_version=1, terms_text="terms")
    account = make_account(employee, network="outbox")
    activity = live_activity(organisation)
    offer(activity)
    start = timezone.now().replace(microsecond=0)
    rally = open_rally(by=content_manager, activity=activity, at=start)
    version = publish(owner)

    def pledge() -> Pledge:
        return rallies.pledge(
            member=employee, rally=rally, account=account, text=own_words(7), now=start
        )

    with pytest.raises(ValidationError) as error:
        pledge()
    assert_points_to_the_policy(error)
    assert not Post.objects.exists()

    policies.acknowledge(member=employee, version=version)
    assert pledge().post.state == PostState.APPROVED


def test_another_organisations_policy_asks_nothing_here(outsider, employee):
    publish(outsider)

    assert sharing.join_programme(member=employee).member == employee
