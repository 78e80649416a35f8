"""Fraud rules hold suspicious clicks for review: bursts, own clicks, clicks before publication."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.incentives import crediting
from chorus.incentives.models import Entry, EntryStatus, Reason
from chorus.incentives.tests.conftest import (
    IPHONE,
    T0,
    click_row,
    count_and_credit,
    entries_of,
    publish_link,
    store_clicks,
)
from chorus.links import counting
from chorus.links.asgi_redirect import build_redirect
from chorus.links.models import Click
from chorus.links.services import tracked_link_for
from chorus.links.tests.asgi import call
from chorus.links.tests.conftest import make_share_activity
from chorus.orgs.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

CREDITED = (EntryStatus.CREDITED, "", Decimal("1.00"))
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def redirect_app(settings):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 0
    app = build_redirect(prefix="/l/")
    yield app
    app.close()


def links_in_campaigns(employee, organisation, count: int):
    """One published link per campaign: a visitor's clicks on them are separate visits."""
    return [
        publish_link(employee, make_share_activity(organisation, name=f"Campaign {n}"))
        for n in range(count)
    ]


def holds_of(employee: Membership) -> list[tuple[str, dict[str, Any]]]:
    return [
        (entry.reason, entry.evidence)
        for entry in Entry.objects.filter(member=employee, status=EntryStatus.HELD).order_by(
            "click_time"
        )
    ]


def test_more_clicks_from_one_visitor_than_allowed_are_all_held(organisation, employee, joined):
    links = links_in_campaigns(employee, organisation, 6)
    store_clicks(*(click_row(link, at=T0 + timedelta(minutes=n)) for n, link in enumerate(links)))

    count_and_credit(now=T0 + timedelta(hours=1))

    # Each click was a counted visit (one per campaign), and the burst holds every one.
    assert Click.objects.filter(counted=True).count() == 6
    held = holds_of(employee)
    assert [reason for reason, _evidence in held] == [Reason.VISITOR_BURST] * 6
    assert held[0][1] == {
        "clicks": 6,
        "minutes": 10,
        "limit": 5,
        "first": T0.isoformat(),
        "last": (T0 + timedelta(minutes=5)).isoformat(),
    }


def test_clicks_from_one_visitor_up_to_the_limit_are_credited(organisation, employee, joined):
    links = links_in_campaigns(employee, organisation, 5)
    store_clicks(*(click_row(link, at=T0 + timedelta(minutes=n)) for n, link in enumerate(links)))
    # The same visitor again an hour later starts no burst either.
    store_clicks(click_row(links[0], at=T0 + timedelta(hours=1)))

    count_and_credit(now=T0 + timedelta(hours=3))

    assert entries_of(employee)[:5] == [CREDITED] * 5


def test_a_burst_from_one_network_block_is_held(redirect_app, employee, joined, link):
    # Twenty-one people in one office (one /24) and one elsewhere, through the redirect.
    for host in range(1, 22):
        call(
            redirect_app,
            f"/l/{link.code}",
            headers=[("User-Agent", IPHONE)],
            client=(f"203.0.113.{host}", 40000),
        )
    call(
        redirect_app,
        f"/l/{link.code}",
        headers=[("User-Agent", IPHONE)],
        client=("198.51.100.9", 40000),
    )

    count_and_credit(now=timezone.now() + timedelta(hours=1))

    statuses = [status for status, _reason, _amount in entries_of(employee)]
    assert statuses.count(EntryStatus.HELD) == 21
    assert statuses.count(EntryStatus.CREDITED) == 1
    reasons = {reason for reason, _evidence in holds_of(employee)}
    assert reasons == {Reason.NETWORK_BURST}
    evidence = holds_of(employee)[0][1]
    assert (evidence["clicks"], evidence["minutes"], evidence["limit"]) == (21, 10, 20)
    assert "203.0.113" not in str(evidence)


def session_cookie(member) -> tuple[str, str]:
    client = Client()
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return ("Cookie", f"sessionid={client.cookies['sessionid'].value}")


def test_the_members_own_clicks_are_held_signed_in_or_out(
    redirect_app, employee, admin, joined, link
):
    path = f"/l/{link.code}"
    office = ("203.0.113.7", 40000)
    # Signed in, then signed out from the same browser, then a colleague, then a stranger.
    call(
        redirect_app,
        path,
        headers=[("User-Agent", IPHONE), session_cookie(employee)],
        client=office,
    )
    call(redirect_app, path, headers=[("User-Agent", IPHONE)], client=office)
    call(
        redirect_app,
        path,
        headers=[("User-Agent", ANDROID), session_cookie(admin)],
        client=("198.51.100.4", 1),
    )
    call(redirect_app, path, headers=[("User-Agent", ANDROID)], client=("192.0.2.44", 1))

    count_and_credit(now=timezone.now() + timedelta(hours=1))

    entries = list(Entry.objects.filter(member=employee).order_by("click_id"))
    assert [(e.status, e.reason) for e in entries] == [
        (EntryStatus.HELD, Reason.SELF_CLICK),
        (EntryStatus.HELD, Reason.SELF_CLICK),
        (EntryStatus.NOT_CREDITED, Reason.MEMBER),
        (EntryStatus.CREDITED, ""),
    ]
    assert entries[0].evidence == {"signed_in": True}
    assert entries[1].evidence["signed_in"] is False
    assert "203.0.113" not in str(entries[1].evidence)


def test_clicks_before_the_post_was_published_are_held(organisation, employee, joined):
    published_link = publish_link(employee, make_share_activity(organisation, name="A"), at=T0)
    unpublished_link = tracked_link_for(
        member=employee, activity=make_share_activity(organisation, name="B"), network="outbox"
    )
    store_clicks(
        click_row(published_link, at=T0 - timedelta(hours=1), address="198.51.100.1"),
        click_row(published_link, at=T0 + timedelta(hours=1), address="198.51.100.2"),
        click_row(unpublished_link, at=T0 + timedelta(hours=1), address="198.51.100.3"),
    )

    count_and_credit(now=T0 + timedelta(hours=3))

    entries = list(Entry.objects.filter(member=employee).order_by("click_id"))
    assert [(e.status, e.reason) for e in entries] == [
        (EntryStatus.HELD, Reason.BEFORE_PUBLICATION),
        (EntryStatus.CREDITED, ""),
        (EntryStatus.HELD, Reason.BEFORE_PUBLICATION),
    ]
    assert entries[0].evidence == {"published_at": T0.isoformat()}
    assert entries[2].evidence == {"published_at": None}


def test_preview_fetchers_from_one_network_make_no_burst(employee, joined, link):
    linkedin_bot = (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
    )
    fetches = [
        click_row(
            link, at=T0 + timedelta(seconds=n), address=f"203.0.113.{n}", user_agent=linkedin_bot
        )
        for n in range(1, 30)
    ]
    store_clicks(*fetches, click_row(link, at=T0 + timedelta(minutes=1), address="203.0.113.200"))

    count_and_credit(now=T0 + timedelta(hours=1))

    assert entries_of(employee)[-1] == CREDITED
    assert not holds_of(employee)


def test_a_burst_split_across_small_batches_is_still_held_whole(organisation, employee, joined):
    links = links_in_campaigns(employee, organisation, 6)
    store_clicks(*(click_row(link, at=T0 + timedelta(minutes=n)) for n, link in enumerate(links)))
    counting.count_new_clicks(now=T0 + timedelta(hours=1))

    crediting.credit_new_clicks(now=T0 + timedelta(hours=1), batch_size=2)

    assert [reason for reason, _evidence in holds_of(employee)] == [Reason.VISITOR_BURST] * 6
