from django.http import Http404

from chorus.campaigns.models import Campaign
from chorus.links.models import TrackedLink
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability


def access_link_by_member(*, member: Membership, link_id: int) -> TrackedLink:
    """A link of the member's organisation, for those who manage content."""
    check_capability(member, Capability.MANAGE_CONTENT)
    try:
        return TrackedLink.objects.select_related("organisation").get(
            organisation=member.organisation, pk=link_id
        )
    except TrackedLink.DoesNotExist:
        raise Http404("No such link") from None


def access_campaign_clicks_by_member(*, member: Membership, campaign_id: int) -> Campaign:
    """A campaign's click totals: for those who manage content."""
    check_capability(member, Capability.MANAGE_CONTENT)
    try:
        return Campaign.objects.get(organisation=member.organisation, pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign") from None
