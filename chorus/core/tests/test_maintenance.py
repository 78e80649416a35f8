from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chorus.core.tasks import prune_task_results, purge_expired_sessions, report_worker_pid


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def stored_result(*, status: str, finished_days_ago: int | None) -> str:
    result = report_worker_pid.enqueue()
    finished_at = (
        None if finished_days_ago is None else timezone.now() - timedelta(days=finished_days_ago)
    )
    DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=finished_at)
    return result.id


def test_old_finished_task_results_are_pruned(db, database_backend, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    old_success = stored_result(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=20)
    old_failure = stored_result(status=TaskResultStatus.FAILED, finished_days_ago=15)
    recent = stored_result(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=13)
    waiting = stored_result(status=TaskResultStatus.READY, finished_days_ago=None)
    DBTaskResult.objects.filter(id=waiting).update(enqueued_at=timezone.now() - timedelta(days=30))

    deleted = prune_task_results.call()

    assert deleted == 2
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(pk) for pk in remaining} == {recent, waiting}
    assert old_success not in remaining and old_failure not in remaining


def test_expired_sessions_are_purged(db, immediate_tasks):
    expired = SessionStore()
    expired["who"] = "gone"
    expired.set_expiry(-60)
    expired.save()
    current = SessionStore()
    current["who"] = "here"
    current.save()

    purge_expired_sessions.enqueue()

    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
