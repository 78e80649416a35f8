"""Editing an activity."""

from chorus.campaigns import services
from chorus.campaigns.models import Activity
from chorus.campaigns.tests.conftest import add_share_link, upload


def edit_url(activity) -> str:
    return f"/o/{activity.campaign.organisation.slug}/campaigns/activities/{activity.pk}/"


def test_form_is_filled_in_and_lists_suggestions(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager)

    response = login(content_manager).get(edit_url(activity))

    assert response.status_code == 200
    assert 'value="https://acme.test/blog/spring"' in response.content.decode()


def test_save(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager)

    response = login(content_manager).post(
        edit_url(activity),
        {"kind": "share_link", "title": "Renamed", "link_url": "https://acme.test/new"},
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.link_url, activity.link_title) == (
        "Renamed",
        "https://acme.test/new",
        "",
    )


def test_remove_the_image(campaign, content_manager, login):
    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind="own_post",
        title="Pic",
        topic="t",
        image=upload(),
        image_alt="Red",
    )
    client = login(content_manager)
    assert "Remove the current image" in client.get(edit_url(activity)).content.decode()

    client.post(
        edit_url(activity),
        {"kind": "own_post", "title": "Pic", "topic": "t", "remove_image": "on", "image_alt": ""},
    )

    activity.refresh_from_db()
    assert not activity.image


def test_keeping_the_image_keeps_needing_alt_text(campaign, content_manager, login):
    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind="own_post",
        title="Pic",
        topic="t",
        image=upload(),
        image_alt="Red",
    )

    response = login(content_manager).post(
        edit_url(activity), {"kind": "own_post", "title": "Pic", "topic": "t", "image_alt": ""}
    )

    assert response.status_code == 200
    assert Activity.objects.get(pk=activity.pk).image_alt == "Red"


def test_not_in_draft(in_review, content_manager, login):
    activity = in_review.activities.get()

    response = login(content_manager).post(
        edit_url(activity), {"kind": "share_link", "title": "Late", "link_url": "https://x.test/"}
    )

    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).title == "Share the launch post"


def test_reviewer_403_outsider_404(campaign, content_manager, reviewer, outsider, login):
    activity = add_share_link(campaign, content_manager)
    data = {"kind": "share_link", "title": "Hijacked", "link_url": "https://evil.test/"}

    assert login(reviewer).post(edit_url(activity), data).status_code == 403
    assert login(outsider).post(edit_url(activity), data).status_code == 404
    assert Activity.objects.get(pk=activity.pk).title == "Share the launch post"
