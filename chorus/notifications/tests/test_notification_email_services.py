"""Mails sent at once for notifications that need the member to act."""

from email.message import EmailMessage
from typing import Any

import pytest
from django.test import TestCase

from chorus.conftest import smtp_mailers
from chorus.notifications import services
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership
from chorus.orgs.services import deactivate_member
from chorus.testing.smtp import SMTPServer


@pytest.fixture
def erin(employee):
    return employee


def only_message(smtp: SMTPServer) -> tuple[EmailMessage, str]:
    assert len(smtp.mailbox.messages) == 1
    message = smtp.mailbox.messages[0]
    return message, smtp.mailbox.body_of(message)


def notify_now(
    member: Membership, kind: NotificationKind, params: dict[str, Any], url: str
) -> Notification:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.notify(member=member, kind=kind, params=params, url=url, email_now=True)


def test_failed_post_mail_names_the_network_and_its_reason(erin, smtp):
    notification = notify_now(
        erin,
        NotificationKind.POST_FAILED,
        {"network": "linkedin", "reason": "The access token expired"},
        "/o/acme/posts/12/",
    )

    message, body = only_message(smtp)
    assert message["To"] == "erin.employee@acme.test"
    assert message["Subject"] == "Your post on LinkedIn was not published"
    assert "Hello Erin," in body
    assert "Your post on LinkedIn could not be published: The access token expired" in body
    assert "The network gave this reason: The access token expired" in body
    assert "See the post and try again:\r\nhttp://127.0.0.1:8000/o/acme/posts/12/" in body
    assert "http://127.0.0.1:8000/o/acme/notifications/settings/" in body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_reconnect_mail_links_to_the_reconnect_page(erin, smtp, settings):
    settings.SITE_URL = "https://chorus.example.org"

    notify_now(
        erin,
        NotificationKind.ACCOUNT_NEEDS_RECONNECT,
        {"account": "@erin", "network": "bluesky"},
        "/o/acme/accounts/4/reconnect/",
    )

    message, body = only_message(smtp)
    assert message["Subject"] == "Reconnect your Bluesky account @erin"
    assert "Reconnect your Bluesky account @erin: Chorus can no longer post with it." in body
    assert "posts scheduled on this account wait" in body
    assert (
        "Reconnect the account:\r\nhttps://chorus.example.org/o/acme/accounts/4/reconnect/" in body
    )


@pytest.mark.parametrize(
    ("kind", "params", "subject", "action"),
    [
        (
            NotificationKind.POSTS_CANCELLED,
            {"count": 2},
            "2 posts that had not gone out yet were cancelled.",
            "See your posts",
        ),
        (
            NotificationKind.RALLY_MISSED,
            {"rally": "Hiring week"},
            "The rally “Hiring week” did not reach its goal, so nothing was posted.",
            "See the rally",
        ),
        (
            NotificationKind.CAMPAIGN_REVIEW,
            {"campaign": "Spring"},
            "The campaign “Spring” is waiting for your review.",
            "Open the campaign",
        ),
    ],
)
def test_each_kind_has_its_own_subject_and_action(erin, smtp, kind, params, subject, action):
    notify_now(erin, kind, params, "/o/acme/somewhere/")

    message, body = only_message(smtp)
    assert message["Subject"] == subject
    assert f"{action}:\r\nhttp://127.0.0.1:8000/o/acme/somewhere/" in body


def test_missing_params_still_make_a_mail(erin, smtp):
    notify_now(erin, NotificationKind.POST_FAILED, {}, "")

    message, body = only_message(smtp)
    assert message["Subject"] == "Your post was not published"
    assert "Post failed" in body


def test_a_german_reader_gets_a_complete_mail(erin, smtp):
    erin.user.language = "de"
    erin.user.save(update_fields=["language"])

    notify_now(erin, NotificationKind.POST_FAILED, {"network": "x", "reason": "Nope"}, "/o/acme/")

    message, body = only_message(smtp)
    assert message["Subject"]
    assert "Nope" in body
    assert "http://127.0.0.1:8000/o/acme/" in body


def test_no_mail_unless_asked(erin, smtp):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify(member=erin, kind=NotificationKind.POST_PUBLISHED, params={"network": "x"})

    assert smtp.mailbox.messages == []


def test_a_notification_is_mailed_once(erin, smtp):
    notification = notify_now(erin, NotificationKind.POSTS_CANCELLED, {"count": 1}, "/o/acme/")

    again = services.send_notification_email(notification_id=notification.pk)

    assert again is False
    assert len(smtp.mailbox.messages) == 1


def test_deactivated_members_get_no_mail(erin, admin, smtp):
    deactivate_member(by=admin, member=erin)
    notification = Notification.objects.create(
        member=erin, kind=NotificationKind.POSTS_CANCELLED, params={"count": 1}
    )

    assert services.send_notification_email(notification_id=notification.pk) is False
    assert smtp.mailbox.messages == []


def test_a_failed_send_leaves_it_for_a_retry(erin, settings, smtp):
    notification = Notification.objects.create(
        member=erin, kind=NotificationKind.POSTS_CANCELLED, params={"count": 1}
    )
    settings.MAILERS = smtp_mailers(1)

    with pytest.raises(OSError):
        services.send_notification_email(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    settings.MAILERS = smtp_mailers(smtp.port)
    assert services.send_notification_email(notification_id=notification.pk) is True
