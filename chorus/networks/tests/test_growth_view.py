"""An employee sees on their accounts page how their accounts grow and what their posts earn."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.conftest import make_member
from chorus.networks.models import ConnectedAccount, FollowerSnapshot
from chorus.networks.selectors import growth_of, snapshot_day
from chorus.orgs.roles import Role
from chorus.publishing.models import Post, PostMetrics, PostState
from chorus.publishing.tests.factories import connect, scheduled_post

ACCOUNTS = "/o/acme/accounts/"
# What a screen reader hears for a change not yet known; the dash is shown to the eye.
UNKNOWN = "\N{EN DASH} not known yet"


def with_followers(account: ConnectedAccount, now: int, **days_ago: int) -> ConnectedAccount:
    """``days_ago``: ``d7=120`` means 120 followers seven days ago."""
    today = snapshot_day(timezone.now())
    ConnectedAccount.objects.filter(pk=account.pk).update(
        followers_count=now, followers_checked_at=timezone.now()
    )
    FollowerSnapshot.objects.create(account=account, day=today, followers=now)
    for key, followers in days_ago.items():
        day = today - timedelta(days=int(key.removeprefix("d")))
        FollowerSnapshot.objects.create(account=account, day=day, followers=followers)
    account.refresh_from_db()
    return account


def post_with_metrics(account, *, likes, reposts, replies, state=PostState.PUBLISHED) -> Post:
    post = scheduled_post(account, state=state)
    PostMetrics.objects.create(post=post, likes=likes, reposts=reposts, replies=replies)
    return post


def growth_row(html: str, account: ConnectedAccount) -> list[str]:
    match = re.search(rf'<tr id="growth-{account.pk}">(.*?)</tr>', html, re.S)
    assert match, f"no growth row for {account}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


@pytest.mark.django_db
def test_each_account_shows_followers_their_change_and_reactions(employee, login):
    bluesky = with_followers(
        connect(employee, handle="@erin.bsky", network="bluesky"), 150, d7=120, d30=100
    )
    # Snapshots only from the last few days: the changes are not known yet.
    mastodon = with_followers(
        connect(employee, handle="@erin@social", network="mastodon"), 40, d2=38
    )
    post_with_metrics(bluesky, likes=10, reposts=2, replies=1)
    post_with_metrics(bluesky, likes=5, reposts=0, replies=3)
    post_with_metrics(bluesky, likes=99, reposts=99, replies=99, state=PostState.SCHEDULED)
    post_with_metrics(mastodon, likes=1, reposts=1, replies=0)

    response = login(employee).get(ACCOUNTS)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="growth-heading">Your growth</h2>' in html
    for header in ("Followers now", "Change over 7 days", "Change over 30 days", "Likes"):
        assert f'<th scope="col">{header}</th>' in html
    assert growth_row(html, bluesky) == ["@erin.bsky Bluesky", "150", "+30", "+50", "15", "2", "4"]
    assert growth_row(html, mastodon) == [
        "@erin@social Mastodon",
        "40",
        UNKNOWN,
        UNKNOWN,
        "1",
        "1",
        "0",
    ]
    assert re.search(r"All your accounts</th>\s*<td></td><td></td><td></td>\s*<td>16</td>", html)


@pytest.mark.django_db
def test_a_loss_of_followers_shows_as_a_negative_change(employee):
    with_followers(connect(employee, network="bluesky"), 90, d8=100, d31=80)

    [row] = growth_of(member=employee).rows

    assert (row.followers, row.change_7_days, row.change_30_days) == (90, -10, 10)


@pytest.mark.django_db
def test_before_anything_is_counted_the_page_says_so(employee, login):
    connect(employee, network="bluesky")

    html = login(employee).get(ACCOUNTS).content.decode()

    assert "Your growth" in html
    assert "Nothing to show yet." in html
    assert "Followers now" not in html


@pytest.mark.django_db
def test_without_accounts_there_is_no_growth_section(employee, login):
    html = login(employee).get(ACCOUNTS).content.decode()

    assert "Your growth" not in html


@pytest.mark.django_db
def test_only_the_members_own_accounts_and_posts_count(employee):
    colleague = make_member(employee.organisation, Role.EMPLOYEE, "eve@acme.test")
    mine = with_followers(connect(employee, network="bluesky"), 10)
    theirs = with_followers(connect(colleague, handle="@eve", network="bluesky"), 500)
    post_with_metrics(mine, likes=1, reposts=0, replies=0)
    post_with_metrics(theirs, likes=70, reposts=7, replies=7)

    growth = growth_of(member=employee)

    assert [row.account for row in growth.rows] == [mine]
    assert (growth.likes, growth.reposts, growth.replies) == (1, 0, 0)
