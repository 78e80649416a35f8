"""The reviewer's page: previews, then approve or request changes."""

import pytest

from chorus.campaigns import services
from chorus.campaigns.models import Campaign, CampaignReview, CampaignState


def review_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/review/"


def test_review_page_shows_the_previews_and_the_form(in_review, reviewer, login):
    response = login(reviewer).get(review_url(in_review))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Share the launch post" in page
    assert "Our spring release is out!" in page
    assert 'name="decision"' in page
    assert "Submitted by Carla Content." in page


def test_approve(in_review, reviewer, login):
    response = login(reviewer).post(
        review_url(in_review), {"decision": "approve", "comment": "Good to go"}
    )

    assert response.status_code == 302
    assert Campaign.objects.get(pk=in_review.pk).state == CampaignState.APPROVED
    review = CampaignReview.objects.get()
    assert (review.reviewer, review.decision, review.comment) == (
        reviewer,
        "approved",
        "Good to go",
    )


def test_request_changes_needs_a_comment(in_review, reviewer, login):
    response = login(reviewer).post(review_url(in_review), {"decision": "request_changes"})

    assert response.status_code == 200
    assert "Say what needs to change." in response.content.decode()
    assert Campaign.objects.get(pk=in_review.pk).state == CampaignState.IN_REVIEW
    assert not CampaignReview.objects.exists()


def test_request_changes(in_review, reviewer, login):
    client = login(reviewer)

    response = client.post(
        review_url(in_review), {"decision": "request_changes", "comment": "Fewer emoji"}
    )

    assert Campaign.objects.get(pk=in_review.pk).state == CampaignState.DRAFT
    assert CampaignReview.objects.get().comment == "Fewer emoji"
    assert "Changes requested." in client.get(response["Location"]).content.decode()


def test_four_eyes_on_the_review_page(ready_campaign, admin, login):
    services.submit_campaign(by=admin, campaign=ready_campaign)
    client = login(admin)

    page = client.get(review_url(ready_campaign)).content.decode()
    response = client.post(review_url(ready_campaign), {"decision": "approve"})

    assert "someone else must approve it" in page
    assert 'name="decision"' not in page
    assert response.status_code == 200
    assert "someone else must approve it" in response.content.decode()
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.IN_REVIEW


def test_a_campaign_not_in_review_cannot_be_reviewed(ready_campaign, reviewer, login):
    client = login(reviewer)

    page = client.get(review_url(ready_campaign)).content.decode()
    response = client.post(review_url(ready_campaign), {"decision": "approve"})

    assert "This campaign is not waiting for review: it is draft." in page
    assert "This cannot be done while it is draft." in response.content.decode()
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.DRAFT


@pytest.mark.parametrize("role", ["content_manager", "employee"])
def test_other_roles_get_403(role, cast, in_review, login):
    client = login(cast[role])

    assert client.get(review_url(in_review)).status_code == 403
    assert client.post(review_url(in_review), {"decision": "approve"}).status_code == 403
    assert Campaign.objects.get(pk=in_review.pk).state == CampaignState.IN_REVIEW


def test_outsider_gets_404(in_review, outsider, login):
    assert login(outsider).post(review_url(in_review), {"decision": "approve"}).status_code == 404
    assert Campaign.objects.get(pk=in_review.pk).state == CampaignState.IN_REVIEW
