"""Objects the link tests build on: a live campaign sharing a page, links, and clicks."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.links.models import Click, Device, TrackedLink
from chorus.links.services import tracked_link_for
from chorus.orgs.models import Membership, Organisation


def make_share_activity(
    organisation: Organisation,
    *,
    name: str = "Spring Launch 2026",
    title: str = "Solar roof tiles",
    url: str = "https://acme.test/solar",
) -> Activity:
    campaign = Campaign.objects.create(
        organisation=organisation, name=name, state=CampaignState.LIVE
    )
    return Activity.objects.create(
        campaign=campaign, kind=ActivityKind.SHARE_LINK, title=title, link_url=url
    )


def add_click(
    link: TrackedLink,
    *,
    at: datetime,
    visitor: str = "visitor-a",
    is_bot: bool = False,
    is_member: bool = False,
) -> Click:
    return Click.objects.create(
        link=link,
        time=at,
        visitor_key=visitor,
        device=Device.BOT if is_bot else Device.MOBILE,
        is_bot=is_bot,
        is_member=is_member,
    )


@pytest.fixture
def share_activity(organisation: Organisation) -> Activity:
    return make_share_activity(organisation)


@pytest.fixture
def link(employee: Membership, share_activity: Activity) -> TrackedLink:
    return tracked_link_for(member=employee, activity=share_activity, network="linkedin")


@pytest.fixture
def an_hour_ago() -> datetime:
    return (timezone.now() - timedelta(hours=1)).replace(minute=10, second=0, microsecond=0)
