"""A worker killed mid-publish: real ``chorus_publish_due`` processes on a shared SQLite file.

The worker process runs with a connector that stops just before or just after the
network has the post, and is killed there with SIGKILL. Recovery, after the lease,
must find out which it was: no post is lost and none is published twice.
"""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from chorus.conftest import make_member
from chorus.networks.connectors.base import OutgoingPost, PublishedPost
from chorus.networks.connectors.outbox import OutboxConnector
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.orgs.models import Organisation
from chorus.orgs.roles import Role
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.publishing.tests.factories import T0, connect, join_programme, scheduled_post
from chorus.testing.sqlite_file import default_database_on_file

STALL_ENV = "CHORUS_TEST_STALL"  # "before_send" or "after_send"
MARKER_ENV = "CHORUS_TEST_STALL_MARKER"
LEASE = timedelta(minutes=10)


class StallingConnector:
    """The outbox, but the process stops before or after recording, as told by its environment."""

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        stall = os.environ.get(STALL_ENV, "")
        if stall == "before_send":
            self._stall()
        published = OutboxConnector().publish(account, post)
        if stall == "after_send":
            self._stall()
        return published

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        return OutboxConnector().find_published(account, idempotency_key)

    def _stall(self) -> None:
        Path(os.environ[MARKER_ENV]).touch()
        while True:
            time.sleep(60)  # until killed


def wait_until(condition: Callable[[], bool], *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.05)


def child_env(var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CHORUS_ENV": "development",
        "CHORUS_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'chorus.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "chorus.settings",
        "CHORUS_TASKS_BACKEND": "database",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test."""
    var_dir = tmp_path_factory.mktemp("publishing-template")
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput"],
        env=child_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    return var_dir / "chorus.sqlite3"


@pytest.fixture
def shared_database(migrated_database: Path, tmp_path: Path, db: None) -> Iterator[Path]:
    """This test's ORM calls go to a database file that child processes open too.

    (The usual test database lives in this process's memory, out of their reach.)
    """
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    shutil.copy(migrated_database, var_dir / "chorus.sqlite3")
    with default_database_on_file(var_dir / "chorus.sqlite3"):
        yield var_dir


def publish_due(var_dir: Path, *, at: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "django", "chorus_publish_due", "--now", at],
        env={**child_env(var_dir), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill_while_stalled(var_dir: Path, *, stall: str, until: Callable[[], bool]) -> None:
    marker = var_dir / "stalled"
    worker = publish_due(
        var_dir,
        at=T0.isoformat(),
        DJANGO_SETTINGS_MODULE="chorus.publishing.tests.worker_settings",
        **{STALL_ENV: stall, MARKER_ENV: str(marker)},
    )
    try:
        wait_until(
            lambda: (marker.exists() and until()) or worker.poll() is not None,
            timeout=120,
            message="the worker never reached the network, or did not commit what it did first",
        )
        assert worker.poll() is None, worker.communicate()[0]
    finally:
        worker.kill()  # SIGKILL: no cleanup, no rollback handlers, nothing recorded
        worker.communicate(timeout=30)
    assert worker.returncode == -9


def recover(var_dir: Path, *, at: str) -> str:
    worker = publish_due(var_dir, at=at)
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    return output


@pytest.fixture
def post(shared_database: Path) -> Post:
    organisation = Organisation.objects.create(name="Acme Ltd", slug="acme")
    member = make_member(organisation, Role.EMPLOYEE, "erin.employee@acme.test")
    join_programme(member)
    return scheduled_post(connect(member))


def outbox_copies(post: Post) -> int:
    return OutboxPost.objects.filter(idempotency_key=str(post.idempotency_key)).count()


def outcomes(post: Post) -> list[str]:
    return list(post.attempts.order_by("started_at", "pk").values_list("outcome", flat=True))


def test_killed_after_sending_recovery_finds_the_post_on_the_network(shared_database, post):
    kill_while_stalled(shared_database, stall="after_send", until=lambda: outbox_copies(post) == 1)

    # The claim and its open attempt were committed before the network was called.
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING
    assert outcomes(post) == [AttemptOutcome.STARTED]

    # Within the lease nothing is touched: the worker might only be slow.
    recover(shared_database, at=(T0 + LEASE - timedelta(seconds=1)).isoformat())
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING

    output = recover(shared_database, at=(T0 + LEASE + timedelta(minutes=1)).isoformat())

    assert "Recovered 1" in output
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert outcomes(post) == [AttemptOutcome.INTERRUPTED, AttemptOutcome.FOUND_PUBLISHED]
    assert post.external_id == f"outbox-{OutboxPost.objects.get().pk}"
    assert outbox_copies(post) == 1
    assert OutboxPost.objects.count() == 1


def test_killed_before_sending_recovery_sends_it_once(shared_database, post):
    kill_while_stalled(
        shared_database,
        stall="before_send",
        until=lambda: Post.objects.filter(pk=post.pk, state=PostState.PUBLISHING).exists(),
    )
    assert outbox_copies(post) == 0

    recover(shared_database, at=(T0 + LEASE + timedelta(minutes=1)).isoformat())

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert outcomes(post) == [AttemptOutcome.INTERRUPTED, AttemptOutcome.PUBLISHED]
    interrupted = post.attempts.order_by("started_at", "pk").first()
    assert interrupted is not None
    assert interrupted.retry_at == T0 + LEASE + timedelta(minutes=1)
    assert outbox_copies(post) == 1
    assert OutboxPost.objects.count() == 1

    # Running again settles nothing more and sends nothing more.
    recover(shared_database, at=(T0 + timedelta(hours=2)).isoformat())
    assert outbox_copies(post) == 1
    assert post.attempts.count() == 2
