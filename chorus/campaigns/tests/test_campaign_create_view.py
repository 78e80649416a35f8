"""Creating a campaign."""

import re
from datetime import UTC, datetime

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import Campaign


def create_url(organisation) -> str:
    return f"/o/{organisation.slug}/campaigns/new/"


def test_form_offers_languages_networks_and_teams(content_manager, organisation, teams, login):
    page = login(content_manager).get(create_url(organisation)).content.decode()

    assert "<h1>New campaign</h1>" in page
    for text in ("LinkedIn", "Bluesky", "Finnish", "Sales", "Nordics", "No pilot"):
        assert text in page


def test_create_campaign(content_manager, organisation, teams, login):
    response = login(content_manager).post(
        create_url(organisation),
        {
            "name": "Spring launch",
            "goal": "Reach",
            "starts_at": "2030-03-01T09:00",
            "ends_at": "2030-04-01T09:00",
            "languages": ["en", "fi"],
            "networks": ["linkedin", "x"],
            "target_teams": [teams["Sales"].pk],
            "pilot_team": teams["Nordics"].pk,
        },
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/campaigns/{campaign.pk}/"
    assert campaign.languages == ["en", "fi"]
    assert campaign.networks == ["linkedin", "x"]
    assert campaign.pilot_team == teams["Nordics"]
    assert list(campaign.target_teams.all()) == [teams["Sales"]]
    assert campaign.starts_at == datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    assert AuditEvent.objects.filter(action=AuditAction.CAMPAIGN_CREATED).count() == 1


def test_errors_are_shown_and_input_kept(content_manager, organisation, login):
    response = login(content_manager).post(
        create_url(organisation),
        {
            "name": "Keep this name",
            "languages": [],
            "networks": ["x"],
            "starts_at": "2030-03-02T09:00",
            "ends_at": "2030-03-01T09:00",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert not Campaign.objects.exists()
    assert 'value="Keep this name"' in page
    assert response.context["form"].errors["languages"] == ["This field is required."]
    assert re.search(r'name="networks" value="x"[^>]*checked', page)
    assert not re.search(r'name="networks" value="linkedin"[^>]*checked', page)


def test_service_errors_reach_their_fields(content_manager, organisation, login):
    response = login(content_manager).post(
        create_url(organisation),
        {
            "name": "Backwards",
            "languages": ["en"],
            "networks": ["x"],
            "starts_at": "2030-03-02T09:00",
            "ends_at": "2030-03-01T09:00",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == ["The end must be after the start."]
    assert not Campaign.objects.exists()


def test_reviewers_cannot_create(reviewer, organisation, login):
    client = login(reviewer)

    assert client.get(create_url(organisation)).status_code == 403
    response = client.post(
        create_url(organisation), {"name": "X", "languages": ["en"], "networks": ["x"]}
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()
