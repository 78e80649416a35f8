"""Caps per employee and period, with periods in the organisation's time zone."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chorus.incentives import services
from chorus.incentives.models import CapPeriod, EntryStatus, Reason
from chorus.incentives.tests.conftest import (
    T0,
    click_row,
    count_and_credit,
    entries_of,
    make_programme,
    store_clicks,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_YORK = ZoneInfo("America/New_York")
CREDITED = (EntryStatus.CREDITED, "", Decimal("1.00"))
OVER_CAP = (EntryStatus.NOT_CREDITED, Reason.OVER_CAP, Decimal("0.00"))


@pytest.fixture
def new_york(organisation):
    organisation.default_time_zone = "America/New_York"
    organisation.save()
    return organisation


def capped_programme(admin, employee, period: str):
    programme = make_programme(admin, cap_amount=Decimal("2.00"), cap_period=period)
    services.join_programme(member=employee, programme=programme, now=T0 - timedelta(days=35))
    return programme


def clicks_around(link, boundary: datetime) -> None:
    """Three people just before the period ends, two just after (each its own visitor)."""
    moments = [boundary - timedelta(minutes=m) for m in (30, 20, 10)]
    moments += [boundary + timedelta(minutes=m) for m in (10, 20)]
    store_clicks(
        *(click_row(link, at=moment, address=f"198.51.{n}.7") for n, moment in enumerate(moments))
    )


@pytest.mark.parametrize(
    ("period", "boundary"),
    [
        # Midnight in New York, 05:00 UTC: the UTC day would end five hours earlier.
        (CapPeriod.DAY, datetime(2026, 3, 3, 0, 0, tzinfo=NEW_YORK)),
        # Weeks start on Monday.
        (CapPeriod.WEEK, datetime(2026, 3, 9, 0, 0, tzinfo=NEW_YORK)),
        (CapPeriod.MONTH, datetime(2026, 3, 1, 0, 0, tzinfo=NEW_YORK)),
    ],
)
def test_the_cap_stops_crediting_until_the_next_local_period(
    new_york, admin, employee, link, period, boundary
):
    capped_programme(admin, employee, period)
    clicks_around(link, boundary)

    count_and_credit(now=boundary + timedelta(hours=2))

    assert entries_of(employee) == [CREDITED, CREDITED, OVER_CAP, CREDITED, CREDITED]


def test_a_day_is_the_organisations_day_not_utcs(new_york, admin, employee, link):
    capped_programme(admin, employee, CapPeriod.DAY)
    # 23:00 and 23:30 on Monday in New York are Tuesday in UTC: still Monday's cap.
    monday_evening = datetime(2026, 3, 2, 23, 0, tzinfo=NEW_YORK)
    store_clicks(
        click_row(link, at=datetime(2026, 3, 2, 12, 0, tzinfo=NEW_YORK), address="198.51.1.7"),
        click_row(link, at=monday_evening, address="198.51.2.7"),
        click_row(link, at=monday_evening + timedelta(minutes=30), address="198.51.3.7"),
    )

    count_and_credit(now=monday_evening + timedelta(hours=3))

    assert entries_of(employee) == [CREDITED, CREDITED, OVER_CAP]


def test_the_cap_holds_across_job_runs(admin, employee, link):
    capped_programme(admin, employee, CapPeriod.DAY)
    store_clicks(click_row(link, at=T0, address="198.51.1.7"))
    count_and_credit(now=T0 + timedelta(hours=1))
    store_clicks(
        click_row(link, at=T0 + timedelta(hours=2), address="198.51.2.7"),
        click_row(link, at=T0 + timedelta(hours=3), address="198.51.3.7"),
    )

    count_and_credit(now=T0 + timedelta(hours=4))

    assert entries_of(employee) == [CREDITED, CREDITED, OVER_CAP]


def test_without_a_cap_every_counted_click_is_credited(employee, joined, link):
    store_clicks(
        *(click_row(link, at=T0 + timedelta(hours=n), address=f"198.51.{n}.7") for n in range(4))
    )

    count_and_credit(now=T0 + timedelta(hours=5))

    assert entries_of(employee) == [CREDITED] * 4
