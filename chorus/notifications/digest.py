"""When a member's email digest is due, by the clock in their own time zone.

Daily digests go out once per local day from 08:00; weekly ones on Monday from 08:00.
A digest belongs to the period that began at that 08:00, and goes out once per period.
"""

import zoneinfo
from datetime import UTC, datetime, time

from chorus.notifications.models import DigestFrequency

DIGEST_TIME = time(8, 0)
MONDAY = 0


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called ``name``; UTC for an empty or unknown name."""
    try:
        return zoneinfo.ZoneInfo(name) if name else zoneinfo.ZoneInfo("UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def digest_period_start(
    *, frequency: str, zone: zoneinfo.ZoneInfo, now: datetime
) -> datetime | None:
    """When the digest period in force at ``now`` began (UTC), or None if none is due now."""
    local_now = now.astimezone(zone)
    start = datetime.combine(local_now.date(), DIGEST_TIME, tzinfo=zone)
    if local_now.astimezone(UTC) < start.astimezone(UTC):
        return None
    if frequency == DigestFrequency.DAILY:
        return start.astimezone(UTC)
    if frequency == DigestFrequency.WEEKLY and local_now.weekday() == MONDAY:
        return start.astimezone(UTC)
    return None
