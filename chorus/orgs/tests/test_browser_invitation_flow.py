"""An admin invites an employee, who joins through the emailed link: all in Chromium."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from chorus.accounts.models import User
from chorus.conftest import PASSWORD
from chorus.orgs.models import Membership
from chorus.orgs.roles import Role
from chorus.testing.browser import log_in, wait_for_email

pytestmark = pytest.mark.browser

GERMAN_CATALOG = Path(django_settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def german(settings, tmp_path):
    """Chorus's German catalog, compiled afresh so the test never reads a stale .mo file."""
    compiled = tmp_path / "de" / "LC_MESSAGES" / "django.mo"
    compiled.parent.mkdir(parents=True)
    polib.pofile(str(GERMAN_CATALOG)).save_as_mofile(str(compiled))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def test_invited_employee_joins_and_sees_home_in_german(
    browser, live_server, settings, smtp, german, organisation, admin, teams
):
    settings.SITE_URL = live_server.url
    home = f"{live_server.url}/o/{organisation.slug}/"

    # The admin logs in with password and authenticator code, and invites an employee.
    page = browser.new_page()
    log_in(page, admin.user.email, PASSWORD, totp_secret=admin.user.totp_secret)
    expect(page).to_have_url(home)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email address").fill("nina.neumann@example.com")
    page.get_by_label("Role").select_option(Role.EMPLOYEE)
    page.get_by_label("Sales").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to nina.neumann@example.com"
    )

    # The invitation arrives by email, with a link to this server.
    body = wait_for_email(smtp, "nina.neumann@example.com")
    links = re.findall(r"https?://\S+/invitation/\S+/", body)
    assert len(links) == 1, body
    assert links[0].startswith(f"{live_server.url}/invitation/")

    # The employee, in a browser of their own, creates an account and joins.
    joining = browser.new_page()
    joining.goto(links[0])
    expect(joining.get_by_role("heading", level=1)).to_have_text(f"Join {organisation.name}")
    joining.locator("#id_full_name").fill("Nina Neumann")
    joining.locator("#id_password1").fill("a sturdy passphrase 42")
    joining.locator("#id_password2").fill("a sturdy passphrase 42")
    joining.locator("#id_language").select_option("de")
    joining.locator("#id_time_zone").select_option("Europe/Berlin")
    joining.get_by_role("button", name="Create account and join").click()

    # They land on the employee home, in German.
    expect(joining).to_have_url(home)
    expect(joining.locator("html")).to_have_attribute("lang", "de")
    expect(joining.get_by_role("heading", level=1)).to_have_text("Willkommen, Nina")

    user = User.objects.get(email="nina.neumann@example.com")
    assert (user.full_name, user.language, user.time_zone) == (
        "Nina Neumann",
        "de",
        "Europe/Berlin",
    )
    membership = Membership.objects.get(organisation=organisation, user=user)
    assert membership.role == Role.EMPLOYEE
    assert membership.is_active
    assert list(membership.teams.all()) == [teams["Sales"]]
