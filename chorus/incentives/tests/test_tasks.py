"""The crediting job is registered with the scheduler and runs every minute."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.core.scheduler import registered_jobs, run_due_jobs
from chorus.incentives.models import Entry, EntryStatus
from chorus.incentives.tests.conftest import click_row, store_clicks
from chorus.links import counting

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_job_is_registered_every_minute():
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["incentives.credit_clicks"].every == timedelta(minutes=1)


def test_the_scheduler_runs_crediting(immediate_tasks, employee, joined, link):
    now = timezone.now()
    store_clicks(click_row(link, at=now - timedelta(minutes=30), address="198.51.100.1"))
    counting.count_new_clicks(now=now)
    jobs = [job for job in registered_jobs() if job.name == "incentives.credit_clicks"]

    run_due_jobs(jobs=jobs, now=now)

    assert Entry.objects.get().status == EntryStatus.CREDITED
