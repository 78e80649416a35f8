"""Account changes shared by every network's connector and connection flow."""

from datetime import timedelta
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.conftest import make_member
from chorus.networks import services
from chorus.networks.connectors.base import Credentials
from chorus.networks.models import AccountStatus
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.roles import Role
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import T0, connect, scheduled_post
from chorus.sharing.selectors import DEFAULT_MIN_GAP


@pytest.mark.django_db
def test_the_owner_is_asked_to_reconnect_once(employee, django_capture_on_commit_callbacks):
    account = connect(employee)

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.mark_needs_reconnect(account=account, reason="Expired", now=T0)
        assert not services.mark_needs_reconnect(account=account, reason="Expired", now=T0)

    account.refresh_from_db()
    assert (account.status, account.status_reason) == (AccountStatus.NEEDS_RECONNECT, "Expired")
    notice = Notification.objects.get(kind=NotificationKind.ACCOUNT_NEEDS_RECONNECT)
    assert notice.params == {"network": "outbox", "account": "@erin", "reason": "Expired"}
    assert len(callbacks) == 1  # one email


@pytest.mark.django_db
def test_mark_reconnected_gives_overdue_posts_new_times_and_keeps_new_credentials(employee):
    account = connect(employee, status=AccountStatus.NEEDS_RECONNECT)
    overdue = scheduled_post(account, at=T0)
    later = scheduled_post(account, at=T0 + timedelta(days=1))
    failed = scheduled_post(account, at=T0, state=PostState.FAILED)
    now = T0 + timedelta(hours=3)

    assert (
        services.mark_reconnected(
            account=account, credentials=Credentials(access_token="new-token"), now=now
        )
        == 1
    )

    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.credentials.access_token == "new-token"
    overdue.refresh_from_db()
    # The next free time, later today within working hours (09:00 to 17:00 in UTC here).
    assert overdue.state == PostState.SCHEDULED
    assert overdue.scheduled_for == overdue.next_attempt_at
    assert overdue.next_attempt_at is not None
    assert now <= overdue.next_attempt_at < now.replace(hour=17)
    for post, expected in ((later, T0 + timedelta(days=1)), (failed, None)):
        post.refresh_from_db()
        assert post.next_attempt_at == expected


@pytest.mark.django_db
def test_overdue_posts_of_a_reconnected_account_are_spread_not_sent_in_a_burst(employee):
    account = connect(employee, status=AccountStatus.NEEDS_RECONNECT)
    overdue = [
        scheduled_post(account, text=f"Post {n}.", at=T0 + timedelta(minutes=n)) for n in range(3)
    ]
    other_account = connect(employee, handle="@erin.other")
    elsewhere = scheduled_post(other_account, at=T0 + timedelta(hours=4))
    now = T0 + timedelta(hours=2)

    services.mark_reconnected(account=account, now=now)

    times = sorted(
        at
        for at in Post.objects.filter(pk__in=[p.pk for p in overdue]).values_list(
            "next_attempt_at", flat=True
        )
        if at is not None
    )
    assert len(times) == 3
    assert times[0] >= now
    assert all(9 <= t.hour < 17 for t in times)  # working hours, in UTC here
    # The author's usual gap between any two of their posts, the other account's included.
    assert elsewhere.next_attempt_at is not None
    for a, b in combinations([*times, elsewhere.next_attempt_at], 2):
        assert abs(a - b) >= DEFAULT_MIN_GAP


@pytest.mark.django_db
def test_only_the_owner_changes_an_account(employee):
    account = connect(employee)
    colleague = make_member(employee.organisation, Role.EMPLOYEE, "eve@acme.test")

    with pytest.raises(ValidationError):
        services.disconnect_account(by=colleague, account=account)
    with pytest.raises(ValidationError):
        services.update_account_settings(
            by=colleague, account=account, takes_part=False, daily_cap=1
        )
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


@pytest.mark.django_db
def test_disconnecting_twice_is_refused(employee):
    account = connect(employee)
    services.disconnect_account(by=employee, account=account)

    with pytest.raises(ValidationError, match="already disconnected"):
        services.disconnect_account(by=employee, account=account)


@pytest.mark.django_db
def test_reconnecting_a_network_without_its_flow_is_not_offered(employee):
    account = connect(employee, network="mastodon", status=AccountStatus.NEEDS_RECONNECT)

    with pytest.raises(ValidationError, match="not available yet"):
        services.reconnect_account(by=employee, account=account)


@pytest.mark.django_db
def test_the_outbox_cannot_be_connected_when_disabled(employee, settings):
    settings.CHORUS_OUTBOX_ENABLED = False

    with pytest.raises(ValidationError):
        services.connect_outbox_account(by=employee, handle="@erin")


@pytest.mark.django_db
def test_a_disconnected_handle_can_be_connected_again(employee):
    first = services.connect_outbox_account(by=employee, handle="@erin")
    services.disconnect_account(by=employee, account=first)

    second = services.connect_outbox_account(by=employee, handle="@erin")

    assert second.pk != first.pk
    assert second.status == AccountStatus.ACTIVE


@pytest.mark.django_db
def test_reconnecting_and_changing_settings_are_audited(employee):
    account = connect(employee, status=AccountStatus.NEEDS_RECONNECT)

    services.reconnect_account(by=employee, account=account, now=T0)
    services.update_account_settings(by=employee, account=account, takes_part=True, daily_cap=3)

    events = list(AuditEvent.objects.order_by("pk").values_list("action", "object_id", "actor"))
    assert events == [
        (AuditAction.ACCOUNT_RECONNECTED, str(account.pk), employee.user_id),
        (AuditAction.ACCOUNT_SETTINGS_CHANGED, str(account.pk), employee.user_id),
    ]
    change = AuditEvent.objects.get(action=AuditAction.ACCOUNT_SETTINGS_CHANGED)
    assert change.after is not None and change.after["daily_cap"] == 3
