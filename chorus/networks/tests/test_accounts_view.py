"""The member's connected accounts: status, choices, connecting, reconnecting, disconnecting."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.utils import timezone

from chorus.audit.models import AuditEvent
from chorus.conftest import make_member
from chorus.networks.connectors.base import Credentials
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.roles import Role
from chorus.publishing.models import PostState
from chorus.publishing.tests.factories import T0, connect, join_programme, scheduled_post
from chorus.sharing.selectors import DEFAULT_MIN_GAP

ACCOUNTS = "/o/acme/accounts/"


@pytest.fixture
def account(employee):
    join_programme(employee)
    account = connect(employee)
    account.credentials = Credentials(access_token="secret-token")
    account.daily_cap = 4
    account.save()
    return account


def html_of(response: HttpResponse) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_lists_the_members_own_accounts_with_status_and_choices(account, employee, login):
    colleague = make_member(employee.organisation, Role.EMPLOYEE, "eve@acme.test")
    connect(colleague, handle="@eve-secret")
    connect(employee, handle="@old-one", status=AccountStatus.DISCONNECTED)

    html = html_of(login(employee).get(ACCOUNTS))

    assert "@erin" in html
    assert "@eve-secret" not in html
    assert "@old-one" not in html
    assert "Connected" in html
    assert "Takes part in the programme" in html
    assert "at most 4 posts a day" in html
    assert "posts are recorded in Chorus, not sent to any network" in html
    # Networks needing the organisation's own app stay hidden until it is configured.
    assert 'href="/o/acme/accounts/connect/bluesky/"' in html
    assert 'action="/o/acme/accounts/connect/mastodon/start/"' in html
    assert "/connect/linkedin/" not in html
    assert "/connect/facebook/" not in html


@pytest.mark.django_db
def test_every_member_finds_the_page_in_the_menu(employee, login):
    html = html_of(login(employee).get("/o/acme/"))

    assert f'href="{ACCOUNTS}"' in html


@pytest.mark.django_db
def test_an_account_needing_reconnection_shows_why_and_how(account, employee, login):
    ConnectedAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.NEEDS_RECONNECT, status_reason="Token revoked"
    )
    bluesky = connect(employee, handle="@erin.bsky.social", network="bluesky")
    ConnectedAccount.objects.filter(pk=bluesky.pk).update(status=AccountStatus.NEEDS_RECONNECT)

    html = html_of(login(employee).get(ACCOUNTS))

    assert "needs reconnecting" in html
    assert "Token revoked" in html
    assert f'action="/o/acme/accounts/{account.pk}/reconnect/"' in html
    assert f'action="/o/acme/accounts/{bluesky.pk}/reconnect/"' not in html
    assert "Reconnect Bluesky @erin.bsky.social" in html


@pytest.mark.django_db
def test_connect_a_development_outbox(employee, login):
    response = login(employee).post(
        f"{ACCOUNTS}outbox/connect/", {"handle": " @erin-dev ", "takes_part": "on"}, follow=True
    )

    account = ConnectedAccount.objects.get(member=employee)
    assert (account.network, account.handle, account.status, account.takes_part) == (
        "outbox",
        "@erin-dev",
        AccountStatus.ACTIVE,
        True,
    )
    assert "Development outbox @erin-dev connected" in html_of(response)
    assert AuditEvent.objects.filter(action="account.connected").count() == 1


@pytest.mark.django_db
def test_connecting_the_same_handle_twice_is_refused_and_the_input_kept(account, employee, login):
    html = html_of(login(employee).post(f"{ACCOUNTS}outbox/connect/", {"handle": "@ERIN"}))

    assert "You already have an outbox account with this handle." in html
    assert 'value="@ERIN"' in html
    assert ConnectedAccount.objects.filter(member=employee).count() == 1


@pytest.mark.django_db
def test_a_blank_handle_is_a_field_error(employee, login):
    html = html_of(login(employee).post(f"{ACCOUNTS}outbox/connect/", {"handle": ""}))

    assert "This field is required." in html
    assert not ConnectedAccount.objects.exists()


@pytest.mark.django_db
def test_without_the_outbox_there_is_no_outbox_to_connect(employee, login, settings):
    settings.CHORUS_OUTBOX_ENABLED = False
    client = login(employee)

    assert "Connect a development outbox account" not in html_of(client.get(ACCOUNTS))
    assert client.post(f"{ACCOUNTS}outbox/connect/", {"handle": "@x"}).status_code == 404
    assert client.get(f"{ACCOUNTS}outbox/").status_code == 404
    assert not ConnectedAccount.objects.exists()


@pytest.mark.django_db
def test_disconnect_cancels_waiting_posts_in_the_same_request(account, employee, login):
    waiting = scheduled_post(account, text="Waiting to go out on Friday.")
    failed = scheduled_post(account, text="A failed one.", state=PostState.FAILED)
    published = scheduled_post(account, text="Already out.", state=PostState.PUBLISHED)
    in_flight = scheduled_post(account, text="Being sent.", state=PostState.PUBLISHING)

    html = html_of(login(employee).post(f"{ACCOUNTS}{account.pk}/disconnect/"))

    account.refresh_from_db()
    assert account.status == AccountStatus.DISCONNECTED
    assert account.credentials.is_empty
    assert account.takes_part is False
    for post, state in (
        (waiting, PostState.CANCELLED),
        (failed, PostState.CANCELLED),
        (published, PostState.PUBLISHED),
        (in_flight, PostState.PUBLISHING),
    ):
        post.refresh_from_db()
        assert post.state == state
    assert "These 2 posts were waiting for that account and will not go out" in html
    assert "Waiting to go out on Friday." in html
    assert "A failed one." in html
    assert "Already out." not in html
    notice = Notification.objects.get(member=employee, kind=NotificationKind.POSTS_CANCELLED)
    assert notice.params["count"] == 2
    assert AuditEvent.objects.filter(action="account.disconnected").count() == 1


@pytest.mark.django_db
def test_reconnect_gives_overdue_posts_new_times_from_now(account, employee, login):
    ConnectedAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    overdue = scheduled_post(account, at=T0)
    future_time = timezone.now() + timedelta(days=2)
    future = scheduled_post(account, text="Next week.", at=future_time)
    before = timezone.now()

    response = login(employee).post(f"{ACCOUNTS}{account.pk}/reconnect/", follow=True)

    assert "is connected again. Posts whose time passed meanwhile have new times" in html_of(
        response
    )
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    overdue.refresh_from_db()
    future.refresh_from_db()
    # The next free working time from now, at the usual gap from the post that kept its time.
    assert overdue.next_attempt_at is not None
    assert before <= overdue.next_attempt_at <= before + timedelta(days=14)
    assert abs(overdue.next_attempt_at - future_time) >= DEFAULT_MIN_GAP
    assert future.next_attempt_at == future_time


@pytest.mark.django_db
def test_reconnecting_an_active_account_changes_nothing(account, employee, login):
    response = login(employee).post(f"{ACCOUNTS}{account.pk}/reconnect/", follow=True)

    assert "This account does not need reconnecting." in html_of(response)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_set_the_daily_cap(account, employee, login):
    response = login(employee).post(
        f"{ACCOUNTS}{account.pk}/settings/", {"takes_part": "on", "daily_cap": "2"}, follow=True
    )

    assert "at most 2 posts a day" in html_of(response)
    account.refresh_from_db()
    assert (account.daily_cap, account.takes_part) == (2, True)


@pytest.mark.django_db
def test_a_cap_below_one_is_a_field_error(account, employee, login):
    html = html_of(
        login(employee).post(
            f"{ACCOUNTS}{account.pk}/settings/", {"takes_part": "on", "daily_cap": "0"}
        )
    )

    assert "Ensure this value is greater than or equal to 1." in html
    account.refresh_from_db()
    assert account.daily_cap == 4


@pytest.mark.django_db
def test_taking_an_account_out_of_the_programme_cancels_its_posts(account, employee, login):
    waiting = scheduled_post(account, text="Waiting to go out.")

    html = html_of(login(employee).post(f"{ACCOUNTS}{account.pk}/settings/", {"daily_cap": ""}))

    assert "Waiting to go out." in html
    waiting.refresh_from_db()
    assert waiting.state == PostState.CANCELLED
    account.refresh_from_db()
    assert (account.takes_part, account.daily_cap, account.status) == (
        False,
        None,
        AccountStatus.ACTIVE,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["settings", "disconnect", "reconnect"])
def test_nobody_else_changes_the_account(account, admin, outsider, login, action):
    ConnectedAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    colleague = make_member(account.organisation, Role.EMPLOYEE, "eve@acme.test")
    waiting = scheduled_post(account)

    for intruder in (admin, colleague, outsider):
        response = login(intruder).post(f"{ACCOUNTS}{account.pk}/{action}/", {"daily_cap": "1"})
        assert response.status_code == 404
    account.refresh_from_db()
    assert (account.status, account.daily_cap, account.takes_part) == (
        AccountStatus.NEEDS_RECONNECT,
        4,
        True,
    )
    waiting.refresh_from_db()
    assert waiting.state == PostState.SCHEDULED
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_outsider_gets_404_for_the_page(outsider, login):
    assert login(outsider).get(ACCOUNTS).status_code == 404
