"""Adding an activity, with an optional image."""

from chorus.campaigns.models import Activity
from chorus.campaigns.tests.conftest import image_bytes, upload


def add_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/activities/new/"


def test_form(campaign, content_manager, login):
    page = login(content_manager).get(add_url(campaign)).content.decode()

    assert "<h1>New activity</h1>" in page
    assert 'enctype="multipart/form-data"' in page
    assert "campaigns/activity_form.js" in page
    assert "Share a link" in page


def test_add_a_share_link(campaign, content_manager, login):
    response = login(content_manager).post(
        add_url(campaign),
        {
            "kind": "share_link",
            "title": "Share the launch",
            "link_url": "https://acme.test/spring",
            "link_title": "Spring",
            "points": "15",
            "recurrence": "weekly",
        },
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.kind, activity.link_url, activity.points, activity.recurrence) == (
        "share_link",
        "https://acme.test/spring",
        15,
        "weekly",
    )


def test_add_with_an_image(campaign, content_manager, login):
    login(content_manager).post(
        add_url(campaign),
        {
            "kind": "own_post",
            "title": "Write",
            "topic": "Our team",
            "image": upload("team.jpg", image_bytes("JPEG"), "image/jpeg"),
            "image_alt": "The team on a hill",
        },
    )

    activity = Activity.objects.get()
    assert (activity.image.name or "").endswith(".jpg")
    assert activity.image_alt == "The team on a hill"
    assert activity.points == 10


def test_image_without_alt_text_is_refused(campaign, content_manager, login):
    response = login(content_manager).post(
        add_url(campaign),
        {"kind": "own_post", "title": "Write", "topic": "Our team", "image": upload()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["image_alt"] == [
        "Describe the image for people who cannot see it."
    ]
    assert 'value="Our team"' in response.content.decode()
    assert not Activity.objects.exists()


def test_a_file_that_is_not_an_allowed_image_is_refused(campaign, content_manager, login):
    response = login(content_manager).post(
        add_url(campaign),
        {
            "kind": "own_post",
            "title": "Write",
            "topic": "t",
            "image": upload("evil.png", b"<svg onload=alert(1)>", "image/png"),
            "image_alt": "x",
        },
    )

    assert response.status_code == 200
    assert "Please upload a JPEG, PNG, GIF or WebP image." in response.content.decode()
    assert not Activity.objects.exists()


def test_too_large_image_is_refused(campaign, content_manager, login):
    big = image_bytes() + b"\x00" * (5 * 1024 * 1024)

    response = login(content_manager).post(
        add_url(campaign),
        {
            "kind": "own_post",
            "title": "W",
            "topic": "t",
            "image": upload("big.png", big),
            "image_alt": "x",
        },
    )

    assert "larger than 5 MB" in response.content.decode()
    assert not Activity.objects.exists()


def test_service_errors_reach_their_fields(campaign, content_manager, login):
    response = login(content_manager).post(
        add_url(campaign), {"kind": "repost", "title": "Repost", "topic": "ignored"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["post_url"] == ["The address of the post is required."]


def test_not_in_draft(in_review, content_manager, login):
    response = login(content_manager).post(
        add_url(in_review), {"kind": "own_post", "title": "Late", "topic": "t"}
    )

    assert response.status_code == 302
    assert not Activity.objects.filter(title="Late").exists()


def test_reviewer_403_outsider_404(campaign, reviewer, outsider, login):
    data = {"kind": "own_post", "title": "X", "topic": "t"}

    assert login(reviewer).post(add_url(campaign), data).status_code == 403
    assert login(outsider).post(add_url(campaign), data).status_code == 404
    assert not Activity.objects.exists()
