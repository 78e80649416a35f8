"""Connecting through a network's sign-in (OAuth 2 with PKCE), end to end through the pages.

X stands in for every OAuth network; its servers answer at the HTTP level (respx)
as X's API documentation shows, so these are contract tests for X's part.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import respx
from django.test import Client
from django.utils import timezone

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.networks.models import AccountStatus, ConnectedAccount, NetworkApp
from chorus.networks.tests.x.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, USER_ID
from chorus.networks.tests.x.test_contract_oauth import token_answer

START = "/o/acme/accounts/connect/x/start/"
CALLBACK = "/o/acme/accounts/connect/x/callback/"
ME = {"data": {"id": USER_ID, "name": "Erin Employee", "username": "erin_builds"}}


@pytest.fixture
def x_app(organisation):
    return NetworkApp.objects.create(
        organisation=organisation, network="x", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


@pytest.fixture
def x_api():
    with respx.mock(assert_all_called=False) as router:
        router.post("https://api.x.com/2/oauth2/token").respond(200, json=token_answer())
        router.get("https://api.x.com/2/users/me").respond(200, json=ME)
        yield router


def start(client: Client) -> tuple[str, dict[str, list[str]]]:
    response = client.post(START)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    return response["Location"], query


@pytest.mark.django_db
def test_contract_x_sign_in_connects_the_account_without_taking_part(x_app, x_api, employee, login):
    client = login(employee)
    location, query = start(client)

    assert location.startswith("https://x.com/i/oauth2/authorize?")
    assert query["redirect_uri"] == [f"http://127.0.0.1:8000{CALLBACK}"]
    assert query["code_challenge_method"] == ["S256"]
    response = client.get(CALLBACK, {"state": query["state"][0], "code": "c0de"})

    assert response.status_code == 302
    account = ConnectedAccount.objects.get(member=employee, network="x")
    assert (account.handle, account.status, account.takes_part) == (
        "@erin_builds",
        AccountStatus.ACTIVE,
        False,
    )
    assert account.credentials.access_token == ACCESS_TOKEN
    assert account.token_expires_at == account.credentials.expires_at
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CONNECTED)
    assert ACCESS_TOKEN not in str(event.after)
    exchange = x_api.calls[0].request
    assert b"code_verifier=" in exchange.content


@pytest.mark.django_db
def test_a_callback_with_a_forged_state_connects_nothing(x_app, x_api, employee, login):
    client = login(employee)
    start(client)

    response = client.get(CALLBACK, {"state": "forged", "code": "c0de"})

    assert "This sign-in did not start here" in response.content.decode()
    assert not ConnectedAccount.objects.exists()
    assert not x_api.calls


@pytest.mark.django_db
def test_a_callback_cannot_be_replayed(x_app, x_api, employee, login):
    client = login(employee)
    _location, query = start(client)
    client.get(CALLBACK, {"state": query["state"][0], "code": "c0de"})

    replay = client.get(CALLBACK, {"state": query["state"][0], "code": "c0de"})

    assert "This sign-in did not start here" in replay.content.decode()
    assert ConnectedAccount.objects.count() == 1


@pytest.mark.django_db
def test_a_sign_in_left_too_long_must_start_again(x_app, x_api, employee, login):
    client = login(employee)
    _location, query = start(client)
    session = client.session
    pending = session["chorus_network_sign_in"]
    pending["started_at"] = (timezone.now() - timedelta(minutes=11)).isoformat()
    session["chorus_network_sign_in"] = pending
    session.save()

    response = client.get(CALLBACK, {"state": query["state"][0], "code": "c0de"})

    assert "Signing in took too long" in response.content.decode()
    assert not ConnectedAccount.objects.exists()


@pytest.mark.django_db
def test_a_refusal_on_the_network_is_reported(x_app, x_api, employee, login):
    client = login(employee)
    _location, query = start(client)

    response = client.get(CALLBACK, {"state": query["state"][0], "error": "access_denied"})

    assert "X did not connect the account (access_denied)." in response.content.decode()
    assert not ConnectedAccount.objects.exists()


@pytest.mark.django_db
def test_signing_in_again_reconnects_the_account_needing_it(x_app, x_api, employee, login):
    client = login(employee)
    _location, query = start(client)
    client.get(CALLBACK, {"state": query["state"][0], "code": "c0de"})
    ConnectedAccount.objects.update(status=AccountStatus.NEEDS_RECONNECT, status_reason="Revoked")

    _location, query = start(client)
    client.get(CALLBACK, {"state": query["state"][0], "code": "again"})

    account = ConnectedAccount.objects.get()
    assert (account.status, account.status_reason) == (AccountStatus.ACTIVE, "")
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_RECONNECTED).count() == 1


@pytest.mark.django_db
def test_a_network_the_organisation_has_not_set_up_cannot_be_started(employee, login):
    response = login(employee).post(START, follow=True)

    assert "Your organisation does not offer this network in Chorus." in response.content.decode()


@pytest.mark.django_db
def test_a_member_server_on_a_private_address_is_refused(employee, login, settings):
    settings.CHORUS_ALLOW_PRIVATE_SERVERS = False

    response = login(employee).post(
        "/o/acme/accounts/connect/mastodon/start/", {"server": "127.0.0.1"}, follow=True
    )

    assert "is not a public server Chorus can connect to" in response.content.decode()


@pytest.mark.django_db
def test_contract_facebook_sign_in_leads_to_choosing_company_pages(admin, login):
    from chorus.networks.connectors import graph
    from chorus.networks.tests.facebook.test_contract_page_choice import ME_ACCOUNTS

    NetworkApp.objects.create(
        organisation=admin.organisation, network="facebook", client_id="app", client_secret="s"
    )
    client = login(admin)
    response = client.post("/o/acme/accounts/connect/facebook/start/")
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]

    with respx.mock(base_url=graph.api_url(), assert_all_called=False) as graph_api:
        graph_api.post("/oauth/access_token").respond(
            200, json={"access_token": "EAAUserToken", "token_type": "bearer", "expires_in": 5183}
        )
        graph_api.get("/me").respond(200, json={"id": "10158", "name": "Adam Admin"})
        graph_api.get("/me/accounts").respond(200, json=ME_ACCOUNTS)
        callback = client.get(
            "/o/acme/accounts/connect/facebook/callback/", {"state": state, "code": "c0de"}
        )
        choice = client.get(callback["Location"])

    assert callback["Location"] == "/o/acme/accounts/connect/pages/"
    assert "Acme Robots" in choice.content.decode()
    assert "EAAUserToken" not in choice.content.decode()
    assert not ConnectedAccount.objects.exists()
