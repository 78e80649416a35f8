"""Housekeeping that keeps the database from growing without bound."""

from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def prune_finished_task_results(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete finished results of the database task backend; returns how many went.

    Redis expires its own results (RQ_QUEUES' DEFAULT_RESULT_TTL).
    """
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return int(deleted)


def purge_expired_sessions() -> None:
    """What ``manage.py clearsessions`` does, for whichever session engine is configured."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
