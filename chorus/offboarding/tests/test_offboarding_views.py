"""The offboarding reports: a list and a page per report, for owners and admins."""

import respx

from chorus.offboarding.services import offboard_member
from chorus.offboarding.tests.conftest import account_of

LIST = "/o/acme/offboarding/"


def test_reports_are_listed_and_shown(owner, admin, leaver, login):
    report = offboard_member(by=owner, member=leaver.member)
    client = login(admin)

    listing = client.get(LIST).content.decode()
    page = client.get(f"{LIST}{report.pk}/").content.decode()

    assert "Erin Employee" in listing and f"{LIST}{report.pk}/" in listing
    assert "@acme-news" in page and "@acme-jobs" in page
    assert "2 delegations revoked" in page
    assert "4 posts that had not gone out cancelled" in page
    assert "1 rally pledge withdrawn" in page
    assert "Their published posts stay, attributed to them." in page
    assert "token-of-" not in page


def test_a_token_not_revoked_is_shown_with_why(owner, admin, employee, login):
    account_of(employee, handle="Acme on Facebook", network="facebook")

    with respx.mock():
        report = offboard_member(by=owner, member=employee)
    page = login(admin).get(f"{LIST}{report.pk}/").content.decode()
    listing = login(admin).get(LIST).content.decode()

    assert "Not revoked at the network" in page
    assert "1 token not revoked at the network" in listing


def test_other_roles_and_organisations_cannot_see_reports(
    owner, employee, content_manager, outsider, login
):
    report = offboard_member(by=owner, member=employee)

    assert login(content_manager).get(f"{LIST}{report.pk}/").status_code == 403
    assert login(outsider).get(f"/o/globex/offboarding/{report.pk}/").status_code == 404
    assert "Erin" not in login(outsider).get("/o/globex/offboarding/").content.decode()
