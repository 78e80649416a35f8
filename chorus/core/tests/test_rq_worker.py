"""The Redis-backed queue: tasks enqueued here run in a separate ``rqworker`` process."""

import os
import subprocess
import sys

import pytest
from django.tasks import TaskResultStatus, default_task_backend, task
from django.tasks.exceptions import TaskResultDoesNotExist

from chorus.core.tasks import report_worker_pid

pytestmark = pytest.mark.redis


class DeliberateError(Exception):
    pass


@task
def fail_on_purpose(*, reason: str) -> None:
    raise DeliberateError(reason)


@pytest.fixture
def redis_backend(settings, redis_url):
    settings.TASKS = {
        "default": {"BACKEND": "chorus.core.rq_backend.RQBackend", "QUEUES": ["default"]}
    }
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    return redis_url


def run_worker_until_queue_is_empty(*, redis_url: str, env: dict[str, str]) -> None:
    env = {**env, "CHORUS_TASKS_BACKEND": "redis", "CHORUS_REDIS_URL": redis_url}
    command = ["rqworker", "default", "--burst", "--job-class", "chorus.core.rq_backend.Job"]
    worker = subprocess.run(
        [sys.executable, "-m", "django", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr


def test_a_separate_worker_process_runs_the_task(redis_backend, chorus_env):
    result = report_worker_pid.enqueue()
    assert not result.is_finished

    run_worker_until_queue_is_empty(redis_url=redis_backend, env=chorus_env)
    result.refresh()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert isinstance(result.return_value, int)
    assert result.return_value != os.getpid()
    assert len(result.worker_ids) == 1
    assert result.started_at is not None and result.finished_at is not None
    assert report_worker_pid.get_result(result.id).return_value == result.return_value


def test_a_failing_task_reports_its_exception(redis_backend, chorus_env):
    result = fail_on_purpose.enqueue(reason="testing failures")

    run_worker_until_queue_is_empty(redis_url=redis_backend, env=chorus_env)
    result.refresh()

    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is DeliberateError
    assert "testing failures" in result.errors[0].traceback


def test_unknown_results_raise_djangos_exception(redis_backend):
    with pytest.raises(TaskResultDoesNotExist):
        report_worker_pid.get_result("no-such-result")


def test_queues_without_a_redis_connection_fail_the_checks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "chorus.core.rq_backend.RQBackend", "QUEUES": ["default", "bulk"]}
    }

    errors = default_task_backend.check()

    assert [error.id for error in errors] == ["chorus.E001"]
    assert "'bulk'" in errors[0].msg
