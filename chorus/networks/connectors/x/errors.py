"""X's failures as the connector errors every network shares.

X API v2 answers failures with problem JSON (``title``, ``detail``, ``type``),
older paths with ``{"errors": [{"message": ...}]}``, and its OAuth endpoints
with ``{"error": ..., "error_description": ...}``. Rate limits end at the epoch
second in ``x-rate-limit-reset``; when a 24-hour cap (per user or per app) is
what ran out, its own reset header says when posting can resume.
"""

from datetime import UTC, datetime

import httpx

from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    PermanentError,
    RateLimited,
)
from chorus.networks.http import error_for_status, reset_time

_DAILY_LIMITS = ("x-user-limit-24hour", "x-app-limit-24hour")


class DuplicatePost(PermanentError):
    """X refused the post because the account already posted the same text."""


def reason(response: httpx.Response) -> str:
    """X's own words for a failed call, else its status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("detail", "error_description", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        problems = body.get("errors")
        if isinstance(problems, list):
            words = [problem_reason(problem) for problem in problems if isinstance(problem, dict)]
            if any(words):
                return "; ".join(word for word in words if word)
        if isinstance(body.get("error"), str) and body["error"]:
            return str(body["error"])
    return f"{response.status_code} {response.reason_phrase}".strip()


def problem_reason(problem: dict[str, object]) -> str:
    for key in ("detail", "message", "title"):
        value = problem.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def rate_limit_reset(headers: httpx.Headers) -> datetime:
    """When X lets this account act again."""
    resets = [reset_time(headers)]
    for limit in _DAILY_LIMITS:
        remaining = headers.get(f"{limit}-remaining", "").strip()
        reset = headers.get(f"{limit}-reset", "").strip()
        if remaining == "0" and reset.isdigit():
            resets.append(datetime.fromtimestamp(int(reset), tz=UTC))
    return max(resets)


def check(response: httpx.Response) -> None:
    if response.is_success:
        return
    raise error_for(response)


def error_for(response: httpx.Response) -> ConnectorError:
    why = reason(response)
    if response.status_code == 429:
        return RateLimited(why, reset_at=rate_limit_reset(response.headers))
    if response.status_code == 403 and "duplicate content" in why.lower():
        return DuplicatePost(why)
    return error_for_status(response, reason=why)


def check_token_response(response: httpx.Response, *, refreshing: bool) -> None:
    """Raise the connector error for a failed call to X's OAuth 2.0 endpoints.

    X rotates refresh tokens: one it no longer accepts (used, revoked or expired)
    means the owner must sign in again.
    """
    if response.is_success:
        return
    status = response.status_code
    if status in (400, 401) and refreshing:
        raise AuthError(reason(response))
    if status in (400, 401):
        raise PermanentError(reason(response))
    raise error_for(response)
