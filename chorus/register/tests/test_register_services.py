"""Writing the register down: accounts added by hand, mirrored connections, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.services import disconnect_account
from chorus.publishing.tests.factories import connect
from chorus.register import selectors, services
from chorus.register.models import CredentialsHeld, Ownership, RegisterEntry
from chorus.register.tests.conftest import company_page, entry_of


def test_an_account_held_outside_chorus_is_added_and_audited(admin, employee):
    entry = services.add_entry(
        by=admin,
        network="linkedin",
        handle=" @acme-careers ",
        ownership=Ownership.BRANDED,
        responsible=employee,
        credentials_place="The marketing password manager",
        notes="Run by recruiting.",
    )

    entry.refresh_from_db()
    assert (entry.handle, entry.ownership, entry.responsible) == (
        "@acme-careers",
        Ownership.BRANDED,
        employee,
    )
    assert entry.credentials_held == CredentialsHeld.OUTSIDE
    assert entry.credentials_place == "The marketing password manager"
    event = AuditEvent.objects.get(action=AuditAction.REGISTER_ENTRY_ADDED)
    assert (event.after or {})["handle"] == "@acme-careers"
    assert event.actor == admin.user


def test_bad_input_gets_an_error_on_each_field(admin, outsider):
    with pytest.raises(ValidationError) as caught:
        services.add_entry(
            by=admin, network="myspace", handle="  ", ownership="shared", responsible=outsider
        )

    assert set(caught.value.message_dict) == {
        "network",
        "handle",
        "ownership",
        "responsible",
        "credentials_place",
    }
    assert not RegisterEntry.objects.exists()


def test_a_company_account_must_say_where_its_credentials_are(admin):
    with pytest.raises(ValidationError) as caught:
        services.add_entry(by=admin, network="x", handle="@acme", ownership=Ownership.COMPANY)

    assert "marketing password manager" in caught.value.message_dict["credentials_place"][0]


def test_a_personal_account_needs_no_credentials_place(admin, employee):
    entry = services.add_entry(
        by=admin, network="x", handle="@erin", ownership=Ownership.PERSONAL, responsible=employee
    )

    assert entry.credentials_place == ""


def test_the_same_account_is_not_listed_twice(admin, outside_entry):
    with pytest.raises(ValidationError) as caught:
        services.add_entry(
            by=admin, network="x", handle="@ACME", ownership="company", credentials_place="Vault"
        )

    assert caught.value.message_dict["handle"] == ["This account is already in the register."]


def test_an_entry_is_changed_and_the_change_audited(admin, employee, outside_entry):
    services.update_entry(
        by=admin,
        entry=outside_entry,
        network="x",
        handle="@acme",
        ownership=Ownership.COMPANY,
        responsible=employee,
        credentials_place="The shared vault",
    )

    outside_entry.refresh_from_db()
    assert outside_entry.responsible == employee
    event = AuditEvent.objects.get(action=AuditAction.REGISTER_ENTRY_CHANGED)
    assert (event.before or {})["credentials_place"] == "The marketing password manager"
    assert (event.after or {})["credentials_place"] == "The shared vault"


def test_an_unchanged_entry_writes_nothing(admin, outside_entry):
    services.update_entry(
        by=admin,
        entry=outside_entry,
        network="x",
        handle="@acme",
        ownership=Ownership.COMPANY,
        responsible=admin,
        credentials_place="The marketing password manager",
    )

    assert not AuditEvent.objects.filter(action=AuditAction.REGISTER_ENTRY_CHANGED).exists()


def test_an_entry_added_by_hand_is_removed(admin, outside_entry):
    services.remove_entry(by=admin, entry=outside_entry)

    assert not RegisterEntry.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.REGISTER_ENTRY_REMOVED).exists()


def test_only_owners_and_admins_write_the_register(content_manager, employee, outside_entry):
    for member in (content_manager, employee):
        with pytest.raises(PermissionDenied):
            services.add_entry(
                by=member, network="x", handle="@mine", ownership="company", credentials_place="V"
            )
        with pytest.raises(PermissionDenied):
            services.remove_entry(by=member, entry=outside_entry)


def test_another_organisations_entry_cannot_be_changed(outsider, outside_entry):
    with pytest.raises(ValidationError):
        services.mark_reviewed(by=outsider, entry=outside_entry)
    with pytest.raises(ValidationError):
        services.remove_entry(by=outsider, entry=outside_entry)

    assert RegisterEntry.objects.get().last_reviewed_at is None


# Accounts connected in Chorus


def test_a_company_page_is_mirrored_as_company_owned_with_credentials_in_chorus(admin):
    page = company_page(admin)

    assert services.sync_connected_accounts(organisation=admin.organisation) == 1

    entry = RegisterEntry.objects.get()
    assert entry.connected_account == page
    assert (entry.ownership, entry.responsible, entry.handle) == (
        Ownership.COMPANY,
        admin,
        "@acme-news",
    )
    assert entry.credentials_held == CredentialsHeld.IN_CHORUS
    assert entry.is_delegable and not entry.is_read_only


def test_a_members_own_account_is_mirrored_as_personal_and_read_only(admin, employee):
    account = connect(employee, handle="@erin")

    entry = entry_of(account)

    assert (entry.ownership, entry.responsible) == (Ownership.PERSONAL, employee)
    assert entry.is_read_only and not entry.is_delegable
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.update_entry(
            by=admin, entry=entry, network="x", handle="@mine", ownership=Ownership.COMPANY
        )
    entry.refresh_from_db()
    assert (entry.ownership, entry.responsible, entry.handle) == (
        Ownership.PERSONAL,
        employee,
        "@erin",
    )


def test_a_connected_company_page_keeps_its_identity_when_edited(admin, employee):
    entry = entry_of(company_page(admin))

    services.update_entry(
        by=admin,
        entry=entry,
        network="x",
        handle="@stolen",
        ownership=Ownership.PERSONAL,
        responsible=employee,
        notes="Employee answers comments.",
    )

    entry.refresh_from_db()
    assert (entry.network, entry.handle, entry.ownership) == ("outbox", "@acme-news", "company")
    assert (entry.responsible, entry.notes) == (employee, "Employee answers comments.")
    assert entry.credentials_held == CredentialsHeld.IN_CHORUS


def test_syncing_twice_adds_nothing_more(admin, employee):
    company_page(admin)
    connect(employee)

    assert services.sync_connected_accounts(organisation=admin.organisation) == 2
    assert services.sync_connected_accounts(organisation=admin.organisation) == 0
    assert RegisterEntry.objects.count() == 2


def test_an_account_written_down_before_it_was_connected_is_linked_not_doubled(admin):
    written = services.add_entry(
        by=admin, network="outbox", handle="@acme-news", ownership="company", credentials_place="V"
    )
    page = company_page(admin)

    services.sync_connected_accounts(organisation=admin.organisation)

    written.refresh_from_db()
    assert written.connected_account == page
    assert written.credentials_held == CredentialsHeld.IN_CHORUS
    assert RegisterEntry.objects.count() == 1


def test_a_disconnected_personal_account_leaves_the_register_a_company_page_stays(admin, employee):
    personal = connect(employee)
    page = company_page(admin)
    entry_of(personal)
    disconnect_account(by=employee, account=personal)
    disconnect_account(by=admin, account=page)

    services.sync_connected_accounts(organisation=admin.organisation)

    entry = RegisterEntry.objects.get()
    assert entry.connected_account == page
    assert entry.is_disconnected


def test_a_company_page_connected_again_keeps_its_entry_and_delegations(admin, owner, employee):
    page = company_page(admin)
    entry = entry_of(page)
    services.grant_delegation(by=admin, entry=entry, member=employee, level="publish")
    disconnect_account(by=admin, account=page)

    again = company_page(owner)
    services.sync_connected_accounts(organisation=admin.organisation)

    entry.refresh_from_db()
    assert (entry.connected_account, entry.responsible) == (again, owner)
    assert RegisterEntry.objects.count() == 1
    assert list(selectors.delegated_accounts(member=employee)) == [again]


def test_another_organisations_accounts_stay_out(admin, outsider):
    company_page(outsider)
    connect(outsider, handle="@otto")

    services.sync_connected_accounts(organisation=admin.organisation)

    assert not selectors.entries_of(organisation=admin.organisation).exists()


def test_filters_by_network_and_ownership(admin, employee, outside_entry):
    company_page(admin)
    connect(employee, network="outbox")
    services.sync_connected_accounts(organisation=admin.organisation)
    organisation = admin.organisation

    assert [e.handle for e in selectors.entries_of(organisation=organisation, network="x")] == [
        "@acme"
    ]
    company = selectors.entries_of(organisation=organisation, ownership=Ownership.COMPANY)
    assert {e.handle for e in company} == {"@acme", "@acme-news"}
    personal = selectors.entries_of(organisation=organisation, ownership=Ownership.PERSONAL)
    assert [e.responsible for e in personal] == [employee]


def test_register_settings_are_checked_and_audited(admin):
    with pytest.raises(ValidationError) as caught:
        services.update_register_settings(by=admin, review_every_days=0)
    assert "review_every_days" in caught.value.message_dict

    services.update_register_settings(by=admin, review_every_days=30)

    assert selectors.register_settings_for(organisation=admin.organisation).review_every_days == 30
    assert AuditEvent.objects.filter(action=AuditAction.REGISTER_SETTINGS_CHANGED).exists()


def test_disconnect_still_forgets_the_credentials(admin):
    page = company_page(admin)

    disconnect_account(by=admin, account=page)

    page = ConnectedAccount.objects.get(pk=page.pk)
    assert page.status == AccountStatus.DISCONNECTED
    assert page.credentials.is_empty
