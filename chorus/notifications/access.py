from django.http import Http404

from chorus.notifications.models import Notification
from chorus.orgs.models import Membership


def access_notification_by_member(*, member: Membership, notification_id: int) -> Notification:
    """A member reaches only their own notifications."""
    try:
        return Notification.objects.get(pk=notification_id, member=member)
    except Notification.DoesNotExist:
        raise Http404("No such notification") from None
