"""The link pages: a member's own links, a campaign's clicks, switching links off, settings."""

from datetime import timedelta

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.links import counting, services
from chorus.links.models import AttributionRule
from chorus.links.selectors import link_settings_for
from chorus.links.tests.conftest import add_click

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(link, admin, share_activity, an_hour_ago):
    """Erin's link with two visits and a preview fetch; a colleague's link with one visit."""
    colleague = services.tracked_link_for(member=admin, activity=share_activity, network="x")
    add_click(link, at=an_hour_ago, visitor="a")
    add_click(link, at=an_hour_ago, visitor="b")
    add_click(link, at=an_hour_ago, visitor="preview", is_bot=True)
    add_click(colleague, at=an_hour_ago, visitor="c")
    counting.count_new_clicks(now=an_hour_ago + timedelta(minutes=5))
    return colleague


def test_a_member_sees_their_own_links_and_why_clicks_did_not_count(employee, link, counted, login):
    page = login(employee).get("/o/acme/links/").content.decode()

    assert f"/l/{link.code}" in page
    assert counted.code not in page
    assert "1 automated, 0 colleagues, 0 repeats, 0 counted for a colleague" in page
    assert "A link-preview fetcher or crawler, not a person" in page
    # Employees see no campaign totals.
    assert "Visits by campaign" not in page


def test_content_managers_see_campaign_totals_by_employee(
    content_manager, link, counted, login, share_activity
):
    client = login(content_manager)
    mine = client.get("/o/acme/links/").content.decode()
    page = client.get(f"/o/acme/links/campaigns/{share_activity.campaign_id}/").content.decode()

    assert f"/o/acme/links/campaigns/{share_activity.campaign_id}/" in mine
    assert "Erin Employee" in page
    assert "Adam Admin" in page
    assert link.code in page and counted.code in page
    assert "First touch" in page
    assert "The last 48 hours" in page
    assert "Visits by hour" in page


def test_disabling_a_link_from_the_campaign_page_is_audited(content_manager, link, login):
    client = login(content_manager)

    response = client.post(f"/o/acme/links/{link.pk}/disable/")

    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/links/campaigns/{link.campaign_id}/"
    link.refresh_from_db()
    assert link.disabled_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.LINK_DISABLED).count() == 1

    client.post(f"/o/acme/links/{link.pk}/enable/")

    link.refresh_from_db()
    assert link.disabled_at is None


def test_the_settings_page_saves_and_shows_field_errors(admin, organisation, login):
    client = login(admin)
    form = {
        "short_base_url": "",
        "utm_source": "{network}",
        "utm_medium": "advocacy",
        "utm_campaign": "{campaign}",
        "utm_content": "{member}",
        "attribution": AttributionRule.LAST_TOUCH,
        "repeat_window_minutes": "60",
    }

    refused = client.post("/o/acme/links/settings/", form)

    assert refused.status_code == 200
    assert "Unknown placeholder {member}" in refused.content.decode()
    assert link_settings_for(organisation=organisation).utm_medium == "employee-advocacy"

    saved = client.post("/o/acme/links/settings/", {**form, "utm_content": "{activity_id}"})

    assert saved.status_code == 302
    link_settings = link_settings_for(organisation=organisation)
    assert (link_settings.utm_medium, link_settings.attribution) == (
        "advocacy",
        AttributionRule.LAST_TOUCH,
    )
    assert link_settings.repeat_window_minutes == 60
