"""The register pages: list with filters and pages, forms with field errors, delegations."""

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.publishing.tests.factories import connect
from chorus.register import services
from chorus.register.models import Delegation, RegisterEntry
from chorus.register.tests.conftest import company_page, entry_of
from chorus.register.views import PER_PAGE

LIST = "/o/acme/register/"


def test_the_list_shows_connected_and_hand_written_accounts(admin, employee, outside_entry, login):
    company_page(admin)
    connect(employee, handle="@erin-outbox")

    page = login(admin).get(LIST).content.decode()

    for text in ("@acme", "@acme-news", "@erin-outbox", "The marketing password manager"):
        assert text in page
    assert "Confirm the register is correct" in page
    assert 'href="/o/acme/register/"' in page  # the navigation link


def test_the_list_filters_by_network_and_ownership(admin, employee, outside_entry, login):
    company_page(admin)
    connect(employee, handle="@erin-outbox")
    client = login(admin)

    by_network = client.get(LIST, {"network": "x"}).content.decode()
    personal = client.get(LIST, {"ownership": "personal"}).content.decode()

    assert "@acme<" in by_network and "@acme-news" not in by_network
    assert "@erin-outbox" in personal and "@acme-news" not in personal


def test_the_list_is_paginated_and_pages_keep_the_filter(admin, login):
    for n in range(PER_PAGE + 2):
        services.add_entry(
            by=admin,
            network="x",
            handle=f"@acme{n:02d}",
            ownership="company",
            credentials_place="V",
        )

    client = login(admin)
    first = client.get(LIST, {"network": "x"}).content.decode()
    second = client.get(LIST, {"network": "x", "page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert "?network=x&amp;page=2" in first
    assert "@acme26" in second and "@acme00" not in second


def test_adding_an_account_shows_field_errors_then_saves(admin, employee, login):
    client = login(admin)

    response = client.post(f"{LIST}add/", {"network": "x", "handle": "", "ownership": "company"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert not RegisterEntry.objects.exists()

    response = client.post(
        f"{LIST}add/",
        {
            "network": "x",
            "handle": "@acme",
            "ownership": "company",
            "responsible": employee.pk,
            "credentials_place": "",
        },
    )
    assert "Say where the credentials are kept" in response.content.decode()

    response = client.post(
        f"{LIST}add/",
        {
            "network": "x",
            "handle": "@acme",
            "ownership": "company",
            "responsible": employee.pk,
            "credentials_place": "The marketing password manager",
        },
    )
    entry = RegisterEntry.objects.get()
    assert response["Location"] == f"{LIST}{entry.pk}/"
    assert entry.responsible == employee


def test_editing_an_entry(admin, outside_entry, login):
    response = login(admin).post(
        f"{LIST}{outside_entry.pk}/edit/",
        {
            "network": "x",
            "handle": "@acme",
            "ownership": "company",
            "credentials_place": "The new vault",
            "notes": "Rotated in May.",
        },
    )

    assert response.status_code == 302
    outside_entry.refresh_from_db()
    assert (outside_entry.credentials_place, outside_entry.notes) == (
        "The new vault",
        "Rotated in May.",
    )


def test_a_members_own_account_has_no_edit_form(admin, employee, login):
    entry = entry_of(connect(employee))
    client = login(admin)

    detail = client.get(f"{LIST}{entry.pk}/").content.decode()
    response = client.post(f"{LIST}{entry.pk}/edit/", {"network": "x", "handle": "@mine"})

    assert "cannot be changed, handed over or delegated" in detail
    assert "Grant access" not in detail
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.handle == "@erin"


def test_granting_and_revoking_access_on_the_entry_page(admin, employee, login):
    entry = entry_of(company_page(admin))
    client = login(admin)

    response = client.post(
        f"{LIST}{entry.pk}/delegate/", {"member": employee.pk, "level": "publish"}
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    page = client.get(f"{LIST}{entry.pk}/").content.decode()
    assert "Erin Employee" in page and "Publish" in page

    client.post(f"{LIST}delegations/{delegation.pk}/revoke/")

    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_granting_without_a_level_shows_the_error_on_the_page(admin, employee, login):
    entry = entry_of(company_page(admin))

    response = login(admin).post(f"{LIST}{entry.pk}/delegate/", {"member": employee.pk})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Delegation.objects.exists()


def test_confirm_and_reviewed_buttons(admin, outside_entry, login):
    client = login(admin)

    client.post(f"{LIST}{outside_entry.pk}/reviewed/", {"next": "list"})
    outside_entry.refresh_from_db()
    assert outside_entry.last_reviewed_at is not None

    response = client.post(f"{LIST}confirm/")
    assert response["Location"] == LIST
    assert AuditEvent.objects.filter(action=AuditAction.REGISTER_CONFIRMED).exists()


def test_removing_an_entry(admin, outside_entry, login):
    response = login(admin).post(f"{LIST}{outside_entry.pk}/remove/")

    assert response["Location"] == LIST
    assert not RegisterEntry.objects.exists()


def test_settings_page(admin, login):
    client = login(admin)

    bad = client.post(f"{LIST}settings/", {"review_every_days": 0})
    client.post(f"{LIST}settings/", {"review_every_days": 30})

    assert bad.status_code == 200
    assert admin.organisation.register_settings.review_every_days == 30


@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_other_roles_are_refused(role, request, login, outside_entry):
    member = request.getfixturevalue(role)
    client = login(member)

    assert client.get(LIST).status_code == 403
    assert client.post(f"{LIST}{outside_entry.pk}/remove/").status_code == 403
    assert RegisterEntry.objects.exists()


def test_another_organisations_entry_is_not_found(outsider, outside_entry, login):
    client = login(outsider)

    assert client.get(f"/o/globex/register/{outside_entry.pk}/").status_code == 404
    assert client.post(f"/o/globex/register/{outside_entry.pk}/remove/").status_code == 404
    assert client.get("/o/globex/register/").content.decode().count("@acme") == 0
    assert RegisterEntry.objects.exists()
