"""Benchmark: launching a campaign to an organisation of 100,000 employees.

Launching means targeting the members, adding every activity to each one's feed
and notifying the programme's participants. The baseline, measured in the same
run on the same data, builds the same feed entries row by row in Python with
bulk_create: the obvious approach that ``offer_campaign`` replaces.

    .venv/bin/python bench/campaign_launch.py [--members 100000]
    DATABASE_URL=postgres://... .venv/bin/python bench/campaign_launch.py
"""

import argparse

from common import Measurement, measured, report, run, setup_django

UNUSABLE = "!"  # Django's mark for "no usable password"
TARGET = (10.0, 500.0)  # seconds, MiB on PostgreSQL on a 2-core machine
ACTIVITIES = 3


def create_organisation(members: int) -> object:
    from django.utils import timezone

    from chorus.accounts.models import User
    from chorus.orgs.models import Membership, Organisation, Team
    from chorus.sharing.models import ProgrammeConsent

    organisation = Organisation.objects.create(name="Benchmark", slug="bench")
    teams = [Team.objects.create(organisation=organisation, name=f"Team {n}") for n in range(4)]
    users = User.objects.bulk_create(
        (
            User(email=f"person{n}@bench.test", full_name=f"Person {n}", password=UNUSABLE)
            for n in range(members)
        ),
        batch_size=5000,
    )
    memberships = Membership.objects.bulk_create(
        (Membership(organisation=organisation, user=user) for user in users), batch_size=5000
    )
    through = Membership.teams.through
    through.objects.bulk_create(
        (
            through(membership_id=member.pk, team_id=teams[n % 4].pk)
            for n, member in enumerate(memberships)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    ProgrammeConsent.objects.bulk_create(
        (
            ProgrammeConsent(member=member, terms_version=1, terms_text="terms", joined_at=now)
            for member in memberships[::2]
        ),
        batch_size=5000,
    )
    return organisation


def live_campaign(organisation: object, name: str) -> object:
    from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState

    campaign = Campaign.objects.create(
        organisation=organisation, name=name, state=CampaignState.LIVE, networks=["bluesky"]
    )
    for number in range(ACTIVITIES):
        Activity.objects.create(
            campaign=campaign,
            kind=ActivityKind.SHARE_LINK,
            title=f"Activity {number}",
            link_url="https://example.com/news",
        )
    return campaign


def baseline_offer(campaign: object) -> int:
    from chorus.sharing.feed import targeted_members
    from chorus.sharing.models import FeedEntry

    activities = list(campaign.activities.all())  # type: ignore[attr-defined]
    entries = (
        FeedEntry(member_id=member_id, activity=activity, campaign=campaign)
        for member_id in targeted_members(campaign=campaign).values_list("pk", flat=True).iterator()
        for activity in activities
    )
    return len(FeedEntry.objects.bulk_create(entries, batch_size=5000))


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    members = parser.parse_args().members
    vendor = setup_django()

    from chorus.notifications.models import Notification
    from chorus.sharing.feed import offer_campaign
    from chorus.sharing.models import FeedEntry

    results: list[Measurement] = []
    with measured("set-up: organisation", results, f"{members:,} members, half opted in"):
        organisation = create_organisation(members)

    campaign = live_campaign(organisation, "Launch")
    with measured("launch campaign", results, f"{ACTIVITIES} activities"):
        added = offer_campaign(campaign=campaign)
    results[-1].detail += (
        f"; {added:,} feed entries, "
        f"{Notification.objects.filter(params__campaign=campaign.pk).count():,} notifications"  # type: ignore[attr-defined]
    )
    assert FeedEntry.objects.filter(campaign=campaign).count() == members * ACTIVITIES

    baseline = live_campaign(organisation, "Baseline")
    with measured("baseline: feed entries via bulk_create", results, "no notifications"):
        created = baseline_offer(baseline)
    results[-1].detail += f"; {created:,} feed entries"

    return report(
        f"Launching a campaign to {members:,} members",
        vendor,
        results,
        {"launch campaign": TARGET} if vendor == "postgresql" else {},
    )


if __name__ == "__main__":
    run(main)
