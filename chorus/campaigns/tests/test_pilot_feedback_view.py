"""The pilot team's page: the campaign's activities and "how would your audience read this?"."""

import pytest

from chorus.campaigns.models import Campaign, PilotFeedback


def pilot_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/pilot/"


def test_pilot_member_sees_the_activities_and_the_question(in_pilot, employee, login):
    response = login(employee).get(pilot_url(in_pilot))

    page = response.content.decode()
    assert response.status_code == 200
    assert "How would your audience read this?" in page
    assert "Share the launch post" in page
    assert "Our spring release is out!" in page
    assert "My audience would welcome this" in page
    assert 'name="reaction"' in page


def test_answer_and_see_it_again(in_pilot, employee, login):
    client = login(employee)

    response = client.post(pilot_url(in_pilot), {"reaction": "negative", "comment": "Too loud"})

    assert response.status_code == 302
    assert response["Location"] == pilot_url(in_pilot)
    page = client.get(pilot_url(in_pilot)).content.decode()
    assert "Your answer: My audience would react badly." in page
    assert "Too loud" in page
    assert "Update my answer" in page

    client.post(pilot_url(in_pilot), {"reaction": "positive", "comment": ""})
    assert list(PilotFeedback.objects.values_list("reaction", flat=True)) == ["positive"]


def test_a_reaction_is_required(in_pilot, employee, login):
    response = login(employee).post(pilot_url(in_pilot), {"comment": "Hmm"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Hmm</textarea>" in response.content.decode()
    assert not PilotFeedback.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "content_manager", "admin"])
def test_members_outside_the_pilot_team_get_404(role, cast, in_pilot, login):
    client = login(cast[role])

    assert client.get(pilot_url(in_pilot)).status_code == 404
    assert client.post(pilot_url(in_pilot), {"reaction": "positive"}).status_code == 404
    assert not PilotFeedback.objects.exists()


@pytest.mark.parametrize("state", ["draft", "approved", "live", "ended"])
def test_404_unless_the_campaign_is_in_pilot(state, in_pilot, employee, login):
    Campaign.objects.filter(pk=in_pilot.pk).update(state=state)

    assert login(employee).get(pilot_url(in_pilot)).status_code == 404


def test_outsider_gets_404(in_pilot, outsider, login):
    assert login(outsider).post(pilot_url(in_pilot), {"reaction": "positive"}).status_code == 404
    assert not PilotFeedback.objects.exists()
