"""A real Mastodon-shaped server on loopback (mastodon-mock), and accounts on it.

The server runs once per test session in a thread and is reset to its seed
(alice, bob and carol, each with a token; alice follows bob) before every test.
Its fault rules make it answer like an instance in trouble: a forced status with
a Mastodon error body and headers, or a delay.
"""

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from mastodon_mock.config import DatabaseConfig, MastodonMockConfig, StreamingConfig
from mastodon_mock.testing.seed import DEFAULT_TEST_SEED
from mastodon_mock.testing.server import MockServer

from chorus.networks.connectors.base import Credentials
from chorus.networks.connectors.mastodon import Connector
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership

TOKENS = {"alice": "alice_token", "bob": "bob_token", "carol": "carol_token"}


@dataclass
class Instance:
    """The running server, with a plain HTTP view of it for checking what it holds."""

    url: str
    # The domain its handles use (mastodon-mock's default), not its address.
    domain: str = "mock.local"

    def get(self, path: str, *, as_user: str = "alice", **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params, headers=_bearer(as_user))

    def post(self, path: str, *, as_user: str = "alice", **data: Any) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", data=data, headers=_bearer(as_user))

    def upload(self, data: bytes, *, content_type: str, description: str) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/api/v2/media",
            files={"file": ("upload", data, content_type)},
            data={"description": description},
            headers=_bearer("alice"),
        )
        response.raise_for_status()
        return dict(response.json())

    def account_id(self, username: str) -> str:
        response = self.get("/api/v1/accounts/verify_credentials", as_user=username)
        response.raise_for_status()
        return str(response.json()["id"])

    def status(self, status_id: str, *, as_user: str = "alice") -> dict[str, Any]:
        response = self.get(f"/api/v1/statuses/{status_id}", as_user=as_user)
        response.raise_for_status()
        return dict(response.json())

    def source_text(self, status_id: str) -> str:
        response = self.get(f"/api/v1/statuses/{status_id}/source")
        response.raise_for_status()
        return str(response.json()["text"])

    def statuses_of(self, username: str) -> list[dict[str, Any]]:
        response = self.get(
            f"/api/v1/accounts/{self.account_id(username)}/statuses", as_user=username
        )
        response.raise_for_status()
        return list(response.json())

    def fault(
        self,
        *,
        path: str,
        methods: list[str] | None = None,
        type: str = "status",
        status: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        delay_ms: int = 0,
        count: int | None = 1,
    ) -> None:
        """Make the next ``count`` matching requests fail (or lag) as the rule says."""
        effect: dict[str, Any] = {"type": type, "delay_ms": delay_ms}
        if status is not None:
            effect["status"] = status
        if body is not None:
            effect["body"] = body
        if headers is not None:
            effect["headers"] = headers
        rule = {"match": {"path": path, "methods": methods}, "effect": effect, "count": count}
        httpx.post(f"{self.url}/api/v1/_mock/faults", json=rule).raise_for_status()


def _bearer(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[username]}"}


@pytest.fixture(scope="session")
def mastodon_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    config = MastodonMockConfig(
        database=DatabaseConfig(path=":memory:"),
        seed=DEFAULT_TEST_SEED,
        streaming=StreamingConfig(heartbeat_seconds=0.2),
        media_storage_path=str(tmp_path_factory.mktemp("mastodon-media")),
    )
    with MockServer(config=config) as server:
        yield server


@pytest.fixture
def instance(mastodon_server: MockServer, settings: Any) -> Instance:
    settings.CHORUS_ALLOW_PRIVATE_SERVERS = True
    httpx.post(f"{mastodon_server.base_url}/api/v1/_mock/reset").raise_for_status()
    return Instance(url=mastodon_server.base_url)


@pytest.fixture
def connector() -> Connector:
    return Connector()


@pytest.fixture
def account_on(instance: Instance, employee: Membership) -> Callable[..., ConnectedAccount]:
    """A connected Mastodon account of the employee's, as a seeded user of the server."""

    def make(username: str = "alice", *, server: str | None = None) -> ConnectedAccount:
        return ConnectedAccount.objects.create(
            organisation=employee.organisation,
            member=employee,
            network="mastodon",
            external_id=instance.account_id(username),
            handle=f"@{username}@{instance.domain}",
            server=server or instance.url,
            credentials=Credentials(access_token=TOKENS[username]),
            takes_part=True,
        )

    return make


@pytest.fixture
def alice(account_on: Callable[..., ConnectedAccount]) -> ConnectedAccount:
    return account_on("alice")


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
