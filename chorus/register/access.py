from django.http import Http404

from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.register.models import Delegation, RegisterEntry


def access_entry_by_member(*, member: Membership, entry_id: int) -> RegisterEntry:
    check_capability(member, Capability.MANAGE_SETTINGS)
    try:
        return RegisterEntry.objects.select_related(
            "responsible__user", "connected_account__member__user"
        ).get(organisation=member.organisation, pk=entry_id)
    except RegisterEntry.DoesNotExist:
        raise Http404("No such register entry") from None


def access_delegation_by_member(*, member: Membership, delegation_id: int) -> Delegation:
    check_capability(member, Capability.MANAGE_SETTINGS)
    try:
        return Delegation.objects.select_related("entry", "member__user").get(
            entry__organisation=member.organisation, pk=delegation_id
        )
    except Delegation.DoesNotExist:
        raise Http404("No such delegation") from None
