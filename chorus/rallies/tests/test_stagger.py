import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from chorus.rallies.stagger import minimum_gap, slot_times, stagger

START = datetime(2030, 5, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 50, 1000])
@pytest.mark.parametrize("window", [timedelta(hours=1), timedelta(hours=9, minutes=13)])
def test_times_are_inside_distinct_and_never_too_close(count, window):
    end = START + window
    floor = minimum_gap(start=START, end=end, count=count)
    for seed in range(40):
        times = slot_times(start=START, end=end, count=count, rng=random.Random(seed))

        assert len(times) == count
        assert times == sorted(times)
        assert all(START < t < end for t in times)
        gaps = [b - a for a, b in pairwise(times)]
        assert all(gap >= floor for gap in gaps)


def test_spread_covers_the_window_evenly():
    end = START + timedelta(hours=10)

    times = slot_times(start=START, end=end, count=10, rng=random.Random(1))

    # One post in each tenth of the window.
    assert [int((t - START) / timedelta(hours=1)) for t in times] == list(range(10))


def test_jitter_makes_each_rally_different():
    end = START + timedelta(hours=2)

    first = slot_times(start=START, end=end, count=5, rng=random.Random(1))
    second = slot_times(start=START, end=end, count=5, rng=random.Random(2))

    assert first != second


def test_order_is_shuffled_so_nobody_is_always_first():
    end = START + timedelta(hours=2)
    accounts = ["a", "b", "c", "d"]

    firsts = {
        stagger(accounts, start=START, end=end, rng=random.Random(seed))[0][0] for seed in range(30)
    }

    assert firsts == set(accounts)


def test_every_item_gets_one_time():
    end = START + timedelta(hours=2)

    schedule = stagger(["a", "b", "c"], start=START, end=end)

    assert sorted(item for item, _when in schedule) == ["a", "b", "c"]
    assert len({when for _item, when in schedule}) == 3


def test_nothing_to_spread():
    assert stagger([], start=START, end=START + timedelta(hours=1)) == []


def test_an_empty_window_is_refused():
    with pytest.raises(ValueError):
        slot_times(start=START, end=START, count=2, rng=random.Random(0))
