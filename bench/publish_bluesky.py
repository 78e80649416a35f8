"""Benchmark: publishing 1,000 approved posts to a Bluesky PDS.

A real PDS runs on loopback (``scripts/pds-install`` installs it; see
chorus/testing/pds.py). One employee's account, connected with an app password,
has 1,000 scheduled posts; ``run_due_posts`` publishes them the way
``chorus_publish_due`` does: each post is claimed with its attempt recorded, sent
through the Bluesky connector, and its outcome recorded with a notification; the
network gets one post after another, while the claims and records run on two
threads beside it (chorus/core/stages.py). A third side
publishes the same way as a deployment does: ``run_due_posts`` enqueues a task of each
account's due posts and a ``db_worker`` process takes it from the queue. The posts
here are one account's, so each round makes one task, which one worker publishes.

The baseline, in the same run against the same PDS (a separate account), is a
plain loop of the atproto SDK posting the same texts, each the same record
Chorus makes: the text, its link and tag facets, and the link card. The target
is Chorus at no less than 0.9 times the baseline's posts per second.

    .venv/bin/python bench/publish_bluesky.py [--posts 1000]
    DATABASE_URL=postgres://... .venv/bin/python bench/publish_bluesky.py
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from common import ROOT, Measurement, measured, report, run, setup_django

TARGET_RATIO = 0.9
LINK = "https://acme.test/solar-tiles"
WARM_UP = 20
# Posts through each round's new task worker before its timing starts.
ROUND_WARM_UP = 4
# A task worker looking at an empty queue every 10 ms used about 8 clock ticks (1/100 s)
# in a quarter of a second on SQLite; one still starting Django uses about all 25.
IDLE_CHECK_SECONDS = 0.25
IDLE_TICKS = 15


def text_for(number: int) -> str:
    return (
        f"Day {number} with the solar tiles: quieter than I thought, and brighter. "
        f"Have a look:\n{LINK}\n\n#employee"
    )


def chorus_account(pds: object) -> object:
    from chorus.accounts.models import User
    from chorus.networks import services
    from chorus.networks.models import ConnectedAccount
    from chorus.orgs.models import Membership, Organisation
    from chorus.orgs.roles import Role
    from chorus.sharing import services as sharing_services

    on_pds = pds.create_account("chorus")  # type: ignore[attr-defined]
    organisation = Organisation.objects.create(name="Benchmark", slug="bench")
    user = User.objects.create_user("erin@bench.test", "unused password", full_name="Erin")
    member = Membership.objects.create(organisation=organisation, user=user, role=Role.EMPLOYEE)
    sharing_services.join_programme(member=member)
    account = services.connect_with_password(
        by=member,
        network="bluesky",
        server=pds.url,  # type: ignore[attr-defined]
        identifier=on_pds.handle,
        password=on_pds.app_password,
    )
    ConnectedAccount.objects.filter(pk=account.pk).update(takes_part=True)
    account.refresh_from_db()
    return account


def schedule_posts(account: object, count: int, *, first: int, due: object) -> None:
    from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
    from chorus.publishing.models import Post, PostState, text_fingerprint

    campaign = Campaign.objects.create(
        organisation=account.organisation,  # type: ignore[attr-defined]
        name=f"Launch {first}",
        state=CampaignState.LIVE,
        networks=["bluesky"],
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title="Share the launch",
        link_url=LINK,
        link_title="Solar tiles",
        link_description="Roof tiles that make electricity.",
    )
    texts = [text_for(number) for number in range(first, first + count)]
    Post.objects.bulk_create(
        Post(
            organisation=account.organisation,  # type: ignore[attr-defined]
            member=account.member,  # type: ignore[attr-defined]
            account=account,
            network="bluesky",
            activity=activity,
            text=text,
            link_url=LINK,
            approved_text_sha256=text_fingerprint(text),
            approved_at=due,
            state=PostState.SCHEDULED,
            scheduled_for=due,
            next_attempt_at=due,
        )
        for text in texts
    )


def publish_with_chorus(count: int) -> None:
    from django.utils import timezone

    from chorus.publishing import pipeline

    taken = pipeline.run_due_posts(now=timezone.now(), limit=count, synchronous=True)
    assert taken == count, (taken, count)


class TaskWorker:
    """A task worker as Chorus is deployed (docs/deployment.md): a ``manage.py db_worker``
    process taking the publishing tasks from the database queue. ``run_due_posts``
    enqueues one per account with due posts when its transaction commits, as the
    scheduler's periodic job does; posts are claimed under their row locks, so none is
    sent twice.

    Started for its side of each round and stopped after it: an idle worker looks at the
    queue a hundred times a second, which took enough of the two cores to slow the
    other sides down (on PostgreSQL the plain loop from 33 to 23-26 posts a second with
    three workers idling). A few posts go through a new worker before the timing, so
    Django's start and the first task's imports are not counted.
    """

    def __init__(self) -> None:
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        # Polled this often only while the queue is empty: a task is picked up at once.
        command += ["--interval", "0.01", "--verbosity", "0"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL
        )

    def wait_until_idle(self, *, timeout: float = 120) -> None:
        """Until the worker has started and only looks at the queue now and then."""
        deadline = time.monotonic() + timeout
        used = self._cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(IDLE_CHECK_SECONDS)
            used, before = self._cpu_ticks(), used
            if used - before <= IDLE_TICKS:
                return
        raise RuntimeError("The task worker did not settle")

    def _cpu_ticks(self) -> int:
        """CPU time the worker used so far, in clock ticks (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime and stime

    def publish(self, count: int) -> float:
        """Seconds from the scheduler's run to the end of the task it enqueued.

        The end is the time the worker stored with the task's result. Asking for it
        every 50 ms costs this process little CPU time, and the interval does not add
        to the timing, as waiting for the posts to show up as published would."""
        from django.db import transaction
        from django.tasks import TaskResultStatus
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from chorus.publishing import pipeline

        started = timezone.now()
        with transaction.atomic():
            taken = pipeline.run_due_posts(now=started, limit=count)
        assert taken == count, (taken, count)
        tasks = DBTaskResult.objects.filter(enqueued_at__gte=started)
        while not (ends := list(tasks.values_list("finished_at", flat=True))) or None in ends:
            time.sleep(0.05)
            assert self.process.poll() is None, "the worker died"
        assert tasks.filter(status=TaskResultStatus.SUCCESSFUL).count() == len(ends) == 1
        finished = ends[0]
        assert finished is not None
        return (finished - started).total_seconds()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def through_task_worker(account: object, count: int, *, warm_up_from: int, due: object) -> float:
    """Seconds for ``count`` posts through a new task worker, after a few untimed ones.

    One worker: each round's posts are one task. A second worker would take the warm-up
    or the timed task, and the other then pays its first task's imports in the timing.
    """
    schedule_posts(account, ROUND_WARM_UP, first=warm_up_from, due=due)
    worker = TaskWorker()
    try:
        worker.publish(ROUND_WARM_UP)
        worker.wait_until_idle()
        return worker.publish(count)
    finally:
        worker.stop()


def publish_count() -> int:
    from chorus.publishing.models import Post, PostState

    return Post.objects.filter(state=PostState.PUBLISHED).count()


def plain_client(pds: object) -> tuple[object, str]:
    from atproto import Client

    on_pds = pds.create_account("plain")  # type: ignore[attr-defined]
    client = Client(base_url=pds.url)  # type: ignore[attr-defined]
    client.login(on_pds.handle, on_pds.app_password, fetch_bsky_profile=False)
    return client, on_pds.did


def publish_plainly(client: object, did: str, texts: list[str]) -> None:
    from atproto import models
    from atproto_client.utils import facet_detection

    card = models.AppBskyEmbedExternal.Main(
        external=models.AppBskyEmbedExternal.External(
            uri=LINK, title="Solar tiles", description="Roof tiles that make electricity."
        )
    )
    for text in texts:
        client.send_post(  # type: ignore[attr-defined]
            text, profile_identify=did, facets=facet_detection.detect_facets(text), embed=card
        )


def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=10)
    arguments = parser.parse_args()
    # The deployed default: tasks go through the database queue (the one-worker side
    # publishes in this process and enqueues nothing for publishing).
    os.environ["CHORUS_TASKS_BACKEND"] = "database"
    vendor = setup_django()

    from django.utils import timezone

    from chorus.testing.pds import running_pds

    count, rounds = arguments.posts, arguments.rounds
    per_round = count // rounds
    assert per_round * rounds == count, "--posts must be a multiple of --rounds"
    results: list[Measurement] = []
    with running_pds() as pds:
        with measured("set-up: accounts and scheduled posts", results, f"{count:,} posts"):
            account = chorus_account(pds)
            client, plain_did = plain_client(pds)
            due = timezone.now() - timedelta(minutes=1)
            schedule_posts(account, WARM_UP, first=-WARM_UP, due=due)
            publish_with_chorus(WARM_UP)
            publish_plainly(client, plain_did, [text_for(n) for n in range(-WARM_UP, 0)])
            schedule_posts(account, count, first=0, due=due)

        # Interleaved rounds, each side first in every other one: whatever else the
        # machine does meanwhile weighs on both alike.
        texts = [text_for(n) for n in range(count)]
        seconds = {"chorus": 0.0, "workers": 0.0, "plain": 0.0}
        schedule_posts(account, count, first=count, due=due)
        with measured("all, interleaved", results, f"{rounds} rounds of {per_round:,} each"):
            for round_ in range(rounds):
                chunk = texts[round_ * per_round : (round_ + 1) * per_round]
                sides = ["plain", "chorus", "workers"]
                # Each side goes first in turn: whatever else the machine does weighs alike.
                sides = sides[round_ % 3 :] + sides[: round_ % 3]
                for side in sides:
                    if side == "workers":
                        warm_up_from = -WARM_UP - (round_ + 1) * ROUND_WARM_UP
                        seconds[side] += through_task_worker(
                            account, per_round, warm_up_from=warm_up_from, due=due
                        )
                        continue
                    started = time.perf_counter()
                    if side == "plain":
                        publish_plainly(client, plain_did, chunk)
                    else:
                        publish_with_chorus(per_round)
                    seconds[side] += time.perf_counter() - started
        peak = results[-1].peak_mib

        expected = 2 * count + WARM_UP + rounds * ROUND_WARM_UP
        published = publish_count()
        assert published == expected, published
        on_pds = len(pds.list_records(account.external_id))  # type: ignore[attr-defined]
        assert on_pds == expected, on_pds
        assert len(pds.list_records(plain_did)) == count + WARM_UP

    results += [
        Measurement("baseline: plain atproto SDK loop", seconds["plain"], peak, f"{count:,} posts"),
        Measurement(
            "Chorus: one worker (run_due_posts)", seconds["chorus"], peak, f"{count:,} posts"
        ),
        Measurement(
            "Chorus: a task worker (db_worker)",
            seconds["workers"],
            peak,
            f"{count:,} posts",
        ),
    ]
    met = report(f"Publishing {count:,} posts to a local PDS", vendor, results, {})
    plain_rate = count / seconds["plain"]
    print(f"\nPlain SDK loop {plain_rate:.1f} posts/s ({1000 / plain_rate:.1f} ms each)")
    ratios = {}
    for side, label in (("chorus", "one worker"), ("workers", "a task worker")):
        rate = count / seconds[side]
        ratios[side] = rate / plain_rate
        verdict = "met" if ratios[side] >= TARGET_RATIO else "MISSED"
        print(
            f"Chorus, {label}: {rate:.1f} posts/s ({1000 / rate:.1f} ms each), "
            f"ratio {ratios[side]:.2f} ({verdict}, target ≥ {TARGET_RATIO})"
        )
    return met and ratios["chorus"] >= TARGET_RATIO


if __name__ == "__main__":
    run(main)
