"""Spreading, moving, cancelling and sending posts now."""

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError

from chorus.campaigns.models import Activity
from chorus.networks.models import AccountStatus, ConnectedAccount, OutboxPost
from chorus.orgs.models import Membership
from chorus.publishing.models import Post, PostState
from chorus.sharing import services
from chorus.sharing.models import FeedEntry, FeedState
from chorus.sharing.tests.conftest import make_account, make_activity, make_post

pytestmark = pytest.mark.django_db

# A Monday, 06:00 in Helsinki.
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def helsinki(participant: Membership) -> Membership:
    participant.user.time_zone = "Europe/Helsinki"
    participant.user.save()
    return participant


@pytest.fixture
def account(helsinki: Membership) -> ConnectedAccount:
    return helsinki.connected_accounts.get()


def approved_posts(member, account, count: int, organisation, **activity_fields) -> list[Post]:
    posts = []
    for number in range(count):
        activity = make_activity(organisation, title=f"Activity {number}", **activity_fields)
        posts.append(make_post(member, account, activity, text=f"My words number {number}"))
    return posts


def spread(member, posts, **overrides) -> list[Post]:
    values = {
        "start_date": date(2026, 6, 1),
        "days": 5,
        "day_starts": time(9),
        "day_ends": time(17),
        "min_gap": timedelta(minutes=90),
        "now": NOW,
        "rng": random.Random(4),
        **overrides,
    }
    return services.spread_posts(member=member, posts=posts, **values)


def test_spreading_schedules_every_post_in_working_hours(helsinki, account, organisation, cast):
    posts = approved_posts(helsinki, account, 5, organisation)

    scheduled = spread(helsinki, posts)

    assert len(scheduled) == 5
    days: Counter[date] = Counter()
    for post in Post.objects.filter(pk__in=[p.pk for p in posts]):
        assert post.state == PostState.SCHEDULED
        assert post.scheduled_for is not None
        assert post.scheduled_for == post.next_attempt_at
        local = post.scheduled_for.astimezone(helsinki.time_zone)
        assert time(9) <= local.time() < time(17)
        days[local.date()] += 1
    assert len(days) >= 3
    entries = FeedEntry.objects.filter(member=helsinki, activity__in=[p.activity for p in posts])
    assert set(entries.values_list("state", flat=True)) == {FeedState.SCHEDULED}


def test_spreading_keeps_the_gap_from_already_scheduled_posts(
    helsinki, account, organisation, cast
):
    ConnectedAccount.objects.filter(pk=account.pk).update(daily_cap=10)
    account.refresh_from_db()
    busy = make_post(
        helsinki,
        account,
        make_activity(organisation, title="Busy"),
        state=PostState.SCHEDULED,
        scheduled_for=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    )
    posts = approved_posts(helsinki, account, 4, organisation)

    spread(helsinki, posts, days=1, min_gap=timedelta(minutes=60))

    times = sorted(
        filter(None, Post.objects.filter(member=helsinki).values_list("scheduled_for", flat=True))
    )
    assert busy.scheduled_for in times
    assert all(b - a >= timedelta(minutes=60) for a, b in pairwise(times))


def test_the_accounts_daily_cap_counts(helsinki, organisation, cast) -> None:
    capped = make_account(helsinki, network="mastodon", daily_cap=1)
    ConnectedAccount.objects.filter(member=helsinki, network="linkedin").update(takes_part=False)
    posts = approved_posts(helsinki, capped, 3, organisation)

    with pytest.raises(ValidationError) as error:
        spread(helsinki, posts, days=2)

    assert "Only 2 of these 3 posts fit" in error.value.message_dict["posts"][0]
    assert set(Post.objects.filter(member=helsinki).values_list("state", flat=True)) == {
        PostState.APPROVED
    }


def test_if_not_all_fit_nothing_is_scheduled(helsinki, account, organisation, cast) -> None:
    posts = approved_posts(helsinki, account, 4, organisation)

    with pytest.raises(ValidationError) as error:
        spread(helsinki, posts, days=1, day_starts=time(9), day_ends=time(11))

    message = error.value.message_dict["posts"][0]
    assert "Only 2 of these 4 posts fit" in message
    assert "add days" in message
    assert not Post.objects.filter(state=PostState.SCHEDULED).exists()


def test_posts_are_never_scheduled_after_their_activity_expires(
    helsinki, account, organisation, cast
) -> None:
    expiry = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    posts = approved_posts(helsinki, account, 3, organisation, expires_at=expiry)

    spread(helsinki, posts, now=datetime(2026, 6, 1, 3, 0, tzinfo=UTC))

    assert all(
        moment is not None and moment < expiry
        for moment in Post.objects.filter(member=helsinki).values_list("scheduled_for", flat=True)
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 15}, "days"),
        ({"day_starts": time(17), "day_ends": time(9)}, "day_ends"),
        ({"start_date": date(2026, 5, 31)}, "start_date"),
        ({"min_gap": timedelta(hours=13)}, "min_gap"),
    ],
)
def test_a_bad_window_is_refused(helsinki, account, organisation, cast, overrides, field) -> None:
    posts = approved_posts(helsinki, account, 1, organisation)

    with pytest.raises(ValidationError) as error:
        spread(helsinki, posts, **overrides)

    assert field in error.value.message_dict


def test_only_approved_posts_are_spread(helsinki, account, organisation, cast) -> None:
    post = approved_posts(helsinki, account, 1, organisation)[0]
    Post.objects.filter(pk=post.pk).update(state=PostState.SCHEDULED)
    post.refresh_from_db()

    with pytest.raises(ValidationError):
        spread(helsinki, [post])


def test_spreading_needs_the_programme(helsinki, account, organisation, cast) -> None:
    posts = approved_posts(helsinki, account, 1, organisation)
    services.leave_programme(member=helsinki)
    posts[0].refresh_from_db()
    Post.objects.filter(pk=posts[0].pk).update(state=PostState.APPROVED)
    posts[0].refresh_from_db()

    with pytest.raises(ValidationError, match="Join the programme"):
        spread(helsinki, posts)


def test_rescheduling_checks_future_gap_and_cap(helsinki, account, organisation, cast) -> None:
    first, second = approved_posts(helsinki, account, 2, organisation)
    spread(helsinki, [first, second], days=2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.scheduled_for is not None

    with pytest.raises(ValidationError) as past:
        services.reschedule_post(
            member=helsinki, post=second, when=NOW - timedelta(hours=1), now=NOW
        )
    with pytest.raises(ValidationError) as gap:
        services.reschedule_post(
            member=helsinki,
            post=second,
            when=first.scheduled_for + timedelta(minutes=30),
            now=NOW,
        )
    assert "future" in past.value.message_dict["when"][0]
    assert "less than 90 minutes" in gap.value.message_dict["when"][0]

    target = datetime(2026, 6, 3, 11, 17, 23, tzinfo=UTC)
    services.reschedule_post(member=helsinki, post=second, when=target, now=NOW)

    second.refresh_from_db()
    assert (second.state, second.scheduled_for, second.next_attempt_at) == (
        PostState.SCHEDULED,
        target,
        target,
    )


def test_rescheduling_respects_the_daily_cap(helsinki, organisation, cast) -> None:
    capped = make_account(helsinki, network="mastodon", daily_cap=1)
    day = datetime(2026, 6, 3, 8, 0, tzinfo=UTC)
    make_post(
        helsinki,
        capped,
        make_activity(organisation, title="Out"),
        state=PostState.SCHEDULED,
        scheduled_for=day,
    )
    post = make_post(
        helsinki,
        capped,
        make_activity(organisation, title="Moving"),
        state=PostState.SCHEDULED,
        scheduled_for=day + timedelta(days=1),
    )

    with pytest.raises(ValidationError) as error:
        services.reschedule_post(member=helsinki, post=post, when=day + timedelta(hours=5), now=NOW)

    assert "as many posts that day" in error.value.message_dict["when"][0]


def test_a_failed_post_can_be_rescheduled(helsinki, account, activity) -> None:
    post = make_post(helsinki, account, activity, state=PostState.FAILED)
    when = NOW + timedelta(days=1)

    services.reschedule_post(member=helsinki, post=post, when=when, now=NOW)

    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED


def test_cancelling_a_scheduled_post(helsinki, account, activity) -> None:
    post = make_post(
        helsinki, account, activity, state=PostState.SCHEDULED, scheduled_for=NOW + timedelta(1)
    )
    FeedEntry.objects.filter(member=helsinki, activity=activity).update(state=FeedState.SCHEDULED)

    services.cancel_post(member=helsinki, post=post, now=NOW)

    post.refresh_from_db()
    assert (post.state, post.cancelled_reason, post.cancelled_at) == (
        PostState.CANCELLED,
        "You cancelled it.",
        NOW,
    )
    assert FeedEntry.objects.get(member=helsinki, activity=activity).state == FeedState.NEW


def test_a_published_post_cannot_be_cancelled(helsinki, account, activity) -> None:
    post = make_post(helsinki, account, activity, state=PostState.PUBLISHED)

    with pytest.raises(ValidationError):
        services.cancel_post(member=helsinki, post=post)


def test_post_now_publishes_through_the_pipeline(
    participant: Membership, activity: Activity, django_capture_on_commit_callbacks
) -> None:
    outbox = make_account(participant, network="outbox")
    post = make_post(participant, outbox, activity, text="Straight out, my own words.")

    with django_capture_on_commit_callbacks(execute=True):
        services.post_now(member=participant, post=post)

    post.refresh_from_db()
    assert post.scheduled_for is not None
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get(account=outbox).text == "Straight out, my own words."
    assert FeedEntry.objects.get(member=participant, activity=activity).state == FeedState.DONE


def test_post_now_schedules_at_now(participant, activity) -> None:
    account = participant.connected_accounts.get()
    post = make_post(participant, account, activity)

    services.post_now(member=participant, post=post, now=NOW)

    post.refresh_from_db()
    assert (post.state, post.scheduled_for, post.next_attempt_at) == (
        PostState.SCHEDULED,
        NOW,
        NOW,
    )
    assert FeedEntry.objects.get(member=participant, activity=activity).state == FeedState.SCHEDULED


def test_post_now_respects_the_daily_cap(participant, activity, organisation) -> None:
    capped = make_account(participant, network="mastodon", daily_cap=1)
    make_post(
        participant,
        capped,
        make_activity(organisation, title="Earlier", offer=False),
        state=PostState.PUBLISHED,
        published_at=NOW - timedelta(minutes=5),
    )
    post = make_post(participant, capped, activity)

    with pytest.raises(ValidationError, match="as many posts that day"):
        services.post_now(member=participant, post=post, now=NOW)


def test_post_now_needs_an_account_that_works(participant, activity) -> None:
    account = participant.connected_accounts.get()
    post = make_post(participant, account, activity)
    ConnectedAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    post.refresh_from_db()

    with pytest.raises(ValidationError, match="Reconnect"):
        services.post_now(member=participant, post=post)


def test_a_post_whose_text_was_changed_behind_its_owner_is_not_sent(participant, activity):
    account = participant.connected_accounts.get()
    post = make_post(participant, account, activity)
    Post.objects.filter(pk=post.pk).update(text="Something the owner never approved")
    post.refresh_from_db()

    with pytest.raises(ValidationError, match="Approve the text"):
        services.post_now(member=participant, post=post)
