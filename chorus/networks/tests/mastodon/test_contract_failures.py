"""How a Mastodon instance's failures reach Chorus: each one as the connector error the
pipeline acts on. The server answers as docs.joinmastodon.org documents it: an error
body {"error": "..."} and, on 429, the X-RateLimit-Limit/Remaining/Reset headers."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from chorus.networks.connectors.base import (
    AuthError,
    Credentials,
    OutgoingPost,
    PermanentError,
    RateLimited,
    TransientError,
)

POST = OutgoingPost(text="Hello", idempotency_key="failure-key")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    ["The access token is invalid", "The access token was revoked"],
)
def test_contract_a_401_means_the_account_must_reconnect(connector, instance, alice, error):
    instance.fault(path="/api/v1/statuses", methods=["POST"], status=401, body={"error": error})

    with pytest.raises(AuthError) as raised:
        connector.publish(alice, POST)

    assert raised.value.reason == error


@pytest.mark.django_db
def test_contract_a_token_the_instance_does_not_know_is_an_auth_error(connector, alice):
    alice.credentials = Credentials(access_token="no-such-token")

    with pytest.raises(AuthError):
        connector.follower_count(alice)


@pytest.mark.django_db
def test_an_account_without_a_token_must_reconnect(connector, alice):
    alice.credentials = Credentials()

    with pytest.raises(AuthError):
        connector.publish(alice, POST)


@pytest.mark.django_db
def test_contract_a_scope_refusal_means_the_account_must_reconnect(connector, instance, alice):
    instance.fault(
        path="/api/v1/statuses",
        status=403,
        body={"error": "This action is outside the authorized scopes"},
    )

    with pytest.raises(AuthError, match="outside the authorized scopes"):
        connector.publish(alice, POST)


@pytest.mark.django_db
def test_contract_a_429_is_rate_limited_until_the_reset_the_instance_gives(
    connector, instance, alice
):
    reset = (datetime.now(UTC) + timedelta(minutes=12)).replace(microsecond=0)
    instance.fault(
        path="/api/v1/statuses",
        methods=["POST"],
        status=429,
        body={"error": "Too many requests"},
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            # Mastodon sends the reset as an ISO 8601 timestamp.
            "X-RateLimit-Reset": reset.isoformat().replace("+00:00", ".000Z"),
        },
    )

    started = time.monotonic()
    with pytest.raises(RateLimited) as raised:
        connector.publish(alice, POST)

    # Thrown at once: the library does not sleep until the reset itself.
    assert time.monotonic() - started < 5
    assert abs(raised.value.reset_at - reset) < timedelta(seconds=5)
    assert instance.statuses_of("alice") == []


@pytest.mark.django_db
def test_contract_a_429_without_a_reset_waits_a_default_while(connector, instance, alice):
    instance.fault(path="/api/v1/statuses/*", status=429, body={"error": "Too many requests"})

    with pytest.raises(RateLimited) as raised:
        connector.post_metrics(alice, "1")

    assert raised.value.reset_at > datetime.now(UTC) + timedelta(minutes=5)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_contract_server_errors_are_transient(connector, instance, alice, status):
    instance.fault(path="/api/v1/statuses", methods=["POST"], status=status)

    with pytest.raises(TransientError):
        connector.publish(alice, POST)


@pytest.mark.django_db
def test_contract_a_422_is_permanent_with_the_instances_words(connector, instance, alice):
    instance.fault(
        path="/api/v1/statuses",
        methods=["POST"],
        status=422,
        body={"error": "Validation failed: Text character limit of 500 exceeded"},
    )

    with pytest.raises(PermanentError) as raised:
        connector.publish(alice, POST)

    assert raised.value.reason == "Validation failed: Text character limit of 500 exceeded"


@pytest.mark.django_db
def test_contract_a_text_the_instance_refuses_is_permanent(connector, instance, alice):
    with pytest.raises(PermanentError, match="Text is too long"):
        connector.publish(alice, OutgoingPost(text="x" * 501, idempotency_key="too-long"))


@pytest.mark.django_db
def test_contract_acting_on_a_missing_status_is_permanent(connector, instance, alice):
    with pytest.raises(PermanentError, match="Record not found"):
        connector.like(alice, "404404404")


@pytest.mark.django_db
def test_contract_a_refused_connection_is_transient(connector, account_on, closed_port):
    account = account_on("alice", server=f"http://127.0.0.1:{closed_port}")

    with pytest.raises(TransientError, match="could not reach"):
        connector.publish(account, POST)


@pytest.mark.django_db
def test_contract_a_server_that_does_not_answer_in_time_is_transient(
    connector, instance, alice, settings
):
    settings.CHORUS_NETWORK_TIMEOUT = 1
    instance.fault(path="/api/v1/accounts/verify_credentials", type="latency", delay_ms=2500)

    with pytest.raises(TransientError, match="did not answer in time"):
        connector.follower_count(alice)


@pytest.mark.django_db
def test_contract_redirects_are_not_followed(connector, instance, alice):
    # Followed, this would read bob's account (one follower) instead of alice's.
    bob = instance.account_id("bob")
    instance.fault(
        path="/api/v1/accounts/verify_credentials",
        status=302,
        body={},
        headers={"Location": f"{instance.url}/api/v1/accounts/{bob}"},
    )

    with pytest.raises(TransientError):
        connector.follower_count(alice)


@pytest.mark.django_db
def test_contract_an_answer_that_is_not_json_is_transient(connector, instance, alice):
    instance.fault(path="/api/v1/accounts/verify_credentials", type="malformed")

    with pytest.raises(TransientError):
        connector.follower_count(alice)


@pytest.mark.django_db
def test_an_account_on_a_private_server_is_refused(connector, alice, settings):
    settings.CHORUS_ALLOW_PRIVATE_SERVERS = False
    alice.server = "https://localhost"

    with pytest.raises(PermanentError, match="not a public server"):
        connector.publish(alice, POST)
