from dataclasses import dataclass

from django.db.models import Count, QuerySet

from chorus.campaigns.models import (
    Activity,
    Campaign,
    CampaignReview,
    PilotFeedback,
    PilotReaction,
)
from chorus.campaigns.previews import ActivityPreview, preview_activity
from chorus.campaigns.workflow import CAMPAIGN_WORKFLOW
from chorus.networks.networks import Network
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Capability, role_can
from chorus.sharing.models import AdvocacySettings


def campaigns_of(*, organisation: Organisation, state: str = "") -> QuerySet[Campaign]:
    campaigns = Campaign.objects.filter(organisation=organisation)
    if state:
        campaigns = campaigns.filter(state=state)
    return campaigns.annotate(activity_count=Count("activities")).order_by("-updated_at", "-pk")


def activities_of(*, campaign: Campaign) -> QuerySet[Activity]:
    return campaign.activities.prefetch_related("suggestions")


def disclosure_of(*, organisation: Organisation) -> str:
    """The organisation's disclosure, or the default one until it chooses its own."""
    disclosure = (
        AdvocacySettings.objects.filter(organisation=organisation)
        .values_list("disclosure", flat=True)
        .first()
    )
    if disclosure is None:
        return str(AdvocacySettings._meta.get_field("disclosure").default)
    return disclosure


def previews_of(*, campaign: Campaign) -> list[ActivityPreview]:
    disclosure = disclosure_of(organisation=campaign.organisation)
    return [
        preview_activity(
            activity,
            suggestions=list(activity.suggestions.all()),
            networks=campaign.networks,
            languages=campaign.languages,
            disclosure=disclosure,
        )
        for activity in activities_of(campaign=campaign)
    ]


def reviews_of(*, campaign: Campaign) -> QuerySet[CampaignReview]:
    return campaign.reviews.select_related("reviewer__user")


@dataclass(frozen=True, kw_only=True)
class ReactionCount:
    reaction: str
    label: str
    count: int


@dataclass(frozen=True, kw_only=True)
class PilotSummary:
    counts: list[ReactionCount]
    answers: list[PilotFeedback]

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)


def pilot_summary(*, campaign: Campaign) -> PilotSummary:
    answers = list(campaign.pilot_feedback.select_related("member__user"))
    return PilotSummary(
        counts=[
            ReactionCount(
                reaction=value,
                label=str(label),
                count=sum(1 for answer in answers if answer.reaction == value),
            )
            for value, label in PilotReaction.choices
        ],
        answers=answers,
    )


def pilot_answer_of(*, campaign: Campaign, member: Membership) -> PilotFeedback | None:
    return PilotFeedback.objects.filter(campaign=campaign, member=member).first()


def transitions_for(*, member: Membership, campaign: Campaign) -> list[str]:
    """The workflow moves this member's role may make on the campaign now."""
    names = []
    for transition in CAMPAIGN_WORKFLOW.available(campaign.state):
        if transition.capability and not role_can(member.role, Capability(transition.capability)):
            continue
        if transition.name == "approve" and campaign.submitted_by_id == member.pk:
            continue
        names.append(transition.name)
    return names


def may_review(*, member: Membership, campaign: Campaign) -> bool:
    """Reviewing is for a reviewer other than the one who submitted the campaign."""
    return "approve" in transitions_for(member=member, campaign=campaign)


def network_labels(*, campaign: Campaign) -> list[str]:
    return [str(Network(n).label) if n in Network.values else n for n in campaign.networks]
