"""Benchmark: spreading 100,000 approved posts.

20,000 opted-in employees (by default) each spread five approved posts over the
next five working days in one call of
``chorus.sharing.services.spread_posts_in_bulk``, as a worker or the API's batch
scheduling would: their own time zone, working hours, minimum gap, daily caps and
activity expiry are all checked, each member all or nothing. For comparison, a
sample of members (1,000 by default) then spread theirs one call of
``spread_posts`` (the "My posts" page and the API) per member. The baseline, in
the same run, writes the same number of schedule times with one bulk UPDATE per
batch and no checks at all: the floor of what scheduling can cost.

    .venv/bin/python bench/spread_posts.py [--members 20000] [--posts 5] [--sample 1000]
    DATABASE_URL=postgres://... .venv/bin/python bench/spread_posts.py
"""

import argparse
import random
from datetime import date, time, timedelta

from common import Measurement, measured, report, run, setup_django

UNUSABLE = "!"  # Django's mark for "no usable password"
TARGET = (10.0, 500.0)  # seconds, MiB on PostgreSQL on a 2-core machine


def create_posts(members: int, per_member: int) -> list[object]:
    from django.utils import timezone

    from chorus.accounts.models import User
    from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
    from chorus.networks.models import ConnectedAccount
    from chorus.orgs.models import Membership, Organisation
    from chorus.publishing.models import Post, PostState, text_fingerprint
    from chorus.sharing.models import ProgrammeConsent

    organisation = Organisation.objects.create(name="Benchmark", slug="bench")
    campaign = Campaign.objects.create(
        organisation=organisation, name="Spread", state=CampaignState.LIVE, networks=["outbox"]
    )
    activities = [
        Activity.objects.create(
            campaign=campaign, kind=ActivityKind.SHARE_LINK, title=f"A{n}", link_url="https://e.x/"
        )
        for n in range(per_member)
    ]
    users = User.objects.bulk_create(
        (
            User(email=f"p{n}@bench.test", full_name=f"P {n}", password=UNUSABLE)
            for n in range(members)
        ),
        batch_size=5000,
    )
    memberships = Membership.objects.bulk_create(
        (Membership(organisation=organisation, user=user) for user in users), batch_size=5000
    )
    now = timezone.now()
    ProgrammeConsent.objects.bulk_create(
        (ProgrammeConsent(member=m, terms_version=1, terms_text="t") for m in memberships),
        batch_size=5000,
    )
    accounts = ConnectedAccount.objects.bulk_create(
        (
            ConnectedAccount(
                organisation=organisation,
                member=m,
                network="outbox",
                external_id=f"acct{m.pk}",
                handle=f"p{m.pk}",
                takes_part=True,
            )
            for m in memberships
        ),
        batch_size=5000,
    )
    text = "Proud of what the team shipped this week."
    Post.objects.bulk_create(
        (
            Post(
                organisation=organisation,
                member=member,
                account=account,
                network="outbox",
                activity=activity,
                text=text,
                approved_text_sha256=text_fingerprint(text),
                approved_at=now,
                state=PostState.APPROVED,
            )
            for member, account in zip(memberships, accounts, strict=True)
            for activity in activities
        ),
        batch_size=5000,
    )
    return memberships


def spread_everyone(memberships: list[object], start: date) -> int:
    from chorus.publishing.models import Post, PostState
    from chorus.sharing.services import SpreadRequest, spread_posts_in_bulk

    post_ids: dict[int, list[int]] = {}
    for member_id, pk in Post.objects.filter(
        member__in=memberships, state=PostState.APPROVED
    ).values_list("member_id", "pk"):
        post_ids.setdefault(member_id, []).append(pk)
    requests = [
        SpreadRequest(
            member=member,  # type: ignore[arg-type]
            post_ids=post_ids.get(member.pk, []),  # type: ignore[attr-defined]
            start_date=start,
            days=5,
            day_starts=time(9),
            day_ends=time(17),
            min_gap=timedelta(minutes=90),
        )
        for member in memberships
    ]
    result = spread_posts_in_bulk(requests=requests, rng=random.Random(7))
    assert not result.failed, result.failed[0].error
    return result.scheduled


def spread_one_by_one(memberships: list[object], start: date) -> int:
    from chorus.publishing.models import Post, PostState
    from chorus.sharing.services import spread_posts

    rng = random.Random(7)
    count = 0
    for member in memberships:
        posts = list(
            Post.objects.filter(member=member, state=PostState.APPROVED).select_related(
                "account", "activity"
            )
        )
        spread_posts(
            member=member,  # type: ignore[arg-type]
            posts=posts,
            start_date=start,
            days=5,
            day_starts=time(9),
            day_ends=time(17),
            min_gap=timedelta(minutes=90),
            rng=rng,
        )
        count += len(posts)
    return count


def unschedule(memberships: list[object]) -> None:
    """Put the sample's posts back to approved, so the per-member loop has work to do."""
    from chorus.publishing.models import Post, PostState
    from chorus.sharing.models import FeedEntry, FeedState

    Post.objects.filter(member__in=memberships).update(
        state=PostState.APPROVED, scheduled_for=None, next_attempt_at=None
    )
    FeedEntry.objects.filter(member__in=memberships).update(state=FeedState.NEW)


def baseline(total: int) -> int:
    from django.utils import timezone

    from chorus.publishing.models import Post

    moment = timezone.now() + timedelta(days=30)
    ids = list(Post.objects.values_list("pk", flat=True)[:total])
    for start in range(0, len(ids), 5000):
        Post.objects.filter(pk__in=ids[start : start + 5000]).update(
            scheduled_for=moment, next_attempt_at=moment
        )
    return len(ids)


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--sample", type=int, default=1_000)
    arguments = parser.parse_args()
    vendor = setup_django()

    from django.utils import timezone

    from chorus.publishing.models import Post, PostState

    results: list[Measurement] = []
    total = arguments.members * arguments.posts
    with measured("set-up: approved posts", results, f"{arguments.members:,} members"):
        memberships = create_posts(arguments.members, arguments.posts)

    start = timezone.now().date() + timedelta(days=1)
    with measured("spread approved posts", results, f"{total:,} posts, one bulk call"):
        spread = spread_everyone(memberships, start)
    scheduled = Post.objects.filter(state=PostState.SCHEDULED).count()
    assert spread == scheduled == total, (spread, scheduled, total)

    sample = memberships[: arguments.sample]
    unschedule(sample)
    with measured(
        "spread_posts once per member",
        results,
        f"{len(sample) * arguments.posts:,} posts of {len(sample):,} members",
    ):
        spread = spread_one_by_one(sample, start)
    scheduled = Post.objects.filter(state=PostState.SCHEDULED).count()
    assert spread == len(sample) * arguments.posts and scheduled == total, (spread, scheduled)

    with measured("baseline: bulk UPDATE of the times, no checks", results):
        baseline(total)

    return report(
        f"Spreading {total:,} approved posts",
        vendor,
        results,
        {"spread approved posts": TARGET} if vendor == "postgresql" else {},
    )


if __name__ == "__main__":
    run(main)
