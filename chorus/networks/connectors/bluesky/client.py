"""Calls to one Bluesky PDS through the atproto SDK, and nothing of Chorus's own.

The SDK's high-level session handling (logging in, refreshing on its own) is not
used: the connector keeps the session in the account's credentials, decides when
to refresh and stores what it gets back. Every call here carries its token
explicitly, so one SDK client per server can serve every account on it.

Reads of ``app.bsky.*`` (post counts, followers) need an AppView; a PDS passes
them on to the one it is configured with (bsky.social's to Bluesky's).
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from atproto_client import Client, models  # type: ignore[import-untyped]
from atproto_client.client.session import (  # type: ignore[import-untyped]
    get_session_pds_endpoint,
)
from atproto_client.exceptions import RequestErrorBase  # type: ignore[import-untyped]
from atproto_client.request import Request  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from chorus.networks.connectors.base import TransientError
from chorus.networks.connectors.bluesky.errors import connector_errors, is_not_found
from chorus.networks.http import USER_AGENT, client

POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
PROFILE = "app.bsky.actor.profile"


@dataclass(frozen=True, kw_only=True)
class SessionTokens:
    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str
    # Where the account's repository lives, from its DID document; "" if not told.
    pds_endpoint: str = ""

    def __repr__(self) -> str:
        return f"SessionTokens(did={self.did!r}, handle={self.handle!r}, redacted)"


@dataclass(frozen=True, kw_only=True)
class StoredRecord:
    uri: str
    cid: str
    value: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class PostCounts:
    likes: int
    reposts: int
    quotes: int
    replies: int


class _ChorusRequest(Request):
    """The SDK's transport on Chorus's HTTP client: its timeout, no redirects."""

    _client: httpx.Client

    def __init__(self) -> None:
        super().__init__()
        self._client.close()
        # A redirect could lead anywhere, past the check of the server's address.
        self._client = client()
        self.add_additional_header("User-Agent", USER_AGENT)

    def _new_instance(self) -> "_ChorusRequest":
        return type(self)()


@lru_cache(maxsize=64)
def _sdk_client(server: str) -> Any:
    return Client(base_url=server, request=_ChorusRequest())


class BlueskyApi:
    """One PDS, called with one access token (or none, to sign in)."""

    def __init__(self, *, server: str, access_token: str = "") -> None:
        self._sdk = _sdk_client(server)
        self._auth = _bearer(access_token) if access_token else {}

    @property
    def _repo(self) -> Any:
        return self._sdk.com.atproto.repo

    # Sessions.

    def create_session(self, *, identifier: str, password: str) -> SessionTokens:
        with connector_errors():
            session = self._sdk.com.atproto.server.create_session(
                models.ComAtprotoServerCreateSession.Data(identifier=identifier, password=password)
            )
        return _tokens(session)

    def refresh_session(self, *, refresh_jwt: str) -> SessionTokens:
        with connector_errors():
            session = self._sdk.com.atproto.server.refresh_session(headers=_bearer(refresh_jwt))
        return _tokens(session)

    def delete_session(self, *, refresh_jwt: str) -> None:
        with connector_errors():
            self._sdk.com.atproto.server.delete_session(headers=_bearer(refresh_jwt))

    # Records.

    def get_record(self, *, repo: str, collection: str, rkey: str) -> StoredRecord | None:
        params = models.ComAtprotoRepoGetRecord.Params(repo=repo, collection=collection, rkey=rkey)
        with connector_errors():
            try:
                response = self._sdk.invoke_query(
                    "com.atproto.repo.getRecord", params=params, headers=self._auth
                )
            except RequestErrorBase as error:
                if is_not_found(error):
                    return None
                raise
        body = _json_object(response.content, "uri", "value")
        return StoredRecord(uri=body["uri"], cid=body.get("cid") or "", value=body["value"])

    def create_record(
        self, *, repo: str, collection: str, record: dict[str, Any], rkey: str | None = None
    ) -> StoredRecord:
        # The record is Chorus's own dictionary, sent as JSON as it is: the SDK's models
        # for it and for the answer took 0.3 ms of CPU time a call (1.96 against 1.68 ms
        # against the local PDS), on the thread the network waits for.
        data = {"repo": repo, "collection": collection, "record": record}
        if rkey is not None:
            data["rkey"] = rkey
        with connector_errors():
            response = self._sdk.invoke_procedure(
                "com.atproto.repo.createRecord",
                content=json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(),
                input_encoding="application/json",
                headers=self._auth,
            )
        created = _json_object(response.content, "uri", "cid")
        return StoredRecord(uri=created["uri"], cid=created["cid"], value=record)

    def delete_record(self, *, repo: str, collection: str, rkey: str) -> None:
        data = models.ComAtprotoRepoDeleteRecord.Data(repo=repo, collection=collection, rkey=rkey)
        with connector_errors():
            self._repo.delete_record(data, headers=self._auth)

    def upload_blob(self, data: bytes, *, content_type: str) -> dict[str, Any]:
        """Upload an image; returns the blob reference a record embeds."""
        with connector_errors():
            # Raw bytes go as the body (``content``); the SDK's own method passes them as
            # form ``data``, which httpx only still accepts with a warning.
            response = self._sdk.invoke_procedure(
                "com.atproto.repo.uploadBlob",
                content=data,
                headers={**self._auth, "Content-Type": content_type},
            )
        blob: dict[str, Any] = _json_object(response.content, "blob")["blob"]
        return blob

    def resolve_handle(self, handle: str) -> str | None:
        """The DID behind a handle, or None when nobody has it."""
        params = models.ComAtprotoIdentityResolveHandle.Params(handle=handle)
        with connector_errors():
            try:
                resolved = self._sdk.com.atproto.identity.resolve_handle(params)
            except RequestErrorBase as error:
                if error.response is not None and error.response.status_code == 400:
                    return None
                raise
        did: str = resolved.did
        return did

    # Reading through the AppView.

    def post_counts(self, uri: str) -> PostCounts | None:
        params = models.AppBskyFeedGetPosts.Params(uris=[uri])
        with connector_errors():
            found = self._sdk.app.bsky.feed.get_posts(params, headers=self._auth)
        for post in found.posts:
            if post.uri == uri:
                return PostCounts(
                    likes=post.like_count or 0,
                    reposts=post.repost_count or 0,
                    quotes=post.quote_count or 0,
                    replies=post.reply_count or 0,
                )
        return None

    def followers(self, actor: str) -> int:
        params = models.AppBskyActorGetProfile.Params(actor=actor)
        with connector_errors():
            profile = self._sdk.app.bsky.actor.get_profile(params, headers=self._auth)
        return int(profile.followers_count or 0)


def _json_object(content: object, *keys: str) -> dict[str, Any]:
    """An answer's JSON body, if it is the object the lexicon promises."""
    if not isinstance(content, dict) or any(key not in content for key in keys):
        raise TransientError(_("Bluesky sent an answer Chorus could not read."))
    return content


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _tokens(session: Any) -> SessionTokens:
    return SessionTokens(
        did=session.did,
        handle=session.handle,
        access_jwt=session.access_jwt,
        refresh_jwt=session.refresh_jwt,
        pds_endpoint=get_session_pds_endpoint(session) or "",
    )
