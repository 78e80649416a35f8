"""The campaign tasks: offering a campaign, and the hourly evergreen job."""

from datetime import UTC, datetime, timedelta

from chorus.campaigns import tasks
from chorus.campaigns.models import Activity, CampaignState, Recurrence
from chorus.core.scheduler import registered_jobs, run_due_jobs
from chorus.sharing.models import FeedEntry


def test_offer_task_fills_the_feeds_of_a_live_campaign(approved, employee, reviewer):
    approved.state = CampaignState.LIVE
    approved.save(update_fields=["state"])

    added = tasks.offer_campaign_to_audience.call(campaign_id=approved.pk)

    assert added == FeedEntry.objects.filter(campaign=approved).count()
    assert FeedEntry.objects.filter(campaign=approved, member=employee).exists()


def test_offer_task_does_nothing_when_the_campaign_moved_on(approved):
    assert tasks.offer_campaign_to_audience.call(campaign_id=approved.pk) == 0
    assert tasks.offer_campaign_to_audience.call(campaign_id=approved.pk, pilot=True) == 0
    assert not FeedEntry.objects.exists()


def test_the_evergreen_job_runs_hourly():
    job = next(j for j in registered_jobs() if j.name == "campaigns.create_due_occurrences")

    assert job.every == timedelta(hours=1)
    assert job.task is tasks.create_due_occurrences


def test_the_scheduler_runs_the_evergreen_job(live):
    original = live.activities.get()
    Activity.objects.filter(pk=original.pk).update(
        recurrence=Recurrence.WEEKLY, next_occurrence_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    job = next(j for j in registered_jobs() if j.name == "campaigns.create_due_occurrences")

    run_due_jobs(jobs=[job])

    assert Activity.objects.filter(recurs_from=original).count() == 1
