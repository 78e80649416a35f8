from datetime import timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.governance import services


@task
def prune_draft_evaluations() -> int:
    return services.prune_draft_evaluations()


register(
    PeriodicJob(
        name="governance.prune_draft_evaluations",
        task=prune_draft_evaluations,
        every=timedelta(hours=6),
    )
)
