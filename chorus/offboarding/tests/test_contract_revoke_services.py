"""Offboarding revokes tokens at the networks whose APIs allow it, and reports any it could not.

Requests and answers follow the networks' public documentation: Bluesky's
com.atproto.server.deleteSession (the refresh JWT as bearer, no body, 200),
Mastodon's POST /oauth/revoke (client_id, client_secret, token; 200 with ``{}``)
and X's POST /2/oauth2/revoke (token in the form, a confidential client with HTTP
Basic; ``{"revoked": true}``).
"""

import base64
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.networks.connectors.base import Credentials
from chorus.networks.models import AccountStatus, ConnectedAccount, InstanceApp, NetworkApp
from chorus.offboarding.models import OffboardingReport, RevokeOutcome
from chorus.offboarding.services import offboard_member
from chorus.offboarding.tests.conftest import account_of

PDS = "https://morel.us-east.host.bsky.network"
MASTODON = "https://mastodon.example"
X_API = "https://api.x.com"
X_CLIENT_ID, X_SECRET = "rG9n6402A3dbUJKzXTNX4oWHJ", "x-app-secret"
BASIC = "Basic " + base64.b64encode(f"{X_CLIENT_ID}:{X_SECRET}".encode()).decode()


@pytest.fixture
def accounts(employee, organisation):
    NetworkApp.objects.create(
        organisation=organisation, network="x", client_id=X_CLIENT_ID, client_secret=X_SECRET
    )
    InstanceApp.objects.create(
        network="mastodon",
        server=MASTODON,
        redirect_uri="https://chorus.example.org/callback/",
        client_id="mastodon-client",
        client_secret="mastodon-secret",
    )
    return {
        "bluesky": account_of(
            employee,
            handle="@erin.bsky.social",
            network="bluesky",
            server="https://bsky.social",
            credentials=Credentials(
                access_token="bsky-access",
                refresh_token="bsky-refresh",
                extra={"did": "did:plc:z72i7hdynmk6r22z27h6tvur", "pds": PDS},
            ),
        ),
        "mastodon": account_of(
            employee,
            handle="@erin@mastodon.example",
            network="mastodon",
            server=MASTODON,
            credentials=Credentials(
                access_token="mastodon-token", extra={"client_id": "mastodon-client"}
            ),
        ),
        "x": account_of(
            employee,
            handle="@erin_builds",
            network="x",
            credentials=Credentials(access_token="x-access", refresh_token="x-refresh"),
        ),
    }


def outcomes(report: OffboardingReport) -> dict[str, tuple[str, str]]:
    return {token["network"]: (token["outcome"], token["detail"]) for token in report.tokens}


def assert_all_forgotten(accounts: dict[str, ConnectedAccount]) -> None:
    for account in ConnectedAccount.objects.filter(pk__in=[a.pk for a in accounts.values()]):
        assert account.status == AccountStatus.DISCONNECTED
        assert account.credentials.is_empty


def test_contract_each_networks_revoke_endpoint_is_called(owner, employee, accounts):
    with respx.mock() as networks:
        bluesky = networks.post(f"{PDS}/xrpc/com.atproto.server.deleteSession").respond(200)
        mastodon = networks.post(f"{MASTODON}/oauth/revoke").respond(200, json={})
        x = networks.post(f"{X_API}/2/oauth2/revoke").respond(200, json={"revoked": True})

        report = offboard_member(by=owner, member=employee)

    assert bluesky.calls.last.request.headers["authorization"] == "Bearer bsky-refresh"
    assert parse_qs(mastodon.calls.last.request.content.decode()) == {
        "client_id": ["mastodon-client"],
        "client_secret": ["mastodon-secret"],
        "token": ["mastodon-token"],
    }
    assert [parse_qs(call.request.content.decode()) for call in x.calls] == [
        {"token": ["x-refresh"]},
        {"token": ["x-access"]},
    ]
    assert all(call.request.headers["authorization"] == BASIC for call in x.calls)
    assert {network: outcome for network, (outcome, _) in outcomes(report).items()} == {
        "bluesky": RevokeOutcome.REVOKED,
        "mastodon": RevokeOutcome.REVOKED,
        "x": RevokeOutcome.REVOKED,
    }
    assert_all_forgotten(accounts)
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_OFFBOARDED)
    after = event.after or {}
    assert (after["tokens_deleted"], after["tokens_revoked"]) == (3, 3)


def test_contract_failing_revokes_still_complete_the_offboarding_and_say_so(
    owner, employee, accounts
):
    with respx.mock() as networks:
        networks.post(f"{PDS}/xrpc/com.atproto.server.deleteSession").mock(
            side_effect=httpx.ConnectTimeout("timed out")
        )
        networks.post(f"{MASTODON}/oauth/revoke").respond(
            503, json={"error": "Service unavailable"}
        )
        networks.post(f"{X_API}/2/oauth2/revoke").respond(
            401, json={"error": "unauthorized_client", "error_description": "Missing valid auth"}
        )

        report = offboard_member(by=owner, member=employee)

    employee.refresh_from_db()
    assert not employee.is_active
    assert_all_forgotten(accounts)
    found = outcomes(report)
    assert {outcome for outcome, _ in found.values()} == {RevokeOutcome.NOT_REVOKED}
    assert "Missing valid auth" in found["x"][1]
    assert all(detail for _, detail in found.values())
    assert len(report.tokens_not_revoked) == 3


def test_a_network_without_a_revoke_api_is_reported_not_revoked(owner, admin, employee):
    page = account_of(admin, handle="Acme on Facebook", network="facebook", company=True)
    ConnectedAccount.objects.filter(pk=page.pk).update(member=employee)
    account_of(employee, handle="@outbox", credentials=Credentials())

    with respx.mock():  # no network may be called
        report = offboard_member(by=owner, member=employee)

    found = {token["handle"]: token for token in report.tokens}
    assert found["Acme on Facebook"]["outcome"] == RevokeOutcome.NOT_REVOKED
    assert "remove Chorus's app" in found["Acme on Facebook"]["detail"]
    assert found["Acme on Facebook"]["company"] is True
    assert found["@outbox"]["outcome"] == RevokeOutcome.NOTHING_TO_REVOKE
    assert [a["how"] for a in report.company_accounts] == ["connected"]
