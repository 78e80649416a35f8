"""My posts: grouped by state, spread over days, moved, cancelled, sent now."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.publishing.models import Post, PostState
from chorus.sharing.tests.conftest import make_account, make_activity, make_post

pytestmark = pytest.mark.django_db

URL = "/o/acme/share/posts/"


@pytest.fixture
def helsinki(participant):
    participant.user.time_zone = "Europe/Helsinki"
    participant.user.save()
    ConnectedAccount.objects.filter(member=participant).update(daily_cap=10)
    return participant


@pytest.fixture
def account(helsinki):
    return helsinki.connected_accounts.get()


def tomorrow_local(member) -> date:
    return timezone.now().astimezone(member.time_zone).date() + timedelta(days=1)


def test_posts_are_grouped_with_what_each_group_needs(helsinki, account, activity, login) -> None:
    when = datetime(2031, 3, 4, 10, 17, tzinfo=UTC)  # 12:17 in Helsinki
    make_post(helsinki, account, activity, text="Approved words")
    make_post(
        helsinki, account, activity, text="Scheduled words", state=PostState.SCHEDULED,
        scheduled_for=when,
    )  # fmt: skip
    make_post(
        helsinki, account, activity, text="Published words", state=PostState.PUBLISHED,
        published_at=timezone.now(), external_url="https://social.test/p/99",
    )  # fmt: skip
    failed = make_post(
        helsinki, account, activity, text="Failed words", state=PostState.FAILED,
        failure_reason="Token expired, says the network",
    )  # fmt: skip
    make_post(
        helsinki, account, activity, text="Cancelled words", state=PostState.CANCELLED,
        cancelled_reason="You cancelled it.",
    )  # fmt: skip

    page = login(helsinki).get(URL).content.decode()

    assert 'name="posts" value=' in page  # the approved post can be chosen for spreading
    assert "Approved words" in page
    assert "12:17" in page  # the scheduled time, in the member's own time zone
    assert 'value="2031-03-04T12:17"' in page
    assert 'href="https://social.test/p/99"' in page
    assert "Token expired, says the network" in page
    assert f'href="/o/acme/posts/{failed.pk}/"' in page
    assert "You cancelled it." in page
    assert "Europe/Helsinki" in page


def test_spreading_the_chosen_posts(helsinki, account, organisation, cast, login) -> None:
    posts = [
        make_post(helsinki, account, make_activity(organisation, title=f"A{n}"), text=f"Mine {n}")
        for n in range(3)
    ]
    start = tomorrow_local(helsinki)

    response = login(helsinki).post(
        URL,
        {
            "posts": [posts[0].pk, posts[2].pk],
            "start_date": start.isoformat(),
            "days": "3",
            "day_starts": "09:00",
            "day_ends": "17:00",
            "min_gap": "90",
        },
    )

    assert response.status_code == 302
    states = dict(Post.objects.values_list("pk", "state"))
    assert states == {
        posts[0].pk: PostState.SCHEDULED,
        posts[1].pk: PostState.APPROVED,
        posts[2].pk: PostState.SCHEDULED,
    }
    for post in Post.objects.filter(state=PostState.SCHEDULED):
        assert post.scheduled_for is not None
        local = post.scheduled_for.astimezone(helsinki.time_zone)
        assert start <= local.date() < start + timedelta(days=3)
        assert 9 <= local.hour < 17


def test_when_not_all_fit_nothing_is_scheduled_and_the_choice_is_kept(
    helsinki, account, organisation, cast, login
) -> None:
    posts = [
        make_post(helsinki, account, make_activity(organisation, title=f"A{n}"), text=f"Mine {n}")
        for n in range(3)
    ]

    response = login(helsinki).post(
        URL,
        {
            "posts": [p.pk for p in posts],
            "start_date": tomorrow_local(helsinki).isoformat(),
            "days": "1",
            "day_starts": "09:00",
            "day_ends": "10:00",
            "min_gap": "90",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Only 1 of these 3 posts fits in this window" in page
    assert page.count("checked") == 3
    assert 'value="10:00"' in page
    assert not Post.objects.filter(state=PostState.SCHEDULED).exists()


def test_a_bad_window_shows_field_errors(helsinki, account, activity, login) -> None:
    post = make_post(helsinki, account, activity)

    response = login(helsinki).post(
        URL,
        {
            "posts": [post.pk],
            "start_date": tomorrow_local(helsinki).isoformat(),
            "days": "30",
            "day_starts": "09:00",
            "day_ends": "17:00",
            "min_gap": "90",
        },
    )

    assert response.status_code == 200
    assert "days" in response.context["spread_form"].errors


def test_another_members_post_cannot_be_spread(helsinki, activity, content_manager, login) -> None:
    theirs = make_post(content_manager, make_account(content_manager), activity)

    response = login(helsinki).post(
        URL,
        {
            "posts": [theirs.pk],
            "start_date": tomorrow_local(helsinki).isoformat(),
            "days": "3",
            "day_starts": "09:00",
            "day_ends": "17:00",
            "min_gap": "90",
        },
    )

    assert response.status_code == 200
    assert Post.objects.get(pk=theirs.pk).state == PostState.APPROVED


def test_moving_a_scheduled_post(helsinki, account, activity, login) -> None:
    post = make_post(
        helsinki, account, activity, state=PostState.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    target = (timezone.now() + timedelta(days=3)).astimezone(helsinki.time_zone)

    response = login(helsinki).post(
        f"{URL}{post.pk}/reschedule/", {"when": target.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.scheduled_for == target.replace(second=0, microsecond=0)
    assert post.next_attempt_at == post.scheduled_for


def test_moving_into_the_past_is_refused_and_the_input_kept(
    helsinki, account, activity, login
) -> None:
    original = timezone.now() + timedelta(days=2)
    post = make_post(helsinki, account, activity, state=PostState.SCHEDULED, scheduled_for=original)

    response = login(helsinki).post(f"{URL}{post.pk}/reschedule/", {"when": "2020-01-02T10:30"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a time in the future." in page
    assert 'value="2020-01-02T10:30"' in page
    post.refresh_from_db()
    assert post.scheduled_for == original


def test_moving_too_close_to_another_post_is_refused(helsinki, account, organisation, cast, login):
    soon = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    make_post(
        helsinki, account, make_activity(organisation, title="Other"),
        state=PostState.SCHEDULED, scheduled_for=soon,
    )  # fmt: skip
    post = make_post(
        helsinki, account, make_activity(organisation, title="Mine"),
        state=PostState.SCHEDULED, scheduled_for=soon + timedelta(days=1),
    )  # fmt: skip
    target = (soon + timedelta(minutes=20)).astimezone(helsinki.time_zone)

    response = login(helsinki).post(
        f"{URL}{post.pk}/reschedule/", {"when": target.strftime("%Y-%m-%dT%H:%M")}
    )

    assert "less than 90 minutes" in response.content.decode()


def test_garbage_time_is_an_error_not_a_crash(helsinki, account, activity, login) -> None:
    post = make_post(
        helsinki, account, activity, state=PostState.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip

    response = login(helsinki).post(f"{URL}{post.pk}/reschedule/", {"when": "soon-ish"})

    assert response.status_code == 200
    assert "Enter a valid date/time." in response.content.decode()


def test_cancelling(helsinki, account, activity, login) -> None:
    post = make_post(
        helsinki, account, activity, state=PostState.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip

    response = login(helsinki).post(f"{URL}{post.pk}/cancel/")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.CANCELLED


def test_post_now(helsinki, activity, login, django_capture_on_commit_callbacks) -> None:
    outbox = make_account(helsinki, network="outbox")
    post = make_post(helsinki, outbox, activity, text="Now, please.")

    with django_capture_on_commit_callbacks(execute=True):
        response = login(helsinki).post(f"{URL}{post.pk}/now/")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get().text == "Now, please."


@pytest.mark.parametrize("action", ["cancel", "now", "reschedule"])
def test_another_members_post_is_404(helsinki, activity, content_manager, login, action) -> None:
    theirs = make_post(
        content_manager, make_account(content_manager), activity, state=PostState.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip

    response = login(helsinki).post(f"{URL}{theirs.pk}/{action}/", {"when": "2031-01-01T10:00"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == PostState.SCHEDULED


def test_outsiders_get_404(outsider, login) -> None:
    assert login(outsider).get(URL).status_code == 404
