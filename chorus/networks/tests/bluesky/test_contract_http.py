"""What the local PDS cannot show: the AppView's counts, rate limits, outages, and a
sign-in on an entryway (bsky.social) whose accounts live on another host.

Requests and answers follow the public API reference at docs.bsky.app
(app.bsky.feed.getPosts, app.bsky.actor.getProfile, com.atproto.server.createSession,
com.atproto.repo.createRecord) and its rate-limit documentation: XRPC errors are
``{"error": ..., "message": ...}``; a 429 carries ``ratelimit-limit``,
``ratelimit-remaining``, ``ratelimit-reset`` (epoch seconds) and ``ratelimit-policy``.
"""

import base64
import json
import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx

from chorus.networks.connectors.base import (
    AuthError,
    Credentials,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    RateLimited,
    TransientError,
)
from chorus.networks.connectors.bluesky.connector import record_key
from chorus.publishing.tests.factories import connect

pytestmark = pytest.mark.django_db

PDS = "https://morel.us-east.host.bsky.network"
ENTRYWAY = "https://bsky.social"
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
HANDLE = "erin.bsky.social"
POST_URI = f"at://{DID}/app.bsky.feed.post/3l6oveex3ii2l"
POST_CID = "bafyreihd5xwhbpbszopmpnq7pbt5cx6yxzoqtmiqqq35rnp4dxwzf4pxle"
POST = OutgoingPost(text="Hello from Chorus", idempotency_key="contract-key")


def jwt(payload: dict[str, object]) -> str:
    """A token shaped like the PDS's (its signature is no concern of Chorus's)."""

    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(payload)}.c2lnbmF0dXJl"


def access_jwt(*, hours: float = 2, scope: str = "com.atproto.appPass") -> str:
    now = datetime.now(UTC)
    return jwt(
        {
            "scope": scope,
            "sub": DID,
            "aud": "did:web:morel.us-east.host.bsky.network",
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(hours=hours)).timestamp()),
        }
    )


REFRESH_JWT = jwt({"scope": "com.atproto.refresh", "sub": DID, "jti": "r1"})


@pytest.fixture
def account(employee):
    account = connect(employee, handle=f"@{HANDLE}", network="bluesky")
    account.external_id = DID
    account.server = ENTRYWAY
    account.credentials = Credentials(
        access_token=access_jwt(),
        refresh_token=REFRESH_JWT,
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        extra={"did": DID, "pds": PDS},
    )
    account.save()
    return account


@pytest.fixture
def bluesky():
    with respx.mock(base_url=f"{PDS}/xrpc", assert_all_called=False) as mock:
        yield mock


def xrpc_error(status: int, error: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


RECORD_NOT_FOUND = xrpc_error(400, "RecordNotFound", f"Could not locate record: {POST_URI}")

POST_VIEW = {
    "uri": POST_URI,
    "cid": POST_CID,
    "author": {
        "did": DID,
        "handle": HANDLE,
        "displayName": "Erin Employee",
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{DID}/bafkreiabc@jpeg",
        "labels": [],
        "createdAt": "2023-04-12T04:53:57.057Z",
    },
    "record": {
        "$type": "app.bsky.feed.post",
        "createdAt": "2026-05-04T09:00:00.000Z",
        "langs": ["en"],
        "text": "Our solar tiles are out.",
    },
    "replyCount": 3,
    "repostCount": 5,
    "likeCount": 42,
    "quoteCount": 2,
    "bookmarkCount": 1,
    "indexedAt": "2026-05-04T09:00:01.123Z",
    "labels": [],
}


# Reading through the AppView.


def test_contract_post_metrics_come_from_get_posts(connector, account, bluesky):
    route = bluesky.get("/app.bsky.feed.getPosts").respond(200, json={"posts": [POST_VIEW]})

    metrics = connector.post_metrics(account, POST_URI)

    assert metrics == PostMetrics(likes=42, reposts=7, replies=3, impressions=None)
    request = route.calls.last.request
    assert request.url.params.get_list("uris") == [POST_URI]
    assert request.headers["Authorization"] == f"Bearer {account.credentials.access_token}"


def test_contract_a_post_the_appview_no_longer_shows_is_a_permanent_error(
    connector, account, bluesky
):
    bluesky.get("/app.bsky.feed.getPosts").respond(200, json={"posts": []})

    with pytest.raises(PermanentError, match="no longer shows"):
        connector.post_metrics(account, POST_URI)


def test_contract_follower_count_comes_from_get_profile(connector, account, bluesky):
    route = bluesky.get("/app.bsky.actor.getProfile").respond(
        200,
        json={
            "did": DID,
            "handle": HANDLE,
            "displayName": "Erin Employee",
            "description": "Roofs, mostly.",
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{DID}/bafkreiabc@jpeg",
            "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
            "indexedAt": "2024-01-20T05:32:57.561Z",
            "createdAt": "2023-04-12T04:53:57.057Z",
            "followersCount": 1289,
            "followsCount": 310,
            "postsCount": 874,
            "labels": [],
        },
    )

    assert connector.follower_count(account) == 1289
    assert route.calls.last.request.url.params["actor"] == DID


def test_contract_reading_while_rate_limited(connector, account, bluesky):
    reset = int((datetime.now(UTC) + timedelta(minutes=3)).timestamp())
    bluesky.get("/app.bsky.actor.getProfile").mock(
        return_value=xrpc_error(
            429,
            "RateLimitExceeded",
            "Rate Limit Exceeded",
            **{"ratelimit-limit": "3000", "ratelimit-remaining": "0"},
            **{"ratelimit-reset": str(reset), "ratelimit-policy": "3000;w=300"},
        )
    )

    with pytest.raises(RateLimited) as limited:
        connector.follower_count(account)

    assert limited.value.reset_at == datetime.fromtimestamp(reset, tz=UTC)


# Failures while posting.


def test_contract_a_429_is_rate_limited_until_ratelimit_reset(connector, account, bluesky):
    reset = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    create = bluesky.post("/com.atproto.repo.createRecord").mock(
        return_value=xrpc_error(
            429,
            "RateLimitExceeded",
            "Rate Limit Exceeded",
            **{"ratelimit-limit": "5000", "ratelimit-remaining": "0"},
            **{"ratelimit-reset": str(reset), "ratelimit-policy": "5000;w=3600"},
        )
    )
    lookup = bluesky.get("/com.atproto.repo.getRecord").mock(return_value=RECORD_NOT_FOUND)

    with pytest.raises(RateLimited) as limited:
        connector.publish(account, POST)

    assert limited.value.reset_at == datetime.fromtimestamp(reset, tz=UTC)
    assert "Rate Limit Exceeded" in limited.value.reason
    assert create.call_count == 1
    assert lookup.call_count == 0  # nothing more is asked of a server that said to wait


@pytest.mark.parametrize("status", [500, 502, 503])
def test_contract_a_server_error_is_transient(connector, account, bluesky, status):
    bluesky.post("/com.atproto.repo.createRecord").mock(
        return_value=xrpc_error(status, "InternalServerError", "Internal Server Error")
    )
    bluesky.get("/com.atproto.repo.getRecord").mock(return_value=RECORD_NOT_FOUND)

    with pytest.raises(TransientError, match="Internal Server Error"):
        connector.publish(account, POST)


def test_contract_a_timeout_is_transient(connector, account, bluesky):
    bluesky.post("/com.atproto.repo.createRecord").mock(side_effect=httpx.ReadTimeout("slow"))
    bluesky.get("/com.atproto.repo.getRecord").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError, match="did not answer in time"):
        connector.publish(account, POST)


def test_contract_a_dropped_connection_is_transient(connector, account, bluesky):
    bluesky.post("/com.atproto.repo.createRecord").mock(side_effect=httpx.ConnectError("reset"))
    bluesky.get("/com.atproto.repo.getRecord").mock(side_effect=httpx.ConnectError("reset"))

    with pytest.raises(TransientError, match="could not reach Bluesky"):
        connector.publish(account, POST)


def test_contract_a_post_made_before_the_answer_was_lost_is_returned(connector, account, bluesky):
    rkey = record_key(POST.idempotency_key)
    uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
    bluesky.post("/com.atproto.repo.createRecord").mock(side_effect=httpx.ReadTimeout("lost"))
    lookup = bluesky.get("/com.atproto.repo.getRecord").respond(
        200,
        json={
            "uri": uri,
            "cid": POST_CID,
            "value": {
                "$type": "app.bsky.feed.post",
                "text": POST.text,
                "createdAt": "2026-05-04T09:00:00.000Z",
            },
        },
    )

    published = connector.publish(account, POST)

    assert published.external_id == uri
    assert lookup.calls.last.request.url.params["rkey"] == rkey


def test_contract_an_invalid_request_is_permanent_with_the_networks_message(
    connector, account, bluesky
):
    message = "Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 bytes"
    bluesky.post("/com.atproto.repo.createRecord").mock(
        return_value=xrpc_error(400, "InvalidRequest", message)
    )
    bluesky.get("/com.atproto.repo.getRecord").mock(return_value=RECORD_NOT_FOUND)

    with pytest.raises(PermanentError) as refused:
        connector.publish(account, POST)

    assert refused.value.reason == f"{message} (InvalidRequest)"


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (400, "InvalidToken", "Token could not be verified"),
        (401, "AuthenticationRequired", "Authentication Required"),
        (400, "AccountTakedown", "Account has been taken down"),
    ],
)
def test_contract_a_session_that_no_longer_works_is_an_auth_error(
    connector, account, bluesky, status, error, message
):
    bluesky.post("/com.atproto.repo.createRecord").mock(
        return_value=xrpc_error(status, error, message)
    )

    with pytest.raises(AuthError, match=message):
        connector.publish(account, POST)


def test_contract_a_refresh_token_that_was_revoked_means_reconnecting(connector, account, bluesky):
    bluesky.post("/com.atproto.repo.createRecord").mock(
        return_value=xrpc_error(400, "ExpiredToken", "Token has expired")
    )
    refresh = bluesky.post("/com.atproto.server.refreshSession").mock(
        return_value=xrpc_error(400, "ExpiredToken", "Token has been revoked")
    )

    with pytest.raises(AuthError, match="Token has been revoked"):
        connector.publish(account, POST)

    assert refresh.calls.last.request.headers["Authorization"] == f"Bearer {REFRESH_JWT}"


# Signing in on an entryway.


def session_answer(pds_endpoint: str, *, scope: str = "com.atproto.appPass") -> dict[str, object]:
    return {
        "did": DID,
        "handle": HANDLE,
        "email": "erin@acme.test",
        "emailConfirmed": True,
        "accessJwt": access_jwt(scope=scope),
        "refreshJwt": REFRESH_JWT,
        "active": True,
        "didDoc": {
            "@context": [
                "https://www.w3.org/ns/did/v1",
                "https://w3id.org/security/multikey/v1",
                "https://w3id.org/security/suites/secp256k1-2019/v1",
            ],
            "id": DID,
            "alsoKnownAs": [f"at://{HANDLE}"],
            "verificationMethod": [
                {
                    "id": f"{DID}#atproto",
                    "type": "Multikey",
                    "controller": DID,
                    "publicKeyMultibase": "zQ3shQo6TF2moaqMTrUZEM1jeuYRQXeHEx4evX9751y2qPqRA",
                }
            ],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": pds_endpoint,
                }
            ],
        },
    }


def test_contract_signing_in_on_bsky_social_uses_the_accounts_own_pds(connector):
    """bsky.social, the default server, signs in; the account's PDS serves it afterwards."""
    with respx.mock(assert_all_called=True) as mock:
        sign_in = mock.post(f"{ENTRYWAY}/xrpc/com.atproto.server.createSession").respond(
            200, json=session_answer(PDS)
        )
        profile = mock.get(f"{PDS}/xrpc/com.atproto.repo.getRecord").respond(
            200,
            json={
                "uri": f"at://{DID}/app.bsky.actor.profile/self",
                "cid": POST_CID,
                "value": {"$type": "app.bsky.actor.profile", "displayName": "Erin Employee"},
            },
        )

        connection = connector.connect_with_password(
            server="", identifier=HANDLE, password="abcd-efgh-ijkl-mnop"
        )

    assert json.loads(sign_in.calls.last.request.content) == {
        "identifier": HANDLE,
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert profile.calls.last.request.url.params["repo"] == DID
    assert connection.external_id == DID
    assert connection.handle == f"@{HANDLE}"
    assert connection.display_name == "Erin Employee"
    assert connection.server == ENTRYWAY
    assert connection.credentials.extra == {"did": DID, "pds": PDS}


def test_contract_a_pds_at_a_private_address_is_refused(connector, settings, monkeypatch):
    settings.CHORUS_ALLOW_PRIVATE_SERVERS = False
    addresses = {"bsky.social": "3.211.142.87", "pds.evil.example": "10.0.0.5"}

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addresses[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with respx.mock() as mock:
        mock.post(f"{ENTRYWAY}/xrpc/com.atproto.server.createSession").respond(
            200, json=session_answer("https://pds.evil.example")
        )
        mock.post(f"{ENTRYWAY}/xrpc/com.atproto.server.deleteSession").respond(200)

        with pytest.raises(PermanentError, match=r"pds\.evil\.example"):
            connector.connect_with_password(
                server="bsky.social", identifier=HANDLE, password="abcd-efgh-ijkl-mnop"
            )


def test_contract_a_sign_in_rate_limit_is_reported(connector):
    reset = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())
    with respx.mock() as mock:
        mock.post(f"{ENTRYWAY}/xrpc/com.atproto.server.createSession").mock(
            return_value=xrpc_error(
                429, "RateLimitExceeded", "Rate Limit Exceeded", **{"ratelimit-reset": str(reset)}
            )
        )

        with pytest.raises(RateLimited) as limited:
            connector.connect_with_password(
                server=ENTRYWAY, identifier=HANDLE, password="abcd-efgh-ijkl-mnop"
            )

    assert limited.value.reset_at == datetime.fromtimestamp(reset, tz=UTC)
