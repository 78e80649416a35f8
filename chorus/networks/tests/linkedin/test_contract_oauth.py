"""Connecting a LinkedIn member with the organisation's app, keeping and giving up the token.

Payloads follow LinkedIn's "Authorization Code Flow (3-legged OAuth)", "Sign In
with LinkedIn using OpenID Connect" and "Programmatic Refresh Tokens" documentation.
"""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import timezone

from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Connection,
    Credentials,
    OAuthConnector,
    PermanentError,
    TransientError,
)
from chorus.networks.connectors.linkedin import Connector
from chorus.networks.tests.linkedin.conftest import ACCESS_TOKEN, API, OAUTH, SUB

APP = AppCredentials(client_id="86abcdefgh", client_secret="linkedin-app-secret")
REDIRECT = "https://chorus.example.org/o/acme/accounts/linkedin/callback/"
USERINFO = {
    "sub": SUB,
    "email_verified": True,
    "name": "Erin Employee",
    "locale": {"country": "US", "language": "en"},
    "given_name": "Erin",
    "family_name": "Employee",
    "email": "erin.employee@acme.test",
    "picture": "https://media.licdn.com/dms/image/v2/erin",
}


def test_contract_the_connector_is_an_oauth_connector(connector):
    assert isinstance(connector, OAuthConnector)
    assert connector.network == "linkedin"


def test_contract_settings_map_the_linkedin_network_to_it():
    assert isinstance(get_connector("linkedin"), Connector)


def test_contract_authorization_url_asks_for_posting_and_identity(connector):
    url = connector.authorization_url(
        app=APP, server="", redirect_uri=REDIRECT, state="st4te", code_challenge="ch4llenge"
    )

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{OAUTH}/authorization"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": ["86abcdefgh"],
        "redirect_uri": [REDIRECT],
        "state": ["st4te"],
        "scope": ["openid profile w_member_social"],
    }
    # Scopes are separated by encoded spaces, as LinkedIn's sample URL shows.
    assert "scope=openid%20profile%20w_member_social" in parts.query
    # LinkedIn documents PKCE for native apps only: the challenge is not sent.
    assert "code_challenge" not in parts.query


def test_contract_without_the_organisations_app_nobody_can_connect(connector):
    with pytest.raises(PermanentError, match="not set up its LinkedIn app"):
        connector.authorization_url(
            app=None, server="", redirect_uri=REDIRECT, state="s", code_challenge="c"
        )


def test_contract_code_exchange_and_identity(connector, linkedin):
    token = linkedin.post(f"{OAUTH}/accessToken").respond(
        200,
        json={
            "access_token": ACCESS_TOKEN,
            "expires_in": 5184000,
            "scope": "openid,profile,w_member_social",
            "token_type": "Bearer",
            "id_token": "eyJ6IjoiNDEifQ.e30.c2ln",
        },
    )
    userinfo = linkedin.get(f"{API}/v2/userinfo").respond(200, json=USERINFO)
    before = timezone.now()

    connection = connector.complete_authorization(
        app=APP,
        server="",
        redirect_uri=REDIRECT,
        code="AQTQmah11lalyH65DAIivsjsAQV5P",
        code_verifier="v",
    )

    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": ["AQTQmah11lalyH65DAIivsjsAQV5P"],
        "redirect_uri": [REDIRECT],
        "client_id": ["86abcdefgh"],
        "client_secret": ["linkedin-app-secret"],
    }
    assert token.calls.last.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert userinfo.calls.last.request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert connection == Connection(
        external_id=SUB,
        handle="Erin Employee",
        display_name="Erin Employee",
        credentials=Credentials(
            access_token=ACCESS_TOKEN,
            expires_at=connection.credentials.expires_at,
            extra={"scope": "openid,profile,w_member_social"},
        ),
    )
    # Access tokens last 60 days.
    expires_at = connection.credentials.expires_at
    assert expires_at is not None
    assert before + timedelta(days=60) <= expires_at <= timezone.now() + timedelta(days=60)


def test_contract_a_refused_code_is_a_failed_connection(connector, linkedin):
    linkedin.post(f"{OAUTH}/accessToken").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "Unable to retrieve access token: authorization code not found",
        },
    )

    with pytest.raises(PermanentError, match="authorization code not found"):
        connector.complete_authorization(
            app=APP, server="", redirect_uri=REDIRECT, code="used", code_verifier="v"
        )


def test_contract_refresh_without_a_refresh_token_asks_for_reconnecting(
    connector, account, linkedin
):
    # Only approved partners get refresh tokens: the reminder job asks the owner instead.
    assert connector.refresh(account) is None
    assert not linkedin.calls


def test_contract_refresh_uses_the_refresh_token(connector, account, app, linkedin):
    account.credentials = Credentials(access_token="old-token", refresh_token="AQWAft_WjYZKwuWX")
    token = linkedin.post(f"{OAUTH}/accessToken").respond(
        200,
        json={
            "access_token": "BBBB2",
            "expires_in": 5184000,
            "refresh_token": "AQWAft_WjYZKwuWX",
            "refresh_token_expires_in": 525600,
        },
    )
    before = timezone.now()

    refreshed = connector.refresh(account)

    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["AQWAft_WjYZKwuWX"],
        "client_id": ["86abcdefgh"],
        "client_secret": ["linkedin-app-secret"],
    }
    assert refreshed is not None
    assert (refreshed.access_token, refreshed.refresh_token) == ("BBBB2", "AQWAft_WjYZKwuWX")
    assert refreshed.expires_at is not None
    assert refreshed.expires_at >= before + timedelta(days=60)
    refresh_expiry = datetime.fromisoformat(refreshed.extra["refresh_token_expires_at"])
    assert before + timedelta(seconds=525600) <= refresh_expiry


def test_contract_a_refresh_token_linkedin_refuses_means_reconnecting(
    connector, account, app, linkedin
):
    account.credentials = Credentials(access_token="old", refresh_token="expired-refresh")
    linkedin.post(f"{OAUTH}/accessToken").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "The provided authorization grant or refresh token is invalid, "
            "expired or revoked.",
        },
    )

    with pytest.raises(AuthError, match="refresh token is invalid, expired or revoked"):
        connector.refresh(account)


def test_contract_refresh_needs_the_organisations_app(connector, account, linkedin):
    account.credentials = Credentials(access_token="old", refresh_token="r")

    with pytest.raises(AuthError, match="LinkedIn app is no longer set up"):
        connector.refresh(account)
    assert not linkedin.calls


def test_contract_revoke_sends_the_token_with_the_apps_credentials(
    connector, account, app, linkedin
):
    revoke = linkedin.post(f"{OAUTH}/revoke").respond(200)

    connector.revoke(account)

    assert parse_qs(revoke.calls.last.request.content.decode()) == {
        "client_id": ["86abcdefgh"],
        "client_secret": ["linkedin-app-secret"],
        "token": [ACCESS_TOKEN],
    }


def test_contract_a_failed_revoke_is_reported(connector, account, app, linkedin):
    linkedin.post(f"{OAUTH}/revoke").mock(side_effect=httpx.ConnectError("unreachable"))

    with pytest.raises(TransientError, match="could not reach"):
        connector.revoke(account)


def test_contract_tokens_never_show_in_what_the_connector_returns(connector, linkedin):
    linkedin.post(f"{OAUTH}/accessToken").respond(
        200, json={"access_token": ACCESS_TOKEN, "expires_in": 5184000}
    )
    linkedin.get(f"{API}/v2/userinfo").respond(200, json=USERINFO)

    connection = connector.complete_authorization(
        app=APP, server="", redirect_uri=REDIRECT, code="c", code_verifier="v"
    )

    assert ACCESS_TOKEN not in repr(connection)
