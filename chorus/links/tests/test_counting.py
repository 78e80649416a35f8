"""Honest counting: bots and members kept out, repeats counted once, one employee per visit."""

from datetime import datetime, timedelta

import pytest

from chorus.links import counting, services
from chorus.links.models import AttributionRule, Click, LinkHourlyStats, LinkTotals, NotCounted
from chorus.links.selectors import (
    campaign_totals,
    campaign_totals_by_member,
    clicks_by_reason,
    member_totals,
)
from chorus.links.tests.conftest import add_click, make_share_activity
from chorus.links.tests.test_link_services import settings_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_links(employee, admin, content_manager, share_activity):
    return [
        services.tracked_link_for(member=member, activity=share_activity, network="linkedin")
        for member in (employee, admin, content_manager)
    ]


def count(at: datetime) -> int:
    return counting.count_new_clicks(now=at + timedelta(minutes=5))


def decisions(*clicks: Click) -> list[tuple[bool | None, str]]:
    return [
        (click.counted, click.not_counted_reason)
        for click in Click.objects.filter(pk__in=[c.pk for c in clicks]).order_by("time", "pk")
    ]


def test_bots_and_members_are_kept_but_not_counted(link, an_hour_ago):
    bot = add_click(link, at=an_hour_ago, visitor="preview", is_bot=True)
    member = add_click(link, at=an_hour_ago, visitor="colleague", is_member=True)
    person = add_click(link, at=an_hour_ago, visitor="reader")

    assert count(an_hour_ago) == 3

    assert decisions(bot, member, person) == [
        (False, NotCounted.BOT),
        (False, NotCounted.MEMBER),
        (True, ""),
    ]
    totals = member_totals(member=link.member)
    assert (totals.clicks, totals.counted, totals.bots, totals.members) == (3, 1, 1, 1)


def test_repeated_clicks_within_the_window_count_once(link, an_hour_ago):
    clicks = [add_click(link, at=an_hour_ago + timedelta(minutes=m)) for m in (0, 1, 30)]

    count(an_hour_ago + timedelta(minutes=30))

    assert decisions(*clicks) == [
        (True, ""),
        (False, NotCounted.REPEAT),
        (False, NotCounted.REPEAT),
    ]
    assert campaign_totals(campaign=link.campaign).counted == 1


def test_a_click_after_the_window_is_a_new_visit(admin, link, an_hour_ago):
    services.update_link_settings(by=admin, **settings_form(repeat_window_minutes=10))
    first = add_click(link, at=an_hour_ago)
    inside = add_click(link, at=an_hour_ago + timedelta(minutes=9, seconds=59))
    after = add_click(link, at=an_hour_ago + timedelta(minutes=10))

    count(after.time)

    assert decisions(first, inside, after) == [
        (True, ""),
        (False, NotCounted.REPEAT),
        (True, ""),
    ]


def test_different_visitors_each_count(link, an_hour_ago):
    for visitor in ("a", "b", "c"):
        add_click(link, at=an_hour_ago, visitor=visitor)

    count(an_hour_ago)

    assert campaign_totals(campaign=link.campaign).counted == 3


def test_first_touch_credits_the_colleague_whose_link_came_first(colleague_links, an_hour_ago):
    erin, adam, carla = colleague_links
    clicks = [
        add_click(erin, at=an_hour_ago),
        add_click(adam, at=an_hour_ago + timedelta(minutes=5)),
        add_click(carla, at=an_hour_ago + timedelta(minutes=6)),
        add_click(erin, at=an_hour_ago + timedelta(minutes=7)),
    ]

    count(an_hour_ago + timedelta(minutes=7))

    assert decisions(*clicks) == [
        (True, ""),
        (False, NotCounted.COLLEAGUE),
        (False, NotCounted.COLLEAGUE),
        (False, NotCounted.REPEAT),
    ]
    by_member = {
        row.member_id: row.totals.counted
        for row in campaign_totals_by_member(campaign=erin.campaign)
    }
    assert by_member == {erin.member_id: 1, adam.member_id: 0, carla.member_id: 0}
    assert campaign_totals(campaign=erin.campaign).counted == 1


def test_last_touch_moves_the_credit_to_the_latest_link_even_across_runs(
    admin, colleague_links, an_hour_ago
):
    services.update_link_settings(by=admin, **settings_form(attribution=AttributionRule.LAST_TOUCH))
    erin, adam, carla = colleague_links
    first = add_click(erin, at=an_hour_ago)
    second = add_click(adam, at=an_hour_ago + timedelta(minutes=5))
    count(second.time)
    # The next run sees a later click for the same visit on a third colleague's link.
    third = add_click(carla, at=an_hour_ago + timedelta(minutes=70))
    count(third.time)

    assert decisions(first, second, third) == [
        (False, NotCounted.COLLEAGUE),
        (False, NotCounted.COLLEAGUE),
        (True, ""),
    ]
    assert member_totals(member=erin.member).counted == 0
    assert member_totals(member=adam.member).counted == 0
    assert member_totals(member=carla.member).counted == 1
    assert campaign_totals(campaign=erin.campaign).counted == 1
    assert member_totals(member=erin.member).colleagues == 1


def test_last_touch_on_the_same_link_is_a_repeat(admin, link, an_hour_ago):
    services.update_link_settings(by=admin, **settings_form(attribution=AttributionRule.LAST_TOUCH))
    first = add_click(link, at=an_hour_ago)
    second = add_click(link, at=an_hour_ago + timedelta(minutes=1))

    count(second.time)

    assert decisions(first, second) == [(False, NotCounted.REPEAT), (True, "")]
    assert campaign_totals(campaign=link.campaign).counted == 1


def test_visits_are_per_campaign(employee, link, organisation, an_hour_ago):
    other = services.tracked_link_for(
        member=employee, activity=make_share_activity(organisation, name="Other"), network="x"
    )
    add_click(link, at=an_hour_ago)
    add_click(other, at=an_hour_ago + timedelta(minutes=1))

    count(an_hour_ago + timedelta(minutes=1))

    assert campaign_totals(campaign=link.campaign).counted == 1
    assert campaign_totals(campaign=other.campaign).counted == 1


def test_clicks_that_may_still_be_arriving_wait_for_the_next_run(link, an_hour_ago):
    settled = add_click(link, at=an_hour_ago, visitor="a")
    fresh = add_click(link, at=an_hour_ago + timedelta(seconds=58), visitor="b")

    assert counting.count_new_clicks(now=an_hour_ago + timedelta(minutes=1)) == 1

    assert decisions(settled, fresh) == [(True, ""), (None, "")]


def test_rollups_equal_the_clicks_over_many_batches_and_hours(admin, colleague_links, an_hour_ago):
    services.update_link_settings(by=admin, **settings_form(attribution=AttributionRule.LAST_TOUCH))
    start = an_hour_ago - timedelta(hours=3)
    for n in range(240):
        link = colleague_links[n % 3]
        add_click(
            link,
            at=start + timedelta(minutes=n),
            visitor=f"v{n % 17}",
            is_bot=n % 11 == 0,
            is_member=n % 13 == 0,
        )

    counting.count_new_clicks(now=start + timedelta(hours=5), batch_size=7)

    assert not Click.objects.filter(counted__isnull=True).exists()
    for link in colleague_links:
        from_clicks = clicks_by_reason(link=link)
        stats = LinkHourlyStats.objects.filter(link=link)
        from_rollups = {
            "counted": sum(row.counted for row in stats),
            "bot": sum(row.bots for row in stats),
            "member": sum(row.members for row in stats),
            "repeat": sum(row.repeats for row in stats),
            "colleague": sum(row.colleagues for row in stats),
        }
        assert from_rollups == from_clicks
        assert sum(row.clicks for row in stats) == link.clicks.count()
        totals = LinkTotals.objects.get(link=link)
        assert (totals.counted, totals.bots, totals.members, totals.repeats) == (
            from_clicks["counted"],
            from_clicks["bot"],
            from_clicks["member"],
            from_clicks["repeat"],
        )
        assert (totals.colleagues, totals.clicks) == (from_clicks["colleague"], link.clicks.count())
        # Each hourly row agrees with the clicks of its own hour, too.
        for row in stats:
            in_hour = Click.objects.filter(
                link=link, time__gte=row.hour, time__lt=row.hour + timedelta(hours=1)
            )
            assert row.counted == in_hour.filter(counted=True).count()
    # Every visit counts exactly once for the campaign: the number of distinct
    # (visitor, window) pairs among human, non-member clicks.
    assert (
        campaign_totals(campaign=colleague_links[0].campaign).counted
        == Click.objects.filter(counted=True).count()
    )
