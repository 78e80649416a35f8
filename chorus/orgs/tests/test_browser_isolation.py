"""An owner of one organisation, logged in through the real pages, finds nothing of another."""

import pytest
from playwright.sync_api import expect

from chorus.audit.models import AuditEvent
from chorus.conftest import PASSWORD
from chorus.orgs.models import Team
from chorus.testing.browser import log_in

pytestmark = pytest.mark.browser


def organisation_pages(slug: str, membership_id: int, team_id: int) -> list[str]:
    return [
        f"/o/{slug}/",
        f"/o/{slug}/people/",
        f"/o/{slug}/people/{membership_id}/",
        f"/o/{slug}/people/invite/",
        f"/o/{slug}/teams/",
        f"/o/{slug}/teams/{team_id}/",
        f"/o/{slug}/settings/",
        f"/o/{slug}/audit/",
    ]


def test_outsider_gets_not_found_on_every_page_of_another_organisation(
    browser, live_server, organisation, other_organisation, outsider, employee, teams
):
    page = browser.new_page()
    log_in(page, outsider.user.email, PASSWORD, totp_secret=outsider.user.totp_secret)
    expect(page).to_have_url(f"{live_server.url}/o/{other_organisation.slug}/")

    # The same pages of the outsider's own organisation open: the addresses are right.
    own_team = Team.objects.create(organisation=other_organisation, name="Research")
    for path in organisation_pages(other_organisation.slug, outsider.pk, own_team.pk):
        response = page.goto(path)
        assert response is not None and response.status == 200, path

    events = AuditEvent.objects.count()
    for path in organisation_pages(organisation.slug, employee.pk, teams["Sales"].pk):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("header.topbar")).to_be_visible()
        content = page.content()
        for secret in (organisation.name, employee.user.email, employee.user.full_name, "Sales"):
            assert secret not in content, (path, secret)
    assert AuditEvent.objects.count() == events
