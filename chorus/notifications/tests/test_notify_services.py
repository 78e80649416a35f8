"""Making in-app notifications, one or many at once."""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from chorus.notifications import services
from chorus.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_notices_for_several_members_are_made_in_one_statement_and_mailed_to_nobody(
    employee, reviewer, smtp
):
    notices = [
        services.Notice(
            member=member,
            kind=NotificationKind.POST_PUBLISHED,
            params={"network": "bluesky", "excerpt": f"Hello from {member.user.email}"},
            url=f"/o/acme/posts/{number}/",
        )
        for number, member in enumerate((employee, reviewer))
    ]

    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        made = services.notify_all(notices=notices)

    assert len(queries) == 1
    assert [(n.member, n.url) for n in made] == [
        (employee, "/o/acme/posts/0/"),
        (reviewer, "/o/acme/posts/1/"),
    ]
    stored = Notification.objects.get(member=reviewer)
    assert stored.params["excerpt"] == f"Hello from {reviewer.user.email}"
    assert stored.emailed_at is None
    assert smtp.mailbox.messages == []


def test_no_notices_make_nothing():
    assert services.notify_all(notices=[]) == []
    assert not Notification.objects.exists()
