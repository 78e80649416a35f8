"""Bluesky's failures, as the atproto SDK raises them, turned into the connector errors.

A PDS answers errors as XRPC errors: an HTTP status and a JSON body
``{"error": "ExpiredToken", "message": "Token has been revoked"}``. Token
problems come back as 400s as often as 401s, so the error name decides first:
``ExpiredToken`` and ``InvalidToken`` mean the session no longer works. A 429
carries ``ratelimit-reset`` (epoch seconds).

The SDK raises ``NetworkError`` both for transport failures (no response) and
for some answers (409, 413, 502); the status decides, not the class.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from atproto_client.exceptions import (  # type: ignore[import-untyped]
    InvokeTimeoutError,
    RequestErrorBase,
)
from atproto_client.models.common import XrpcError  # type: ignore[import-untyped]
from atproto_core.exceptions import AtProtocolError  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from chorus.networks.http import reset_time

# The access token expired: a refresh may help.
EXPIRED = "ExpiredToken"
# The session cannot be used any more, whatever its status code: reconnect.
AUTH_ERRORS = frozenset(
    {
        EXPIRED,
        "InvalidToken",
        "AuthenticationRequired",
        "AuthMissing",
        "AccountTakedown",
        "AccountDeactivated",
    }
)
NOT_FOUND = frozenset({"RecordNotFound", "NotFound"})


@contextmanager
def connector_errors() -> Iterator[None]:
    """Raise every failure of the SDK inside the block as a connector error."""
    try:
        yield
    except ConnectorError:
        raise
    except RequestErrorBase as error:
        raise connector_error(error) from error
    except httpx.TimeoutException as error:
        raise _timed_out() from error
    except httpx.HTTPError as error:
        raise _unreachable(error) from error
    except AtProtocolError as error:
        # An answer that does not match the lexicon (the SDK's ModelError), and the like.
        raise TransientError(_("Bluesky sent an answer Chorus could not read.")) from error


def connector_error(error: Any) -> ConnectorError:
    """The connector error for one of the SDK's request errors."""
    response = error.response
    if response is None:
        if isinstance(error, InvokeTimeoutError):
            return _timed_out()
        return _unreachable(error.__cause__ or error)
    status: int = response.status_code
    name, reason = _name_and_reason(response.content, status)
    if name in AUTH_ERRORS or status == 401:
        return AuthError(reason)
    if status == 429:
        return RateLimited(reason, reset_at=reset_time(response.headers))
    if status >= 500 or status in (408, 425):
        return TransientError(reason)
    return PermanentError(reason)


def error_name(error: ConnectorError) -> str:
    """The XRPC error name behind a connector error ("ExpiredToken"), if it came from one."""
    cause = error.__cause__
    response = getattr(cause, "response", None)
    if response is None:
        return ""
    return _name_and_reason(response.content, response.status_code)[0]


def is_not_found(error: Any) -> bool:
    """Whether an SDK request error says the record (or repo) is not there."""
    response = getattr(error, "response", None)
    if response is None:
        return False
    name, reason = _name_and_reason(response.content, response.status_code)
    return name in NOT_FOUND or (
        response.status_code == 400 and "could not locate record" in reason.lower()
    )


def _name_and_reason(content: object, status: int) -> tuple[str, str]:
    if isinstance(content, XrpcError):
        name = content.error or ""
        message = content.message or ""
        if name and message:
            return name, f"{message} ({name})"
        if name or message:
            return name, name or message
    return "", _("Bluesky answered with HTTP status %(status)d.") % {"status": status}


def _timed_out() -> TransientError:
    return TransientError(_("Bluesky did not answer in time."))


def _unreachable(error: BaseException) -> TransientError:
    return TransientError(
        _("Chorus could not reach Bluesky (%(error)s).") % {"error": type(error).__name__}
    )
