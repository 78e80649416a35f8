"""The periodic jobs: counting clicks every minute, forgetting old salts and visits hourly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.core.scheduler import registered_jobs, run_due_jobs
from chorus.links.models import Click, VisitorSalt
from chorus.links.tests.conftest import add_click

pytestmark = pytest.mark.django_db


def test_the_jobs_are_registered_with_the_scheduler():
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["links.count_clicks"].every == timedelta(minutes=1)
    assert jobs["links.prune_visitor_data"].every == timedelta(hours=1)


def test_the_scheduler_runs_counting_and_pruning(immediate_tasks, link):
    now = timezone.now()
    add_click(link, at=now - timedelta(minutes=2))
    VisitorSalt.objects.create(day=now.date() - timedelta(days=3), salt="00" * 32)
    links_jobs = [job for job in registered_jobs() if job.name.startswith("links.")]

    run_due_jobs(jobs=links_jobs, now=now)

    assert Click.objects.get().counted is True
    assert not VisitorSalt.objects.exists()
