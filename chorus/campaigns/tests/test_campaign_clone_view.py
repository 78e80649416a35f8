"""Cloning a campaign into a new draft."""

from chorus.campaigns.models import Campaign


def clone_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/clone/"


def test_clone_opens_the_new_draft(live, content_manager, login):
    client = login(content_manager)

    response = client.post(clone_url(live))

    clone = Campaign.objects.get(cloned_from=live)
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/campaigns/{clone.pk}/"
    assert clone.state == "draft"
    assert clone.activities.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Spring launch (copy)" in page
    assert "This is a new draft copied from Spring launch." in page


def test_get_is_not_allowed(campaign, content_manager, login):
    assert login(content_manager).get(clone_url(campaign)).status_code == 405
    assert Campaign.objects.count() == 1


def test_reviewers_cannot_clone(campaign, reviewer, login):
    assert login(reviewer).post(clone_url(campaign)).status_code == 403
    assert Campaign.objects.count() == 1


def test_outsider_gets_404(campaign, outsider, login):
    assert login(outsider).post(clone_url(campaign)).status_code == 404
    assert Campaign.objects.count() == 1
