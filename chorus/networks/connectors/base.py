"""The one interface every network connector implements.

A connector speaks to one network for one connected account. Its contract:

- ``publish`` posts exactly the text it is given, once. It receives an
  idempotency key that stays the same across retries of one post; a connector
  passes it to networks that support one, derives a deterministic record key
  from it, or uses it to recognise a post it already made.
- ``find_published`` answers, after a crash between sending and recording,
  whether the network already holds the post for that key.
- Failures are reported by raising one of the errors below, never by returning:
  every failure is transient, rate-limited, an auth problem or permanent.
- Connecting is the one step that differs by network: OAuth 2 networks implement
  ``OAuthConnector``, networks with app passwords ``PasswordConnector``.

Connectors never log or show credentials; error reasons carry the network's
words, never a token.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, runtime_checkable

if TYPE_CHECKING:
    from chorus.networks.models import ConnectedAccount


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """What an account needs to act on its network. Stored encrypted, never shown."""

    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime | None = None
    # Anything else a network needs (a session's DID, a PDS host, a page token's page id).
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.access_token or self.refresh_token or self.extra)

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        expires_at = data.get("expires_at")
        return cls(
            access_token=data.get("access_token") or "",
            refresh_token=data.get("refresh_token") or "",
            expires_at=datetime.fromisoformat(expires_at) if expires_at else None,
            extra=dict(data.get("extra") or {}),
        )

    def __repr__(self) -> str:
        # Never let a token reach a log line or an error page through repr().
        return f"Credentials(expires_at={self.expires_at!r}, redacted)"


@dataclass(frozen=True, kw_only=True)
class AppCredentials:
    """An organisation's own app registration on a network (its OAuth client)."""

    client_id: str
    client_secret: str = ""

    def __repr__(self) -> str:
        return f"AppCredentials(client_id={self.client_id!r}, secret redacted)"


@dataclass(frozen=True, kw_only=True)
class Connection:
    """An account a member just connected: who it is on the network, and its credentials."""

    external_id: str
    handle: str
    display_name: str = ""
    # The member's server on federated networks (a Mastodon instance, a Bluesky PDS).
    server: str = ""
    credentials: Credentials


@dataclass(frozen=True, kw_only=True)
class OutgoingPost:
    text: str
    idempotency_key: str
    link_url: str = ""
    # The campaign's words for the link, for networks that build the link card themselves.
    link_title: str = ""
    link_description: str = ""
    image: bytes | None = None
    image_alt: str = ""
    image_content_type: str = ""
    # A public address of the image, for networks that fetch it themselves (Instagram).
    image_url: str = ""


@dataclass(frozen=True, kw_only=True)
class PublishedPost:
    external_id: str
    url: str = ""


@dataclass(frozen=True, kw_only=True)
class PostMetrics:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    # Only some networks tell impressions, and only to the author.
    impressions: int | None = None


class ConnectorError(Exception):
    """Base of all failures a connector reports. ``reason`` is the network's own words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientError(ConnectorError):
    """Worth retrying later: a timeout, a 5xx, a dropped connection."""

    def __init__(self, reason: str, *, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class RateLimited(ConnectorError):
    """The network asks to wait until ``reset_at`` before posting again from this account."""

    def __init__(self, reason: str, *, reset_at: datetime) -> None:
        super().__init__(reason)
        self.reset_at = reset_at


class AuthError(ConnectorError):
    """The token expired or was revoked: the owner must reconnect the account."""


class PermanentError(ConnectorError):
    """The network refused this post and will refuse it again (too long, duplicate, banned)."""


class NotSupported(ConnectorError):
    """The network's API does not offer this action (e.g. liking through LinkedIn's API)."""


class Connector(Protocol):
    """What every network's connector does for an account already connected."""

    network: ClassVar[str]

    def publish(self, account: "ConnectedAccount", post: OutgoingPost) -> PublishedPost: ...

    def find_published(
        self, account: "ConnectedAccount", idempotency_key: str
    ) -> PublishedPost | None: ...

    def delete(self, account: "ConnectedAccount", external_id: str) -> None: ...

    def repost(self, account: "ConnectedAccount", external_id: str) -> None: ...

    def like(self, account: "ConnectedAccount", external_id: str) -> None: ...

    def comment(
        self, account: "ConnectedAccount", external_id: str, post: OutgoingPost
    ) -> PublishedPost: ...

    def post_metrics(self, account: "ConnectedAccount", external_id: str) -> PostMetrics: ...

    def follower_count(self, account: "ConnectedAccount") -> int: ...

    def refresh(self, account: "ConnectedAccount") -> Credentials | None:
        """New credentials before the old expire; None if this network's never expire."""
        ...

    def revoke(self, account: "ConnectedAccount") -> None:
        """Invalidate the account's token at the network (best effort where it has no API)."""
        ...


@runtime_checkable
class OAuthConnector(Protocol):
    """Networks a member connects by signing in on the network (OAuth 2, with PKCE)."""

    network: ClassVar[str]

    def authorization_url(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        state: str,
        code_challenge: str,
    ) -> str: ...

    def complete_authorization(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> Connection: ...


@runtime_checkable
class PasswordConnector(Protocol):
    """Networks a member connects with an app password (Bluesky)."""

    network: ClassVar[str]

    def connect_with_password(
        self, *, server: str, identifier: str, password: str
    ) -> Connection: ...
