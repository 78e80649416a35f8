"""The member's feed through the API."""

from chorus.api.tests.conftest import make_live_activity
from chorus.campaigns.models import CampaignState
from chorus.sharing import services as sharing_services
from chorus.sharing.models import FeedEntry, FeedState


def test_only_participants_see_their_feed(employee, organisation, api):
    make_live_activity(organisation)

    response = api(employee).get("/feed")

    assert response.status_code == 422
    assert response.json() == {"errors": {"__all__": ["Join the programme to see your feed."]}}


def test_the_feed_lists_live_activities_with_their_suggestion_and_link(employee, organisation, api):
    sharing_services.join_programme(member=employee)
    activity = make_live_activity(organisation)
    make_live_activity(organisation, state=CampaignState.ENDED, title="Over")

    body = api(employee).get("/feed").json()

    assert body["total"] == 1
    entry = body["items"][0]
    assert entry["activity_id"] == activity.pk
    assert entry["state"] == "new"
    assert entry["campaign"] == {"id": activity.campaign_id, "name": "Campaign Solar tiles launch"}
    assert entry["composable"] is True
    assert entry["is_pilot"] is False
    assert entry["suggestion"]["text"].startswith("Our new solar roof tiles")
    assert entry["link"] == {
        "url": "https://acme.test/solar",
        "title": "Solar tiles launch",
        "description": "",
        "domain": "acme.test",
    }


def test_skipping_and_bringing_back_and_filtering_by_state(employee, organisation, api):
    sharing_services.join_programme(member=employee)
    skipped = make_live_activity(organisation, title="Not for me")
    kept = make_live_activity(organisation, title="For me")
    client = api(employee)

    response = client.post(f"/feed/{skipped.pk}/skip")

    assert response.status_code == 200
    assert response.json()["state"] == "skipped"
    assert FeedEntry.objects.get(activity=skipped).state == FeedState.SKIPPED
    assert [e["activity_id"] for e in client.get("/feed", state="new").json()["items"]] == [kept.pk]
    assert [e["activity_id"] for e in client.get("/feed", state="skipped").json()["items"]] == [
        skipped.pk
    ]
    assert client.post(f"/feed/{skipped.pk}/unskip").json()["state"] == "new"
    assert client.post(f"/feed/{kept.pk}/unskip").status_code == 422


def test_a_like_is_marked_done_by_hand(employee, organisation, api):
    sharing_services.join_programme(member=employee)
    like = make_live_activity(organisation, kind="like")
    share = make_live_activity(organisation, title="Share")
    client = api(employee)

    assert client.post(f"/feed/{like.pk}/done").json()["state"] == "done"
    refused = client.post(f"/feed/{share.pk}/done")
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"__all__": ["This is done when your post goes out."]}}


def test_an_activity_not_offered_is_not_found(employee, organisation, teams, api):
    sharing_services.join_programme(member=employee)
    activity = make_live_activity(organisation, state=CampaignState.DRAFT)

    assert api(employee).post(f"/feed/{activity.pk}/skip").status_code == 404
