from django.tasks import task

from chorus.notifications import services


@task
def send_notification_email(*, notification_id: int) -> bool:
    return services.send_notification_email(notification_id=notification_id)
