from django.core.exceptions import PermissionDenied
from django.http import Http404

from chorus.campaigns.models import Activity, Campaign
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability, role_can


def check_may_see_campaigns(member: Membership) -> None:
    """Campaigns behind the scenes are for those who make or review them."""
    if not (
        role_can(member.role, Capability.MANAGE_CONTENT)
        or role_can(member.role, Capability.REVIEW_CONTENT)
    ):
        raise PermissionDenied


def access_campaign_by_member(*, member: Membership, campaign_id: int) -> Campaign:
    check_may_see_campaigns(member)
    try:
        return Campaign.objects.get(organisation=member.organisation, pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign") from None


def access_activity_by_member(*, member: Membership, activity_id: int) -> Activity:
    check_may_see_campaigns(member)
    try:
        return Activity.objects.select_related("campaign").get(
            campaign__organisation=member.organisation, pk=activity_id
        )
    except Activity.DoesNotExist:
        raise Http404("No such activity") from None
