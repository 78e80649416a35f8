import os
from datetime import time, timedelta

from django.conf import settings
from django.tasks import task

from chorus.core import maintenance
from chorus.core.scheduler import PeriodicJob, register


@task
def report_worker_pid() -> int:
    """The id of the process that ran this: proves a worker picks tasks up."""
    return os.getpid()


@task
def prune_task_results() -> int:
    return maintenance.prune_finished_task_results(
        older_than=timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    )


@task
def purge_expired_sessions() -> None:
    maintenance.purge_expired_sessions()


register(PeriodicJob(name="core.prune_task_results", task=prune_task_results, daily_at=time(3, 15)))
register(
    PeriodicJob(
        name="core.purge_expired_sessions", task=purge_expired_sessions, every=timedelta(hours=1)
    )
)
