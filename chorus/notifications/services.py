from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership


def notify(
    *,
    member: Membership,
    kind: NotificationKind,
    params: dict[str, Any] | None = None,
    url: str = "",
    email_now: bool = False,
) -> Notification:
    """Tell a member something in the app; ``email_now`` also mails it at once (needs action)."""
    notification = Notification.objects.create(
        member=member, kind=kind, params=params or {}, url=url
    )
    if email_now:
        from chorus.notifications.tasks import send_notification_email

        transaction.on_commit(
            lambda: send_notification_email.enqueue(notification_id=notification.pk)
        )
    return notification


def send_notification_email(*, notification_id: int) -> bool:
    """Mail one notification that needs action. False if it is gone or was mailed already."""
    notification = (
        Notification.objects.select_related("member__user", "member__organisation")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    user = notification.member.user
    with translation.override(user.language or notification.member.organisation.default_language):
        subject = str(notification.get_kind_display())
        body = render_to_string(
            "notifications/email/notification.txt",
            {"notification": notification, "member": notification.member},
        )
    send_mail(subject, body, None, [user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
