from dataclasses import asdict
from datetime import time, timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.networks import upkeep


@task
def renew_tokens() -> dict[str, int]:
    return asdict(upkeep.renew_tokens())


@task
def record_follower_counts() -> dict[str, int]:
    return asdict(upkeep.record_follower_counts())


@task
def refresh_post_metrics() -> dict[str, int]:
    return asdict(upkeep.refresh_post_metrics())


# Hourly: a token is refreshed at least a day before it expires, and an owner
# reminded within the hour of the week-before mark.
register(PeriodicJob(name="networks.renew_tokens", task=renew_tokens, every=timedelta(hours=1)))
register(
    PeriodicJob(
        name="networks.record_follower_counts", task=record_follower_counts, daily_at=time(4, 30)
    )
)
# Each run asks about a bounded batch of due posts; frequent runs keep young posts current.
register(
    PeriodicJob(
        name="networks.refresh_post_metrics",
        task=refresh_post_metrics,
        every=timedelta(minutes=10),
    )
)
