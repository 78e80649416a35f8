"""Signing in with Facebook Login and listing the Pages it manages, as Meta documents them
("Manually Build a Login Flow", "Long-Lived Access Tokens", Pages API "Get Started")."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Credentials,
    OAuthConnector,
    PermanentError,
)
from chorus.networks.connectors.facebook.client import SCOPES

APP = AppCredentials(client_id="1234567890", client_secret="app-secret-abc")
REDIRECT = "https://chorus.example.org/o/acme/accounts/connect/facebook/callback/"


def test_the_connector_signs_in_with_oauth(connector):
    assert isinstance(connector, OAuthConnector)


def test_contract_authorization_url_opens_the_login_dialog_for_page_permissions(connector):
    url = connector.authorization_url(
        app=APP, server="", redirect_uri=REDIRECT, state="state-1", code_challenge="unused"
    )

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc) == ("https", "www.facebook.com")
    assert parts.path == f"/{graph.api_version()}/dialog/oauth"
    assert query["client_id"] == ["1234567890"]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["state"] == ["state-1"]
    assert query["response_type"] == ["code"]
    scopes = query["scope"][0].split(",")
    assert {"pages_show_list", "pages_manage_posts", "pages_read_engagement"} <= set(scopes)
    assert scopes == list(SCOPES)
    assert "app-secret-abc" not in url


def test_authorization_needs_the_organisations_app(connector):
    with pytest.raises(PermanentError, match="Meta app"):
        connector.authorization_url(
            app=None, server="", redirect_uri=REDIRECT, state="s", code_challenge="c"
        )


def _token_endpoint(graph_api: respx.MockRouter) -> respx.Route:
    """Meta's token endpoint: the code gives a short-lived token, which is exchanged."""

    def answer(request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        if form.get("grant_type") == ["fb_exchange_token"]:
            assert form["fb_exchange_token"] == ["EAAShortLivedUserToken"]
            return httpx.Response(
                200,
                json={
                    "access_token": "EAALongLivedUserToken",
                    "token_type": "bearer",
                    "expires_in": 5183944,
                },
            )
        assert form["code"] == ["code-from-facebook"]
        assert form["redirect_uri"] == [REDIRECT]
        return httpx.Response(
            200,
            json={
                "access_token": "EAAShortLivedUserToken",
                "token_type": "bearer",
                "expires_in": 5183,
            },
        )

    return graph_api.post("/oauth/access_token").mock(side_effect=answer)


@pytest.mark.django_db
def test_contract_code_exchange_keeps_a_long_lived_user_token(connector, graph_api):
    before = timezone.now()
    exchange = _token_endpoint(graph_api)
    me = graph_api.get("/me").respond(200, json={"id": "10158", "name": "Adam Admin"})

    connection = connector.complete_authorization(
        app=APP, server="", redirect_uri=REDIRECT, code="code-from-facebook", code_verifier="x"
    )

    assert exchange.call_count == 2
    for call in exchange.calls:
        form = parse_qs(call.request.content.decode())
        assert form["client_id"] == ["1234567890"]
        assert form["client_secret"] == ["app-secret-abc"]
        # The secret, the code and the tokens travel in the body, never in a logged URL.
        assert "secret" not in str(call.request.url)
        assert "code-from-facebook" not in str(call.request.url)
    assert me.calls.last.request.headers["Authorization"] == "Bearer EAALongLivedUserToken"
    assert me.calls.last.request.url.params["fields"] == "id,name"
    assert connection.external_id == "10158"
    assert connection.display_name == "Adam Admin"
    assert connection.credentials.access_token == "EAALongLivedUserToken"
    lifetime = timedelta(seconds=5183944)
    assert before + lifetime <= connection.credentials.expires_at <= timezone.now() + lifetime


@pytest.mark.django_db
def test_contract_a_used_or_wrong_code_is_refused(connector, graph_api):
    graph_api.post("/oauth/access_token").respond(
        400,
        json={
            "error": {
                "message": "This authorization code has been used.",
                "type": "OAuthException",
                "code": 100,
                "error_subcode": 36009,
                "fbtrace_id": "A1b2C3",
            }
        },
    )

    with pytest.raises(PermanentError, match="authorization code has been used"):
        connector.complete_authorization(
            app=APP, server="", redirect_uri=REDIRECT, code="old", code_verifier="x"
        )


ME_ACCOUNTS = {
    "data": [
        {
            "access_token": "EAAPageOneToken",
            "category": "Internet Company",
            "category_list": [{"id": "2256", "name": "Internet Company"}],
            "name": "Acme Ltd",
            "id": "546349135390552",
            "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
        },
        {
            "access_token": "EAAPageTwoToken",
            "category": "Product/service",
            "category_list": [{"id": "2201", "name": "Product/service"}],
            "name": "Acme Robots",
            "id": "1353269864728879",
            "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT"],
        },
        {
            "access_token": "EAAPageThreeToken",
            "category": "Community",
            "name": "Acme Fan Club",
            "id": "7770001",
            "tasks": ["ANALYZE"],
        },
    ],
    "paging": {
        "cursors": {"before": "MTM1MzI2OTg2NDcyODg3OQZDZD", "after": "MTAxNTExOTQ1MjAwNzI5NDE="}
    },
}


def test_contract_list_pages_gives_each_page_it_may_post_to_with_its_page_token(
    connector, graph_api
):
    accounts = graph_api.get("/me/accounts").respond(200, json=ME_ACCOUNTS)

    pages = connector.list_pages(Credentials(access_token="EAALongLivedUserToken"))

    request = accounts.calls.last.request
    assert request.headers["Authorization"] == "Bearer EAALongLivedUserToken"
    assert "access_token" in request.url.params["fields"]
    assert [(p.external_id, p.handle) for p in pages] == [
        ("546349135390552", "Acme Ltd"),
        ("1353269864728879", "Acme Robots"),
    ]
    # Analysing a Page is not posting to it: the fan club is left out.
    first = pages[0]
    assert first.credentials.access_token == "EAAPageOneToken"
    assert first.credentials.expires_at is None
    assert first.credentials.extra["page_id"] == "546349135390552"


def test_contract_an_expired_user_token_cannot_list_pages(connector, graph_api):
    graph_api.get("/me/accounts").respond(
        400,
        json={
            "error": {
                "message": "Error validating access token: Session has expired.",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 463,
                "fbtrace_id": "AbCdEf",
            }
        },
    )

    with pytest.raises(AuthError, match="Session has expired"):
        connector.list_pages(Credentials(access_token="EAAOld"))
