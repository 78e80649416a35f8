"""Moving an activity up or down the campaign."""

from chorus.campaigns import services
from chorus.campaigns.models import Activity, ActivityKind, Campaign
from chorus.orgs.models import Membership


def move_url(activity) -> str:
    return f"/o/{activity.campaign.organisation.slug}/campaigns/activities/{activity.pk}/move/"


def titles(campaign) -> list[str]:
    return [a.title for a in campaign.activities.all()]


def make_three(campaign: Campaign, by: Membership) -> list[Activity]:
    return [
        services.add_activity(
            by=by, campaign=campaign, kind=ActivityKind.OWN_POST, title=t, topic="t"
        )
        for t in "abc"
    ]


def test_move_up_and_down(campaign, content_manager, login):
    a, _, c = make_three(campaign, content_manager)
    client = login(content_manager)

    client.post(move_url(c), {"direction": "up"})
    assert titles(campaign) == ["a", "c", "b"]

    client.post(move_url(a), {"direction": "down"})
    assert titles(campaign) == ["c", "a", "b"]

    client.post(move_url(a), {"direction": "sideways"})
    assert titles(campaign) == ["c", "a", "b"]


def test_detail_page_offers_moves_except_at_the_ends(campaign, content_manager, login):
    make_three(campaign, content_manager)

    page = login(content_manager).get(f"/o/acme/campaigns/{campaign.pk}/").content.decode()

    assert page.count('name="direction" value="up"') == 2
    assert page.count('name="direction" value="down"') == 2


def test_reviewer_403_outsider_404(campaign, content_manager, reviewer, outsider, login):
    c = make_three(campaign, content_manager)[-1]

    assert login(reviewer).post(move_url(c), {"direction": "up"}).status_code == 403
    assert login(outsider).post(move_url(c), {"direction": "up"}).status_code == 404
    assert titles(campaign) == ["a", "b", "c"]
