"""The content manager's workflow buttons."""

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import Campaign, CampaignState
from chorus.sharing.models import FeedEntry


def transition_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/transition/"


def test_submit(ready_campaign, content_manager, login):
    client = login(content_manager)

    response = client.post(transition_url(ready_campaign), {"transition": "submit"})

    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/campaigns/{ready_campaign.pk}/"
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.IN_REVIEW
    assert "Submitted for review." in client.get(response["Location"]).content.decode()


def test_refusal_is_explained(campaign, content_manager, login):
    client = login(content_manager)

    response = client.post(transition_url(campaign), {"transition": "submit"}, follow=True)

    assert "Add at least one activity before submitting the campaign." in (
        response.content.decode()
    )
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.DRAFT


def test_transition_from_the_wrong_state_is_explained(ready_campaign, content_manager, login):
    response = login(content_manager).post(
        transition_url(ready_campaign), {"transition": "go_live"}, follow=True
    )

    assert "This cannot be done while it is draft." in response.content.decode()
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.DRAFT


def test_approve_is_not_a_button(in_review, admin, login):
    response = login(admin).post(transition_url(in_review), {"transition": "approve"}, follow=True)

    assert "Unknown action." in response.content.decode()
    assert Campaign.objects.get(pk=in_review.pk).state == CampaignState.IN_REVIEW


def test_go_live_offers_the_campaign(
    approved, content_manager, employee, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(content_manager).post(transition_url(approved), {"transition": "go_live"})

    assert Campaign.objects.get(pk=approved.pk).state == CampaignState.LIVE
    assert FeedEntry.objects.filter(campaign=approved, member=employee).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CAMPAIGN_WENT_LIVE).count() == 1


@pytest.mark.parametrize("role", ["reviewer", "employee"])
def test_other_roles_get_403(role, cast, ready_campaign, login):
    response = login(cast[role]).post(transition_url(ready_campaign), {"transition": "submit"})

    assert response.status_code == 403
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.DRAFT


def test_outsider_gets_404(ready_campaign, outsider, login):
    response = login(outsider).post(transition_url(ready_campaign), {"transition": "archive"})

    assert response.status_code == 404
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.DRAFT
