"""The periodic review: owners and admins are reminded once per due period; confirming resets."""

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.core.scheduler import registered_jobs, run_due_jobs
from chorus.notifications.models import Notification, NotificationKind
from chorus.register import services
from chorus.register.models import RegisterEntry
from chorus.register.tests.conftest import company_page

DAY = timedelta(days=1)


def reminders() -> QuerySet[Notification]:
    return Notification.objects.filter(kind=NotificationKind.REGISTER_REVIEW_DUE)


@pytest.fixture
def added_at():
    return timezone.now() - 100 * DAY


@pytest.fixture
def entries(admin, added_at):
    """Two accounts written down 100 days ago and never reviewed."""
    made = [
        services.add_entry(
            by=admin,
            network="x",
            handle=handle,
            ownership="company",
            credentials_place="Vault",
            now=added_at,
        )
        for handle in ("@acme", "@acme_support")
    ]
    RegisterEntry.objects.update(created_at=added_at)
    return made


def test_due_entries_notify_owners_and_admins_once(
    entries, owner, admin, content_manager, employee
):
    now = timezone.now()

    assert services.send_review_reminders(now=now) == 1
    assert services.send_review_reminders(now=now + DAY) == 0

    assert sorted(n.member.pk for n in reminders()) == sorted([owner.pk, admin.pk])
    notification = reminders()[0]
    assert notification.url == "/o/acme/register/"
    assert "2 accounts in the register are due for review" in notification.message


def test_nothing_is_due_within_the_review_period(admin, owner):
    services.add_entry(
        by=admin, network="x", handle="@acme", ownership="company", credentials_place="V"
    )

    assert services.send_review_reminders(now=timezone.now() + 89 * DAY) == 0
    assert not reminders().exists()


def test_the_organisation_chooses_how_often(admin, owner, entries):
    services.update_register_settings(by=admin, review_every_days=365)

    assert services.send_review_reminders(now=timezone.now()) == 0


def test_confirming_resets_and_the_next_period_reminds_again(entries, admin, owner):
    now = timezone.now()
    services.send_review_reminders(now=now)

    assert services.confirm_register(by=admin, now=now + DAY) == 2

    assert all(e.last_reviewed_at == now + DAY for e in RegisterEntry.objects.all())
    assert services.send_review_reminders(now=now + 30 * DAY) == 0
    assert services.send_review_reminders(now=now + 92 * DAY) == 1
    assert reminders().count() == 4  # two managers, two periods
    event = AuditEvent.objects.get(action=AuditAction.REGISTER_CONFIRMED)
    assert (event.after or {})["entries"] == 2


def test_confirming_includes_connected_accounts_not_yet_listed(admin):
    company_page(admin)

    assert services.confirm_register(by=admin) == 1


def test_one_entry_marked_reviewed_is_no_longer_due(entries, admin, owner):
    now = timezone.now()
    services.mark_reviewed(by=admin, entry=entries[0], now=now)

    services.send_review_reminders(now=now)

    assert "1 account in the register is due" in reminders()[0].message
    event = AuditEvent.objects.get(action=AuditAction.REGISTER_ENTRY_REVIEWED)
    assert event.before == {"last_reviewed_at": None}


def test_other_organisations_managers_are_not_told(entries, outsider):
    services.send_review_reminders(now=timezone.now())

    assert not reminders().filter(member=outsider).exists()


def test_the_job_is_registered_and_runs(entries, owner, immediate_tasks):
    jobs = [job for job in registered_jobs() if job.name.startswith("register.")]

    assert [job.name for job in jobs] == ["register.send_review_reminders"]
    run_due_jobs(jobs=jobs, now=timezone.now())

    assert reminders().filter(member=owner).exists()
