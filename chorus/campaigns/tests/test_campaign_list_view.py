"""The campaign list: this organisation's campaigns, filtered by state, a page at a time."""

import pytest

from chorus.campaigns.models import Campaign


def list_url(organisation) -> str:
    return f"/o/{organisation.slug}/campaigns/"


def test_lists_this_organisations_campaigns(
    content_manager, organisation, other_organisation, login
):
    Campaign.objects.create(organisation=organisation, name="Spring launch")
    Campaign.objects.create(organisation=other_organisation, name="Globex secret plan")

    response = login(content_manager).get(list_url(organisation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Spring launch" in page
    assert "Globex secret plan" not in page
    assert 'href="/o/acme/campaigns/new/"' in page


def test_filter_by_state(reviewer, organisation, login):
    Campaign.objects.create(organisation=organisation, name="Draft one")
    Campaign.objects.create(organisation=organisation, name="Waiting one", state="in_review")

    page = login(reviewer).get(list_url(organisation), {"state": "in_review"}).content.decode()

    assert "Waiting one" in page
    assert "Draft one" not in page


def test_unknown_state_filter_shows_everything(reviewer, organisation, login):
    Campaign.objects.create(organisation=organisation, name="Draft one")

    page = login(reviewer).get(list_url(organisation), {"state": "nonsense"}).content.decode()

    assert "Draft one" in page


def test_pagination(content_manager, organisation, login):
    Campaign.objects.bulk_create(
        Campaign(organisation=organisation, name=f"Campaign {n:02d}") for n in range(30)
    )
    client = login(content_manager)

    first = client.get(list_url(organisation))
    second = client.get(list_url(organisation), {"page": 2})

    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_empty_states(content_manager, reviewer, organisation, login):
    manager_page = login(content_manager).get(list_url(organisation)).content.decode()
    reviewer_page = login(reviewer).get(list_url(organisation)).content.decode()
    filtered = login(reviewer).get(list_url(organisation), {"state": "live"}).content.decode()

    assert "No campaigns yet." in manager_page
    assert "New campaign" in manager_page
    assert "wait for your review" not in manager_page
    assert "waits for your review" in reviewer_page
    assert 'href="/o/acme/campaigns/new/"' not in reviewer_page
    assert "No campaign is in this state." in filtered


@pytest.mark.parametrize("role", ["employee", "responder"])
def test_members_without_campaign_roles_get_403(role, cast, organisation, login):
    assert login(cast[role]).get(list_url(organisation)).status_code == 403


def test_outsider_gets_404(outsider, organisation, login):
    assert login(outsider).get(list_url(organisation)).status_code == 404


def test_navigation_shows_campaigns_to_those_who_use_them(cast, organisation, login):
    for role, shown in [("content_manager", True), ("reviewer", True), ("employee", False)]:
        page = login(cast[role]).get(f"/o/{organisation.slug}/").content.decode()
        assert ('href="/o/acme/campaigns/"' in page) is shown, role
