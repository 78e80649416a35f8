"""Cap periods (day, week, month) in an organisation's time zone."""

import zoneinfo
from datetime import date, datetime, time, timedelta

from chorus.incentives.models import CapPeriod


def _start_day(day: date, period: str) -> date:
    if period == CapPeriod.WEEK:
        return day - timedelta(days=day.weekday())
    if period == CapPeriod.MONTH:
        return day.replace(day=1)
    return day


def _next_start_day(start: date, period: str) -> date:
    if period == CapPeriod.WEEK:
        return start + timedelta(days=7)
    if period == CapPeriod.MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def period_bounds(
    moment: datetime, *, period: str, zone: zoneinfo.ZoneInfo
) -> tuple[datetime, datetime]:
    """The period holding ``moment``: its first instant and the first one after it."""
    start = _start_day(moment.astimezone(zone).date(), period)
    end = _next_start_day(start, period)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.min, tzinfo=zone),
    )


def day_bounds(first: date, last: date, *, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last``, in ``zone``."""
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )
