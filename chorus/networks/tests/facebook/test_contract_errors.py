"""How Graph API failures reach the publisher, with error bodies and headers as Meta's
"Handling Errors" and "Rate Limits" guides show them."""

import json
from datetime import timedelta

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
from chorus.networks.tests.facebook.conftest import PAGE_ID, PAGE_TOKEN

OUTGOING = OutgoingPost(text="Hello fans!", idempotency_key="key-1")


def graph_error(
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    error_type: str = "OAuthException",
    **extra: object,
) -> dict[str, object]:
    error: dict[str, object] = {
        "message": message,
        "type": error_type,
        "code": code,
        "fbtrace_id": "EJplcsCHuLu",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": {**error, **extra}}


def failing_feed(
    graph_api: respx.MockRouter,
    status: int,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> None:
    graph_api.post(f"/{PAGE_ID}/feed").respond(status, json=body, headers=headers)


@pytest.mark.django_db
def test_contract_an_expired_or_revoked_token_asks_for_reconnecting(connector, graph_api, page):
    failing_feed(
        graph_api,
        400,
        graph_error(
            190,
            "Error validating access token: The user has not authorized application 123.",
            subcode=458,
        ),
    )

    with pytest.raises(AuthError) as raised:
        connector.publish(page, OUTGOING)

    assert "has not authorized application" in raised.value.reason
    assert PAGE_TOKEN not in raised.value.reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        (4, "(#4) Application request limit reached"),
        (17, "(#17) User request limit reached"),
        (32, "(#32) Page request limit reached"),
        (613, "(#613) Calls to this api have exceeded the rate limit."),
    ],
)
def test_contract_throttling_codes_wait_before_posting_again(
    connector, graph_api, page, code, message
):
    failing_feed(graph_api, 400, graph_error(code, message))
    before = timezone.now()

    with pytest.raises(RateLimited) as raised:
        connector.publish(page, OUTGOING)

    assert raised.value.reason == message
    # No usage header: Chorus's default wait.
    assert raised.value.reset_at >= before + timedelta(minutes=15)


@pytest.mark.django_db
def test_contract_business_use_case_limit_waits_as_long_as_meta_says(connector, graph_api, page):
    usage = {
        PAGE_ID: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 25,
                "total_time": 25,
                "estimated_time_to_regain_access": 19,
            }
        ]
    }
    failing_feed(
        graph_api,
        400,
        graph_error(80001, "There have been too many calls to this Page account."),
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    before = timezone.now()

    with pytest.raises(RateLimited) as raised:
        connector.publish(page, OUTGOING)

    assert before + timedelta(minutes=19) <= raised.value.reset_at
    assert raised.value.reset_at <= timezone.now() + timedelta(minutes=19)


@pytest.mark.django_db
def test_contract_http_429_with_usage_header_waits_as_told(connector, graph_api, page):
    usage = {PAGE_ID: [{"type": "pages", "call_count": 96, "estimated_time_to_regain_access": 3}]}
    failing_feed(graph_api, 429, headers={"X-Business-Use-Case-Usage": json.dumps(usage)})
    before = timezone.now()

    with pytest.raises(RateLimited) as raised:
        connector.publish(page, OUTGOING)

    assert before + timedelta(minutes=3) <= raised.value.reset_at
    assert raised.value.reset_at <= timezone.now() + timedelta(minutes=3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, graph_error(1, "An unknown error occurred", error_type="OAuthException")),
        (503, graph_error(2, "Service temporarily unavailable")),
        (400, graph_error(100, "An unexpected error has occurred.", is_transient=True)),
        (502, None),
    ],
)
def test_contract_outages_are_retried_later(connector, graph_api, page, status, body):
    failing_feed(graph_api, status, body)

    with pytest.raises(TransientError):
        connector.publish(page, OUTGOING)


@pytest.mark.django_db
def test_contract_a_refused_post_fails_for_good_with_facebooks_reason(connector, graph_api, page):
    failing_feed(
        graph_api,
        400,
        graph_error(
            100, "(#100) The parameter message is too long", error_type="GraphMethodException"
        ),
    )

    with pytest.raises(PermanentError) as raised:
        connector.publish(page, OUTGOING)

    assert raised.value.reason == "(#100) The parameter message is too long"


@pytest.mark.django_db
def test_contract_a_duplicate_status_is_refused_for_good(connector, graph_api, page):
    failing_feed(graph_api, 400, graph_error(506, "(#506) Duplicate status message"))

    with pytest.raises(PermanentError, match="Duplicate status message"):
        connector.publish(page, OUTGOING)


@pytest.mark.django_db
def test_a_timeout_is_retried_later(connector, graph_api, page):
    graph_api.post(f"/{PAGE_ID}/feed").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError, match="did not answer in time"):
        connector.publish(page, OUTGOING)


@pytest.mark.django_db
def test_a_dropped_connection_is_retried_later(connector, graph_api, page):
    graph_api.post(f"/{PAGE_ID}/feed").mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(TransientError):
        connector.publish(page, OUTGOING)


@pytest.mark.django_db
def test_reading_metrics_fails_the_same_way(connector, graph_api, page):
    graph_api.get(f"/{PAGE_ID}").respond(400, json=graph_error(190, "Session has expired"))

    with pytest.raises(AuthError):
        connector.follower_count(page)
