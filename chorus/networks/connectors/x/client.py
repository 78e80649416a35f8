"""Thin calls to X API v2 and its OAuth 2.0 (authorization code with PKCE) endpoints."""

from datetime import datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode

import httpx
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import AppCredentials, PermanentError, TransientError
from chorus.networks.connectors.x import errors
from chorus.networks.http import client, transport_errors_are_transient

API_URL = "https://api.x.com"
AUTHORIZATION_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = f"{API_URL}/2/oauth2/token"
REVOKE_URL = f"{API_URL}/2/oauth2/revoke"
# offline.access brings a refresh token; media.write is what the v2 media upload needs.
SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",
    "like.write",
    "media.write",
)


def authorization_url(*, client_id: str, redirect_uri: str, state: str, code_challenge: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        },
        quote_via=quote,
    )
    return f"{AUTHORIZATION_URL}?{query}"


def exchange_code(
    *, app: AppCredentials, redirect_uri: str, code: str, code_verifier: str
) -> dict[str, Any]:
    return _token_call(
        app,
        TOKEN_URL,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
        refreshing=False,
    )


def refresh_access_token(*, app: AppCredentials, refresh_token: str) -> dict[str, Any]:
    return _token_call(
        app,
        TOKEN_URL,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        refreshing=True,
    )


def revoke_token(*, app: AppCredentials, token: str) -> None:
    _token_call(app, REVOKE_URL, {"token": token}, refreshing=False)


def _token_call(
    app: AppCredentials, url: str, form: dict[str, str], *, refreshing: bool
) -> dict[str, Any]:
    # A confidential client (a web app with a secret) authenticates with HTTP Basic;
    # a public one names itself in the form.
    with client() as http, transport_errors_are_transient():
        if app.client_secret:
            basic = httpx.BasicAuth(app.client_id, app.client_secret)
            response = http.post(url, data=form, auth=basic)
        else:
            response = http.post(url, data={**form, "client_id": app.client_id})
    errors.check_token_response(response, refreshing=refreshing)
    return _json_object(response)


class XApi:
    """X API v2 on behalf of one user, for one access token. Use it as a context manager."""

    def __init__(self, *, access_token: str) -> None:
        self._http = client(base_url=API_URL, headers={"Authorization": f"Bearer {access_token}"})

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.close()

    def me(self, *, user_fields: str = "") -> dict[str, Any]:
        params = {"user.fields": user_fields} if user_fields else None
        return _data(self._call("GET", "/2/users/me", params=params))

    def create_tweet(self, body: dict[str, Any]) -> str:
        """Create a post; its id."""
        data = self._call("POST", "/2/tweets", json=body).get("data")
        tweet_id = str(data.get("id") or "") if isinstance(data, dict) else ""
        if not tweet_id:
            # It may exist: a retry looks for it before posting again.
            raise TransientError(_("X accepted the post without saying its id."))
        return tweet_id

    def delete_tweet(self, tweet_id: str) -> None:
        response = self._send("DELETE", f"/2/tweets/{quote(tweet_id, safe='')}")
        # Already gone is what a delete wants.
        if response.status_code == 404:
            return
        errors.check(response)
        data = _json_object(response).get("data")
        if not (isinstance(data, dict) and data.get("deleted") is True):
            raise PermanentError(_("X did not delete the post."))

    def tweet(self, tweet_id: str, *, tweet_fields: str) -> dict[str, Any]:
        return _data(
            self._call(
                "GET",
                f"/2/tweets/{quote(tweet_id, safe='')}",
                params={"tweet.fields": tweet_fields},
            )
        )

    def user_tweets(
        self, user_id: str, *, start_time: datetime, max_results: int
    ) -> list[dict[str, Any]]:
        """The user's own posts since ``start_time``, newest first, with their links."""
        body = self._call(
            "GET",
            f"/2/users/{quote(user_id, safe='')}/tweets",
            params={
                "start_time": start_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "max_results": max_results,
                "exclude": "retweets,replies",
                "tweet.fields": "created_at,entities",
            },
        )
        posts = body.get("data")
        return [post for post in posts or [] if isinstance(post, dict)]

    def like(self, user_id: str, tweet_id: str) -> None:
        self._call("POST", f"/2/users/{quote(user_id, safe='')}/likes", json={"tweet_id": tweet_id})

    def retweet(self, user_id: str, tweet_id: str) -> None:
        self._call(
            "POST", f"/2/users/{quote(user_id, safe='')}/retweets", json={"tweet_id": tweet_id}
        )

    def upload_image(self, data: bytes, *, content_type: str) -> str:
        """Upload an image for a post (one request, images only); its media id."""
        form = {"media_category": "tweet_image"}
        if content_type:
            form["media_type"] = content_type
        media = _data(
            self._call(
                "POST",
                "/2/media/upload",
                data=form,
                files={"media": ("image", data, content_type or "application/octet-stream")},
            )
        )
        media_id = str(media.get("id") or "")
        if not media_id:
            raise TransientError(_("X did not say the id of the uploaded image."))
        return media_id

    def describe_media(self, media_id: str, *, alt_text: str) -> None:
        self._call(
            "POST",
            "/2/media/metadata",
            json={"id": media_id, "metadata": {"alt_text": {"text": alt_text}}},
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._send(method, path, **kwargs)
        errors.check(response)
        return _json_object(response)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with transport_errors_are_transient():
            return self._http.request(method, path, **kwargs)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of an answer; X reports a missing post with ``errors`` and a 200."""
    data = body.get("data")
    if isinstance(data, dict):
        return data
    problems = body.get("errors")
    if isinstance(problems, list) and problems and isinstance(problems[0], dict):
        raise PermanentError(errors.problem_reason(problems[0]) or _("X returned no data."))
    raise PermanentError(_("X returned no data."))


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise TransientError(
            _("X answered with something other than JSON (%(status)s).")
            % {"status": response.status_code}
        ) from error
    if not isinstance(body, dict):
        raise TransientError(
            _("X answered with unexpected JSON (%(status)s).") % {"status": response.status_code}
        )
    return body
