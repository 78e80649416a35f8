"""``manage.py chorus_serve`` end to end: Granian, a database task worker and the scheduler."""

import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from chorus.core.tests.conftest import wait_until
from chorus.testing.smtp import free_port


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.status, response.read()


def finished_tasks(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT task_path, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE status = 'SUCCESSFUL'"
        ).fetchall()


@pytest.fixture
def migrated_env(chorus_env):
    env = {**chorus_env, "CHORUS_TASKS_BACKEND": "database", "CHORUS_SCHEDULER_INTERVAL": "1"}
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    return env


def test_chorus_serve_runs_the_whole_application(migrated_env, tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    database = Path(migrated_env["CHORUS_VAR_DIR"]) / "chorus.sqlite3"
    with log_path.open("wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "-m", "django", "chorus_serve", "--port", str(port)],
            env=migrated_env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        login = f"http://127.0.0.1:{port}/accounts/login/"
        wait_until(
            lambda: login in log_path.read_text() or serve.poll() is not None,
            timeout=60,
            message="chorus_serve never announced its login URL",
        )
        assert serve.poll() is None, log_path.read_text()

        assert fetch(login)[0] == 200
        status, stylesheet = fetch(f"http://127.0.0.1:{port}/static/chorus/chorus.css")
        assert status == 200
        assert stylesheet == (Path(__file__).parents[1] / "static/chorus/chorus.css").read_bytes()

        # The scheduler enqueues the hourly session purge at once; the worker runs it.
        wait_until(
            lambda: any("purge_expired_sessions" in path for path, _ in finished_tasks(database)),
            timeout=60,
            message="no worker ran the scheduled task",
        )

        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    output = log_path.read_text()
    assert "Stopping Chorus" in output
    with pytest.raises(OSError):
        fetch(login)
