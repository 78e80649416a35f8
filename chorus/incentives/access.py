from django.http import Http404

from chorus.incentives.models import Entry, PayoutBatch, Programme
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability


def access_programme_by_member(*, member: Membership, programme_id: int) -> Programme:
    """A programme of the member's organisation: every member may see and join it."""
    try:
        return Programme.objects.select_related("organisation").get(
            organisation=member.organisation, pk=programme_id
        )
    except Programme.DoesNotExist:
        raise Http404("No such programme") from None


def access_managed_programme_by_member(*, member: Membership, programme_id: int) -> Programme:
    """A programme to change, review or pay out: owners and admins."""
    check_capability(member, Capability.MANAGE_SETTINGS)
    return access_programme_by_member(member=member, programme_id=programme_id)


def access_entry_by_member(*, member: Membership, entry_id: int) -> Entry:
    """A ledger entry to review: owners and admins."""
    check_capability(member, Capability.MANAGE_SETTINGS)
    try:
        return Entry.objects.select_related("programme__organisation").get(
            programme__organisation=member.organisation, pk=entry_id
        )
    except Entry.DoesNotExist:
        raise Http404("No such entry") from None


def access_payout_by_member(*, member: Membership, batch_id: int) -> PayoutBatch:
    check_capability(member, Capability.MANAGE_SETTINGS)
    try:
        return PayoutBatch.objects.select_related("programme").get(
            programme__organisation=member.organisation, pk=batch_id
        )
    except PayoutBatch.DoesNotExist:
        raise Http404("No such payout") from None


def access_ledger_member_by_member(*, member: Membership, membership_id: int) -> Membership:
    """Another member whose earnings an owner or admin looks at."""
    check_capability(member, Capability.MANAGE_SETTINGS)
    try:
        return Membership.objects.select_related("user").get(
            organisation=member.organisation, pk=membership_id
        )
    except Membership.DoesNotExist:
        raise Http404("No such member") from None
