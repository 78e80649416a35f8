"""Granting and revoking delegated access to company-owned accounts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.publishing.models import PostState
from chorus.publishing.tests.factories import connect, scheduled_post
from chorus.register import selectors, services
from chorus.register.models import Delegation, DelegationLevel, Ownership
from chorus.register.tests.conftest import company_page, entry_of


def test_a_delegation_is_granted_and_audited(admin, employee):
    page = company_page(admin)
    entry = entry_of(page)

    delegation = services.grant_delegation(
        by=admin, entry=entry, member=employee, level=DelegationLevel.PUBLISH
    )

    assert delegation.is_active and delegation.granted_by == admin
    assert list(selectors.delegated_accounts(member=employee)) == [page]
    assert selectors.is_delegate(member=employee, account=page)
    event = AuditEvent.objects.get(action=AuditAction.DELEGATION_GRANTED)
    assert event.after == {
        "member": employee.pk,
        "entry": entry.pk,
        "level": "publish",
        "active": True,
    }


def test_a_new_level_replaces_the_old_one(admin, employee):
    entry = entry_of(company_page(admin))
    first = services.grant_delegation(by=admin, entry=entry, member=employee, level="draft")

    second = services.grant_delegation(by=admin, entry=entry, member=employee, level="publish")

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(Delegation.objects.filter(revoked_at__isnull=True)) == [second]
    with pytest.raises(ValidationError, match="already has this access"):
        services.grant_delegation(by=admin, entry=entry, member=employee, level="publish")


def test_an_account_held_outside_chorus_can_be_delegated_but_not_posted_to(
    admin, employee, outside_entry
):
    services.grant_delegation(by=admin, entry=outside_entry, member=employee, level="publish")

    assert not selectors.delegated_accounts(member=employee).exists()


def test_a_personal_account_can_never_be_delegated(admin, employee, content_manager):
    personal = entry_of(connect(employee, handle="@erin"))
    written = services.add_entry(
        by=admin, network="x", handle="@ceo", ownership=Ownership.PERSONAL, responsible=admin
    )

    for entry in (personal, written):
        with pytest.raises(ValidationError, match="Only company-owned accounts"):
            services.grant_delegation(
                by=admin, entry=entry, member=content_manager, level="publish"
            )

    assert not Delegation.objects.exists()
    assert not selectors.is_delegate(
        member=content_manager, account=connect(employee, handle="@e2")
    )


def test_a_branded_personal_handle_is_not_delegable(admin, employee):
    branded = services.add_entry(
        by=admin, network="x", handle="@acme_erin", ownership="branded", credentials_place="Erin"
    )

    with pytest.raises(ValidationError):
        services.grant_delegation(by=admin, entry=branded, member=employee, level="draft")


def test_the_member_must_be_an_active_colleague_and_the_level_known(admin, employee, outsider):
    entry = entry_of(company_page(admin))

    with pytest.raises(ValidationError) as caught:
        services.grant_delegation(by=admin, entry=entry, member=outsider, level="own")

    assert set(caught.value.message_dict) == {"member", "level"}
    with pytest.raises(ValidationError, match="connected the account"):
        services.grant_delegation(by=admin, entry=entry, member=admin, level="draft")


def test_only_owners_and_admins_delegate(admin, content_manager, employee):
    entry = entry_of(company_page(admin))

    with pytest.raises(PermissionDenied):
        services.grant_delegation(by=content_manager, entry=entry, member=employee, level="draft")


def test_changing_an_entry_away_from_company_needs_its_delegations_revoked_first(
    admin, employee, outside_entry
):
    services.grant_delegation(by=admin, entry=outside_entry, member=employee, level="draft")

    with pytest.raises(ValidationError) as caught:
        services.update_entry(
            by=admin,
            entry=outside_entry,
            network="x",
            handle="@acme",
            ownership=Ownership.BRANDED,
            credentials_place="Vault",
        )

    assert "ownership" in caught.value.message_dict


def test_revoking_cancels_the_delegates_posts_to_that_account_only(admin, employee):
    page = company_page(admin)
    own = connect(employee)
    delegation = services.grant_delegation(
        by=admin, entry=entry_of(page), member=employee, level="publish"
    )
    through_page = scheduled_post(page, text="For the company")
    through_page.member = employee
    through_page.save()
    on_own = scheduled_post(own)
    admins_own = scheduled_post(page, text="The admin's own post on the page")

    cancelled = services.revoke_delegation(by=admin, delegation=delegation)

    assert [post.pk for post in cancelled] == [through_page.pk]
    for post, state in (
        (through_page, PostState.CANCELLED),
        (on_own, PostState.SCHEDULED),
        (admins_own, PostState.SCHEDULED),
    ):
        post.refresh_from_db()
        assert post.state == state
    assert not selectors.is_delegate(member=employee, account=page)
    event = AuditEvent.objects.get(action=AuditAction.DELEGATION_REVOKED)
    assert (event.after or {})["cancelled_posts"] == 1
    with pytest.raises(ValidationError, match="already revoked"):
        services.revoke_delegation(by=admin, delegation=delegation)
