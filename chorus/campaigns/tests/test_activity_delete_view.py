"""Deleting an activity."""

from chorus.campaigns.models import Activity
from chorus.campaigns.tests.conftest import add_share_link


def delete_url(activity) -> str:
    return f"/o/{activity.campaign.organisation.slug}/campaigns/activities/{activity.pk}/delete/"


def test_delete(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager)
    client = login(content_manager)

    response = client.post(delete_url(activity))

    assert response.status_code == 302
    assert not Activity.objects.exists()
    assert "Activity deleted." in client.get(response["Location"]).content.decode()


def test_not_in_draft(in_review, content_manager, login):
    activity = in_review.activities.get()

    response = login(content_manager).post(delete_url(activity), follow=True)

    assert "its content cannot change" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_get_reviewer_outsider(campaign, content_manager, reviewer, outsider, login):
    activity = add_share_link(campaign, content_manager)

    assert login(content_manager).get(delete_url(activity)).status_code == 405
    assert login(reviewer).post(delete_url(activity)).status_code == 403
    assert login(outsider).post(delete_url(activity)).status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()
