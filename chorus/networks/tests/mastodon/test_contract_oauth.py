"""Connecting a Mastodon account: Chorus's app on the instance, the authorize URL with
PKCE, the code exchange and revocation, against a running Mastodon-shaped server.

mastodon-mock signs in through a one-click account picker at /oauth/authorize and
hands out codes that name the account chosen; it accepts but does not check the
PKCE verifier, so these tests check what Chorus sends (the S256 challenge) and
that the code Chorus gets back is exchanged for a token that works.
"""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.exceptions import ValidationError

from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import (
    AuthError,
    Connection,
    Credentials,
    OAuthConnector,
    PermanentError,
    TransientError,
)
from chorus.networks.connectors.mastodon import Connector
from chorus.networks.connectors.mastodon.client import SCOPES
from chorus.networks.models import ConnectedAccount, InstanceApp
from chorus.networks.tests.mastodon.conftest import Instance

REDIRECT = "https://chorus.example.org/accounts/connect/mastodon/callback/"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def authorization_url(
    connector: Connector,
    instance: Instance,
    *,
    redirect_uri: str = REDIRECT,
    state: str = "state-1",
) -> str:
    return connector.authorization_url(
        app=None,
        server=instance.url,
        redirect_uri=redirect_uri,
        state=state,
        code_challenge=CHALLENGE,
    )


def sign_in_as(url: str, username: str) -> dict[str, str]:
    """What the member's browser does: open the authorize page, pick the account."""
    page = httpx.get(url)
    assert page.status_code == 200
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    origin = url.split("/oauth/authorize")[0]
    answer = httpx.post(
        f"{origin}/oauth/authorize",
        data={
            "username": username,
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "scope": query["scope"],
            "state": query["state"],
        },
    )
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(query["redirect_uri"])
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def connect(connector: Connector, instance: Instance, username: str = "alice") -> Connection:
    url = authorization_url(connector, instance)
    callback = sign_in_as(url, username)
    return connector.complete_authorization(
        app=None,
        server=instance.url,
        redirect_uri=REDIRECT,
        code=callback["code"],
        code_verifier="dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    )


def test_the_connector_signs_in_with_oauth(connector):
    assert isinstance(connector, OAuthConnector)
    assert isinstance(get_connector("mastodon"), Connector)


@pytest.mark.django_db
def test_contract_authorization_url_registers_chorus_on_the_instance_once(connector, instance):
    first = authorization_url(connector, instance)

    app = InstanceApp.objects.get()
    assert (app.network, app.server, app.redirect_uri) == ("mastodon", instance.url, REDIRECT)
    # The instance knows the app by that client: its own token for the app names it.
    token = httpx.post(
        f"{instance.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
    ).json()["access_token"]
    registered = httpx.get(
        f"{instance.url}/api/v1/apps/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert registered["name"] == "Chorus"
    assert registered["scopes"] == SCOPES.split()

    # Registering again would now fail: the second URL reuses the stored app.
    instance.fault(path="/api/v1/apps", status=500, count=None)
    second = authorization_url(connector, instance, state="state-2")

    assert InstanceApp.objects.count() == 1
    assert parse_qs(urlsplit(second).query)["client_id"] == [app.client_id]
    assert parse_qs(urlsplit(first).query)["client_id"] == [app.client_id]


@pytest.mark.django_db
def test_contract_each_redirect_uri_gets_its_own_app(connector, instance):
    authorization_url(connector, instance)
    authorization_url(connector, instance, redirect_uri="https://other.example.org/callback/")

    assert InstanceApp.objects.count() == 2


@pytest.mark.django_db
def test_contract_authorization_url_asks_for_a_code_with_pkce_state_and_narrow_scopes(
    connector, instance
):
    url = authorization_url(connector, instance, state="xyz-123")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{instance.url}/oauth/authorize"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": [InstanceApp.objects.get().client_id],
        "redirect_uri": [REDIRECT],
        "scope": ["read:accounts read:statuses write:favourites write:media write:statuses"],
        "state": ["xyz-123"],
        "code_challenge": [CHALLENGE],
        "code_challenge_method": ["S256"],
    }


@pytest.mark.django_db
def test_contract_registration_failures_are_connector_errors(connector, instance):
    instance.fault(path="/api/v1/apps", status=503)
    with pytest.raises(TransientError):
        authorization_url(connector, instance)

    instance.fault(
        path="/api/v1/apps", status=422, body={"error": "Validation failed: Redirect URI invalid"}
    )
    with pytest.raises(PermanentError, match="Redirect URI invalid"):
        authorization_url(connector, instance)

    assert not InstanceApp.objects.exists()


@pytest.mark.django_db
def test_servers_with_private_addresses_are_refused(connector, instance, settings):
    settings.CHORUS_ALLOW_PRIVATE_SERVERS = False

    with pytest.raises(ValidationError):
        authorization_url(connector, instance)
    assert not InstanceApp.objects.exists()


@pytest.mark.django_db
def test_contract_completing_exchanges_the_code_and_reads_the_account(connector, instance):
    url = authorization_url(connector, instance, state="s-42")
    callback = sign_in_as(url, "alice")
    assert callback["state"] == "s-42"

    connection = connector.complete_authorization(
        app=None,
        server=instance.url,
        redirect_uri=REDIRECT,
        code=callback["code"],
        code_verifier="dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    )

    assert connection.external_id == instance.account_id("alice")
    assert connection.handle == "@alice@mock.local"
    assert connection.display_name == "Alice"
    assert connection.server == instance.url
    assert connection.credentials.expires_at is None
    assert connection.credentials.extra == {"client_id": InstanceApp.objects.get().client_id}
    me = httpx.get(
        f"{instance.url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {connection.credentials.access_token}"},
    ).json()
    assert me["username"] == "alice"


@pytest.mark.django_db
def test_contract_a_refused_code_is_a_permanent_error(connector, instance):
    authorization_url(connector, instance)

    with pytest.raises(PermanentError, match="invalid_grant"):
        connector.complete_authorization(
            app=None, server=instance.url, redirect_uri=REDIRECT, code="bogus", code_verifier="v"
        )


@pytest.mark.django_db
def test_contract_a_failed_code_exchange_is_reported(connector, instance):
    authorization_url(connector, instance)
    instance.fault(
        path="/oauth/token",
        status=401,
        body={"error": "invalid_client", "error_description": "Client authentication failed"},
    )

    with pytest.raises(AuthError, match="Client authentication failed"):
        connector.complete_authorization(
            app=None, server=instance.url, redirect_uri=REDIRECT, code="c", code_verifier="v"
        )


@pytest.mark.django_db
def test_completing_without_a_registered_app_asks_to_start_again(connector, instance):
    with pytest.raises(PermanentError, match="start connecting again"):
        connector.complete_authorization(
            app=None, server=instance.url, redirect_uri=REDIRECT, code="c", code_verifier="v"
        )


@pytest.mark.django_db
def test_contract_revoke_invalidates_the_token_at_the_instance(connector, instance, employee):
    connection = connect(connector, instance)
    account = ConnectedAccount.objects.create(
        organisation=employee.organisation,
        member=employee,
        network="mastodon",
        external_id=connection.external_id,
        handle=connection.handle,
        server=connection.server,
        credentials=connection.credentials,
    )
    assert connector.follower_count(account) == 0

    connector.revoke(account)

    with pytest.raises(AuthError):
        connector.follower_count(account)


@pytest.mark.django_db
def test_revoke_without_the_app_says_where_to_do_it(connector, instance, alice):
    alice.credentials = Credentials(access_token="alice_token", extra={"client_id": "gone"})

    with pytest.raises(PermanentError, match="Authorized apps"):
        connector.revoke(alice)


@pytest.mark.django_db
def test_tokens_never_expire_so_there_is_nothing_to_refresh(connector, alice):
    assert connector.refresh(alice) is None
