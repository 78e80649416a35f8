from datetime import timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.links import counting, services


@task
def count_clicks() -> int:
    return counting.count_new_clicks()


@task
def prune_visitor_data() -> int:
    return services.prune_salts() + services.prune_visits()


register(PeriodicJob(name="links.count_clicks", task=count_clicks, every=timedelta(minutes=1)))
register(
    PeriodicJob(name="links.prune_visitor_data", task=prune_visitor_data, every=timedelta(hours=1))
)
