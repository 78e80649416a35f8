"""Bluesky: posts to a member's repository on their PDS, signed in with an app password.

Sessions: signing in gives an access token (valid about two hours) and a refresh
token. Both are kept in the account's credentials; before a call whose access
token is about to expire, and once more if the PDS says it expired anyway, the
session is refreshed and the new tokens stored on the account at once (the PDS
rotates the refresh token, so the old one soon stops working).

Idempotency: a post's record key is derived from its idempotency key, so a
retried ``createRecord`` cannot make a second post: the PDS refuses a record
key that is taken, and the connector then reads the record that holds it and
returns that. ``find_published`` reads the record by the same key.

Links are made clickable with facets (byte offsets in the UTF-8 text), and a
post's link also gets a link card with the title and description the campaign
gave its activity; a post with an image gets the image, with its alt text,
instead of the card (a Bluesky post has one embed). Chorus does not fetch the
linked page for the card: it would mean calling any address a campaign names.
"""

import hashlib
import io
import re
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from atproto_client.utils import facet_detection  # type: ignore[import-untyped]
from atproto_core.exceptions import AtProtocolError  # type: ignore[import-untyped]
from atproto_core.uri import AtUri  # type: ignore[import-untyped]
from atproto_server.auth.jwt import get_jwt_payload  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from chorus.core.ids import milliseconds_of
from chorus.networks.connectors.base import (
    AuthError,
    Connection,
    ConnectorError,
    Credentials,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
    TransientError,
)
from chorus.networks.connectors.bluesky.client import (
    LIKE,
    POST,
    PROFILE,
    REPOST,
    BlueskyApi,
    SessionTokens,
    StoredRecord,
)
from chorus.networks.connectors.bluesky.errors import EXPIRED, error_name
from chorus.networks.http import check_server
from chorus.networks.models import ConnectedAccount
from chorus.networks.networks import Network

# Where accounts are unless their owner names another PDS.
DEFAULT_SERVER = "https://bsky.social"
# Refresh a session this long before its access token expires.
REFRESH_MARGIN = timedelta(minutes=5)
# An access token with this scope can do anything the account can: Chorus takes only app passwords.
FULL_ACCESS_SCOPE = "com.atproto.access"
# What the lexicon of image embeds allowed for years, and what older PDSes still enforce.
MAX_IMAGE_BYTES = 1_000_000
MAX_IMAGE_SIDE = 2000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_CARD_TITLE = 300
MAX_CARD_DESCRIPTION = 1000
# Handles in one post Chorus looks up to turn @mentions into links to the accounts.
MAX_MENTIONS = 10
WEB_APP = "https://bsky.app"
# Record keys are TIDs: 13 characters of this base-32 alphabet.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# What the AT Protocol allows as a record key, and as the repository (a DID or a handle).
RECORD_KEY = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9._:~-]{1,512}$")
REPO = re.compile(r"^(did:[a-z]+:[A-Za-z0-9._:%-]+|[A-Za-z0-9.-]+)$")


class BlueskyConnector:
    network: ClassVar[str] = Network.BLUESKY

    # Connecting.

    def connect_with_password(self, *, server: str, identifier: str, password: str) -> Connection:
        server = check_server(server or DEFAULT_SERVER)
        tokens = BlueskyApi(server=server).create_session(identifier=identifier, password=password)
        try:
            pds = _checked_pds(tokens.pds_endpoint or server)
            if _scope(tokens.access_jwt) == FULL_ACCESS_SCOPE:
                raise PermanentError(
                    _(
                        "This is the account's own password. Chorus needs an app password: "
                        "create one in Bluesky under Settings, Privacy and security, App "
                        "passwords."
                    )
                )
        except PermanentError:
            _forget_session(server, tokens)
            raise
        api = BlueskyApi(server=pds, access_token=tokens.access_jwt)
        return Connection(
            external_id=tokens.did,
            handle=f"@{tokens.handle}",
            display_name=_display_name(api, tokens.did),
            server=server,
            credentials=_credentials(tokens, pds=pds),
        )

    # Posting.

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        rkey = record_key(post.idempotency_key)
        card = _card_for(post)

        def create(api: BlueskyApi, did: str) -> StoredRecord:
            record = _post_record(api, post, card=card)
            return _create_once(api, did=did, rkey=rkey, record=record)

        return _published(_with_api(account, create))

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        rkey = record_key(idempotency_key)
        found = _with_api(
            account, lambda api, did: api.get_record(repo=did, collection=POST, rkey=rkey)
        )
        return None if found is None else _published(found)

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        uri = _own_post_uri(account, external_id)
        _with_api(
            account,
            lambda api, did: api.delete_record(repo=did, collection=POST, rkey=uri.rkey),
        )

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        _with_api(account, lambda api, did: _point_at(api, did, REPOST, external_id))

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        _with_api(account, lambda api, did: _point_at(api, did, LIKE, external_id))

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        rkey = record_key(post.idempotency_key)

        def reply(api: BlueskyApi, did: str) -> StoredRecord:
            record = _post_record(
                api, post, card=_card_for(post), reply=_reply_to(api, external_id)
            )
            return _create_once(api, did=did, rkey=rkey, record=record)

        return _published(_with_api(account, reply))

    # Reading (through the AppView the PDS is configured with).

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        _at_uri(external_id)
        counts = _with_api(account, lambda api, did: api.post_counts(external_id))
        if counts is None:
            raise PermanentError(_("Bluesky no longer shows this post."))
        # Bluesky tells nobody how often a post was seen; quotes are reposts with words.
        return PostMetrics(
            likes=counts.likes,
            reposts=counts.reposts + counts.quotes,
            replies=counts.replies,
            impressions=None,
        )

    def follower_count(self, account: ConnectedAccount) -> int:
        return _with_api(account, lambda api, did: api.followers(did))

    # The session.

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        return _refresh_and_store(account)

    def revoke(self, account: ConnectedAccount) -> None:
        """End Chorus's session. The app password itself stays until its owner revokes it."""
        credentials = account.credentials
        if not credentials.refresh_token:
            return
        try:
            BlueskyApi(server=_pds_of(account)).delete_session(
                refresh_jwt=credentials.refresh_token
            )
        except AuthError:
            return  # already revoked or expired: nothing left to end


def record_key(idempotency_key: str) -> str:
    """The record key (a TID) of the post with this idempotency key; the same every time.

    A TID is a 64-bit number: the top bit zero, then microseconds since 1970 and a
    10-bit clock id. A time-ordered key (a version 7 UUID, as posts get) gives its
    millisecond, and a hash of the key the microseconds within it and the clock id:
    a member's posts then get increasing record keys, as Bluesky's own are, which the
    PDS adds at the end of the repository's tree; keys in random places cost it about
    a tenth more per post. Any other key is hashed whole, kept below 2^60 so that the
    time it would stand for is long past, never in the future.
    """
    digest = hashlib.sha256(f"chorus-post:{idempotency_key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big") & ((1 << 60) - 1)
    milliseconds = milliseconds_of(idempotency_key)
    if milliseconds is not None:
        microseconds = milliseconds * 1000 + int.from_bytes(digest[8:10], "big") % 1000
        number = (microseconds << 10) | (int.from_bytes(digest[10:12], "big") & 1023)
    characters = []
    for _position in range(13):
        characters.append(TID_ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(characters))


# Sessions.


def _with_api[T](account: ConnectedAccount, action: Callable[[BlueskyApi, str], T]) -> T:
    """Run ``action`` with the account's session, refreshing it when it expires."""
    credentials = _fresh_credentials(account)
    did = _did_of(account)
    server = _pds_of(account)
    try:
        return action(BlueskyApi(server=server, access_token=credentials.access_token), did)
    except AuthError as error:
        if error_name(error) != EXPIRED:
            raise
    # The PDS's clock ran ahead of Chorus's: refresh once, and try again.
    credentials = _refresh_and_store(account)
    return action(BlueskyApi(server=server, access_token=credentials.access_token), did)


def _fresh_credentials(account: ConnectedAccount) -> Credentials:
    credentials = account.credentials
    if not credentials.access_token:
        raise AuthError(_("Chorus holds no session for this Bluesky account; reconnect it."))
    expires_at = credentials.expires_at
    if expires_at is not None and expires_at - REFRESH_MARGIN <= timezone.now():
        return _refresh_and_store(account)
    return credentials


def _refresh_and_store(account: ConnectedAccount) -> Credentials:
    current = account.credentials
    if not current.refresh_token:
        raise AuthError(_("Chorus holds no session for this Bluesky account; reconnect it."))
    pds = _pds_of(account)
    tokens = BlueskyApi(server=pds).refresh_session(refresh_jwt=current.refresh_token)
    credentials = _credentials(tokens, pds=pds)
    # Only the session's fields: whatever else changed on the account meanwhile stays.
    ConnectedAccount.objects.filter(pk=account.pk).update(
        credentials=credentials, token_expires_at=credentials.expires_at
    )
    account.credentials = credentials
    account.token_expires_at = credentials.expires_at
    return credentials


def _credentials(tokens: SessionTokens, *, pds: str) -> Credentials:
    return Credentials(
        access_token=tokens.access_jwt,
        refresh_token=tokens.refresh_jwt,
        expires_at=_expiry(tokens.access_jwt),
        extra={"did": tokens.did, "pds": pds},
    )


def _expiry(access_jwt: str) -> datetime | None:
    try:
        exp = get_jwt_payload(access_jwt).exp
    except (AtProtocolError, ValueError):
        return None
    return datetime.fromtimestamp(exp, tz=UTC) if exp else None


def _scope(access_jwt: str) -> str:
    try:
        return str(get_jwt_payload(access_jwt).scope or "")
    except (AtProtocolError, ValueError):
        return ""


def _forget_session(server: str, tokens: SessionTokens) -> None:
    """End a session Chorus will not use (best effort: it would expire by itself)."""
    with suppress(ConnectorError):
        BlueskyApi(server=server).delete_session(refresh_jwt=tokens.refresh_jwt)


def _did_of(account: ConnectedAccount) -> str:
    return account.credentials.extra.get("did") or account.external_id


def _pds_of(account: ConnectedAccount) -> str:
    return _checked_pds(account.credentials.extra.get("pds") or account.server)


def _checked_pds(server: str) -> str:
    """The account's PDS, if Chorus may call it (its DID document names it, so anyone could)."""
    try:
        return check_server(server)
    except ValidationError as error:
        raise PermanentError(" ".join(error.messages)) from error


def _display_name(api: BlueskyApi, did: str) -> str:
    """The name on the account's profile record, if it has one (best effort)."""
    try:
        profile = api.get_record(repo=did, collection=PROFILE, rkey="self")
    except ConnectorError:
        return ""
    name = profile.value.get("displayName") if profile else None
    return name if isinstance(name, str) else ""


# Records.


def _create_once(api: BlueskyApi, *, did: str, rkey: str, record: dict[str, Any]) -> StoredRecord:
    """Create the post under its own record key, or return the one already there.

    A PDS refuses a record key that is taken (the reference PDS with a 500), so a
    failure is followed by a look at that key: our post is there after a retry of
    a create that went through, and the original failure stands otherwise.
    """
    try:
        return api.create_record(repo=did, collection=POST, record=record, rkey=rkey)
    except (TransientError, PermanentError):
        try:
            existing = api.get_record(repo=did, collection=POST, rkey=rkey)
        except ConnectorError:
            existing = None
        # Another post under the same key (two keys' hashes met) is not this one.
        if existing is None or existing.value.get("text") != record["text"]:
            raise
        return existing


def _now_iso() -> str:
    return timezone.now().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _post_record(
    api: BlueskyApi,
    post: OutgoingPost,
    *,
    card: dict[str, str] | None,
    reply: dict[str, Any] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": POST, "text": post.text, "createdAt": _now_iso()}
    facets = _facets(api, post.text)
    if facets:
        record["facets"] = facets
    embed = _embed(api, post, card=card)
    if embed is not None:
        record["embed"] = embed
    if reply is not None:
        record["reply"] = reply
    return record


def _facets(api: BlueskyApi, text: str) -> list[dict[str, Any]]:
    """Links, hashtags and resolvable @mentions, at their UTF-8 byte offsets."""
    facets: list[dict[str, Any]] = [
        facet.model_dump(exclude_none=True, by_alias=True)
        for facet in facet_detection.detect_facets(text)
    ]
    dids: dict[str, str | None] = {}
    for mention in facet_detection.detect_mentions(text):
        handle = mention.handle.lower()
        if handle not in dids:
            if len(dids) >= MAX_MENTIONS:
                continue
            dids[handle] = api.resolve_handle(handle)
        did = dids[handle]
        if did:
            facets.append(
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": {
                        "$type": "app.bsky.richtext.facet#byteSlice",
                        "byteStart": mention.byte_start,
                        "byteEnd": mention.byte_end,
                    },
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                }
            )
    return sorted(facets, key=lambda facet: facet["index"]["byteStart"])


def _embed(
    api: BlueskyApi, post: OutgoingPost, *, card: dict[str, str] | None
) -> dict[str, Any] | None:
    if post.image:
        return _image_embed(api, post)
    if card is not None:
        external = {"$type": "app.bsky.embed.external#external", **card}
        return {"$type": "app.bsky.embed.external", "external": external}
    return None


def _card_for(post: OutgoingPost) -> dict[str, str] | None:
    """The link card of a post's link: the campaign's words for it, else the site's name."""
    if not post.link_url or post.image:
        return None
    title = post.link_title or urlsplit(post.link_url).hostname or post.link_url
    return {
        "uri": post.link_url,
        "title": title[:MAX_CARD_TITLE],
        "description": post.link_description[:MAX_CARD_DESCRIPTION],
    }


def _image_embed(api: BlueskyApi, post: OutgoingPost) -> dict[str, Any]:
    assert post.image is not None
    data, content_type, (width, height) = _postable_image(post.image)
    image: dict[str, Any] = {
        "$type": "app.bsky.embed.images#image",
        "alt": post.image_alt,
        "image": api.upload_blob(data, content_type=content_type),
    }
    if width and height:
        image["aspectRatio"] = {
            "$type": "app.bsky.embed.defs#aspectRatio",
            "width": width,
            "height": height,
        }
    return {"$type": "app.bsky.embed.images", "images": [image]}


def _postable_image(data: bytes) -> tuple[bytes, str, tuple[int, int]]:
    """The image as Bluesky takes it: a common format, at most ``MAX_IMAGE_BYTES``."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            known_type = IMAGE_TYPES.get(image.format or "")
            if known_type and len(data) <= MAX_IMAGE_BYTES:
                return data, known_type, size
            return _smaller_jpeg(image)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PermanentError(_("The image is not in a format Chorus can read.")) from error


def _smaller_jpeg(image: Image.Image) -> tuple[bytes, str, tuple[int, int]]:
    picture = image.convert("RGB")
    picture.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    for quality in (85, 70, 55, 40):
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=quality, optimize=True)
        if buffer.tell() <= MAX_IMAGE_BYTES:
            return buffer.getvalue(), "image/jpeg", picture.size
        picture.thumbnail((picture.width * 3 // 4, picture.height * 3 // 4))
    raise PermanentError(_("The image is too large for Bluesky, even made smaller."))


def _at_uri(external_id: str) -> Any:
    not_a_post = PermanentError(
        _("%(id)s is not the address of a Bluesky post.") % {"id": external_id}
    )
    try:
        uri = AtUri.from_str(external_id)
    except (AtProtocolError, ValueError) as error:
        raise not_a_post from error
    if uri.collection != POST or not RECORD_KEY.match(uri.rkey) or not REPO.match(uri.host):
        raise not_a_post
    return uri


def _own_post_uri(account: ConnectedAccount, external_id: str) -> Any:
    uri = _at_uri(external_id)
    if uri.host != _did_of(account):
        raise PermanentError(_("Only the account that made a post can delete it."))
    return uri


def _strong_ref(api: BlueskyApi, external_id: str) -> tuple[dict[str, str], StoredRecord]:
    """The post as a (uri, cid) reference: likes, reposts and replies name a version of it."""
    uri = _at_uri(external_id)
    found = api.get_record(repo=uri.host, collection=POST, rkey=uri.rkey)
    if found is None or not found.cid:
        raise PermanentError(_("Bluesky no longer has this post."))
    return {"$type": "com.atproto.repo.strongRef", "uri": found.uri, "cid": found.cid}, found


def _point_at(api: BlueskyApi, did: str, collection: str, external_id: str) -> None:
    subject, _found = _strong_ref(api, external_id)
    record = {"$type": collection, "subject": subject, "createdAt": _now_iso()}
    api.create_record(repo=did, collection=collection, record=record)


def _reply_to(api: BlueskyApi, external_id: str) -> dict[str, Any]:
    parent, found = _strong_ref(api, external_id)
    thread = found.value.get("reply")
    root = thread.get("root") if isinstance(thread, dict) else None
    return {
        "$type": "app.bsky.feed.post#replyRef",
        "root": root if isinstance(root, dict) else parent,
        "parent": parent,
    }


def _published(record: StoredRecord) -> PublishedPost:
    uri = AtUri.from_str(record.uri)
    url = f"{WEB_APP}/profile/{uri.host}/post/{uri.rkey}"
    return PublishedPost(external_id=record.uri, url=url)
