"""A worker killed mid-publish to a real PDS: real ``chorus_publish_due`` processes.

They share a SQLite file with this test (the ``shared_database`` fixture of the
publishing crash tests, made available in this package's conftest).

The worker runs the Bluesky connector, which stops just before calling the PDS or
just after ``createRecord`` returned (before the pipeline recorded anything), and
is killed there with SIGKILL. Recovery after the lease asks the PDS, by the post's
record key, whether the post is there: the account's repository ends up with the
post exactly once either way.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from chorus.conftest import make_member
from chorus.networks import services
from chorus.networks.connectors.base import OutgoingPost, PublishedPost
from chorus.networks.connectors.bluesky.connector import BlueskyConnector
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Organisation
from chorus.orgs.roles import Role
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.publishing.tests.factories import T0, join_programme, scheduled_post
from chorus.publishing.tests.test_pipeline_crash import child_env, wait_until

STALL_ENV = "CHORUS_TEST_BLUESKY_STALL"  # "before_send" or "after_send"
MARKER_ENV = "CHORUS_TEST_BLUESKY_STALL_MARKER"
LEASE = timedelta(minutes=10)
LINK = "https://acme.test/solar"
TEXT = f"Tiles on my own roof since May ☀️\n{LINK}\n\n#employee"


class StallingBlueskyConnector(BlueskyConnector):
    """The Bluesky connector, stopping before or after the PDS has the post, as told."""

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        stall = os.environ.get(STALL_ENV, "")
        if stall == "before_send":
            self._stall()
        published = super().publish(account, post)
        if stall == "after_send":
            self._stall()
        return published

    def _stall(self) -> None:
        Path(os.environ[MARKER_ENV]).touch()
        while True:
            time.sleep(60)  # until killed


def worker_env(var_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **child_env(var_dir),
        # The PDS is on loopback, and the credentials were encrypted by this process.
        "CHORUS_ALLOW_PRIVATE_SERVERS": "true",
        "CHORUS_TOKEN_KEYS": ",".join(settings.CHORUS_TOKEN_KEYS),
        **extra,
    }


def publish_due(var_dir: Path, *, at: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "django", "chorus_publish_due", "--now", at],
        env=worker_env(var_dir, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill_while_stalled(var_dir: Path, *, stall: str, until: Callable[[], bool]) -> None:
    marker = var_dir / "stalled"
    worker = publish_due(
        var_dir,
        at=T0.isoformat(),
        DJANGO_SETTINGS_MODULE="chorus.networks.tests.bluesky.worker_settings",
        **{STALL_ENV: stall, MARKER_ENV: str(marker)},
    )
    try:
        wait_until(
            lambda: (marker.exists() and until()) or worker.poll() is not None,
            timeout=120,
            message="the worker never reached the PDS",
        )
        assert worker.poll() is None, worker.communicate()[0]
    finally:
        worker.kill()  # SIGKILL: nothing after the network call is recorded
        worker.communicate(timeout=30)
    assert worker.returncode == -9


def run_worker(var_dir: Path, *, at: str) -> str:
    worker = publish_due(var_dir, at=at)
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    return output


@pytest.fixture
def post(shared_database, pds) -> Post:
    organisation = Organisation.objects.create(name="Acme Ltd", slug="acme")
    member = make_member(organisation, Role.EMPLOYEE, "erin.employee@acme.test")
    join_programme(member)
    on_pds = pds.create_account("erin")
    account = services.connect_with_password(
        by=member,
        network="bluesky",
        server=pds.url,
        identifier=on_pds.handle,
        password=on_pds.app_password,
    )
    ConnectedAccount.objects.filter(pk=account.pk).update(takes_part=True)
    account.refresh_from_db()
    post = scheduled_post(account, text=TEXT)
    Post.objects.filter(pk=post.pk).update(link_url=LINK)
    post.refresh_from_db()
    return post


def outcomes(post: Post) -> list[str]:
    return list(post.attempts.order_by("started_at", "pk").values_list("outcome", flat=True))


def test_killed_after_create_record_recovery_finds_the_one_post(shared_database, pds, post):
    did = post.account.external_id
    kill_while_stalled(
        shared_database, stall="after_send", until=lambda: len(pds.list_records(did)) == 1
    )

    # The PDS has the post; Chorus has only the claim and its open attempt.
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING
    assert outcomes(post) == [AttemptOutcome.STARTED]
    [record] = pds.list_records(did)
    assert record["value"]["text"] == TEXT

    output = run_worker(shared_database, at=(T0 + LEASE + timedelta(minutes=1)).isoformat())

    assert "Recovered 1" in output
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert outcomes(post) == [AttemptOutcome.INTERRUPTED, AttemptOutcome.FOUND_PUBLISHED]
    assert post.external_id == record["uri"]
    # The worker again, later: nothing more goes out.
    run_worker(shared_database, at=(T0 + timedelta(hours=2)).isoformat())
    assert [r["uri"] for r in pds.list_records(did)] == [record["uri"]]
    post.refresh_from_db()
    assert post.attempts.count() == 2


def test_killed_before_create_record_recovery_posts_it_once(shared_database, pds, post):
    did = post.account.external_id
    kill_while_stalled(
        shared_database,
        stall="before_send",
        until=lambda: Post.objects.filter(pk=post.pk, state=PostState.PUBLISHING).exists(),
    )
    assert pds.list_records(did) == []

    run_worker(shared_database, at=(T0 + LEASE + timedelta(minutes=1)).isoformat())

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert outcomes(post) == [AttemptOutcome.INTERRUPTED, AttemptOutcome.PUBLISHED]
    [record] = pds.list_records(did)
    assert record["uri"] == post.external_id
    assert record["value"]["text"] == TEXT
    run_worker(shared_database, at=(T0 + timedelta(hours=2)).isoformat())
    assert len(pds.list_records(did)) == 1
