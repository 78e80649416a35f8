"""Thin calls to LinkedIn's OAuth endpoints and versioned REST API (``/rest``).

Every REST call names the pinned ``LinkedIn-Version`` and Rest.li protocol 2.0.0,
which wants URNs in paths and query values percent-encoded.
"""

from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode, urlsplit

import httpx
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import AppCredentials, PermanentError, TransientError
from chorus.networks.connectors.linkedin import errors
from chorus.networks.http import client, transport_errors_are_transient

API_URL = "https://api.linkedin.com"
OAUTH_URL = "https://www.linkedin.com/oauth/v2"
AUTHORIZATION_URL = f"{OAUTH_URL}/authorization"
TOKEN_URL = f"{OAUTH_URL}/accessToken"
REVOKE_URL = f"{OAUTH_URL}/revoke"
USERINFO_URL = f"{API_URL}/v2/userinfo"
# Sign In with LinkedIn (OpenID Connect) tells who the member is; Share on LinkedIn
# lets Chorus post, comment and react as them.
SCOPES = ("openid", "profile", "w_member_social")
# Reading posts, comments and reactions back is a separate, restricted permission.
READ_PERMISSION = "r_member_social"
PROTOCOL_VERSION = "2.0.0"


def authorization_url(*, client_id: str, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": " ".join(SCOPES),
        },
        quote_via=quote,
    )
    return f"{AUTHORIZATION_URL}?{query}"


def exchange_code(*, app: AppCredentials, redirect_uri: str, code: str) -> dict[str, Any]:
    return _token_call(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
        refreshing=False,
    )


def refresh_access_token(*, app: AppCredentials, refresh_token: str) -> dict[str, Any]:
    return _token_call(
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
        refreshing=True,
    )


def revoke_token(*, app: AppCredentials, token: str) -> None:
    with client() as http, transport_errors_are_transient():
        response = http.post(
            REVOKE_URL,
            data={"client_id": app.client_id, "client_secret": app.client_secret, "token": token},
        )
    errors.check_token_response(response, refreshing=False)


def _token_call(form: dict[str, str], *, refreshing: bool) -> dict[str, Any]:
    with client() as http, transport_errors_are_transient():
        response = http.post(TOKEN_URL, data=form)
    errors.check_token_response(response, refreshing=refreshing)
    return _json_object(response)


def userinfo(*, access_token: str) -> dict[str, Any]:
    """The member's OpenID Connect claims (``sub``, ``name``, ...)."""
    headers = {"Authorization": f"Bearer {access_token}"}
    with client(headers=headers) as http, transport_errors_are_transient():
        response = http.get(USERINFO_URL)
    errors.check(response)
    return _json_object(response)


class LinkedInApi:
    """The member's side of the REST API, for one access token. Use it as a context manager."""

    def __init__(self, *, access_token: str, version: str) -> None:
        self._access_token = access_token
        self._http = client(
            base_url=f"{API_URL}/rest",
            headers={
                "Authorization": f"Bearer {access_token}",
                "LinkedIn-Version": version,
                "X-Restli-Protocol-Version": PROTOCOL_VERSION,
            },
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.close()

    def create_post(self, body: dict[str, Any]) -> str:
        """Create a post; its URN, which LinkedIn returns in the ``x-restli-id`` header."""
        response = self._send("POST", "/posts", json=body)
        errors.check(response)
        urn = str(response.headers.get("x-restli-id", ""))
        if not urn:
            # The post may exist: a retry finds it through LinkedIn's duplicate answer.
            raise TransientError(_("LinkedIn accepted the post without saying its id."))
        return urn

    def posts_by_author(self, author: str, *, count: int) -> list[dict[str, Any]]:
        """The author's latest posts, newest first."""
        response = self._send(
            "GET",
            "/posts",
            params={"author": author, "q": "author", "count": count, "sortBy": "LAST_MODIFIED"},
            headers={"X-RestLi-Method": "FINDER"},
        )
        errors.check(response, read_permission=READ_PERMISSION)
        elements = _json_object(response).get("elements")
        return [element for element in elements or [] if isinstance(element, dict)]

    def delete_post(self, urn: str) -> None:
        response = self._send(
            "DELETE", f"/posts/{_key(urn)}", headers={"X-RestLi-Method": "DELETE"}
        )
        # Already gone is what a delete wants.
        if response.status_code != 404:
            errors.check(response)

    def start_image_upload(self, *, owner: str) -> tuple[str, str]:
        """Register an image upload for ``owner``; its upload URL and image URN."""
        response = self._send(
            "POST",
            "/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": owner}},
        )
        errors.check(response)
        value = _json_object(response).get("value")
        if not isinstance(value, dict) or not value.get("uploadUrl") or not value.get("image"):
            raise TransientError(_("LinkedIn did not give an address to upload the image to."))
        return str(value["uploadUrl"]), str(value["image"])

    def upload_image(self, upload_url: str, data: bytes, *, content_type: str) -> None:
        # The upload address comes from LinkedIn's answer: the token only goes to LinkedIn.
        host = urlsplit(upload_url).hostname or ""
        if urlsplit(upload_url).scheme != "https" or not (
            host == "linkedin.com" or host.endswith(".linkedin.com")
        ):
            raise PermanentError(
                _("LinkedIn gave an unexpected image upload address (%(host)s).") % {"host": host}
            )
        headers = {"Authorization": f"Bearer {self._access_token}"}
        if content_type:
            headers["Content-Type"] = content_type
        with client() as http, transport_errors_are_transient():
            response = http.put(upload_url, content=data, headers=headers)
        errors.check(response)

    def react(self, *, actor: str, root: str, reaction_type: str = "LIKE") -> None:
        response = self._send(
            "POST",
            "/reactions",
            params={"actor": actor},
            json={"root": root, "reactionType": reaction_type},
        )
        # LinkedIn answers 409 when the member already reacted: the post is liked.
        if response.status_code != 409:
            errors.check(response)

    def create_comment(self, *, target: str, actor: str, text: str) -> dict[str, Any]:
        """Comment on ``target`` as ``actor``; LinkedIn's comment, its id under ``id``."""
        response = self._send(
            "POST",
            f"/socialActions/{_key(target)}/comments",
            json={"actor": actor, "object": target, "message": {"text": text}},
        )
        errors.check(response)
        comment = _json_object(response) if response.content else {}
        comment.setdefault("id", response.headers.get("x-restli-id", ""))
        return comment

    def social_actions(self, urn: str) -> dict[str, Any]:
        """The like and comment counts of a post."""
        response = self._send("GET", f"/socialActions/{_key(urn)}")
        errors.check(response, read_permission=READ_PERMISSION)
        return _json_object(response)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with transport_errors_are_transient():
            return self._http.request(method, path, **kwargs)


def _key(urn: str) -> str:
    """A URN as a Rest.li 2.0 resource key in a path: every reserved character encoded."""
    return quote(urn, safe="")


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise TransientError(
            _("LinkedIn answered with something other than JSON (%(status)s).")
            % {"status": response.status_code}
        ) from error
    if not isinstance(body, dict):
        raise TransientError(
            _("LinkedIn answered with unexpected JSON (%(status)s).")
            % {"status": response.status_code}
        )
    return body
