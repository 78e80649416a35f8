"""Crediting: only joined members earn, from joining on; reasons; running twice credits once."""

from datetime import timedelta
from decimal import Decimal

import pytest

from chorus.incentives import crediting, services
from chorus.incentives.models import CreditingCursor, Entry, EntryStatus, Reason, RecentClick
from chorus.incentives.tests.conftest import (
    T0,
    click_row,
    count_and_credit,
    entries_of,
    make_programme,
    publish_link,
    store_clicks,
)
from chorus.links import counting
from chorus.links.tests.conftest import make_share_activity
from chorus.orgs import services as orgs_services

pytestmark = pytest.mark.django_db(transaction=True)

CREDITED = (EntryStatus.CREDITED, "", Decimal("1.00"))
ZERO = Decimal("0.00")
CURL = "curl/8.5.0"


def people(link, *moments, first: int = 1):
    """One click per moment, each from a different person."""
    return [
        click_row(link, at=moment, address=f"198.51.100.{n}")
        for n, moment in enumerate(moments, start=first)
    ]


def test_members_who_did_not_join_earn_nothing(employee, programme, link):
    store_clicks(*people(link, T0, T0 + timedelta(minutes=5)))

    count_and_credit(now=T0 + timedelta(hours=1))

    assert not Entry.objects.exists()
    assert not RecentClick.objects.exists()


def test_clicks_before_joining_earn_nothing_and_after_leaving_neither(employee, programme, link):
    services.join_programme(member=employee, programme=programme, now=T0)
    services.leave_programme(member=employee, programme=programme, now=T0 + timedelta(hours=2))
    store_clicks(
        *people(
            link,
            T0 - timedelta(minutes=1),
            T0 + timedelta(hours=1),
            T0 + timedelta(hours=3),
        )
    )

    count_and_credit(now=T0 + timedelta(hours=4))

    entries = list(Entry.objects.filter(member=employee))
    assert [(e.click_time, e.status) for e in entries] == [
        (T0 + timedelta(hours=1), EntryStatus.CREDITED)
    ]


def test_leaving_keeps_what_was_earned_and_joining_again_earns_again(employee, programme, link):
    services.join_programme(member=employee, programme=programme, now=T0)
    store_clicks(*people(link, T0 + timedelta(hours=1)))
    count_and_credit(now=T0 + timedelta(hours=2))
    services.leave_programme(member=employee, programme=programme, now=T0 + timedelta(hours=2))
    services.join_programme(member=employee, programme=programme, now=T0 + timedelta(hours=4))
    store_clicks(*people(link, T0 + timedelta(hours=3), T0 + timedelta(hours=5), first=10))

    count_and_credit(now=T0 + timedelta(hours=6))

    assert [e.click_time for e in Entry.objects.filter(status=EntryStatus.CREDITED)] == [
        T0 + timedelta(hours=5),
        T0 + timedelta(hours=1),
    ]


def test_clicks_the_links_app_did_not_count_earn_nothing_with_its_reason(employee, joined, link):
    store_clicks(
        click_row(link, at=T0, address="198.51.100.1", user_agent=CURL),
        click_row(link, at=T0 + timedelta(minutes=1), address="198.51.100.2"),
        click_row(link, at=T0 + timedelta(minutes=2), address="198.51.100.2"),
    )

    count_and_credit(now=T0 + timedelta(hours=1))

    assert entries_of(employee) == [
        (EntryStatus.NOT_CREDITED, Reason.BOT, ZERO),
        CREDITED,
        (EntryStatus.NOT_CREDITED, Reason.REPEAT, ZERO),
    ]


def test_clicks_before_the_start_or_while_paused_are_not_credited(admin, employee, link):
    programme = make_programme(admin, starts_at=T0)
    services.join_programme(member=employee, programme=programme, now=T0 - timedelta(days=1))
    services.pause_programme(by=admin, programme=programme, now=T0 + timedelta(hours=1))
    services.resume_programme(by=admin, programme=programme, now=T0 + timedelta(hours=2))
    store_clicks(
        *people(
            link,
            T0 - timedelta(minutes=5),
            T0 + timedelta(minutes=30),
            T0 + timedelta(minutes=90),
            T0 + timedelta(minutes=150),
        )
    )

    count_and_credit(now=T0 + timedelta(hours=4))

    assert entries_of(employee) == [
        (EntryStatus.NOT_CREDITED, Reason.OUTSIDE_DATES, ZERO),
        CREDITED,
        (EntryStatus.NOT_CREDITED, Reason.PAUSED, ZERO),
        CREDITED,
    ]


def test_clicks_after_the_programme_ended_get_no_entry(admin, employee, joined, programme, link):
    services.end_programme(by=admin, programme=programme, now=T0 + timedelta(hours=1))
    store_clicks(*people(link, T0, T0 + timedelta(hours=2)))

    count_and_credit(now=T0 + timedelta(hours=3))

    assert [e.click_time for e in Entry.objects.all()] == [T0]


def test_a_programme_for_chosen_campaigns_credits_only_their_links(
    admin, organisation, employee, link, activity
):
    other_link = publish_link(employee, make_share_activity(organisation, name="Other"))
    programme = make_programme(admin, all_campaigns=False, campaigns=[activity.campaign])
    services.join_programme(member=employee, programme=programme, now=T0 - timedelta(days=1))
    store_clicks(*people(link, T0), *people(other_link, T0, first=50))

    count_and_credit(now=T0 + timedelta(hours=1))

    assert [e.link_id for e in Entry.objects.all()] == [link.pk]


def test_running_the_job_twice_credits_each_click_once(employee, joined, link):
    store_clicks(*people(link, T0, T0 + timedelta(minutes=1)))
    count_and_credit(now=T0 + timedelta(hours=1))

    assert crediting.credit_new_clicks(now=T0 + timedelta(hours=1)) == 0
    # A crash after the entries were written but before the cursor moved: the batch again.
    CreditingCursor.objects.update(last_click_id=0)
    assert crediting.credit_new_clicks(now=T0 + timedelta(hours=1)) == 2

    assert entries_of(employee) == [CREDITED, CREDITED]


def test_clicks_wait_for_counting_and_for_their_burst_window(employee, joined, link):
    store_clicks(*people(link, T0))

    # Not counted yet: nothing to credit, and the cursor stays before the click.
    assert crediting.credit_new_clicks(now=T0 + timedelta(hours=1)) == 0
    counting.count_new_clicks(now=T0 + timedelta(minutes=1))
    # Counted, but later clicks could still make it part of a burst.
    assert crediting.credit_new_clicks(now=T0 + timedelta(minutes=5)) == 0
    assert crediting.credit_new_clicks(now=T0 + timedelta(minutes=11)) == 1

    assert entries_of(employee) == [CREDITED]


def test_one_organisations_programme_never_credits_another_organisations_links(
    outsider, employee, link
):
    foreign = make_programme(outsider)
    services.join_programme(member=outsider, programme=foreign, now=T0 - timedelta(days=1))
    store_clicks(*people(link, T0))

    count_and_credit(now=T0 + timedelta(hours=1))

    assert not Entry.objects.exists()


def test_a_deactivated_member_earns_nothing_more(owner, employee, joined, link):
    orgs_services.deactivate_member(by=owner, member=employee)
    store_clicks(*people(link, T0))

    count_and_credit(now=T0 + timedelta(hours=1))

    assert not Entry.objects.exists()


def test_more_clicks_in_one_window_than_a_batch_holds_are_all_credited(employee, joined, link):
    store_clicks(*people(link, *(T0 + timedelta(seconds=n) for n in range(10))))
    counting.count_new_clicks(now=T0 + timedelta(hours=1))

    assert crediting.credit_new_clicks(now=T0 + timedelta(hours=1), batch_size=3) == 10

    assert entries_of(employee) == [CREDITED] * 10
