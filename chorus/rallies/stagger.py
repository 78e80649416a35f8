"""Spreading a rally's posts over its posting window, so they never go out as one burst.

The window is cut into one slot per post; each post goes near the middle of its
slot, moved by a random jitter of at most a fifth of a slot either way. So
neighbours are always at least about half a slot apart (never less than
window / (2 * posts)), every time lies strictly inside the window, and which
post gets which slot is shuffled, so no account is always first.
"""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

MICROSECOND = timedelta(microseconds=1)


def minimum_gap(*, start: datetime, end: datetime, count: int) -> timedelta:
    """The smallest gap between neighbouring posts that a schedule may have."""
    return (end - start) / (2 * count)


def slot_times(*, start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """``count`` ascending, distinct times inside (start, end), about evenly spaced."""
    if count <= 0:
        return []
    if end <= start:
        raise ValueError("The window must end after it starts.")
    width = (end - start) // MICROSECOND
    jitter = width // (5 * count)
    times = []
    for index in range(count):
        centre = width * (2 * index + 1) // (2 * count)
        offset = centre + rng.randint(-jitter, jitter)
        times.append(start + offset * MICROSECOND)
    return times


def stagger[T](
    items: Sequence[T], *, start: datetime, end: datetime, rng: random.Random | None = None
) -> list[tuple[T, datetime]]:
    """Give each item its own time in the window, in shuffled order."""
    rng = rng or random.SystemRandom()
    shuffled = list(items)
    rng.shuffle(shuffled)
    times = slot_times(start=start, end=end, count=len(shuffled), rng=rng)
    return list(zip(shuffled, times, strict=True))
