"""Reviewing held clicks: release credits within the cap, reject tells the employee why."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.incentives import services
from chorus.incentives.models import CapPeriod, Entry, EntryStatus, Reason
from chorus.incentives.tests.conftest import (
    T0,
    click_row,
    count_and_credit,
    make_programme,
    publish_link,
    store_clicks,
)
from chorus.links.services import tracked_link_for
from chorus.links.tests.conftest import make_share_activity

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def capped(admin, employee):
    programme = make_programme(admin, cap_amount=Decimal("2.00"), cap_period=CapPeriod.DAY)
    services.join_programme(member=employee, programme=programme, now=T0 - timedelta(days=1))
    return programme


@pytest.fixture
def held_and_credited(organisation, employee, capped):
    """One click held (its post was not published yet), then two credited the same day."""
    unpublished = tracked_link_for(
        member=employee, activity=make_share_activity(organisation, name="B"), network="outbox"
    )
    published = publish_link(employee, make_share_activity(organisation, name="A"))
    store_clicks(
        click_row(unpublished, at=T0, address="198.51.100.1"),
        click_row(published, at=T0 + timedelta(minutes=1), address="198.51.100.2"),
    )
    count_and_credit(now=T0 + timedelta(hours=1))
    return published


def held_entry() -> Entry:
    return Entry.objects.get(status=EntryStatus.HELD)


def test_releasing_a_hold_credits_it_and_is_audited(admin, held_and_credited):
    entry = held_entry()

    services.release_hold(by=admin, entry=entry)

    entry.refresh_from_db()
    assert (entry.status, entry.amount, entry.reviewed_by) == (
        EntryStatus.CREDITED,
        Decimal("1.00"),
        admin,
    )
    event = AuditEvent.objects.get(action=AuditAction.INCENTIVE_HOLD_RELEASED)
    assert (event.after or {})["status"] == EntryStatus.CREDITED


def test_a_release_over_the_cap_of_the_clicks_day_is_not_credited(admin, held_and_credited):
    store_clicks(click_row(held_and_credited, at=T0 + timedelta(minutes=2), address="192.0.2.3"))
    count_and_credit(now=T0 + timedelta(hours=2))
    entry = held_entry()

    services.release_hold(by=admin, entry=entry)

    entry.refresh_from_db()
    assert (entry.status, entry.amount) == (EntryStatus.NOT_CREDITED, Decimal("0.00"))
    assert entry.explanation == str(Reason.OVER_CAP.label)


def test_rejecting_needs_a_reason_which_the_employee_sees(admin, held_and_credited):
    entry = held_entry()
    with pytest.raises(ValidationError) as error:
        services.reject_hold(by=admin, entry=entry, reason="  ")
    assert "reason" in error.value.message_dict

    services.reject_hold(by=admin, entry=entry, reason="Your post was not live yet.")

    entry.refresh_from_db()
    assert (entry.status, entry.amount) == (EntryStatus.REJECTED, Decimal("0.00"))
    assert "Your post was not live yet." in entry.explanation
    assert AuditEvent.objects.filter(action=AuditAction.INCENTIVE_HOLD_REJECTED).count() == 1


def test_a_reviewed_click_cannot_be_reviewed_again(admin, held_and_credited):
    entry = held_entry()
    services.reject_hold(by=admin, entry=entry, reason="No")

    with pytest.raises(ValidationError):
        services.release_hold(by=admin, entry=entry)


def test_only_owners_and_admins_review_and_only_their_organisations_clicks(
    content_manager, employee, outsider, held_and_credited
):
    entry = held_entry()
    for member in (content_manager, employee):
        with pytest.raises(PermissionDenied):
            services.release_hold(by=member, entry=entry)
    with pytest.raises(ValidationError):
        services.release_hold(by=outsider, entry=entry)
    assert held_entry() == entry
