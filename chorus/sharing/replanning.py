"""New times for posts whose time passed while they could not go out.

A post held back (its account waited to be reconnected, its owner had not accepted the
policy) keeps the spreading promise when it is released: instead of going out in one
burst with the others held with it, each gets the earliest free time from now that keeps
the usual gap between posts, working hours and each account's daily cap.
"""

import random
from collections.abc import Sequence
from datetime import datetime

from chorus.orgs.models import Membership
from chorus.publishing.models import Post
from chorus.sharing import selectors, spread

# How far ahead released posts may be placed before they are given up on.
REPLAN_WITHIN_DAYS = 14


def next_free_times(
    *, member: Membership, posts: Sequence[Post], now: datetime, rng: random.Random
) -> dict[int, datetime]:
    """The earliest working days with room for ``posts`` (the spreading planner places them).

    Times the member's other posts hold are kept free, ``posts`` themselves excepted.
    A post that fits on none of the next days (its activity expires too soon) gets no time.
    """
    if not posts:
        return {}
    taken = selectors.taken_times(member=member, now=now, exclude=[post.pk for post in posts])
    items = [_item(post) for post in posts]
    caps = {p.account.pk: p.account.effective_daily_cap for p in posts if p.account is not None}
    times = _plan_earliest(items, taken=taken, caps=caps, member=member, now=now, rng=rng)
    if times is not None:
        return times
    # Not all of them fit: place them one by one, those with the nearest deadline first.
    times = {}
    for item in sorted(items, key=_deadline_order):
        one = _plan_earliest([item], taken=taken, caps=caps, member=member, now=now, rng=rng)
        if one:
            times.update(one)
            taken.append(spread.Taken(at=one[item.key], account=item.account))
    return times


def _deadline_order(item: spread.Item) -> tuple[bool, datetime | None, int]:
    return (item.expires_at is None, item.expires_at, item.key)


def _item(post: Post) -> spread.Item:
    return spread.Item(
        key=post.pk,
        account=post.account_id or 0,
        expires_at=post.activity.expires_at if post.activity is not None else None,
    )


def _plan_earliest(
    items: list[spread.Item],
    *,
    taken: list[spread.Taken],
    caps: dict[int, int],
    member: Membership,
    now: datetime,
    rng: random.Random,
) -> dict[int, datetime] | None:
    """Spread ``items`` over as few working days from today as they fit in, or None."""
    today = now.astimezone(member.time_zone).date()
    for days in range(1, REPLAN_WITHIN_DAYS + 1):
        window = spread.Window(
            start_date=today,
            days=days,
            day_starts=selectors.DEFAULT_DAY_STARTS,
            day_ends=selectors.DEFAULT_DAY_ENDS,
            time_zone=member.time_zone,
            min_gap=selectors.DEFAULT_MIN_GAP,
        )
        try:
            return spread.plan(items=items, taken=taken, window=window, caps=caps, now=now, rng=rng)
        except spread.DoesNotFit:
            continue
    return None
