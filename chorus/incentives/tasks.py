from datetime import timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.incentives import crediting


@task
def credit_clicks() -> int:
    return crediting.credit_new_clicks()


register(
    PeriodicJob(name="incentives.credit_clicks", task=credit_clicks, every=timedelta(minutes=1))
)
