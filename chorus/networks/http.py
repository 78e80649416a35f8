"""What every connector's HTTP calls share: timeouts, the server check, error classes.

Servers a member names (a Mastodon instance, a Bluesky PDS) are checked before
Chorus calls them: only public addresses, so nobody can point Chorus at a
service inside its own network. ``CHORUS_ALLOW_PRIVATE_SERVERS`` lifts that
for tests and development against servers on loopback.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookiejar import Cookie, CookieJar
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)

USER_AGENT = "Chorus (self-hosted employee advocacy)"
# When a network says "slow down" without saying until when.
DEFAULT_RATE_LIMIT_WAIT = timedelta(minutes=15)


def server_url(server: str) -> str:
    """``mastodon.social`` or ``https://mastodon.social/`` as ``https://mastodon.social``."""
    server = server.strip().rstrip("/")
    if "://" not in server:
        server = f"https://{server}"
    return server


def check_server(server: str) -> str:
    """The server's URL if Chorus may call it; a ValidationError saying why not otherwise."""
    url = server_url(server)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(_("Give the server's address, such as mastodon.social."))
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ValidationError(_("Give only the server's address, such as mastodon.social."))
    if settings.CHORUS_ALLOW_PRIVATE_SERVERS:
        return url
    if parts.scheme != "https":
        raise ValidationError(_("Chorus only connects to servers over HTTPS."))
    if not _all_public(parts.hostname, parts.port or 443):
        raise ValidationError(
            _("%(server)s is not a public server Chorus can connect to.")
            % {"server": parts.hostname}
        )
    return url


def _all_public(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


def client(*, base_url: str = "", headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        timeout=settings.CHORUS_NETWORK_TIMEOUT,
        follow_redirects=False,
        cookies=_NoCookies(),
    )


class _NoCookies(CookieJar):
    """Keeps no cookie. Every call carries its account's credentials itself, while a
    client serves every account on its server: a cookie one answer set would go out
    with the next account's calls. Not reading them also saves a little on each call."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        pass

    def set_cookie(self, cookie: Cookie) -> None:
        pass


def reset_time(headers: httpx.Headers | dict[str, str], *, now: datetime | None = None) -> datetime:
    """When a rate limit ends, from whichever header the network uses."""
    now = now or timezone.now()
    retry_after = headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            return now + timedelta(seconds=int(retry_after))
        try:
            return parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            pass
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        value = headers.get(name)
        if value:
            return _reset_from(value, now=now)
    return now + DEFAULT_RATE_LIMIT_WAIT


def _reset_from(value: str, *, now: datetime) -> datetime:
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return now + DEFAULT_RATE_LIMIT_WAIT
    # Epoch seconds (X, Bluesky) or seconds from now (IETF draft's RateLimit-Reset).
    if number > 1_000_000_000:
        return datetime.fromtimestamp(number, tz=UTC)
    return now + timedelta(seconds=number)


def error_for_status(
    response: httpx.Response, *, reason: str, auth_statuses: tuple[int, ...] = (401,)
) -> ConnectorError:
    """The connector error for a failed response: ``reason`` is the network's own words."""
    status = response.status_code
    if status == 429:
        return RateLimited(reason, reset_at=reset_time(response.headers))
    if status in auth_statuses:
        return AuthError(reason)
    if status >= 500 or status in (408, 425):
        return TransientError(reason)
    return PermanentError(reason)


@contextmanager
def transport_errors_are_transient() -> Iterator[None]:
    """Timeouts and dropped connections are worth retrying."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise TransientError(_("The network did not answer in time.")) from error
    except httpx.TransportError as error:
        raise TransientError(
            _("Chorus could not reach the network (%(error)s).") % {"error": type(error).__name__}
        ) from error


def json_reason(response: httpx.Response, *keys: str) -> str:
    """The first of ``keys`` the network put in its JSON error body, else the status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in keys:
            value: object = body
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, str) and value:
                return value
    return f"{response.status_code} {response.reason_phrase}".strip()


def raise_for(response: httpx.Response, reason: Callable[[httpx.Response], str]) -> None:
    """Raise the connector error for a response that is not a success."""
    if response.is_success:
        return
    raise error_for_status(response, reason=reason(response))
