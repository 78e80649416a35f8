"""Accepting the policy resumes the member's paused posts: those still ahead keep their time,
those whose time passed get the next free times that keep the gap and the daily caps."""

import random
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations

import pytest

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.policies import selectors, services
from chorus.policies.models import Acknowledgment, PolicyPause
from chorus.policies.tests.helpers import MONDAY, publish
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post
from chorus.sharing.selectors import DEFAULT_MIN_GAP

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def account(employee):
    join_programme(employee)
    return connect(employee)


def published_post(account: ConnectedAccount, *, at: datetime, text: str = "Already out.") -> Post:
    post = scheduled_post(account, text=text, at=at, state=PostState.PUBLISHED)
    Post.objects.filter(pk=post.pk).update(published_at=at)
    return post


def accept(member: Membership, *, now: datetime, seed: int = 1) -> services.Acceptance:
    version = selectors.current_version(organisation=member.organisation)
    assert version is not None
    return services.acknowledge(member=member, version=version, now=now, rng=random.Random(seed))


def reload(*posts: Post) -> list[Post]:
    return [Post.objects.get(pk=post.pk) for post in posts]


def time_of(post: Post) -> datetime:
    """When the post is (or was) to go out, read again from the database."""
    (fresh,) = reload(post)
    moment = fresh.published_at or fresh.scheduled_for
    assert moment is not None
    return moment


def test_accepting_records_the_member_the_version_and_the_time(owner, employee):
    version = publish(owner, now=MONDAY)

    acceptance = accept(employee, now=NOON)

    assert acceptance.acknowledgment.member == employee
    assert acceptance.acknowledgment.version == version
    assert Acknowledgment.objects.get().acknowledged_at == NOON


def test_posts_still_ahead_keep_their_time(owner, employee, account):
    wednesday = datetime(2026, 5, 6, 12, 17, tzinfo=UTC)
    ahead = scheduled_post(account, at=wednesday)
    publish(owner, now=MONDAY)

    acceptance = accept(employee, now=NOON)

    (post,) = reload(ahead)
    assert post.state == PostState.SCHEDULED
    assert post.scheduled_for == post.next_attempt_at == wednesday
    assert [p.pk for p in acceptance.kept] == [ahead.pk]
    assert acceptance.moved == []


def test_posts_whose_time_passed_get_the_next_free_times(owner, employee, account):
    first = scheduled_post(account, text="First.", at=MONDAY + timedelta(minutes=90))
    second = scheduled_post(account, text="Second.", at=MONDAY + timedelta(hours=2))
    ahead = scheduled_post(account, text="Ahead.", at=NOON + timedelta(days=1, hours=1))
    publish(owner, now=MONDAY)
    out = published_post(account, at=NOON - timedelta(minutes=30))

    acceptance = accept(employee, now=NOON)

    moved = reload(first, second)
    assert [p.pk for p in acceptance.moved] == [p.pk for p in sorted(moved, key=time_of)]
    times = [time_of(post) for post in moved]
    for post, when in zip(moved, times, strict=True):
        assert post.state == PostState.SCHEDULED
        assert post.next_attempt_at == when
        # The next free times: later today, within the working day.
        assert when >= NOON
        assert when.date() == NOON.date()
        assert time(9) <= when.time() < time(17)
    # Keeping the member's gap from each other, from the post that kept its time, and from
    # the one already out.
    for a, b in combinations([*times, time_of(ahead), time_of(out)], 2):
        assert abs(a - b) >= DEFAULT_MIN_GAP


def test_nothing_about_a_resumed_post_changes_but_its_time(owner, employee, account):
    post = scheduled_post(account, at=MONDAY + timedelta(minutes=30))
    Post.objects.filter(pk=post.pk).update(link_url="https://acme.test/l/erin1")
    post.refresh_from_db()
    publish(owner, now=MONDAY)

    accept(employee, now=NOON)

    (resumed,) = reload(post)
    assert (resumed.text, resumed.approved_text_sha256, resumed.idempotency_key) == (
        post.text,
        post.approved_text_sha256,
        post.idempotency_key,
    )
    assert resumed.link_url == "https://acme.test/l/erin1"
    assert resumed.account_id == post.account_id
    assert not PolicyPause.objects.exists()


def test_new_times_keep_each_accounts_daily_cap(owner, employee, account):
    ConnectedAccount.objects.filter(pk=account.pk).update(daily_cap=2)
    account.refresh_from_db()
    posts = [
        scheduled_post(account, text=f"Post {n}.", at=MONDAY + timedelta(minutes=30 * n))
        for n in range(1, 4)
    ]
    publish(owner, now=MONDAY)
    published_post(account, at=MONDAY + timedelta(hours=1, minutes=20))

    accept(employee, now=NOON)

    by_day: dict[date, int] = {}
    for post in reload(*posts):
        assert post.state == PostState.SCHEDULED
        by_day[time_of(post).date()] = by_day.get(time_of(post).date(), 0) + 1
    # One was already out on Monday: one more fits that day, the other two go on Tuesday.
    assert by_day == {NOON.date(): 1, NOON.date() + timedelta(days=1): 2}


def test_new_times_are_in_the_members_working_hours(owner, employee, account):
    employee.user.time_zone = "Europe/Helsinki"
    employee.user.save()
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    post = scheduled_post(account, at=MONDAY)
    publish(owner, now=MONDAY - timedelta(hours=1))
    now = datetime(2026, 5, 4, 17, 10, tzinfo=helsinki)

    accept(employee, now=now)

    local = time_of(post).astimezone(helsinki)
    assert time_of(post) >= now
    assert time(9) <= local.time() < time(17)
    # Too late in Helsinki for today's working hours: the next morning.
    assert local.date() == now.date() + timedelta(days=1)


def test_a_post_whose_activity_expired_while_paused_is_cancelled_and_said_so(
    owner, employee, account
):
    campaign = Campaign.objects.create(
        organisation=employee.organisation, name="Launch", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="Launch day",
        expires_at=MONDAY + timedelta(hours=3),
    )
    post = scheduled_post(account, at=MONDAY + timedelta(hours=1), activity=activity)
    publish(owner, now=MONDAY)

    acceptance = accept(employee, now=NOON)

    (cancelled,) = reload(post)
    assert cancelled.state == PostState.CANCELLED
    assert "expired" in cancelled.cancelled_reason
    assert [p.pk for p in acceptance.cancelled] == [post.pk]


def test_only_the_members_own_posts_resume(owner, employee, admin, account):
    join_programme(admin)
    adams = scheduled_post(
        connect(admin, handle="@adam"), text="Adam's.", at=NOON + timedelta(days=1)
    )
    publish(owner, now=MONDAY)

    accept(employee, now=NOON)

    assert Post.objects.get(pk=adams.pk).state == PostState.PAUSED


def test_posts_paused_for_another_reason_are_left_alone(owner, employee, account):
    publish(owner, now=MONDAY)
    other = scheduled_post(account, at=NOON + timedelta(days=1), state=PostState.PAUSED)

    accept(employee, now=NOON)

    assert Post.objects.get(pk=other.pk).state == PostState.PAUSED
