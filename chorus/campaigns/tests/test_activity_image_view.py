"""Activity images are served only to those who may see the activity."""

import pytest

from chorus.campaigns import services
from chorus.campaigns.models import Activity, Campaign
from chorus.campaigns.tests.conftest import add_share_link, image_bytes, upload
from chorus.sharing.models import FeedEntry


def image_url(activity) -> str:
    return f"/o/{activity.campaign.organisation.slug}/campaigns/activities/{activity.pk}/image/"


@pytest.fixture
def pictured(campaign, content_manager):
    return services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind="own_post",
        title="Pic",
        topic="t",
        image=upload("p.gif", image_bytes("GIF"), "image/gif"),
        image_alt="Red",
    )


@pytest.mark.parametrize("role", ["owner", "admin", "content_manager", "reviewer"])
def test_campaign_staff_see_the_image(role, cast, pictured, login):
    response = login(cast[role]).get(image_url(pictured))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert b"".join(response.streaming_content) == image_bytes("GIF")


def test_a_member_offered_the_activity_sees_it(pictured, employee, login):
    FeedEntry.objects.create(member=employee, activity=pictured, campaign=pictured.campaign)

    response = login(employee).get(image_url(pictured))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image_bytes("GIF")


def test_a_member_not_offered_it_does_not(pictured, employee, login):
    assert login(employee).get(image_url(pictured)).status_code == 403


def test_pilot_team_members_see_images_of_the_campaign_in_pilot(
    in_pilot, content_manager, employee, responder, login
):
    activity = in_pilot.activities.get()
    Activity.objects.filter(pk=activity.pk).update(image_alt="Red")
    activity.refresh_from_db()
    activity.image.save("p.png", upload(), save=True)
    FeedEntry.objects.filter(member=responder).delete()

    assert login(responder).get(image_url(activity)).status_code == 200


def test_outsider_gets_404_even_with_a_feed_entry_elsewhere(
    pictured, outsider, other_organisation, login
):
    theirs = Campaign.objects.create(organisation=other_organisation, name="Theirs")
    FeedEntry.objects.create(member=outsider, activity=pictured, campaign=theirs)

    assert login(outsider).get(image_url(pictured)).status_code == 404
    assert (
        login(outsider).get(f"/o/globex/campaigns/activities/{pictured.pk}/image/").status_code
        == 404
    )


def test_activity_without_image_is_404(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager)

    assert login(content_manager).get(image_url(activity)).status_code == 404
