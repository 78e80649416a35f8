"""Calls to one Mastodon instance, and nothing of Chorus's own.

The REST API goes through Mastodon.py. Signing in does not: Mastodon.py 2.3 can
neither put a PKCE challenge in the authorize URL nor send the verifier with
the code, so registering the app, the authorize URL, the code exchange and
revocation are plain HTTP with Chorus's shared client.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import httpx
import requests
from django.conf import settings
from django.utils.translation import gettext as _
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError

from chorus.networks.connectors.base import AppCredentials, TransientError
from chorus.networks.connectors.mastodon.errors import connector_errors, oauth_error
from chorus.networks.http import USER_AGENT, client, transport_errors_are_transient

CLIENT_NAME = "Chorus"
# The narrowest grants that cover what Chorus does: read the own account and its
# statuses, post statuses (and reblog, which is a status), upload media, favourite.
SCOPES = "read:accounts read:statuses write:favourites write:media write:statuses"
# Mastodon's largest page of an account's statuses.
STATUS_PAGE_SIZE = 40
# Images are usually processed while uploading; larger ones come back still processing.
MEDIA_POLL_DELAYS = (0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True, kw_only=True)
class RemoteAccount:
    id: str
    username: str
    display_name: str
    followers: int


@dataclass(frozen=True, kw_only=True)
class RemoteStatus:
    id: str
    url: str
    # The status's HTML content as plain text (Mastodon returns only HTML).
    text: str
    created_at: datetime
    likes: int
    reposts: int
    replies: int


# OAuth, over plain HTTP.


def register_app(*, server: str, redirect_uri: str, website: str) -> AppCredentials:
    data = {
        "client_name": CLIENT_NAME,
        "redirect_uris": redirect_uri,
        "scopes": SCOPES,
        "website": website,
    }
    body = _oauth_post(f"{server}/api/v1/apps", data=data)
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        raise TransientError(_("The Mastodon server did not register Chorus's app."))
    return AppCredentials(client_id=client_id, client_secret=client_secret)


def authorize_url(
    *, server: str, client_id: str, redirect_uri: str, state: str, code_challenge: str
) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{server}/oauth/authorize?{query}"


def exchange_code(
    *, server: str, app: AppCredentials, redirect_uri: str, code: str, code_verifier: str
) -> str:
    """The access token for an authorization code. Mastodon's tokens do not expire."""
    body = _oauth_post(
        f"{server}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "code_verifier": code_verifier,
            "scope": SCOPES,
        },
    )
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise TransientError(_("The Mastodon server did not hand out a token."))
    return token


def revoke_token(*, server: str, app: AppCredentials, token: str) -> None:
    _oauth_post(
        f"{server}/oauth/revoke",
        data={"client_id": app.client_id, "client_secret": app.client_secret, "token": token},
    )


def _oauth_post(url: str, *, data: dict[str, str]) -> dict[str, Any]:
    with transport_errors_are_transient(), client() as http:
        response = http.post(url, data=data)
    if not response.is_success:
        raise oauth_error(response)
    return _json_object(response)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise TransientError(_("The Mastodon server sent an answer Chorus could not read."))
    return body


# The REST API, through Mastodon.py.


class MastodonApi:
    """One account's session with its instance. Use it in a ``with`` block."""

    def __init__(self, *, server: str, access_token: str) -> None:
        session = requests.Session()
        # The server was checked, the place it redirects to was not.
        session.max_redirects = 0
        self._api = Mastodon(
            access_token=access_token,
            api_base_url=server,
            # Chorus's pipeline decides about waiting, not a sleep inside a worker.
            ratelimit_method="throw",
            request_timeout=settings.CHORUS_NETWORK_TIMEOUT,
            session=session,
            user_agent=USER_AGENT,
        )
        self._session = session

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._session.close()

    @contextmanager
    def _calls(self) -> Iterator[Mastodon]:
        with connector_errors(self._api):
            yield self._api

    def me(self) -> RemoteAccount:
        with self._calls() as api:
            account = api.account_verify_credentials()
        return RemoteAccount(
            id=str(account["id"]),
            username=str(account["username"]),
            display_name=str(account.get("display_name") or ""),
            followers=int(account.get("followers_count") or 0),
        )

    def instance_domain(self) -> str:
        """The domain in the instance's handles, which may differ from its web address."""
        with self._calls() as api:
            instance = api.instance_v2()
        return str(instance.get("domain") or "")

    def upload_image(self, image: bytes, *, content_type: str, description: str) -> str:
        with self._calls() as api:
            media = api.media_post(image, mime_type=content_type, description=description or None)
            for delay in MEDIA_POLL_DELAYS:
                if media.get("url"):
                    return str(media["id"])
                time.sleep(delay)
                media = api.media(media["id"])
        if media.get("url"):
            return str(media["id"])
        raise TransientError(_("The Mastodon server is still processing the image."))

    def post_status(
        self,
        text: str,
        *,
        idempotency_key: str,
        media_ids: list[str] | None = None,
        in_reply_to_id: str | None = None,
    ) -> RemoteStatus:
        with self._calls() as api:
            status = api.status_post(
                text,
                in_reply_to_id=in_reply_to_id,
                media_ids=media_ids or None,
                idempotency_key=idempotency_key,
            )
        return _remote_status(status)

    def own_statuses(self, account_id: str, *, max_id: str | None = None) -> list[RemoteStatus]:
        """One page of the account's own posts, newest first, without boosts or replies."""
        with self._calls() as api:
            statuses = api.account_statuses(
                account_id,
                exclude_reblogs=True,
                exclude_replies=True,
                max_id=max_id,
                limit=STATUS_PAGE_SIZE,
            )
        return [_remote_status(status) for status in statuses]

    def status(self, status_id: str) -> RemoteStatus:
        with self._calls() as api:
            return _remote_status(api.status(status_id))

    def delete_status(self, status_id: str) -> None:
        with self._calls() as api:
            try:
                api.status_delete(status_id)
            except MastodonNotFoundError:
                # Already gone: what deleting wanted.
                return

    def favourite(self, status_id: str) -> None:
        with self._calls() as api:
            api.status_favourite(status_id)

    def reblog(self, status_id: str) -> None:
        with self._calls() as api:
            api.status_reblog(status_id)


def _remote_status(status: Any) -> RemoteStatus:
    created_at = status.get("created_at")
    if not isinstance(created_at, datetime):
        created_at = datetime.fromisoformat(str(created_at))
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return RemoteStatus(
        id=str(status["id"]),
        url=str(status.get("url") or status.get("uri") or ""),
        text=plain_text(str(status.get("content") or "")),
        created_at=created_at,
        likes=int(status.get("favourites_count") or 0),
        reposts=int(status.get("reblogs_count") or 0),
        replies=int(status.get("replies_count") or 0),
    )


def plain_text(content: str) -> str:
    """A status's HTML as the text its author wrote: paragraphs and line breaks kept."""
    parser = _PlainText()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts)


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
