"""The database-backed queue: a task enqueued here runs in a separate ``db_worker`` process.

A second process cannot open SQLite's in-memory test database, so on SQLite this
runs in test_serve.py instead, against a database file.
"""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.db import connection
from django.tasks import TaskResultStatus

from chorus.core.tasks import report_worker_pid


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_separate_db_worker_runs_the_task(settings, chorus_env):
    if connection.vendor != "postgresql":
        pytest.skip("needs a test database that another process can open (PostgreSQL)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = report_worker_pid.enqueue()

    command = ["db_worker", "--batch", "--no-reload", "--no-startup-delay"]
    worker = subprocess.run(
        [sys.executable, "-m", "django", *command],
        env={**chorus_env, "CHORUS_TASKS_BACKEND": "database", "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    result.refresh()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value != os.getpid()
    assert len(result.worker_ids) == 1
