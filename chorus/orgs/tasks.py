from django.tasks import task

from chorus.orgs import services


@task
def send_invitation_email(*, invitation_id: int) -> bool:
    return services.send_invitation_email(invitation_id=invitation_id)
