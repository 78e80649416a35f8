"""Mastodon's failures, as Mastodon.py raises them, turned into the connector errors.

Mastodon.py runs with ``ratelimit_method="throw"``: on a 429 it raises
``MastodonRatelimitError`` instead of sleeping, after reading the response's
``X-RateLimit-Reset`` into ``Mastodon.ratelimit_reset`` (epoch seconds, already
corrected for the server's clock). The error itself carries no headers, so the
reset time is read from the client that made the call.

API errors carry ``(message, status, reason, error)``: ``error`` is the
instance's own words from its ``{"error": "..."}`` body.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import requests
from django.utils.translation import gettext as _
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonVersionError,
)

from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    NotSupported,
    PermanentError,
    RateLimited,
    TransientError,
)
from chorus.networks.http import error_for_status, json_reason, reset_time

# Mastodon (Doorkeeper) answers these for tokens that no longer work, usually with a 401.
AUTH_FAILURES = (
    "the access token is invalid",
    "the access token was revoked",
    "the access token expired",
    "the access token is revoked",
    "this action is outside the authorized scopes",
)


@contextmanager
def connector_errors(api: Mastodon | None = None) -> Iterator[None]:
    """Raise every Mastodon.py failure inside the block as a connector error."""
    try:
        yield
    except MastodonError as error:
        raise connector_error(error, api=api) from error


def connector_error(error: MastodonError, *, api: Mastodon | None = None) -> ConnectorError:
    if isinstance(error, MastodonRatelimitError):
        return RateLimited(
            _("Mastodon asks Chorus to slow down for this account."),
            reset_at=_reset_at(api),
        )
    if isinstance(error, MastodonNetworkError):
        return _network_error(error)
    if isinstance(error, MastodonAPIError):
        return _api_error(error, api=api)
    if isinstance(error, MastodonVersionError):
        return NotSupported(str(error))
    if isinstance(error, MastodonIllegalArgumentError):
        return PermanentError(str(error))
    # Other I/O trouble on the way to the server.
    return TransientError(_("Chorus could not reach the Mastodon server."))


def _api_error(error: MastodonAPIError, *, api: Mastodon | None) -> ConnectorError:
    status, reason = _status_and_reason(error)
    if status is None:
        # A 2xx that was not JSON: a proxy's page or a server mid-restart.
        return TransientError(_("The Mastodon server sent an answer Chorus could not read."))
    if status == 401 or _is_auth_failure(reason):
        return AuthError(reason)
    if status == 429:
        return RateLimited(reason, reset_at=_reset_at(api))
    if status >= 500 or status in (408, 425):
        return TransientError(reason)
    return PermanentError(reason)


def _status_and_reason(error: MastodonAPIError) -> tuple[int | None, str]:
    args = error.args
    if len(args) >= 4 and isinstance(args[1], int):
        status: int = args[1]
        message = args[3] if isinstance(args[3], str) and args[3] else ""
        return status, message or f"{status} {args[2] or ''}".strip()
    return None, ""


def _is_auth_failure(reason: str) -> bool:
    reason = reason.lower()
    return any(failure in reason for failure in AUTH_FAILURES)


def _network_error(error: MastodonNetworkError) -> TransientError:
    # Mastodon.py raises this inside its ``except``, so the requests error is the context.
    if isinstance(error.__context__, requests.Timeout):
        return TransientError(_("The Mastodon server did not answer in time."))
    cause = type(error.__context__ or error).__name__
    return TransientError(
        _("Chorus could not reach the Mastodon server (%(error)s).") % {"error": cause}
    )


def _reset_at(api: Mastodon | None) -> datetime:
    reset = getattr(api, "ratelimit_reset", None)
    if isinstance(reset, int | float):
        return datetime.fromtimestamp(reset, tz=UTC)
    return reset_time({})


def oauth_error(response: httpx.Response) -> ConnectorError:
    """A failed answer from the instance's OAuth endpoints (apps, token, revoke)."""
    reason = json_reason(response, "error_description", "error")
    if _is_auth_failure(reason):
        return AuthError(reason)
    return error_for_status(response, reason=reason)
