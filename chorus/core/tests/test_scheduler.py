import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import default_task_backend

from chorus.core import scheduler
from chorus.core.models import PeriodicJobState
from chorus.core.scheduler import PeriodicJob, claim_period, next_daily, run_due_jobs
from chorus.core.tasks import prune_task_results, purge_expired_sessions, report_worker_pid

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def dummy_backend(settings):
    """Django's recording backend: what the scheduler enqueues stays in .results."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def hourly() -> PeriodicJob:
    return PeriodicJob(name="test.hourly", task=report_worker_pid, every=timedelta(hours=1))


def nightly() -> PeriodicJob:
    return PeriodicJob(
        name="test.nightly", task=report_worker_pid, daily_at=time(3, 15), time_zone="UTC"
    )


def test_a_due_job_is_enqueued_once_per_period(db, dummy_backend):
    job = hourly()

    first = run_due_jobs(jobs=[job], now=START)
    again = run_due_jobs(jobs=[job], now=START + timedelta(minutes=59))
    next_period = run_due_jobs(jobs=[job], now=START + timedelta(hours=1))

    assert [result.task.name for result in first] == ["report_worker_pid"]
    assert again == []
    assert len(next_period) == 1
    assert len(dummy_backend.results) == 2
    state = PeriodicJobState.objects.get(name=job.name)
    assert state.next_run_at == START + timedelta(hours=2)
    assert state.last_task_result_id == next_period[0].id


def test_two_schedulers_claim_a_period_once(db):
    job = hourly()
    scheduler.sync_job_states(jobs=[job], now=START)

    assert claim_period(job=job, now=START) is True
    assert claim_period(job=job, now=START) is False
    assert claim_period(job=job, now=START + timedelta(seconds=30)) is False


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_enqueue_a_period_once(dummy_backend):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database serialises threads with table locks")
    job = hourly()
    scheduler.sync_job_states(jobs=[job], now=START)
    barrier = threading.Barrier(6)
    outcomes = []

    def race() -> None:
        barrier.wait()
        try:
            outcomes.append(scheduler.enqueue_if_due(job=job, now=START))
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 6
    assert len([outcome for outcome in outcomes if outcome is not None]) == 1


def test_a_job_is_not_enqueued_before_it_is_due(db, dummy_backend):
    job = nightly()

    assert run_due_jobs(jobs=[job], now=START) == []
    assert run_due_jobs(jobs=[job], now=START.replace(hour=3, minute=14, second=59)) == []
    assert len(run_due_jobs(jobs=[job], now=START.replace(hour=3, minute=15))) == 1
    assert len(dummy_backend.results) == 1


def test_interval_jobs_skip_periods_missed_while_no_scheduler_ran():
    job = hourly()
    previous = START

    assert job.next_run_after(previous=previous, now=previous) == START + timedelta(hours=1)
    late = START + timedelta(hours=3, minutes=30)
    assert job.next_run_after(previous=previous, now=late) == START + timedelta(hours=4)


def test_daily_jobs_follow_the_wall_clock_of_their_time_zone():
    helsinki = ZoneInfo("Europe/Helsinki")
    # Winter: 09:00 in Helsinki is 07:00 UTC, later the same day.
    winter = datetime(2026, 1, 10, 5, 0, tzinfo=UTC)
    assert next_daily(at=time(9), zone=helsinki, after=winter) == datetime(
        2026, 1, 10, 7, 0, tzinfo=UTC
    )
    # Summer time starts on 29 March 2026: the next 09:00 is 06:00 UTC.
    before_change = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert next_daily(at=time(9), zone=helsinki, after=before_change) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    # Exactly at the scheduled moment, the next run is tomorrow's.
    at_nine = datetime(2026, 1, 10, 7, 0, tzinfo=UTC)
    assert next_daily(at=time(9), zone=helsinki, after=at_nine) == datetime(
        2026, 1, 11, 7, 0, tzinfo=UTC
    )


def test_daily_jobs_use_the_configured_time_zone_by_default(settings):
    settings.TIME_ZONE = "America/New_York"
    job = PeriodicJob(name="test.local", task=report_worker_pid, daily_at=time(6))

    assert job.first_run(now=START) == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def test_a_changed_schedule_is_recomputed(db, dummy_backend):
    run_due_jobs(jobs=[nightly()], now=START)
    assert PeriodicJobState.objects.get().next_run_at == START.replace(hour=3, minute=15)

    rescheduled = PeriodicJob(name="test.nightly", task=report_worker_pid, every=timedelta(hours=6))

    assert len(run_due_jobs(jobs=[rescheduled], now=START)) == 1
    assert PeriodicJobState.objects.get().next_run_at == START + timedelta(hours=6)


def test_a_job_needs_exactly_one_schedule():
    with pytest.raises(Exception, match="either every or daily_at"):
        PeriodicJob(name="test.both", task=report_worker_pid)
    with pytest.raises(Exception, match="either every or daily_at"):
        PeriodicJob(
            name="test.both", task=report_worker_pid, every=timedelta(hours=1), daily_at=time(1)
        )


def test_chorus_registers_its_housekeeping_jobs():
    jobs = {job.name: job for job in scheduler.registered_jobs()}

    assert jobs["core.prune_task_results"].task == prune_task_results
    assert jobs["core.prune_task_results"].daily_at is not None
    assert jobs["core.purge_expired_sessions"].task == purge_expired_sessions


def test_the_scheduler_command_enqueues_what_is_due(db, immediate_tasks, capsys):
    call_command("chorus_scheduler", "--once")
    call_command("chorus_scheduler", "--once")

    output = capsys.readouterr().out
    # Interval jobs are due when first seen, daily ones at their next time of day.
    interval_jobs = sum(1 for job in scheduler.registered_jobs() if job.every is not None)
    assert interval_jobs > 1
    assert f"Enqueued {interval_jobs} periodic jobs." in output
    assert "Enqueued 0 periodic jobs." in output
    state = PeriodicJobState.objects.get(name="core.purge_expired_sessions")
    assert state.last_task_result_id
