from datetime import timedelta

from django.tasks import task

from chorus.campaigns import services
from chorus.campaigns.models import Campaign, CampaignState
from chorus.core.scheduler import PeriodicJob, register
from chorus.sharing import feed


@task
def offer_campaign_to_audience(*, campaign_id: int, pilot: bool = False) -> int:
    """Fill the feeds of a campaign that went to pilot or live, unless it moved on since."""
    state = CampaignState.PILOT if pilot else CampaignState.LIVE
    campaign = Campaign.objects.filter(pk=campaign_id, state=state).first()
    if campaign is None:
        return 0
    return feed.offer_campaign(campaign=campaign, pilot=pilot)


@task
def create_due_occurrences() -> int:
    return len(services.create_due_occurrences())


register(
    PeriodicJob(
        name="campaigns.create_due_occurrences",
        task=create_due_occurrences,
        every=timedelta(hours=1),
    )
)
