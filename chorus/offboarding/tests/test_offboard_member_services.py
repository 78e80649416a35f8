"""offboard_member: who may, what the report lists, and what stays."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.offboarding.models import OffboardingReport
from chorus.offboarding.services import offboard_member
from chorus.offboarding.tests.conftest import account_of, scheduled
from chorus.publishing.models import Post, PostState
from chorus.rallies.models import Pledge, RallyState
from chorus.register import services as register
from chorus.register.models import RegisterEntry


def test_the_report_lists_company_accounts_with_where_their_credentials_are(owner, admin, employee):
    entry = register.add_entry(
        by=admin,
        network="x",
        handle="@acme",
        ownership="company",
        responsible=employee,
        credentials_place="The marketing password manager",
    )

    report = offboard_member(by=owner, member=employee)

    assert report.company_accounts == [
        {
            "network": "x",
            "handle": "@acme",
            "how": "responsible",
            "level": "",
            "entry": entry.pk,
            "credentials": "outside",
            "place": "The marketing password manager",
        }
    ]


def test_an_admin_who_connected_company_pages_leaves_them_disconnected_and_listed(
    owner, admin, employee
):
    page = account_of(admin, handle="@acme-news", company=True)
    register.sync_connected_accounts(organisation=admin.organisation)
    register.grant_delegation(
        by=owner,
        entry=RegisterEntry.objects.get(connected_account=page),
        member=employee,
        level="publish",
    )
    delegates_post = scheduled(employee, page, at=page.connected_at, text="For the company")

    report = offboard_member(by=owner, member=admin)

    page.refresh_from_db()
    assert page.status == AccountStatus.DISCONNECTED and page.credentials.is_empty
    assert [(a["handle"], a["how"]) for a in report.company_accounts] == [
        ("@acme-news", "connected")
    ]
    # Nobody posts through a page whose credentials are gone; the entry stays in the register.
    delegates_post.refresh_from_db()
    assert delegates_post.state == PostState.CANCELLED
    assert RegisterEntry.objects.get(connected_account=page).is_disconnected


def test_a_pledge_to_a_fired_rally_is_not_withdrawn_but_its_post_is_cancelled(owner, leaver):
    leaver.pledge.rally.__class__.objects.filter(pk=leaver.pledge.rally_id).update(
        state=RallyState.FIRED
    )

    report = offboard_member(by=owner, member=leaver.member)

    assert report.pledges_withdrawn == 0
    assert Pledge.objects.get(pk=leaver.pledge.pk).post.state == PostState.CANCELLED


def test_only_people_managers_offboard(content_manager, employee):
    with pytest.raises(PermissionDenied):
        offboard_member(by=content_manager, member=employee)

    employee.refresh_from_db()
    assert employee.is_active


def test_nobody_offboards_themselves_and_nothing_changes(owner, leaver):
    with pytest.raises(ValidationError):
        offboard_member(by=owner, member=owner)
    owner.refresh_from_db()
    assert owner.is_active

    assert not OffboardingReport.objects.exists()
    assert Post.objects.filter(state=PostState.SCHEDULED).count() == 4
    assert ConnectedAccount.objects.get(pk=leaver.own_account.pk).status == AccountStatus.ACTIVE


def test_a_member_of_another_organisation_cannot_be_offboarded(outsider, employee):
    with pytest.raises(ValidationError):
        offboard_member(by=outsider, member=employee)

    employee.refresh_from_db()
    assert employee.is_active


def test_the_personal_register_entries_leave_with_the_accounts(owner, leaver):
    offboard_member(by=owner, member=leaver.member)

    assert not RegisterEntry.objects.filter(ownership="personal").exists()
    assert RegisterEntry.objects.filter(ownership="company").count() == 2
