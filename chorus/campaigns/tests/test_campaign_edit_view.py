"""Editing a campaign's settings (drafts only)."""

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import Campaign


def edit_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/edit/"


def test_form_is_filled_in(campaign, content_manager, login):
    response = login(content_manager).get(edit_url(campaign))

    assert response.status_code == 200
    assert response.context["form"].initial["languages"] == ["en", "de"]
    assert 'value="Spring launch"' in response.content.decode()


def test_save_settings(campaign, content_manager, teams, login):
    response = login(content_manager).post(
        edit_url(campaign),
        {
            "name": "Spring launch, final",
            "languages": ["en"],
            "networks": ["mastodon"],
            "pilot_team": teams["Sales"].pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/campaigns/{campaign.pk}/"
    campaign.refresh_from_db()
    assert (campaign.name, campaign.languages, campaign.networks, campaign.pilot_team) == (
        "Spring launch, final",
        ["en"],
        ["mastodon"],
        teams["Sales"],
    )
    assert AuditEvent.objects.filter(action=AuditAction.CAMPAIGN_UPDATED).count() == 1


def test_errors_keep_the_input(campaign, content_manager, login):
    response = login(content_manager).post(
        edit_url(campaign), {"name": "Half-typed", "languages": ["en"], "networks": []}
    )

    assert response.status_code == 200
    assert 'value="Half-typed"' in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).name == "Spring launch"


def test_outside_draft_editing_is_refused(in_review, content_manager, login):
    client = login(content_manager)

    response = client.post(
        edit_url(in_review), {"name": "Sneaky", "languages": ["en"], "networks": ["x"]}
    )

    assert response.status_code == 302
    assert Campaign.objects.get(pk=in_review.pk).name == "Spring launch"
    page = client.get(response["Location"]).content.decode()
    assert "its content cannot change" in page


def test_reviewers_cannot_edit(campaign, reviewer, login):
    client = login(reviewer)

    assert client.get(edit_url(campaign)).status_code == 403
    client.post(edit_url(campaign), {"name": "Sneaky", "languages": ["en"], "networks": ["x"]})
    assert Campaign.objects.get(pk=campaign.pk).name == "Spring launch"


def test_outsider_gets_404(campaign, outsider, login):
    response = login(outsider).post(
        edit_url(campaign), {"name": "Sneaky", "languages": ["en"], "networks": ["x"]}
    )

    assert response.status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).name == "Spring launch"
