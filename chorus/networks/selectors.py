from django.db.models import QuerySet

from chorus.networks.models import AccountStatus, ConnectedAccount, OutboxPost
from chorus.orgs.models import Membership


def live_accounts_of(*, member: Membership) -> QuerySet[ConnectedAccount]:
    """The member's accounts that are connected or waiting to be reconnected."""
    return ConnectedAccount.objects.filter(member=member).exclude(status=AccountStatus.DISCONNECTED)


def outbox_posts_of(*, member: Membership) -> QuerySet[OutboxPost]:
    return (
        OutboxPost.objects.filter(account__member=member)
        .select_related("account")
        .order_by("-created_at", "-pk")
    )
