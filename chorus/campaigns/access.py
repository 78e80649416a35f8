from django.core.exceptions import PermissionDenied
from django.http import Http404

from chorus.campaigns.models import Activity, Campaign, CampaignState, Suggestion
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability, role_can
from chorus.sharing.models import FeedEntry


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


def access_suggestion_by_member(*, member: Membership, suggestion_id: int) -> Suggestion:
    check_may_see_campaigns(member)
    try:
        return Suggestion.objects.select_related("activity__campaign").get(
            activity__campaign__organisation=member.organisation, pk=suggestion_id
        )
    except Suggestion.DoesNotExist:
        raise Http404("No such suggestion") from None


def access_activity_image_by_member(*, member: Membership, activity_id: int) -> Activity:
    """An activity's image: for campaign staff, members it was offered to, and pilot testers."""
    offered = FeedEntry.objects.filter(
        member=member,
        activity_id=activity_id,
        activity__campaign__organisation=member.organisation,
    ).exists()
    piloting = Activity.objects.filter(
        pk=activity_id,
        campaign__organisation=member.organisation,
        campaign__state=CampaignState.PILOT,
        campaign__pilot_team__members=member,
    ).exists()
    if offered or piloting:
        activity = Activity.objects.get(pk=activity_id)
    else:
        activity = access_activity_by_member(member=member, activity_id=activity_id)
    if not activity.image:
        raise Http404("No image")
    return activity


def access_pilot_campaign_by_member(*, member: Membership, campaign_id: int) -> Campaign:
    """A campaign in pilot, for a member of its pilot team; 404 for everyone else."""
    try:
        return Campaign.objects.get(
            organisation=member.organisation,
            pk=campaign_id,
            state=CampaignState.PILOT,
            pilot_team__isnull=False,
            pilot_team__members=member,
        )
    except Campaign.DoesNotExist:
        raise Http404("No such campaign") from None
