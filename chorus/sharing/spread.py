"""Where each approved post goes when an employee spreads several over a few days.

Pure: no database and no clock. The caller passes the current time and a random
source, so the same inputs and seed always give the same plan.

Each post lands at a random second inside the working hours of one day, never
before ``now``, never after its activity expires, never closer than ``min_gap`` to
any other post of the member (already scheduled ones included), never over an
account's daily cap, and never on a round minute. Posts go to the least busy days
first, so they spread over the window rather than piling up on its first day.

Times are handled as whole epoch seconds: arithmetic on local wall-clock times
would be off by an hour on the day the clocks change.
"""

import math
import random
from bisect import insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

# A post at 10:00 or 14:15 looks scheduled by a machine; these minutes are avoided.
ROUND_MINUTES = 5
_PICK_ATTEMPTS = 24

type Interval = tuple[int, int]  # inclusive epoch seconds


@dataclass(frozen=True)
class Item:
    """A post to place: its key, the account it goes out on, when its activity expires."""

    key: int
    account: int
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Taken:
    """A post of the member that already has its time (scheduled, going out or published)."""

    at: datetime
    account: int | None = None


@dataclass(frozen=True, kw_only=True)
class Window:
    start_date: date
    days: int
    day_starts: time
    day_ends: time
    time_zone: ZoneInfo
    min_gap: timedelta


class DoesNotFit(Exception):
    """Not every post fits the window; ``fitted`` says how many would."""

    def __init__(self, *, fitted: int, total: int) -> None:
        super().__init__(f"{fitted} of {total} posts fit")
        self.fitted = fitted
        self.total = total


class SlotProblem(StrEnum):
    PAST = "past"
    EXPIRED = "expired"
    GAP = "gap"
    CAP = "cap"


@dataclass
class _Day:
    local_date: date
    free: list[Interval]
    items: list[Item] = field(default_factory=list)
    # Posts of the member on this day, already there or placed now: all, and by account.
    load: int = 0
    used: dict[int, int] = field(default_factory=dict)


def _epoch(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def _deadline(item: Item) -> float:
    """The last second the post may go out: strictly before its activity expires."""
    if item.expires_at is None:
        return math.inf
    return _epoch(item.expires_at) - 1


def _local_date(moment: datetime, time_zone: ZoneInfo) -> date:
    return moment.astimezone(time_zone).date()


def _subtract(intervals: list[Interval], start: int, end: int) -> list[Interval]:
    """The intervals without the seconds ``start``..``end`` (inclusive)."""
    result: list[Interval] = []
    for a, b in intervals:
        if end < a or start > b:
            result.append((a, b))
            continue
        if a < start:
            result.append((a, start - 1))
        if end < b:
            result.append((end + 1, b))
    return result


def _clip(intervals: list[Interval], low: float, high: float) -> list[Interval]:
    result = []
    for a, b in intervals:
        a2, b2 = max(a, low), min(b, high)
        if a2 <= b2:
            result.append((int(a2), int(b2)))
    return result


def _earliest(free: list[Interval], cursor: float) -> int | None:
    for a, b in free:
        if b >= cursor:
            return int(max(a, cursor))
    return None


def _fits(free: list[Interval], deadlines: Sequence[float], cursor: float, step: int) -> bool:
    """Whether posts with these (sorted) deadlines all fit from ``cursor`` on.

    Placing each as early as possible, earliest deadline first, fits them whenever
    any placement does: posts differ only in their deadlines.
    """
    for deadline in deadlines:
        moment = _earliest(free, cursor)
        if moment is None or moment > deadline:
            return False
        cursor = moment + step
    return True


@lru_cache(maxsize=256)
def _day_bounds(window: Window) -> tuple[tuple[date, int, int], ...]:
    """Each day's first and last working second; many members share a window, so cached."""
    gap = int(window.min_gap.total_seconds())
    bounds = []
    for offset in range(window.days):
        local_date = window.start_date + timedelta(days=offset)
        start = _epoch(datetime.combine(local_date, window.day_starts, window.time_zone))
        end = _epoch(datetime.combine(local_date, window.day_ends, window.time_zone)) - 1
        bounds.append((local_date, start, end))
    days = []
    for index, (local_date, start, end) in enumerate(bounds):
        if index + 1 < len(bounds):
            # Long working hours: keep the last post of a day min_gap before the next day's first.
            end = min(end, bounds[index + 1][1] - gap)
        days.append((local_date, start, end))
    return tuple(days)


def _capacity(free: list[Interval], step: int) -> int:
    """How many posts without a deadline fit: what ``_fits`` finds, counted per interval."""
    count = 0
    cursor = free[0][0] if free else 0
    for a, b in free:
        first = max(a, cursor)
        if first > b:
            continue
        fitting = (b - first) // step + 1
        count += fitting
        cursor = first + fitting * step
    return count


def _working_days(window: Window, now: int) -> list[_Day]:
    return [
        _Day(local_date=local_date, free=_clip([(start, end)], now, end))
        for local_date, start, end in _day_bounds(window)
    ]


def _without_taken(days: list[_Day], taken: Iterable[Taken], gap: int) -> None:
    for moment in taken:
        at = _epoch(moment.at)
        for day in days:
            day.free = _subtract(day.free, at - gap + 1, at + gap - 1)


def _count_taken(days: list[_Day], taken: Iterable[Taken], time_zone: ZoneInfo) -> None:
    by_date = {day.local_date: day for day in days}
    for moment in taken:
        day = by_date.get(_local_date(moment.at, time_zone))
        if day is None:
            continue
        day.load += 1
        if moment.account is not None:
            day.used[moment.account] = day.used.get(moment.account, 0) + 1


def _choose_days(
    days: list[_Day],
    items: Sequence[Item],
    *,
    caps: Mapping[int, int],
    step: int,
    rng: random.Random,
) -> int:
    """Give each item a day (most constrained first); return how many found one."""
    placed = 0
    deadlines_of = [sorted(_deadline(i) for i in day.items) for day in days]
    capacity = [_capacity(day.free, step) for day in days]
    open_days = [index for index, day in enumerate(days) if day.free]
    for item in sorted(items, key=lambda i: (_deadline(i), i.key)):
        deadline, account = _deadline(item), item.account
        cap = caps.get(account)
        candidates = []
        for index in open_days:
            if cap is not None and days[index].used.get(account, 0) >= cap:
                continue
            deadlines = deadlines_of[index]
            if deadline == math.inf and (not deadlines or deadlines[0] == math.inf):
                # No deadlines on this day: counting is enough (and much cheaper).
                if len(deadlines) < capacity[index]:
                    candidates.append(index)
                continue
            free = days[index].free
            deadlines = list(deadlines)
            insort(deadlines, deadline)
            if _fits(free, deadlines, free[0][0], step):
                candidates.append(index)
        if not candidates:
            continue
        quietest = min(days[index].load for index in candidates)
        chosen = rng.choice([index for index in candidates if days[index].load == quietest])
        day = days[chosen]
        day.items.append(item)
        insort(deadlines_of[chosen], deadline)
        day.used[account] = day.used.get(account, 0) + 1
        day.load += 1
        placed += 1
    return placed


def _latest_start(
    free: list[Interval], low: int, high: float, rest: Sequence[float], step: int
) -> int:
    """The latest second at or after ``low`` that still leaves room for ``rest``."""
    high_int = int(min(high, free[-1][1]))
    if not rest:
        return max(low, high_int)
    while low < high_int:
        middle = (low + high_int + 1) // 2
        if _fits(free, rest, middle + step, step):
            low = middle
        else:
            high_int = middle - 1
    return low


def _is_round(moment: int) -> bool:
    # Every time zone offset is a multiple of 15 minutes, so UTC minutes tell.
    return (moment // 60) % ROUND_MINUTES == 0


def _pick(free: list[Interval], low: int, high: int, rng: random.Random) -> int:
    choices = _clip(free, low, high)
    total = sum(b - a + 1 for a, b in choices)
    moment = choices[0][0]
    for _attempt in range(_PICK_ATTEMPTS):
        offset = rng.randrange(total)
        for a, b in choices:
            if offset <= b - a:
                moment = a + offset
                break
            offset -= b - a + 1
        if not _is_round(moment):
            break
    return moment


def _times_for(day: _Day, step: int, rng: random.Random) -> dict[int, int]:
    items = sorted(day.items, key=lambda i: (_deadline(i), i.key))
    deadlines = [_deadline(i) for i in items]
    cursor: float = day.free[0][0]
    times = {}
    for index, item in enumerate(items):
        low = _earliest(day.free, cursor)
        assert low is not None  # _choose_days checked that the day holds them all
        high = _latest_start(day.free, low, deadlines[index], deadlines[index + 1 :], step)
        moment = _pick(day.free, low, high, rng)
        times[item.key] = moment
        cursor = moment + step
    return times


def plan(
    *,
    items: Sequence[Item],
    taken: Sequence[Taken],
    window: Window,
    caps: Mapping[int, int],
    now: datetime,
    rng: random.Random,
) -> dict[int, datetime]:
    """A time for every item, or ``DoesNotFit`` saying how many would fit."""
    if window.days < 1 or window.day_ends <= window.day_starts:
        raise ValueError("The window needs at least one day and working hours that end later.")
    gap = int(window.min_gap.total_seconds())
    step = max(gap, 1)
    days = _working_days(window, _epoch(now))
    _without_taken(days, taken, gap)
    _count_taken(days, taken, window.time_zone)
    placed = _choose_days(days, items, caps=caps, step=step, rng=rng)
    if placed < len(items):
        raise DoesNotFit(fitted=placed, total=len(items))
    times: dict[int, int] = {}
    for day in days:
        if day.items:
            times.update(_times_for(day, step, rng))
    return {key: datetime.fromtimestamp(moment, UTC) for key, moment in times.items()}


def slot_problems(
    *,
    at: datetime,
    account: int,
    taken: Sequence[Taken],
    caps: Mapping[int, int],
    min_gap: timedelta,
    time_zone: ZoneInfo,
    now: datetime,
    expires_at: datetime | None = None,
) -> list[SlotProblem]:
    """What is wrong with putting one post of ``account`` at ``at`` (nothing: an empty list)."""
    problems = []
    if at < now:
        problems.append(SlotProblem.PAST)
    if expires_at is not None and at >= expires_at:
        problems.append(SlotProblem.EXPIRED)
    if any(abs(other.at - at) < min_gap for other in taken):
        problems.append(SlotProblem.GAP)
    local_date = _local_date(at, time_zone)
    same_day = sum(
        1
        for other in taken
        if other.account == account and _local_date(other.at, time_zone) == local_date
    )
    cap = caps.get(account)
    if cap is not None and same_day >= cap:
        problems.append(SlotProblem.CAP)
    return problems
