from datetime import timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.rallies import services


@task
def resolve_due_rallies() -> int:
    return len(services.resolve_due_rallies())


register(
    PeriodicJob(
        name="rallies.resolve_due_rallies", task=resolve_due_rallies, every=timedelta(minutes=1)
    )
)
