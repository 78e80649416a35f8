from django.http import Http404

from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership


def access_account_by_member(*, member: Membership, account_id: int) -> ConnectedAccount:
    """A member reaches only their own connected accounts: nobody posts for someone else."""
    try:
        return ConnectedAccount.objects.get(pk=account_id, member=member)
    except ConnectedAccount.DoesNotExist:
        raise Http404("No such account") from None
