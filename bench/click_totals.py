"""Click totals per campaign and per employee over 10 million stored clicks.

Builds an organisation of 2,000 employees sharing 10 campaigns on two networks each
(40,000 tracked links), stores 10 million clicks the way the redirect does (in time
order; most of a post's clicks within a day of its posting, a few posts going viral,
5 % from bots, 1 % from members, visitors who come back and click colleagues' links),
runs the real counting job over all of them, then times the reads the link pages
make: a campaign's totals, its totals by employee, and one employee's totals.
Baseline: the same campaign total counted from the clicks themselves.

    cd bench && ../.venv/bin/python click_totals.py
    scripts/test-postgres bash -c 'cd bench && ../.venv/bin/python click_totals.py'

Target: each read under 100 ms.
"""

import argparse
import math
import random
import statistics
import time
from datetime import timedelta

from common import Measurement, measured, report, run, setup_django

MEMBERS = 2000
CAMPAIGNS = 10
NETWORKS = ("linkedin", "bluesky")
TARGET_MS = 100.0
INSERT_CHUNK = 20_000
MEAN_HOURS = 10.0
MAX_HOURS = 72.0


def build_links():
    from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
    from chorus.links import services, targets
    from chorus.links.models import TrackedLink
    from chorus.links.selectors import link_settings_for
    from chorus.orgs.models import Membership, Organisation
    from chorus.orgs.roles import Role

    organisation = Organisation.objects.create(name="Bench", slug="bench")
    from chorus.accounts.models import User

    User.objects.bulk_create(
        [User(email=f"member{n}@bench.test", full_name=f"Member {n}") for n in range(MEMBERS)]
    )
    Membership.objects.bulk_create(
        [
            Membership(organisation=organisation, user=user, role=Role.EMPLOYEE)
            for user in User.objects.filter(email__endswith="@bench.test")
        ]
    )
    members = list(Membership.objects.filter(organisation=organisation))
    activities = []
    for number in range(CAMPAIGNS):
        campaign = Campaign.objects.create(
            organisation=organisation, name=f"Campaign {number}", state=CampaignState.LIVE
        )
        activities.append(
            Activity.objects.create(
                campaign=campaign,
                kind=ActivityKind.SHARE_LINK,
                title=f"Launch {number}",
                link_url=f"https://example.com/launch/{number}",
            )
        )
    # The first link of each kind through the service; the rest alike, in bulk.
    templates = link_settings_for(organisation=organisation).utm_templates
    links = []
    for activity in activities:
        for network in NETWORKS:
            services.tracked_link_for(member=members[0], activity=activity, network=network)
            target = targets.target_for(activity=activity, network=network, templates=templates)
            links += [
                TrackedLink(
                    organisation=organisation,
                    member=member,
                    activity=activity,
                    campaign_id=activity.campaign_id,
                    network=network,
                    code=targets.new_code(),
                    target=target,
                )
                for member in members[1:]
            ]
    TrackedLink.objects.bulk_create(links, batch_size=2000)
    return members, activities, list(TrackedLink.objects.all())


def store_clicks(links, *, total: int, days: int, seed: int) -> None:
    """Clicks as the redirect writes them: in time order, hour after hour.

    Each link is posted at a random time and most of its clicks come in the day after
    (exponential, mean 10 hours, none after 72 hours); a few links go viral.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from chorus.links.models import Device

    randomness = random.Random(seed)
    hours = days * 24
    posted = [randomness.uniform(0, hours - 72) for _ in links]
    weights = [randomness.paretovariate(1.2) for _ in links]
    link_ids = [link.pk for link in links]
    visitors = [f"{randomness.getrandbits(128):032x}" for _ in range(total // 3)]

    def intensity(index: int, hour: int) -> float:
        age = hour + 0.5 - posted[index]
        return weights[index] * math.exp(-age / MEAN_HOURS) if 0 <= age <= MAX_HOURS else 0.0

    by_hour = [[i for i in range(len(links)) if intensity(i, hour)] for hour in range(hours)]
    hour_weights = [[intensity(i, hour) for i in active] for hour, active in enumerate(by_hour)]
    total_weight = sum(sum(w) for w in hour_weights)
    start = timezone.now() - timedelta(hours=hours)
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        "INSERT INTO links_click (link_id, time, visitor_key, referrer_host, country, device,"
        " is_bot, is_member, not_counted_reason) VALUES (%s, %s, %s, %s, '', %s, %s, %s, '')"
    )
    written = 0
    for hour in range(hours):
        if not by_hour[hour]:
            continue
        count = round(total * sum(hour_weights[hour]) / total_weight)
        count = min(count, total - written) if hour < hours - 1 else total - written
        chosen = randomness.choices(by_hour[hour], weights=hour_weights[hour], k=count)
        seconds = sorted(randomness.uniform(0, 3600) for _ in chosen)
        rows = []
        for index, second in zip(chosen, seconds, strict=True):
            kind = randomness.random()
            is_bot, is_member = kind < 0.05, 0.05 <= kind < 0.06
            rows.append(
                (
                    link_ids[index],
                    adapt(start + timedelta(hours=hour, seconds=second)),
                    randomness.choice(visitors),
                    "www.linkedin.com",
                    Device.BOT if is_bot else Device.MOBILE,
                    is_bot,
                    is_member,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            for offset in range(0, len(rows), INSERT_CHUNK):
                cursor.executemany(sql, rows[offset : offset + INSERT_CHUNK])
        written += count


def timed_ms(function, repeats: int = 5) -> tuple[float, object]:
    """The median of several runs (the first warms the database's cache)."""
    function()
    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> bool:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    vendor = setup_django()
    from django.utils import timezone

    from chorus.links import counting, selectors
    from chorus.links.models import Click, LinkHourlyStats

    results: list[Measurement] = []
    with measured("set-up: links", results, f"{MEMBERS:,} employees, {CAMPAIGNS} campaigns"):
        members, activities, links = build_links()
    with measured("set-up: store clicks", results, f"{args.clicks:,} clicks over {args.days} days"):
        store_clicks(links, total=args.clicks, days=args.days, seed=7)
    with measured("count clicks and roll up (the job)", results):
        counted = counting.count_new_clicks(now=timezone.now() + timedelta(minutes=1))
    results[-1].detail = (
        f"{counted:,} clicks decided, {counted / results[-1].seconds:,.0f} per second; "
        f"{LinkHourlyStats.objects.count():,} hourly rows"
    )

    campaign = max(
        (activity.campaign for activity in activities),
        key=lambda campaign: LinkHourlyStats.objects.filter(campaign=campaign).count(),
    )
    member = members[0]
    reads = {
        "campaign totals": lambda: selectors.campaign_totals(campaign=campaign),
        "campaign totals by employee": lambda: selectors.campaign_totals_by_member(
            campaign=campaign
        ),
        "one employee's totals": lambda: selectors.member_totals(member=member),
        "one employee's totals in a campaign": lambda: selectors.member_totals(
            member=member, campaign=campaign
        ),
    }
    read_times = {}
    for name, read in reads.items():
        milliseconds, value = timed_ms(read)
        detail = (
            f"{len(value)} employees" if isinstance(value, list) else f"{value.counted:,} visits"
        )
        read_times[name] = (milliseconds, detail)
    rows = LinkHourlyStats.objects.filter(campaign=campaign).count()
    milliseconds, value = timed_ms(
        lambda: Click.objects.filter(link__campaign=campaign, counted=True).count(), repeats=1
    )
    read_times["baseline: the campaign total from the clicks"] = (
        milliseconds,
        f"{value:,} visits; the rollups read {rows:,} hourly rows",
    )
    report("Click totals over stored clicks", vendor, results, {})
    print("\nReads: median of 5 runs after one warm-up.\n")
    print("| read | ms | target | detail |")
    print("|---|---:|---|---|")
    met = True
    for name, (milliseconds, detail) in read_times.items():
        verdict = ""
        if not name.startswith("baseline"):
            ok = milliseconds < TARGET_MS
            met &= ok
            verdict = f"{'met' if ok else 'MISSED'} (< {TARGET_MS:g} ms)"
        print(f"| {name} | {milliseconds:.1f} | {verdict} | {detail} |")
    return met


if __name__ == "__main__":
    run(main)
