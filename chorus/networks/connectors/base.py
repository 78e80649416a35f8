"""The one interface every network connector implements.

A connector turns an approved post into a post on the network. Its contract:

- ``publish`` posts exactly the text it is given, once. It receives an
  idempotency key that stays the same across retries of one post; a connector
  passes it to networks that support one, or uses it to recognise a post it
  already made.
- ``find_published`` answers, after a crash between sending and recording,
  whether the network already holds the post for that key.
- Failures are reported by raising one of the errors below, never by returning.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chorus.networks.models import ConnectedAccount


@dataclass(frozen=True, kw_only=True)
class OutgoingPost:
    text: str
    idempotency_key: str
    link_url: str = ""
    image: bytes | None = None
    image_alt: str = ""


@dataclass(frozen=True, kw_only=True)
class PublishedPost:
    external_id: str
    url: str = ""


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


class Connector(Protocol):
    def publish(self, account: "ConnectedAccount", post: OutgoingPost) -> PublishedPost: ...

    def find_published(
        self, account: "ConnectedAccount", idempotency_key: str
    ) -> PublishedPost | None: ...
