"""Reminding everyone yet to accept the current version, at most once a day each; audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.notifications.models import Notification, NotificationKind
from chorus.policies import services
from chorus.policies.models import PolicyReminder
from chorus.policies.tests.helpers import MONDAY, publish

pytestmark = pytest.mark.django_db


def reminded_ids() -> set[int]:
    return set(
        Notification.objects.filter(kind=NotificationKind.POLICY_REMINDER).values_list(
            "member_id", flat=True
        )
    )


def test_everyone_who_has_not_accepted_is_reminded(owner, cast):
    version = publish(owner, now=MONDAY)
    services.acknowledge(member=cast["employee"], version=version, now=MONDAY)

    result = services.remind_pending(by=owner, now=MONDAY + timedelta(hours=1))

    expected = {m.pk for role, m in cast.items() if role != "employee"}
    assert reminded_ids() == expected
    assert (result.reminded, result.skipped) == (len(expected), 0)
    notification = Notification.objects.filter(kind=NotificationKind.POLICY_REMINDER)[0]
    assert notification.params["version"] == "1.0"
    assert notification.url == "/o/acme/policy/"


def test_nobody_is_reminded_twice_within_24_hours(owner, employee, admin):
    publish(owner, now=MONDAY)
    services.remind_pending(by=owner, now=MONDAY)
    Notification.objects.all().delete()

    soon = services.remind_pending(by=admin, now=MONDAY + timedelta(hours=23, minutes=59))

    assert (soon.reminded, soon.skipped) == (0, 3)
    assert reminded_ids() == set()

    next_day = services.remind_pending(by=admin, now=MONDAY + timedelta(hours=24, minutes=1))

    assert (next_day.reminded, next_day.skipped) == (3, 0)
    assert reminded_ids() == {owner.pk, employee.pk, admin.pk}
    assert PolicyReminder.objects.count() == 6


def test_reminding_is_audited(owner):
    publish(owner, now=MONDAY)

    services.remind_pending(by=owner, now=MONDAY)

    event = AuditEvent.objects.get(action=AuditAction.POLICY_REMINDERS_SENT)
    assert event.after == {"version": "1.0", "reminded": 1, "skipped": 0}
    assert event.actor == owner.user


def test_there_is_nothing_to_remind_of_without_a_policy(owner):
    with pytest.raises(ValidationError):
        services.remind_pending(by=owner)


@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_only_owners_and_admins_remind(owner, role, request):
    publish(owner)

    with pytest.raises(PermissionDenied):
        services.remind_pending(by=request.getfixturevalue(role))
    assert not Notification.objects.filter(kind=NotificationKind.POLICY_REMINDER).exists()


def test_the_reminder_is_emailed(
    owner, employee, smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    publish(owner, now=MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        services.remind_pending(by=owner, now=MONDAY)

    (mail,) = smtp.mailbox.to(employee.user.email)
    assert "please read and accept version 1.0" in smtp.mailbox.body_of(mail)
