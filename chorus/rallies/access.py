from django.db.models import Exists, OuterRef
from django.http import Http404

from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.rallies.models import Pledge, Rally
from chorus.sharing.models import FeedEntry


def access_managed_rally_by_member(*, member: Membership, rally_id: int) -> Rally:
    """A rally as its organisers see it: content managers of its organisation only."""
    check_capability(member, Capability.MANAGE_CONTENT)
    try:
        return Rally.objects.select_related("activity__campaign", "created_by__user").get(
            organisation=member.organisation, pk=rally_id
        )
    except Rally.DoesNotExist:
        raise Http404("No such rally") from None


def access_rally_by_member(*, member: Membership, rally_id: int) -> Rally:
    """A rally as offered to this member: only if its activity is in their own feed."""
    in_feed = FeedEntry.objects.filter(member=member, activity_id=OuterRef("activity_id"))
    try:
        return Rally.objects.select_related("activity__campaign", "organisation").get(
            Exists(in_feed), organisation=member.organisation, pk=rally_id
        )
    except Rally.DoesNotExist:
        raise Http404("No such rally") from None


def access_pledge_by_member(*, member: Membership, pledge_id: int) -> Pledge:
    """A pledge belongs to its member alone: nobody withdraws it for them."""
    try:
        return Pledge.objects.select_related("rally", "post", "account").get(
            member=member, pk=pledge_id
        )
    except Pledge.DoesNotExist:
        raise Http404("No such pledge") from None
