"""LinkedIn's failures as the connector errors every network shares.

LinkedIn answers a failed REST call with ``{"status": ..., "message": ...}``
(sometimes a ``code`` such as ``NONEXISTENT_VERSION``) and a failed OAuth call
with ``{"error": ..., "error_description": ...}``. It sends no rate-limit reset
header: a 429 waits for ``Retry-After`` when given, else the shared default.
"""

import re

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    NotSupported,
    PermanentError,
)
from chorus.networks.http import error_for_status

VERSION_RETIRED = 426
_DUPLICATE_OF = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)", re.IGNORECASE)


class DuplicatePost(PermanentError):
    """LinkedIn refused the post as a copy of ``existing_urn``, one it already holds."""

    def __init__(self, reason: str, *, existing_urn: str) -> None:
        super().__init__(reason)
        self.existing_urn = existing_urn


def reason(response: httpx.Response) -> str:
    """LinkedIn's own words for a failed call, else its status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("message", "error_description", "code", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return f"{response.status_code} {response.reason_phrase}".strip()


def check(response: httpx.Response, *, read_permission: str = "") -> None:
    """Raise the connector error for a failed REST response.

    ``read_permission`` names the permission a read needs beyond ``w_member_social``:
    LinkedIn answers 403 when the app was not granted it, which no retry changes.
    """
    if response.is_success:
        return
    raise error_for(response, read_permission=read_permission)


def error_for(response: httpx.Response, *, read_permission: str = "") -> ConnectorError:
    why = reason(response)
    status = response.status_code
    if status == VERSION_RETIRED:
        return PermanentError(
            _(
                "LinkedIn no longer serves API version %(version)s (%(reason)s). "
                "Update CHORUS_LINKEDIN_VERSION to a newer LinkedIn-Version."
            )
            % {"version": settings.CHORUS_LINKEDIN_VERSION, "reason": why}
        )
    duplicate = _DUPLICATE_OF.search(why)
    if status in (400, 409, 422) and duplicate:
        return DuplicatePost(why, existing_urn=duplicate.group(1))
    if status == 403 and read_permission:
        return NotSupported(
            _(
                "LinkedIn does not let this app read it (%(reason)s): reading needs the "
                "%(permission)s permission, which LinkedIn grants only to approved partners."
            )
            % {"reason": why, "permission": read_permission}
        )
    return error_for_status(response, reason=why)


def check_token_response(response: httpx.Response, *, refreshing: bool) -> None:
    """Raise the connector error for a failed call to LinkedIn's OAuth endpoints.

    A refresh token LinkedIn no longer accepts means the owner must sign in again;
    a code it refuses while connecting is just a failed connection.
    """
    if response.is_success:
        return
    status = response.status_code
    if status in (400, 401) and refreshing:
        raise AuthError(reason(response))
    if status in (400, 401):
        raise PermanentError(reason(response))
    raise error_for(response)
