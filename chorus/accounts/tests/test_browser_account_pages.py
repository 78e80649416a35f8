"""allauth's pages in Chorus's layout, in Chromium: the watch on the browser console fails
these tests on any Content Security Policy violation."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from chorus.accounts.models import User
from chorus.conftest import PASSWORD
from chorus.orgs.models import Membership
from chorus.orgs.roles import Role
from chorus.testing.browser import log_in, wait_for_email
from chorus.testing.totp import fresh_code

pytestmark = pytest.mark.browser


def test_admin_without_authenticator_sets_one_up_before_acting(browser, live_server, organisation):
    user = User.objects.create_user("ada.admin@acme.test", PASSWORD, full_name="Ada Admin")
    Membership.objects.create(organisation=organisation, user=user, role=Role.ADMIN)
    page = browser.new_page()
    log_in(page, user.email, PASSWORD)

    # Chorus sends the admin to set up an authenticator; allauth asks for the password first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.locator("header.topbar")).to_be_visible()
    qr_code = page.get_by_role("img").first
    expect(qr_code).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(fresh_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_role("status")).to_contain_text("Authenticator app activated")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    response = page.goto(f"/o/{organisation.slug}/people/")
    assert response is not None and response.status == 200

    page.goto("/accounts/logout/")
    page.locator("main").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")


def test_forgotten_password_is_reset_through_the_emailed_link(browser, smtp, employee):
    page = browser.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(employee.user.email)
    page.get_by_role("button", name="Reset my password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")

    body = wait_for_email(smtp, employee.user.email)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", body)
    assert link, body
    page.goto(link.group(0))
    page.locator("input[name=password1]").fill("a brand new passphrase")
    page.locator("input[name=password2]").fill("a brand new passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    expect(page.locator("main")).to_contain_text("Your password is now changed.")

    log_in(page, employee.user.email, "a brand new passphrase")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Welcome, {employee.user.get_short_name()}"
    )
