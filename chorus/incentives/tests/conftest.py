"""Objects the incentive tests build on: a published post's link, programmes, real clicks.

Clicks are stored by the links app's own click sink (the redirect's writer), counted
by its counting job, then credited by the incentives job.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from chorus.campaigns.models import Activity
from chorus.incentives import crediting, services
from chorus.incentives.models import Entry, Programme, Unit
from chorus.incentives.services import ProgrammeData
from chorus.links import clicksink, counting
from chorus.links.models import Device, TrackedLink
from chorus.links.services import tracked_link_for
from chorus.links.store import ClickRow
from chorus.links.tests.conftest import make_share_activity
from chorus.links.visitors import classify, network_key, visitor_key
from chorus.orgs.models import Membership
from chorus.publishing.models import PostState
from chorus.publishing.tests.factories import connect, scheduled_post

# A Monday.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SALT = b"s" * 32
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def programme_data(**changes: Any) -> ProgrammeData:
    fields: dict[str, Any] = {
        "name": "Spring clicks",
        "unit": Unit.MONEY,
        "currency": "USD",
        "amount_per_click": Decimal("1.00"),
        "cap_amount": None,
        "cap_period": "",
        "starts_at": T0 - timedelta(days=40),
        "ends_at": None,
        "all_campaigns": True,
        "campaigns": [],
        "burst_clicks": 5,
        "burst_minutes": 10,
        "network_burst_clicks": 20,
        "network_burst_minutes": 10,
    }
    fields.update(changes)
    return ProgrammeData(**fields)


def make_programme(by: Membership, **changes: Any) -> Programme:
    return services.create_programme(
        by=by, data=programme_data(**changes), now=T0 - timedelta(days=40)
    )


def publish_link(
    member: Membership, activity: Activity, *, at: datetime = T0 - timedelta(days=40)
) -> TrackedLink:
    """The member's link for the activity, carried by a post published at ``at``."""
    link = tracked_link_for(member=member, activity=activity, network="outbox")
    account = connect(member, handle=f"@{member.pk}-{activity.pk}")
    post = scheduled_post(account, activity=activity, at=at, state=PostState.PUBLISHED)
    post.published_at = at
    post.save(update_fields=["published_at"])
    return link


def click_row(
    link: TrackedLink,
    *,
    at: datetime,
    address: str = "203.0.113.7",
    user_agent: str = IPHONE,
    clicker: Membership | None = None,
) -> ClickRow:
    agent = classify(user_agent)
    return ClickRow(
        link.pk,
        # The redirect hands the sink UTC times, as stored.
        at.astimezone(UTC),
        visitor_key(address=address, user_agent=user_agent, salt=SALT),
        "",
        "",
        agent.device if not agent.is_bot else Device.BOT,
        agent.is_bot,
        clicker is not None,
        network_key(address=address, salt=SALT),
        clicker.pk if clicker is not None else None,
    )


def store_clicks(*rows: ClickRow) -> None:
    """Write clicks as the redirect does: one batch through the click sink."""
    sink = clicksink.default_sink()
    try:
        asyncio.run(sink.write(rows))
    finally:
        sink.close()


def count_and_credit(*, now: datetime) -> int:
    counting.count_new_clicks(now=now)
    return crediting.credit_new_clicks(now=now)


def entries_of(member: Membership) -> list[tuple[str, str, Decimal]]:
    return [
        (entry.status, entry.reason, entry.amount)
        for entry in Entry.objects.filter(member=member).order_by("click_time", "click_id")
    ]


@pytest.fixture
def activity(organisation) -> Activity:
    return make_share_activity(organisation)


@pytest.fixture
def link(employee, activity) -> TrackedLink:
    return publish_link(employee, activity)


@pytest.fixture
def programme(admin) -> Programme:
    return make_programme(admin)


@pytest.fixture
def joined(employee, programme):
    return services.join_programme(
        member=employee, programme=programme, now=T0 - timedelta(days=30)
    )
