"""The pure spreading plan: working hours, gaps, caps, expiry, distribution, determinism."""

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations, pairwise
from zoneinfo import ZoneInfo

import pytest

from chorus.sharing.spread import (
    DoesNotFit,
    Item,
    SlotProblem,
    Taken,
    Window,
    plan,
    slot_problems,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
SEEDS = range(40)


def window(**overrides: object) -> Window:
    values: dict[str, object] = {
        "start_date": date(2026, 6, 1),
        "days": 5,
        "day_starts": time(9),
        "day_ends": time(17),
        "time_zone": HELSINKI,
        "min_gap": timedelta(minutes=90),
        **overrides,
    }
    return Window(**values)  # type: ignore[arg-type]


def items(count: int, *, accounts: int = 1, expires_at: datetime | None = None) -> list[Item]:
    return [Item(key=k, account=k % accounts, expires_at=expires_at) for k in range(count)]


# Early on the first day (06:00 in Helsinki), so the whole window lies ahead.
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def assert_in_working_hours(times: dict[int, datetime], w: Window) -> None:
    for moment in times.values():
        assert time(9) <= local(moment).time() < time(17), local(moment)
        first = w.start_date
        assert first <= local(moment).date() < first + timedelta(days=w.days)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_post_is_in_working_hours_after_now_and_off_round_minutes(seed: int) -> None:
    w = window()

    times = plan(items=items(8), taken=[], window=w, caps={}, now=NOW, rng=random.Random(seed))

    assert set(times) == set(range(8))
    assert_in_working_hours(times, w)
    assert all(moment >= NOW for moment in times.values())
    assert all(local(moment).minute % 5 != 0 for moment in times.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_posts_keep_the_gap_from_each_other_and_from_scheduled_ones(seed: int) -> None:
    taken = [
        Taken(at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC), account=0),  # 12:00 local
        Taken(at=datetime(2026, 6, 2, 7, 30, tzinfo=UTC), account=5),  # 10:30 local
    ]
    gap = timedelta(minutes=90)

    times = plan(
        items=items(10, accounts=2),
        taken=taken,
        window=window(min_gap=gap),
        caps={},
        now=NOW,
        rng=random.Random(seed),
    )

    moments = [*times.values(), *(t.at for t in taken)]
    for first, second in combinations(moments, 2):
        assert abs(first - second) >= gap


@pytest.mark.parametrize("seed", SEEDS)
def test_daily_caps_count_posts_already_scheduled_that_local_day(seed: int) -> None:
    # One post on 1 June, and one at 22:00 UTC on 1 June, which is 2 June in Helsinki.
    taken = [
        Taken(at=datetime(2026, 6, 1, 5, 0, tzinfo=UTC), account=0),
        Taken(at=datetime(2026, 6, 1, 22, 0, tzinfo=UTC), account=0),
    ]

    times = plan(
        items=items(4, accounts=1),
        taken=taken,
        window=window(days=3, min_gap=timedelta(minutes=30)),
        caps={0: 2},
        now=NOW,
        rng=random.Random(seed),
    )

    per_day = Counter(local(moment).date() for moment in times.values())
    assert per_day == {date(2026, 6, 1): 1, date(2026, 6, 2): 1, date(2026, 6, 3): 2}


def test_a_fifth_post_would_break_the_cap_of_a_day() -> None:
    taken = [
        Taken(at=datetime(2026, 6, 1, 5, 0, tzinfo=UTC), account=0),
        Taken(at=datetime(2026, 6, 1, 22, 0, tzinfo=UTC), account=0),
    ]

    with pytest.raises(DoesNotFit) as problem:
        plan(
            items=items(5),
            taken=taken,
            window=window(days=3, min_gap=timedelta(minutes=30)),
            caps={0: 2},
            now=NOW,
            rng=random.Random(0),
        )

    assert (problem.value.fitted, problem.value.total) == (4, 5)


def test_caps_are_per_account() -> None:
    times = plan(
        items=items(4, accounts=2),
        taken=[],
        window=window(days=1, min_gap=timedelta(minutes=30)),
        caps={0: 2, 1: 2},
        now=NOW,
        rng=random.Random(1),
    )

    assert len(times) == 4


def test_too_many_posts_for_the_caps_do_not_fit_and_say_how_many_would() -> None:
    with pytest.raises(DoesNotFit) as problem:
        plan(
            items=items(8),
            taken=[],
            window=window(days=3),
            caps={0: 2},
            now=NOW,
            rng=random.Random(0),
        )

    assert (problem.value.fitted, problem.value.total) == (6, 8)


def test_too_many_posts_for_the_gap_do_not_fit() -> None:
    # 09:00 to 17:00 holds six posts 90 minutes apart (09:00, 10:30, ... 16:30).
    with pytest.raises(DoesNotFit) as problem:
        plan(
            items=items(7), taken=[], window=window(days=1), caps={}, now=NOW, rng=random.Random(0)
        )

    assert problem.value.fitted == 6


def test_a_full_day_is_still_packed_exactly() -> None:
    times = plan(
        items=items(6), taken=[], window=window(days=1), caps={}, now=NOW, rng=random.Random(3)
    )

    ordered = sorted(times.values())
    assert all(b - a >= timedelta(minutes=90) for a, b in pairwise(ordered))
    assert_in_working_hours(times, window(days=1))


@pytest.mark.parametrize("seed", SEEDS)
def test_never_after_the_activity_expires(seed: int) -> None:
    expiry = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)  # 13:00 on the second day in Helsinki
    posts = [*items(3, expires_at=expiry), Item(key=10, account=0)]

    times = plan(
        items=posts,
        taken=[],
        window=window(min_gap=timedelta(minutes=60)),
        caps={},
        now=NOW,
        rng=random.Random(seed),
    )

    assert all(times[k] < expiry for k in range(3))


def test_expired_before_the_window_does_not_fit() -> None:
    with pytest.raises(DoesNotFit) as problem:
        plan(
            items=items(2, expires_at=datetime(2026, 5, 31, tzinfo=UTC)),
            taken=[],
            window=window(),
            caps={},
            now=NOW,
            rng=random.Random(0),
        )

    assert problem.value.fitted == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_posts_are_spread_over_the_days_not_piled_on_the_first(seed: int) -> None:
    times = plan(
        items=items(7), taken=[], window=window(days=5), caps={}, now=NOW, rng=random.Random(seed)
    )

    per_day = Counter(local(moment).date() for moment in times.values())
    assert len(per_day) == 5
    assert max(per_day.values()) - min(per_day.values()) <= 1


def test_busy_days_get_fewer_new_posts() -> None:
    taken = [
        Taken(at=datetime(2026, 6, 1, 6, 10, tzinfo=UTC), account=1),
        Taken(at=datetime(2026, 6, 1, 12, 10, tzinfo=UTC), account=1),
    ]

    times = plan(
        items=items(2), taken=taken, window=window(days=2), caps={}, now=NOW, rng=random.Random(0)
    )

    assert {local(moment).date() for moment in times.values()} == {date(2026, 6, 2)}


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_before_now_when_the_first_day_has_begun(seed: int) -> None:
    now = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)  # 14:00 in Helsinki

    times = plan(
        items=items(4), taken=[], window=window(days=2), caps={}, now=now, rng=random.Random(seed)
    )

    assert all(moment >= now for moment in times.values())
    assert_in_working_hours(times, window(days=2))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("first_day", [date(2026, 3, 27), date(2026, 10, 23)])
def test_working_hours_hold_across_a_daylight_saving_change(seed: int, first_day: date) -> None:
    # Helsinki moves its clocks on 29 March and 25 October 2026.
    w = window(start_date=first_day, days=5, min_gap=timedelta(minutes=60))
    now = datetime.combine(first_day, time(0), UTC)

    times = plan(items=items(20), taken=[], window=w, caps={}, now=now, rng=random.Random(seed))

    assert_in_working_hours(times, w)
    offsets = {local(moment).utcoffset() for moment in times.values()}
    assert offsets == {timedelta(hours=2), timedelta(hours=3)}
    ordered = sorted(times.values())
    assert all(b - a >= timedelta(minutes=60) for a, b in pairwise(ordered))


def test_long_working_days_keep_the_gap_across_midnight() -> None:
    w = window(days=3, day_starts=time(0), day_ends=time(23, 59), min_gap=timedelta(hours=5))

    for seed in SEEDS:
        times = plan(items=items(12), taken=[], window=w, caps={}, now=NOW, rng=random.Random(seed))
        ordered = sorted(times.values())
        assert all(b - a >= timedelta(hours=5) for a, b in pairwise(ordered))


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    def run(seed: int) -> dict[int, datetime]:
        return plan(
            items=items(6, accounts=2),
            taken=[Taken(at=datetime(2026, 6, 2, 9, 0, tzinfo=UTC), account=0)],
            window=window(),
            caps={0: 3, 1: 3},
            now=NOW,
            rng=random.Random(seed),
        )

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_times_are_jittered_to_the_second() -> None:
    times = plan(
        items=items(30), taken=[], window=window(days=14, min_gap=timedelta(minutes=10)),
        caps={}, now=NOW, rng=random.Random(5),
    )  # fmt: skip

    assert len({moment.second for moment in times.values()}) > 10


def test_a_window_without_working_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="working hours"):
        plan(
            items=items(1),
            taken=[],
            window=window(day_starts=time(17), day_ends=time(9)),
            caps={},
            now=NOW,
            rng=random.Random(0),
        )


class TestSlotProblems:
    def check(self, at: datetime, **overrides: object) -> list[SlotProblem]:
        values: dict[str, object] = {
            "at": at,
            "account": 1,
            "taken": [Taken(at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC), account=1)],
            "caps": {1: 2},
            "min_gap": timedelta(minutes=90),
            "time_zone": HELSINKI,
            "now": NOW,
            **overrides,
        }
        return slot_problems(**values)  # type: ignore[arg-type]

    def test_a_good_slot_has_no_problem(self) -> None:
        assert self.check(datetime(2026, 6, 1, 12, 0, tzinfo=UTC)) == []

    def test_past(self) -> None:
        assert self.check(NOW - timedelta(minutes=1)) == [SlotProblem.PAST]

    def test_too_close_to_another_post(self) -> None:
        assert self.check(datetime(2026, 6, 1, 10, 0, tzinfo=UTC)) == [SlotProblem.GAP]

    def test_after_expiry(self) -> None:
        at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

        assert self.check(at, expires_at=at) == [SlotProblem.EXPIRED]

    def test_cap_counts_the_local_day(self) -> None:
        taken = [
            Taken(at=datetime(2026, 6, 1, 6, 0, tzinfo=UTC), account=1),
            Taken(at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC), account=1),
            Taken(at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC), account=2),
        ]

        # 23:30 UTC on 1 June is already 2 June in Helsinki: a new day, no cap problem.
        assert self.check(datetime(2026, 6, 1, 14, 0, tzinfo=UTC), taken=taken) == [SlotProblem.CAP]
        assert self.check(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), taken=taken) == []
