"""Every way a LinkedIn call fails ends as one of the connector errors, in LinkedIn's words.

Error bodies follow LinkedIn's REST error format (``status``, ``code``, ``message``).
"""

from datetime import timedelta

import httpx
import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors.base import (
    AuthError,
    Credentials,
    OutgoingPost,
    PermanentError,
    RateLimited,
    TransientError,
)
from chorus.networks.connectors.linkedin import Connector
from chorus.networks.http import DEFAULT_RATE_LIMIT_WAIT
from chorus.networks.models import ConnectedAccount
from chorus.networks.tests.linkedin.conftest import REST, VERSION

OUTGOING = OutgoingPost(text="Hello LinkedIn", idempotency_key="k-err")


def publish_answered(
    connector: Connector,
    account: ConnectedAccount,
    linkedin: respx.MockRouter,
    response: httpx.Response,
) -> None:
    linkedin.post(f"{REST}/posts").mock(return_value=response)
    connector.publish(account, OUTGOING)


@pytest.mark.django_db
def test_contract_401_is_an_auth_error_with_linkedins_message(connector, account, linkedin):
    response = httpx.Response(
        401,
        json={
            "status": 401,
            "serviceErrorCode": 65601,
            "code": "REVOKED_ACCESS_TOKEN",
            "message": "The token used in the request has been revoked by the user",
        },
    )

    with pytest.raises(AuthError, match="has been revoked by the user"):
        publish_answered(connector, account, linkedin, response)


@pytest.mark.django_db
def test_contract_429_without_a_reset_header_waits_the_default(connector, account, linkedin):
    response = httpx.Response(
        429,
        json={
            "status": 429,
            "serviceErrorCode": 101,
            "code": "TOO_MANY_REQUESTS",
            "message": "Resource level throttle APPLICATION DAY limit for calls to this resource "
            "is reached.",
        },
    )
    before = timezone.now()

    with pytest.raises(RateLimited, match="APPLICATION DAY limit") as caught:
        publish_answered(connector, account, linkedin, response)

    reset_at = caught.value.reset_at
    assert before + DEFAULT_RATE_LIMIT_WAIT <= reset_at <= timezone.now() + DEFAULT_RATE_LIMIT_WAIT


@pytest.mark.django_db
def test_contract_429_with_retry_after_waits_that_long(connector, account, linkedin):
    response = httpx.Response(
        429, headers={"Retry-After": "120"}, json={"status": 429, "message": "Too many requests"}
    )
    before = timezone.now()

    with pytest.raises(RateLimited) as caught:
        publish_answered(connector, account, linkedin, response)

    reset_at = caught.value.reset_at
    assert before + timedelta(seconds=120) <= reset_at <= timezone.now() + timedelta(seconds=120)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503])
def test_contract_server_errors_are_transient(connector, account, linkedin, status):
    response = httpx.Response(status, json={"status": status, "message": "Internal Server Error"})

    with pytest.raises(TransientError, match="Internal Server Error"):
        publish_answered(connector, account, linkedin, response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (httpx.ReadTimeout("timed out"), "did not answer in time"),
        (httpx.ConnectError("connection refused"), "could not reach"),
    ],
)
def test_contract_timeouts_and_dropped_connections_are_transient(
    connector, account, linkedin, failure, words
):
    linkedin.post(f"{REST}/posts").mock(side_effect=failure)

    with pytest.raises(TransientError, match=words):
        connector.publish(account, OUTGOING)


@pytest.mark.django_db
def test_contract_a_duplicate_post_is_permanent(connector, account, linkedin):
    response = httpx.Response(
        422,
        json={
            "errorDetailType": "com.linkedin.common.error.BadRequest",
            "message": "Content is a duplicate of urn:li:share:7162436563624898560",
            "status": 422,
        },
    )

    with pytest.raises(PermanentError, match="Content is a duplicate"):
        publish_answered(connector, account, linkedin, response)


@pytest.mark.django_db
def test_contract_other_refusals_are_permanent_with_linkedins_reason(connector, account, linkedin):
    response = httpx.Response(
        422,
        json={
            "errorDetailType": "com.linkedin.common.error.BadRequest",
            "message": "/commentary :: length of 3012 exceeds the maximum allowed length of 3000",
            "status": 422,
        },
    )

    with pytest.raises(PermanentError, match="exceeds the maximum allowed length"):
        publish_answered(connector, account, linkedin, response)


@pytest.mark.django_db
def test_contract_403_on_posting_is_permanent(connector, account, linkedin):
    response = httpx.Response(
        403,
        json={
            "status": 403,
            "serviceErrorCode": 100,
            "code": "ACCESS_DENIED",
            "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE",
        },
    )

    with pytest.raises(PermanentError, match="Not enough permissions"):
        publish_answered(connector, account, linkedin, response)


@pytest.mark.django_db
def test_contract_426_says_the_pinned_version_must_move(connector, account, linkedin):
    response = httpx.Response(
        426,
        json={
            "status": 426,
            "code": "NONEXISTENT_VERSION",
            "message": f"Requested version {VERSION} is not active",
        },
    )

    with pytest.raises(PermanentError) as caught:
        publish_answered(connector, account, linkedin, response)

    assert f"API version {VERSION}" in caught.value.reason
    assert "is not active" in caught.value.reason
    assert "Update CHORUS_LINKEDIN_VERSION to a newer LinkedIn-Version" in caught.value.reason


@pytest.mark.django_db
def test_contract_a_body_that_is_not_json_still_gives_a_reason(connector, account, linkedin):
    response = httpx.Response(502, text="<html>Bad Gateway</html>")

    with pytest.raises(TransientError, match="502 Bad Gateway"):
        publish_answered(connector, account, linkedin, response)


@pytest.mark.django_db
def test_contract_an_account_without_a_token_must_reconnect(connector, account, linkedin):
    account.credentials = Credentials()

    with pytest.raises(AuthError, match="connect it again"):
        connector.publish(account, OUTGOING)
    assert not linkedin.calls


@pytest.mark.django_db
def test_contract_error_reasons_never_carry_the_token(connector, account, linkedin):
    response = httpx.Response(401, json={"status": 401, "message": "Invalid access token"})

    with pytest.raises(AuthError) as caught:
        publish_answered(connector, account, linkedin, response)

    assert account.credentials.access_token not in caught.value.reason
