"""Payout export: one row per employee, formula cells defused, nothing paid twice."""

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.incentives import services
from chorus.incentives.models import Entry, EntryStatus
from chorus.incentives.selectors import payout_rows, safe_cell
from chorus.incentives.tests.conftest import (
    T0,
    click_row,
    count_and_credit,
    publish_link,
    store_clicks,
)
from chorus.links.tests.conftest import make_share_activity

pytestmark = pytest.mark.django_db(transaction=True)

MARCH: dict[str, Any] = {"period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31)}


@pytest.fixture
def earnings(organisation, admin, employee, programme, joined, link):
    """Erin earns 2.00 in March and has 1 click held; Adam (joined too) earns 1.00."""
    services.join_programme(member=admin, programme=programme, now=T0 - timedelta(days=1))
    admins_link = publish_link(admin, make_share_activity(organisation, name="Adam's"))
    unpublished = publish_link(
        employee, make_share_activity(organisation, name="Later"), at=T0 + timedelta(days=9)
    )
    store_clicks(
        click_row(link, at=T0, address="198.51.100.1"),
        click_row(link, at=T0 + timedelta(hours=1), address="198.51.100.2"),
        click_row(unpublished, at=T0 + timedelta(hours=2), address="198.51.100.3"),
        click_row(admins_link, at=T0 + timedelta(hours=3), address="198.51.100.4"),
    )
    count_and_credit(now=T0 + timedelta(hours=5))


def rows(batch) -> list[list[str]]:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(payout_rows(batch=batch))
    return list(csv.reader(io.StringIO(buffer.getvalue())))


def test_the_export_has_one_row_per_employee_and_marks_entries_paid(admin, programme, earnings):
    batch = services.export_payout(by=admin, programme=programme, **MARCH)

    assert rows(batch) == [
        ["email", "full_name", "programme", "currency", "credited", "held"],
        ["adam.admin@acme.test", "Adam Admin", "Spring clicks", "USD", "1.00", "0.00"],
        ["erin.employee@acme.test", "Erin Employee", "Spring clicks", "USD", "2.00", "1.00"],
    ]
    assert Entry.objects.filter(payout=batch).count() == 3
    assert not Entry.objects.filter(status=EntryStatus.HELD, payout__isnull=False).exists()
    event = AuditEvent.objects.get(action=AuditAction.INCENTIVE_PAYOUT_EXPORTED)
    assert (event.after or {})["credited"] == "3.00"


def test_nothing_is_paid_twice_and_a_later_release_goes_into_the_next_export(
    admin, programme, earnings
):
    first = services.export_payout(by=admin, programme=programme, **MARCH)
    services.release_hold(by=admin, entry=Entry.objects.get(status=EntryStatus.HELD))

    second = services.export_payout(by=admin, programme=programme, **MARCH)

    assert rows(second)[1:] == [
        ["erin.employee@acme.test", "Erin Employee", "Spring clicks", "USD", "1.00", "0.00"]
    ]
    # A re-download of the first export gives the same file.
    assert rows(first)[2][4] == "2.00"
    with pytest.raises(ValidationError):
        services.export_payout(by=admin, programme=programme, **MARCH)


def test_a_period_ending_before_the_clicks_pays_nothing(admin, programme, earnings):
    with pytest.raises(ValidationError):
        services.export_payout(
            by=admin,
            programme=programme,
            period_start=date(2026, 2, 1),
            period_end=date(2026, 2, 28),
        )
    with pytest.raises(ValidationError) as error:
        services.export_payout(
            by=admin,
            programme=programme,
            period_start=date(2026, 3, 31),
            period_end=date(2026, 3, 1),
        )
    assert "period_end" in error.value.message_dict


def test_cells_that_look_like_formulas_are_defused(admin, employee, programme, earnings):
    employee.user.full_name = '=HYPERLINK("https://evil.example","pay me")'
    employee.user.save()
    programme.name = "+Bonus"
    programme.save()

    batch = services.export_payout(by=admin, programme=programme, **MARCH)

    erin = rows(batch)[2]
    assert erin[1] == '\'=HYPERLINK("https://evil.example","pay me")'
    assert erin[2] == "'+Bonus"
    assert [safe_cell(text) for text in ("-1", "@SUM(A1)", "plain", "a=b")] == [
        "'-1",
        "'@SUM(A1)",
        "plain",
        "a=b",
    ]
