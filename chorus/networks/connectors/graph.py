"""Meta's Graph API, shared by the Facebook Pages and Instagram connectors.

Both networks sign in through Facebook Login with the organisation's own Meta app,
answer on graph.facebook.com and report failures in one shape::

    {"error": {"message", "type", "code", "error_subcode", "is_transient", "fbtrace_id"}}

Tokens travel in the ``Authorization`` header and the app secret in POST bodies,
never in a URL: request lines end up in logs.

The Graph API takes no idempotency key. A retried post is recognised instead by
its text among the posts the account published since Chorus first tried to send
it (see ``chorus.publishing.selectors.sent_post``).
"""

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.networks import http
from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Connection,
    ConnectorError,
    Credentials,
    PermanentError,
    PublishedPost,
    RateLimited,
    TransientError,
)

GRAPH_HOST = "https://graph.facebook.com"
LOGIN_DIALOG_HOST = "https://www.facebook.com"

# Error codes from Meta's "Handling Errors" and "Rate Limits" guides.
AUTH_CODES = frozenset({102, 190})  # the token expired, was revoked or is invalid
TRANSIENT_CODES = frozenset({1, 2})  # "API Unknown", "API Service": wait and retry
# Too many calls: app (4), user (17), page (32), app limit (341), per-API (613).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613})
# Business Use Case limits (80001 Pages, 80002 Instagram, ...).
BUSINESS_USE_CASE_CODES = range(80000, 80015)

# How many of an account's newest posts to look through for one already published.
RECENT_POSTS = 50

type ErrorMapper = Callable[[httpx.Response], ConnectorError]


def api_version() -> str:
    return str(settings.CHORUS_GRAPH_API_VERSION)


def api_url() -> str:
    return f"{GRAPH_HOST}/{api_version()}"


# Failures


@dataclass(frozen=True, kw_only=True)
class GraphError:
    message: str
    code: int | None = None
    subcode: int | None = None
    is_transient: bool = False


def graph_error_of(response: httpx.Response) -> GraphError | None:
    """The Graph API's error object in a response, if it sent one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    return GraphError(
        message=str(error.get("message") or ""),
        code=_int_or_none(error.get("code")),
        subcode=_int_or_none(error.get("error_subcode")),
        is_transient=error.get("is_transient") is True,
    )


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def error_for(
    response: httpx.Response,
    *,
    transient_codes: Collection[int] = (),
    rate_limit_codes: Collection[int] = (),
    now: datetime | None = None,
) -> ConnectorError:
    """The connector error for a failed Graph API response.

    Networks add the codes only their API uses: Instagram's media upload errors, say.
    """
    error = graph_error_of(response)
    reason = (error.message if error else "") or (
        f"{response.status_code} {response.reason_phrase}".strip()
    )
    code = error.code if error else None
    throttled = (
        code in RATE_LIMIT_CODES or code in rate_limit_codes or code in BUSINESS_USE_CASE_CODES
    )
    if response.status_code == 429 or throttled:
        return RateLimited(reason, reset_at=regain_access_at(response.headers, now=now))
    if code in AUTH_CODES:
        return AuthError(reason)
    if code in TRANSIENT_CODES or code in transient_codes or (error and error.is_transient):
        return TransientError(reason)
    if error is None or code is None:
        return http.error_for_status(response, reason=reason)
    if response.status_code >= 500:
        return TransientError(reason)
    return PermanentError(reason)


def regain_access_at(headers: httpx.Headers, *, now: datetime | None = None) -> datetime:
    """When a throttled account may call again.

    Page and Instagram calls are under Business Use Case limits, whose header
    ``X-Business-Use-Case-Usage`` says, per business object, how many minutes
    until access returns (``estimated_time_to_regain_access``).
    """
    now = now or timezone.now()
    minutes = _minutes_to_regain_access(headers.get("x-business-use-case-usage", ""))
    if minutes:
        return now + timedelta(minutes=minutes)
    return http.reset_time(headers, now=now)


def _minutes_to_regain_access(header: str) -> int:
    try:
        usage = json.loads(header) if header else {}
    except ValueError:
        return 0
    if not isinstance(usage, dict):
        return 0
    entries = [entry for value in usage.values() if isinstance(value, list) for entry in value]
    waits = [
        _int_or_none(entry.get("estimated_time_to_regain_access")) or 0
        for entry in entries
        if isinstance(entry, dict)
    ]
    return max(waits, default=0)


# Calls


def call(
    method: str,
    path: str,
    *,
    token: str = "",
    params: Mapping[str, str | int] | None = None,
    data: Mapping[str, str] | None = None,
    files: Mapping[str, tuple[str, bytes, str]] | None = None,
    errors: ErrorMapper = error_for,
) -> dict[str, Any]:
    """One Graph API call; the JSON object it answered, or the connector error."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with http.transport_errors_are_transient(), http.client(base_url=api_url()) as client:
        response = client.request(
            method, path, params=params, data=data, files=files, headers=headers
        )
    if not response.is_success:
        raise errors(response)
    try:
        body = response.json()
    except ValueError:
        raise TransientError(_("The network sent an answer Chorus could not read.")) from None
    if not isinstance(body, dict):
        raise TransientError(_("The network sent an answer Chorus could not read."))
    return body


def metric_value(body: Mapping[str, Any], name: str) -> int | None:
    """A lifetime figure from an insights answer; None when Meta has none yet."""
    for metric in body.get("data") or []:
        if not isinstance(metric, dict) or metric.get("name") != name:
            continue
        values = metric.get("values") or [metric.get("total_value") or {}]
        value = values[-1].get("value") if isinstance(values[-1], dict) else None
        return _int_or_none(value)
    return None


def created_id(body: Mapping[str, Any]) -> str:
    """The id of the object a create call made."""
    object_id = body.get("id")
    if not object_id:
        raise PermanentError(_("The network did not say what it created."))
    return str(object_id)


# Facebook Login (the organisation's Meta app)


def login_dialog_url(
    *, app: AppCredentials | None, redirect_uri: str, state: str, scopes: Iterable[str]
) -> str:
    """Facebook Login's dialog, asking the person for the permissions given."""
    app = _required(app)
    query = urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(scopes),
        }
    )
    return f"{LOGIN_DIALOG_HOST}/{api_version()}/dialog/oauth?{query}"


def sign_in(
    *, app: AppCredentials | None, redirect_uri: str, code: str, now: datetime | None = None
) -> Connection:
    """The person who signed in, with a long-lived user token (about 60 days).

    The code gives a short-lived token, exchanged at once for a long-lived one:
    Page tokens read with a long-lived user token never expire.
    """
    app = _required(app)
    now = now or timezone.now()
    short = call(
        "POST",
        "/oauth/access_token",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )
    long = call(
        "POST",
        "/oauth/access_token",
        data={
            "grant_type": "fb_exchange_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "fb_exchange_token": _token_in(short),
        },
    )
    expires_in = _int_or_none(long.get("expires_in"))
    credentials = Credentials(
        access_token=_token_in(long),
        expires_at=now + timedelta(seconds=expires_in) if expires_in else None,
    )
    me = call("GET", "/me", token=credentials.access_token, params={"fields": "id,name"})
    name = str(me.get("name") or "")
    return Connection(
        external_id=created_id(me), handle=name, display_name=name, credentials=credentials
    )


def _required(app: AppCredentials | None) -> AppCredentials:
    if app is None or not app.client_id or not app.client_secret:
        raise PermanentError(
            _("Your organisation's Meta app is not set up: give its app ID and app secret.")
        )
    return app


def _token_in(body: Mapping[str, Any]) -> str:
    token = body.get("access_token")
    if not token:
        raise PermanentError(_("Facebook did not give an access token."))
    return str(token)


def managed_pages(credentials: Credentials, *, fields: str) -> list[dict[str, Any]]:
    """The Pages the signed-in person may publish on, each with its own Page token.

    ``/me/accounts`` lists every Page the person has a task on; those without
    ``CREATE_CONTENT`` cannot be posted to, so they are left out.
    """
    body = call(
        "GET",
        "/me/accounts",
        token=credentials.access_token,
        params={"fields": f"id,name,access_token,tasks,{fields}", "limit": 100},
    )
    pages = [page for page in body.get("data") or [] if isinstance(page, dict)]
    return [
        page
        for page in pages
        if page.get("access_token") and "CREATE_CONTENT" in (page.get("tasks") or [])
    ]


def page_credentials(page: Mapping[str, Any]) -> Credentials:
    """A Page token read with a long-lived user token: it has no expiry."""
    return Credentials(
        access_token=str(page["access_token"]),
        extra={"page_id": str(page["id"]), "page_name": str(page.get("name") or "")},
    )


# Recognising a post already sent


def parse_time(value: object) -> datetime | None:
    """Graph API times, such as ``2019-05-17T16:24:04+0000``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def same_text(published: object, text: str) -> bool:
    """Whether a published message is this text, as the network may trim it."""
    if not isinstance(published, str):
        return False
    return _normalised(published) == _normalised(text)


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def find_in(
    posts: Iterable[Mapping[str, Any]],
    *,
    text: str,
    since: datetime,
    text_field: str,
    time_field: str,
    url: Callable[[Mapping[str, Any]], str],
) -> PublishedPost | None:
    """The first of the account's posts with this text, published since ``since``."""
    for post in posts:
        published_at = parse_time(post.get(time_field))
        if published_at is None or published_at < since:
            continue
        if same_text(post.get(text_field), text) and post.get("id"):
            return PublishedPost(external_id=str(post["id"]), url=url(post))
    return None


class FacebookLogin:
    """Signing in through Facebook Login, shared by Facebook Pages and Instagram.

    Its code flow is authenticated by the app secret, not PKCE (Facebook's PKCE
    support belongs to a separate OpenID Connect flow). The person who signs in is
    not yet an account Chorus posts to: ``list_pages`` offers what they manage.
    """

    scopes: ClassVar[tuple[str, ...]]

    def authorization_url(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        state: str,
        code_challenge: str,
    ) -> str:
        return login_dialog_url(app=app, redirect_uri=redirect_uri, state=state, scopes=self.scopes)

    def complete_authorization(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> Connection:
        return sign_in(app=app, redirect_uri=redirect_uri, code=code)
