"""Every way an X call fails ends as one of the connector errors, in X's words.

Error bodies follow X API v2's problem format (``title``, ``detail``, ``type``)
and its rate-limit headers (``x-rate-limit-reset``, the 24-hour caps).
"""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors.base import (
    AuthError,
    OutgoingPost,
    PermanentError,
    RateLimited,
    TransientError,
)
from chorus.networks.connectors.x import Connector
from chorus.networks.models import ConnectedAccount
from chorus.networks.tests.x.conftest import API

OUTGOING = OutgoingPost(text="Hello X", idempotency_key="k-err")


def publish_answered(
    connector: Connector,
    account: ConnectedAccount,
    x_api: respx.MockRouter,
    response: httpx.Response,
) -> None:
    x_api.post(f"{API}/2/tweets").mock(return_value=response)
    connector.publish(account, OUTGOING)


@pytest.mark.django_db
def test_contract_401_is_an_auth_error(connector, account, x_api):
    response = httpx.Response(
        401,
        json={
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        },
    )

    with pytest.raises(AuthError, match="Unauthorized"):
        publish_answered(connector, account, x_api, response)


@pytest.mark.django_db
def test_contract_429_waits_until_the_reset_x_names(connector, account, x_api):
    reset = int((timezone.now() + timedelta(minutes=9)).timestamp())
    response = httpx.Response(
        429,
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"},
    )

    with pytest.raises(RateLimited, match="Too Many Requests") as caught:
        publish_answered(connector, account, x_api, response)

    assert caught.value.reset_at == datetime.fromtimestamp(reset, tz=UTC)


@pytest.mark.django_db
def test_contract_429_from_the_daily_cap_waits_for_the_days_reset(connector, account, x_api):
    window_reset = int((timezone.now() + timedelta(minutes=9)).timestamp())
    day_reset = int((timezone.now() + timedelta(hours=20)).timestamp())
    response = httpx.Response(
        429,
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "97",
            "x-rate-limit-reset": str(window_reset),
            "x-user-limit-24hour-limit": "17",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(day_reset),
        },
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"},
    )

    with pytest.raises(RateLimited) as caught:
        publish_answered(connector, account, x_api, response)

    assert caught.value.reset_at == datetime.fromtimestamp(day_reset, tz=UTC)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503])
def test_contract_server_errors_are_transient(connector, account, x_api, status):
    response = httpx.Response(
        status, json={"title": "Service Unavailable", "detail": "Service Unavailable"}
    )

    with pytest.raises(TransientError, match="Service Unavailable"):
        publish_answered(connector, account, x_api, response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (httpx.ReadTimeout("timed out"), "did not answer in time"),
        (httpx.ConnectError("connection refused"), "could not reach"),
    ],
)
def test_contract_timeouts_and_dropped_connections_are_transient(
    connector, account, x_api, failure, words
):
    x_api.post(f"{API}/2/tweets").mock(side_effect=failure)

    with pytest.raises(TransientError, match=words):
        connector.publish(account, OUTGOING)


@pytest.mark.django_db
def test_contract_duplicate_content_is_permanent(connector, account, x_api):
    response = httpx.Response(
        403,
        json={
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
        },
    )

    with pytest.raises(PermanentError, match="duplicate content"):
        publish_answered(connector, account, x_api, response)


@pytest.mark.django_db
def test_contract_a_bad_request_is_permanent_with_the_problems_detail(connector, account, x_api):
    response = httpx.Response(
        400,
        json={
            "errors": [
                {
                    "parameters": {"text": ["x" * 300]},
                    "message": "Your Tweet text is too long.",
                }
            ],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.x.com/2/problems/invalid-request",
        },
    )

    with pytest.raises(PermanentError, match="One or more parameters to your request was invalid"):
        publish_answered(connector, account, x_api, response)


@pytest.mark.django_db
def test_contract_a_problem_without_detail_gives_its_title(connector, account, x_api):
    response = httpx.Response(
        403,
        json={
            "title": "Client Forbidden",
            "type": "https://api.x.com/2/problems/client-forbidden",
            "reason": "client-not-enrolled",
        },
    )

    with pytest.raises(PermanentError, match="Client Forbidden"):
        publish_answered(connector, account, x_api, response)


@pytest.mark.django_db
def test_contract_error_reasons_never_carry_the_token(connector, account, x_api):
    response = httpx.Response(401, json={"title": "Unauthorized", "detail": "Unauthorized"})

    with pytest.raises(AuthError) as caught:
        publish_answered(connector, account, x_api, response)

    assert account.credentials.access_token not in caught.value.reason
