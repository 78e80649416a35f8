"""Spreading many members' approved posts at once: each member all or nothing, few queries."""

import random
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chorus.campaigns.models import Activity
from chorus.conftest import make_member
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Role
from chorus.publishing.models import Post, PostState
from chorus.sharing import services
from chorus.sharing.models import FeedEntry, FeedState
from chorus.sharing.tests.conftest import make_account, make_activity, make_post

pytestmark = pytest.mark.django_db

# A Monday, 06:00 in Helsinki.
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def participant(organisation: Organisation, number: int) -> Membership:
    member = make_member(organisation, Role.EMPLOYEE, f"member{number}@acme.test")
    member.user.time_zone = "Europe/Helsinki"
    member.user.save()
    services.join_programme(member=member)
    make_account(member, daily_cap=10)
    return member


def approved_posts(member: Membership, activities: list[Activity]) -> list[Post]:
    account = member.connected_accounts.get()
    return [
        make_post(member, account, activity, text=f"{member.pk} on {activity.title}")
        for activity in activities
    ]


def request(member: Membership, posts: list[Post], **overrides) -> services.SpreadRequest:
    values = {
        "start_date": date(2026, 6, 1),
        "days": 5,
        "day_starts": time(9),
        "day_ends": time(17),
        "min_gap": timedelta(minutes=90),
        **overrides,
    }
    return services.SpreadRequest(member=member, post_ids=[p.pk for p in posts], **values)


def spread_in_bulk(requests: list[services.SpreadRequest]) -> services.BulkSpreadResult:
    return services.spread_posts_in_bulk(requests=requests, now=NOW, rng=random.Random(3))


@pytest.fixture
def activities(organisation: Organisation) -> list[Activity]:
    return [make_activity(organisation, title=f"Activity {n}", offer=False) for n in range(4)]


def states(posts: list[Post]) -> set[str]:
    return set(Post.objects.filter(pk__in=[p.pk for p in posts]).values_list("state", flat=True))


def test_members_whose_posts_fit_are_scheduled_and_the_others_get_an_error(
    organisation, activities
) -> None:
    fits, too_many, changed, left = (participant(organisation, n) for n in range(4))
    fits_posts = approved_posts(fits, activities[:3])
    for activity in activities[:3]:
        FeedEntry.objects.create(
            member=fits, activity=activity, campaign=activity.campaign, state=FeedState.NEW
        )
    too_many_posts = approved_posts(too_many, activities)
    changed_posts = approved_posts(changed, activities[:2])
    left_posts = approved_posts(left, activities[:1])
    Post.objects.filter(pk=changed_posts[1].pk).update(state=PostState.CANCELLED)
    services.leave_programme(member=left)
    Post.objects.filter(pk=left_posts[0].pk).update(state=PostState.APPROVED)

    result = spread_in_bulk(
        [
            request(fits, fits_posts),
            request(too_many, too_many_posts, days=1, day_ends=time(11)),
            request(changed, changed_posts),
            request(left, left_posts),
        ]
    )

    fitted, not_fitting, changed_outcome, left_outcome = result.outcomes
    assert fitted.error is None
    assert set(fitted.times) == {p.pk for p in fits_posts}
    assert result.scheduled == 3
    assert result.failed == [not_fitting, changed_outcome, left_outcome]
    for post in Post.objects.filter(member=fits):
        assert post.state == PostState.SCHEDULED
        assert post.scheduled_for == post.next_attempt_at == fitted.times[post.pk]
        assert post.scheduled_for is not None
        local = post.scheduled_for.astimezone(fits.time_zone)
        assert time(9) <= local.time() < time(17)
    assert set(FeedEntry.objects.filter(member=fits).values_list("state", flat=True)) == {
        FeedState.SCHEDULED
    }

    assert not_fitting.error is not None
    assert "Only 2 of these 4 posts fit" in not_fitting.error.message_dict["posts"][0]
    assert not_fitting.times == {}
    assert states(too_many_posts) == {PostState.APPROVED}

    assert changed_outcome.error is not None
    assert "changed meanwhile" in changed_outcome.error.message_dict["posts"][0]
    assert changed_outcome.changed == [changed_posts[1].pk]
    assert states(changed_posts) == {PostState.APPROVED, PostState.CANCELLED}

    assert left_outcome.error is not None
    assert "Join the programme" in left_outcome.error.messages[0]
    assert states(left_posts) == {PostState.APPROVED}


def test_a_post_that_changes_just_before_the_write_keeps_its_member_unscheduled(
    organisation, activities
) -> None:
    first, second = participant(organisation, 1), participant(organisation, 2)
    first_posts, second_posts = (
        approved_posts(first, activities[:2]),
        approved_posts(second, activities[:2]),
    )
    moment = datetime(2026, 6, 2, 7, 3, 7, tzinfo=UTC)
    planned = [
        services.SpreadOutcome(
            request=request(member, posts),
            times={post.pk: moment + timedelta(hours=n) for n, post in enumerate(posts)},
        )
        for member, posts in ((first, first_posts), (second, second_posts))
    ]
    # Between planning and writing, the owner cancels one of the second member's posts.
    Post.objects.filter(pk=second_posts[0].pk).update(state=PostState.CANCELLED)

    services._write_outcomes(planned)

    assert planned[0].error is None
    assert states(first_posts) == {PostState.SCHEDULED}
    assert planned[1].error is not None
    assert planned[1].changed == [second_posts[0].pk]
    assert planned[1].times == {}
    assert states(second_posts) == {PostState.CANCELLED, PostState.APPROVED}
    assert Post.objects.get(pk=second_posts[1].pk).scheduled_for is None


def test_a_member_asking_twice_keeps_the_gap_between_both_requests(
    organisation, activities
) -> None:
    member = participant(organisation, 1)
    posts = approved_posts(member, activities)

    result = spread_in_bulk(
        [request(member, posts[:2], days=1), request(member, posts[2:], days=1)]
    )

    assert not result.failed
    times = sorted(
        filter(None, Post.objects.filter(member=member).values_list("scheduled_for", flat=True))
    )
    assert len(times) == 4
    assert all(b - a >= timedelta(minutes=90) for a, b in pairwise(times))


def test_the_number_of_queries_does_not_grow_with_the_number_of_members(
    organisation, activities, django_assert_max_num_queries
) -> None:
    members = [participant(organisation, n) for n in range(6)]
    posts = {member.pk: approved_posts(member, activities[:3]) for member in members}
    with CaptureQueriesContext(connection) as one_member:
        spread_in_bulk([request(members[0], posts[members[0].pk])])
    assert Post.objects.filter(state=PostState.SCHEDULED).count() == 3

    with django_assert_max_num_queries(len(one_member.captured_queries)):
        result = spread_in_bulk([request(m, posts[m.pk]) for m in members[1:]])

    assert not result.failed
    assert Post.objects.filter(state=PostState.SCHEDULED).count() == 18


class _RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_batches_in_transactions_of_their_own_plan_as_inside_one_transaction(
    organisation, activities
) -> None:
    # A member asking three times makes three batches: on PostgreSQL each is its own
    # transaction, the next read while one is planned, and the member's lock makes each
    # wait for the one before.
    member, other = participant(organisation, 1), participant(organisation, 2)
    posts, other_posts = approved_posts(member, activities), approved_posts(other, activities)
    requests = [
        request(member, posts[:1], days=1),
        request(other, other_posts, days=2),
        request(member, posts[1:3], days=1),
        request(member, posts[3:], days=1),
    ]

    def scheduled() -> dict[int, datetime | None]:
        return dict(Post.objects.values_list("pk", "scheduled_for"))

    with pytest.raises(_RolledBack), transaction.atomic():
        spread_in_bulk(requests)
        in_one_transaction = scheduled()
        raise _RolledBack
    assert set(scheduled().values()) == {None}

    result = spread_in_bulk(requests)

    assert not result.failed
    assert scheduled() == in_one_transaction
    times = sorted(
        filter(None, Post.objects.filter(member=member).values_list("scheduled_for", flat=True))
    )
    assert len(times) == 4
    assert all(b - a >= timedelta(minutes=90) for a, b in pairwise(times))
