from datetime import datetime, timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.notifications import services


@task
def send_notification_email(*, notification_id: int) -> bool:
    return services.send_notification_email(notification_id=notification_id)


@task
def send_digest(*, member_id: int, now: str) -> bool:
    """``now`` is when the digest was found due (ISO 8601), so a late task keeps that period."""
    return services.send_digest(member_id=member_id, now=datetime.fromisoformat(now))


@task
def send_due_digests() -> int:
    return services.send_due_digests()


# Hourly: each member's 08:00 comes in their own time zone.
register(
    PeriodicJob(
        name="notifications.send_due_digests", task=send_due_digests, every=timedelta(hours=1)
    )
)
