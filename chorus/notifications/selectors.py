from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from chorus.notifications.models import (
    DEFAULT_DIGEST_FREQUENCY,
    DigestPreference,
    Notification,
    NotificationKind,
)
from chorus.orgs.models import Membership

# The navigation shows "99+" beyond this, so counting stops there.
UNREAD_COUNT_LIMIT = 100


def notifications_for(*, member: Membership) -> QuerySet[Notification]:
    """A member's notifications: unread first, then newest first."""
    is_read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return Notification.objects.filter(member=member).order_by(is_read.asc(), "-created_at", "-pk")


def unread_count(*, member: Membership, limit: int = UNREAD_COUNT_LIMIT) -> int:
    """How many notifications the member has not read, counted up to ``limit``."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    return unread.values("pk")[:limit].count()


def digest_frequency_of(*, member: Membership) -> str:
    frequency = (
        DigestPreference.objects.filter(member=member).values_list("frequency", flat=True).first()
    )
    return frequency or DEFAULT_DIGEST_FREQUENCY


def pending_digest_notifications(*, member: Membership) -> QuerySet[Notification]:
    """New-activity notifications the member has neither read nor been emailed yet."""
    return Notification.objects.filter(
        member=member,
        kind=NotificationKind.NEW_ACTIVITIES,
        emailed_at__isnull=True,
        read_at__isnull=True,
    ).order_by("created_at", "pk")
