"""Periodic jobs.

An app registers its periodic jobs in its ``tasks`` module::

    register(PeriodicJob(name="orgs.expire_invitations", task=expire_invitations,
                         every=timedelta(hours=1)))

``manage.py chorus_scheduler`` enqueues each job when it is due. Any number of
schedulers may run: a period is claimed by moving ``PeriodicJobState.next_run_at``
forward with one conditional UPDATE, so exactly one of them enqueues it.
"""

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, transaction
from django.tasks import Task, TaskResult
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from chorus.core.models import PeriodicJobState

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class PeriodicJob:
    """A task to enqueue either every ``every`` or once a day at ``daily_at``.

    ``daily_at`` is wall-clock time in ``time_zone`` (default: settings.TIME_ZONE).
    """

    name: str
    task: Task[[], Any]
    every: timedelta | None = None
    daily_at: time | None = None
    time_zone: str | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ImproperlyConfigured(f"Periodic job {self.name}: give either every or daily_at.")
        if self.every is not None and self.every <= timedelta(0):
            raise ImproperlyConfigured(f"Periodic job {self.name}: every must be positive.")
        if self.daily_at is not None and self.daily_at.tzinfo is not None:
            raise ImproperlyConfigured(
                f"Periodic job {self.name}: use time_zone, not an aware time."
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def schedule(self) -> str:
        """A fingerprint of the schedule; when it changes the next run is recomputed."""
        if self.every is not None:
            return f"every {self.every.total_seconds():g}s"
        assert self.daily_at is not None
        return f"daily at {self.daily_at.isoformat()} {self.zone.key}"

    def first_run(self, *, now: datetime) -> datetime:
        """When a job never seen before is first due: interval jobs at once."""
        if self.every is not None:
            return now
        return self.next_run_after(previous=now, now=now)

    def next_run_after(self, *, previous: datetime, now: datetime) -> datetime:
        """The first scheduled time after ``now``; periods missed while down are skipped."""
        if self.every is not None:
            elapsed_periods = max((now - previous) // self.every, 0)
            return previous + (elapsed_periods + 1) * self.every
        assert self.daily_at is not None
        return next_daily(at=self.daily_at, zone=self.zone, after=now)


def next_daily(*, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first moment strictly after ``after`` when the clock in ``zone`` shows ``at``."""
    local_day = after.astimezone(zone).date()
    # Comparing in UTC: aware datetimes sharing a tzinfo compare by wall time.
    after_utc = after.astimezone(UTC)
    for offset in range(3):
        candidate = datetime.combine(local_day + timedelta(days=offset), at, tzinfo=zone)
        if candidate.astimezone(UTC) > after_utc:
            return candidate.astimezone(UTC)
    raise AssertionError("a wall-clock time occurs within three days")


_registry: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> PeriodicJob:
    existing = _registry.get(job.name)
    if existing is not None and existing.task.module_path != job.task.module_path:
        raise ImproperlyConfigured(f"Two periodic jobs are named {job.name}.")
    _registry[job.name] = job
    return job


def registered_jobs() -> list[PeriodicJob]:
    """Every periodic job of every installed app."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda job: job.name)


def sync_job_states(*, jobs: Sequence[PeriodicJob], now: datetime) -> None:
    """Create the state of new jobs and reschedule jobs whose schedule changed."""
    known = dict(
        PeriodicJobState.objects.filter(name__in=[job.name for job in jobs]).values_list(
            "name", "schedule"
        )
    )
    new_states = [
        PeriodicJobState(name=job.name, schedule=job.schedule, next_run_at=job.first_run(now=now))
        for job in jobs
        if job.name not in known
    ]
    if new_states:
        PeriodicJobState.objects.bulk_create(new_states, ignore_conflicts=True)
    for job in jobs:
        if job.name in known and known[job.name] != job.schedule:
            PeriodicJobState.objects.filter(name=job.name, schedule=known[job.name]).update(
                schedule=job.schedule, next_run_at=job.first_run(now=now)
            )


def _due_period(*, job: PeriodicJob, now: datetime) -> datetime | None:
    """When the job's current period began, if it is due by ``now``."""
    due_at = (
        PeriodicJobState.objects.filter(name=job.name).values_list("next_run_at", flat=True).first()
    )
    return due_at if due_at is not None and due_at <= now else None


def claim_period(*, job: PeriodicJob, now: datetime) -> bool:
    """Claim the job's due period for this caller; False if not due or already claimed."""
    due_at = _due_period(job=job, now=now)
    if due_at is None:
        return False
    # Compare-and-set: a scheduler that read the same due_at but lost the race updates nothing.
    claimed = PeriodicJobState.objects.filter(name=job.name, next_run_at=due_at).update(
        next_run_at=job.next_run_after(previous=due_at, now=now), last_enqueued_at=now
    )
    return claimed == 1


def enqueue_if_due(*, job: PeriodicJob, now: datetime) -> TaskResult[[], Any] | None:
    if _due_period(job=job, now=now) is None:
        # Most passes end here, without taking SQLite's write lock.
        return None
    # One transaction: if enqueueing fails, the claim is rolled back and retried next pass.
    with transaction.atomic():
        if not claim_period(job=job, now=now):
            return None
        result = job.task.enqueue()
        PeriodicJobState.objects.filter(name=job.name).update(last_task_result_id=result.id)
    logger.info("Enqueued periodic job %s as task %s", job.name, result.id)
    return result


def run_due_jobs(
    *, jobs: Sequence[PeriodicJob] | None = None, now: datetime | None = None
) -> list[TaskResult[[], Any]]:
    """One scheduler pass: enqueue every job that is due."""
    jobs = registered_jobs() if jobs is None else jobs
    now = now or timezone.now()
    sync_job_states(jobs=jobs, now=now)
    results = []
    for job in jobs:
        try:
            result = enqueue_if_due(job=job, now=now)
        except Exception:
            # One broken job (or a queue that is briefly down) must not stop the others.
            logger.exception("Periodic job %s could not be enqueued", job.name)
            continue
        if result is not None:
            results.append(result)
    return results


def run_forever(*, interval: float, stop: threading.Event) -> None:
    """Run scheduler passes every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        close_old_connections()
        try:
            run_due_jobs()
        except Exception:
            # The database may be restarting; the next pass tries again.
            logger.exception("Scheduler pass failed")
        stop.wait(interval)
