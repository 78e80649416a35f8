import pytest

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership, Organisation, Team
from chorus.sharing.feed import offer_campaign
from chorus.sharing.models import FeedEntry, ProgrammeConsent


def _campaign(organisation: Organisation, *, activities: int = 2) -> Campaign:
    campaign = Campaign.objects.create(
        organisation=organisation, name="Launch", state=CampaignState.LIVE
    )
    for number in range(activities):
        Activity.objects.create(campaign=campaign, kind=ActivityKind.SHARE_LINK, title=f"A{number}")
    return campaign


def _join(member: Membership) -> None:
    ProgrammeConsent.objects.create(member=member, terms_version=1, terms_text="terms")


@pytest.mark.django_db
def test_everyone_gets_each_activity_once(
    cast: dict[str, Membership], outsider: Membership
) -> None:
    campaign = _campaign(cast["employee"].organisation)

    assert offer_campaign(campaign=campaign) == 2 * len(cast)
    assert offer_campaign(campaign=campaign) == 0

    assert FeedEntry.objects.filter(member=cast["employee"]).count() == 2
    assert not FeedEntry.objects.filter(member=outsider).exists()


@pytest.mark.django_db
def test_target_teams_and_inactive_members(
    cast: dict[str, Membership], teams: dict[str, Team]
) -> None:
    campaign = _campaign(cast["employee"].organisation, activities=1)
    campaign.target_teams.add(teams["Sales"])
    cast["employee"].teams.add(teams["Sales"])
    cast["reviewer"].teams.add(teams["Sales"])
    cast["reviewer"].is_active = False
    cast["reviewer"].save()

    offer_campaign(campaign=campaign)

    assert list(FeedEntry.objects.values_list("member", flat=True)) == [cast["employee"].pk]


@pytest.mark.django_db
def test_pilot_goes_to_the_pilot_team_only(
    cast: dict[str, Membership], teams: dict[str, Team]
) -> None:
    campaign = _campaign(cast["employee"].organisation, activities=1)
    campaign.pilot_team = teams["Nordics"]
    campaign.save()
    cast["responder"].teams.add(teams["Nordics"])

    offer_campaign(campaign=campaign, pilot=True)

    assert list(FeedEntry.objects.values_list("member", flat=True)) == [cast["responder"].pk]


@pytest.mark.django_db
def test_only_participants_are_notified(cast: dict[str, Membership]) -> None:
    _join(cast["employee"])
    campaign = _campaign(cast["employee"].organisation, activities=3)

    offer_campaign(campaign=campaign)

    notification = Notification.objects.get()
    assert notification.member == cast["employee"]
    assert notification.kind == NotificationKind.NEW_ACTIVITIES
    assert notification.params == {"campaign": campaign.pk, "name": "Launch", "count": 3}
