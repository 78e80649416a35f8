"""Connecting an X account with OAuth 2.0 and PKCE, refreshing and revoking its tokens.

Payloads follow X's "OAuth 2.0 Authorization Code Flow with PKCE" documentation
(confidential clients authenticate with HTTP Basic) and the users/me reference.
"""

import base64
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Connection,
    Credentials,
    OAuthConnector,
    PermanentError,
)
from chorus.networks.connectors.x import Connector
from chorus.networks.tests.x.conftest import (
    ACCESS_TOKEN,
    API,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    USER_ID,
    USERNAME,
)

APP = AppCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
REDIRECT = "https://chorus.example.org/o/acme/accounts/x/callback/"
SCOPES = "tweet.read tweet.write users.read offline.access like.write media.write"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


def token_answer(access: str = ACCESS_TOKEN, refresh: str = REFRESH_TOKEN) -> dict[str, Any]:
    return {
        "token_type": "bearer",
        "expires_in": 7200,
        "access_token": access,
        "scope": SCOPES,
        "refresh_token": refresh,
    }


def form_of(route: respx.Route) -> dict[str, list[str]]:
    return parse_qs(route.calls.last.request.content.decode())


def test_contract_the_connector_is_an_oauth_connector(connector):
    assert isinstance(connector, OAuthConnector)
    assert connector.network == "x"


def test_contract_settings_map_the_x_network_to_it():
    assert isinstance(get_connector("x"), Connector)


def test_contract_authorization_url_uses_pkce_s256(connector):
    url = connector.authorization_url(
        app=APP, server="", redirect_uri=REDIRECT, state="st4te", code_challenge="ch4llenge"
    )

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://x.com/i/oauth2/authorize"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [REDIRECT],
        "scope": [SCOPES],
        "state": ["st4te"],
        "code_challenge": ["ch4llenge"],
        "code_challenge_method": ["S256"],
    }
    assert "scope=tweet.read%20tweet.write%20users.read%20offline.access" in parts.query


def test_contract_without_the_organisations_app_nobody_can_connect(connector):
    with pytest.raises(PermanentError, match="not set up its X app"):
        connector.authorization_url(
            app=None, server="", redirect_uri=REDIRECT, state="s", code_challenge="c"
        )


def test_contract_code_exchange_as_a_confidential_client_and_identity(connector, x_api):
    token = x_api.post(f"{API}/2/oauth2/token").respond(200, json=token_answer())
    me = x_api.get(f"{API}/2/users/me").respond(
        200, json={"data": {"id": USER_ID, "name": "Erin Employee", "username": USERNAME}}
    )
    before = timezone.now()

    connection = connector.complete_authorization(
        app=APP, server="", redirect_uri=REDIRECT, code="VGNibzFWSWREZm01", code_verifier="v3rif"
    )

    assert form_of(token) == {
        "grant_type": ["authorization_code"],
        "code": ["VGNibzFWSWREZm01"],
        "redirect_uri": [REDIRECT],
        "code_verifier": ["v3rif"],
    }
    assert token.calls.last.request.headers["authorization"] == BASIC
    assert me.calls.last.request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert connection == Connection(
        external_id=USER_ID,
        handle=f"@{USERNAME}",
        display_name="Erin Employee",
        credentials=Credentials(
            access_token=ACCESS_TOKEN,
            refresh_token=REFRESH_TOKEN,
            expires_at=connection.credentials.expires_at,
            extra={"scope": SCOPES},
        ),
    )
    expires_at = connection.credentials.expires_at
    assert expires_at is not None
    assert before + timedelta(hours=2) <= expires_at <= timezone.now() + timedelta(hours=2)


def test_contract_a_public_client_names_itself_in_the_form(connector, x_api):
    token = x_api.post(f"{API}/2/oauth2/token").respond(200, json=token_answer())
    x_api.get(f"{API}/2/users/me").respond(
        200, json={"data": {"id": USER_ID, "name": "Erin", "username": USERNAME}}
    )

    connector.complete_authorization(
        app=AppCredentials(client_id=CLIENT_ID),
        server="",
        redirect_uri=REDIRECT,
        code="c",
        code_verifier="v",
    )

    assert form_of(token)["client_id"] == [CLIENT_ID]
    assert "authorization" not in token.calls.last.request.headers


def test_contract_a_refused_code_is_a_failed_connection(connector, x_api):
    x_api.post(f"{API}/2/oauth2/token").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the authorization code was invalid.",
        },
    )

    with pytest.raises(PermanentError, match="authorization code was invalid"):
        connector.complete_authorization(
            app=APP, server="", redirect_uri=REDIRECT, code="old", code_verifier="v"
        )


@pytest.mark.django_db
def test_contract_refresh_stores_the_rotated_refresh_token(connector, account, app, x_api):
    token = x_api.post(f"{API}/2/oauth2/token").respond(
        200, json=token_answer(access="new-access", refresh="new-refresh")
    )
    before = timezone.now()

    refreshed = connector.refresh(account)

    assert form_of(token) == {"grant_type": ["refresh_token"], "refresh_token": [REFRESH_TOKEN]}
    assert token.calls.last.request.headers["authorization"] == BASIC
    assert refreshed is not None
    assert (refreshed.access_token, refreshed.refresh_token) == ("new-access", "new-refresh")
    assert refreshed.expires_at is not None
    assert refreshed.expires_at >= before + timedelta(hours=2)


@pytest.mark.django_db
def test_contract_a_used_refresh_token_means_reconnecting(connector, account, app, x_api):
    x_api.post(f"{API}/2/oauth2/token").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )

    with pytest.raises(AuthError, match="Value passed for the token was invalid"):
        connector.refresh(account)


@pytest.mark.django_db
def test_contract_without_a_refresh_token_there_is_nothing_to_refresh(connector, account, x_api):
    account.credentials = Credentials(access_token=ACCESS_TOKEN)

    assert connector.refresh(account) is None
    assert not x_api.calls


@pytest.mark.django_db
def test_contract_refresh_needs_the_organisations_app(connector, account, x_api):
    with pytest.raises(AuthError, match="X app is no longer set up"):
        connector.refresh(account)
    assert not x_api.calls


@pytest.mark.django_db
def test_contract_revoke_invalidates_both_tokens(connector, account, app, x_api):
    revoke = x_api.post(f"{API}/2/oauth2/revoke").respond(200, json={"revoked": True})

    connector.revoke(account)

    sent = [parse_qs(call.request.content.decode()) for call in revoke.calls]
    assert sent == [{"token": [REFRESH_TOKEN]}, {"token": [ACCESS_TOKEN]}]
    assert all(call.request.headers["authorization"] == BASIC for call in revoke.calls)


@pytest.mark.django_db
def test_contract_a_refused_revoke_is_reported(connector, account, app, x_api):
    x_api.post(f"{API}/2/oauth2/revoke").respond(
        401, json={"error": "unauthorized_client", "error_description": "Missing valid auth"}
    )

    with pytest.raises(PermanentError, match="Missing valid auth"):
        connector.revoke(account)
