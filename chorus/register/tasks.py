from datetime import timedelta

from django.tasks import task

from chorus.core.scheduler import PeriodicJob, register
from chorus.register import services


@task
def send_review_reminders() -> int:
    return services.send_review_reminders()


register(
    PeriodicJob(
        name="register.send_review_reminders", task=send_review_reminders, every=timedelta(hours=6)
    )
)
