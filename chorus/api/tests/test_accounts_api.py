"""A member's own connected accounts."""

from chorus.api.tests.conftest import make_account, make_live_activity
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.publishing.models import Post, PostState
from chorus.sharing import services as sharing_services


def test_listing_ones_own_accounts(employee, admin, api):
    mine = make_account(employee)
    make_account(admin)
    ConnectedAccount.objects.filter(pk=make_account(employee).pk).update(
        status=AccountStatus.DISCONNECTED
    )

    body = api(employee).get("/accounts").json()

    assert body["total"] == 1
    assert body["items"][0]["id"] == mine.pk
    assert body["items"][0]["effective_daily_cap"] == 10
    assert body["items"][0]["can_post"] is True


def test_connecting_an_outbox(employee, api, settings):
    settings.CHORUS_OUTBOX_ENABLED = True

    response = api(employee).post("/accounts/outbox", {"handle": "@erin"})

    assert response.status_code == 201, response.content
    account = ConnectedAccount.objects.get()
    assert (account.member, account.network, account.handle) == (employee, "outbox", "@erin")
    assert response.json()["takes_part"] is True
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CONNECTED).count() == 1


def test_an_outbox_needs_a_handle(employee, api, settings):
    settings.CHORUS_OUTBOX_ENABLED = True

    response = api(employee).post("/accounts/outbox", {"handle": "  "})

    assert response.status_code == 422
    assert response.json() == {"errors": {"handle": ["Give the outbox account a handle."]}}


def test_no_outbox_where_it_is_not_enabled(employee, api, settings):
    settings.CHORUS_OUTBOX_ENABLED = False

    response = api(employee).post("/accounts/outbox", {"handle": "@erin"})

    assert response.status_code == 404
    assert not ConnectedAccount.objects.exists()


def test_changing_participation_and_the_daily_cap(employee, organisation, api):
    sharing_services.join_programme(member=employee)
    account = make_account(employee)
    post = sharing_services.approve_post(
        member=employee,
        activity=make_live_activity(organisation),
        account=account,
        text="In my words",
    )
    client = api(employee)

    capped = client.patch(f"/accounts/{account.pk}", {"daily_cap": 3})
    assert capped.status_code == 200, capped.content
    assert capped.json()["account"]["daily_cap"] == 3
    assert capped.json()["cancelled_posts"] == []

    response = client.patch(f"/accounts/{account.pk}", {"takes_part": False})

    assert response.json()["account"]["takes_part"] is False
    assert response.json()["account"]["daily_cap"] == 3
    assert [p["id"] for p in response.json()["cancelled_posts"]] == [post.pk]
    assert Post.objects.get().state == PostState.CANCELLED

    default = client.patch(f"/accounts/{account.pk}", {"daily_cap": None})
    assert default.json()["account"]["daily_cap"] is None


def test_a_daily_cap_below_one_is_refused(employee, api):
    account = make_account(employee)

    response = api(employee).patch(f"/accounts/{account.pk}", {"daily_cap": 0})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["daily_cap"]


def test_disconnecting_cancels_the_waiting_posts(employee, organisation, api):
    sharing_services.join_programme(member=employee)
    account = make_account(employee)
    post = sharing_services.approve_post(
        member=employee,
        activity=make_live_activity(organisation),
        account=account,
        text="In my words",
    )

    response = api(employee).post(f"/accounts/{account.pk}/disconnect")

    assert response.status_code == 200
    assert response.json()["account"]["status"] == "disconnected"
    assert [p["id"] for p in response.json()["cancelled_posts"]] == [post.pk]
    assert Post.objects.get().state == PostState.CANCELLED
    again = api(employee).post(f"/accounts/{account.pk}/disconnect")
    assert again.status_code == 422


def test_reconnecting_an_account_that_needs_it(employee, api):
    account = make_account(employee)
    ConnectedAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    client = api(employee)

    response = client.post(f"/accounts/{account.pk}/reconnect")

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert client.post(f"/accounts/{account.pk}/reconnect").status_code == 422


def test_a_colleagues_account_is_not_found(employee, admin, api):
    account = make_account(admin)

    assert api(employee).get(f"/accounts/{account.pk}").status_code == 404
    assert api(employee).post(f"/accounts/{account.pk}/disconnect").status_code == 404
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
