"""Mastodon: any instance a member names, signed in with OAuth and PKCE.

Chorus registers its own app on each instance the first time someone connects
an account there (one ``InstanceApp`` per server and redirect URI, reused after).

Idempotency: every status is posted with Mastodon's ``Idempotency-Key`` header,
so a retry within the hour the instance remembers the key returns the first
status instead of making a second. ``find_published`` cannot rely on that, and
Chorus never adds a marker to the approved text, so it takes the text of the
Post holding the key and looks through the account's own recent statuses (at
most ``FIND_PAGES`` pages of 40, none older than the post's first attempt) for
one with that text. Mastodon shows statuses only as HTML, so the comparison is
on the plain text with whitespace folded and remote mentions shortened as
Mastodon renders them. Not found: a status the member edited or deleted after it
went out, one further back than those pages, and anything for a key no Post
holds (replies made with ``comment``).
"""

import io
import re
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Connection,
    Credentials,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.connectors.mastodon import client
from chorus.networks.connectors.mastodon.client import MastodonApi, RemoteStatus
from chorus.networks.http import check_server
from chorus.networks.models import ConnectedAccount, InstanceApp
from chorus.networks.networks import Network
from chorus.publishing.selectors import sent_post

# How far back find_published looks: Mastodon's pages hold 40 statuses.
FIND_PAGES = 5
# Mastodon renders a mention of @name@other.instance as just @name.
REMOTE_MENTION = re.compile(r"(?<![\w@])@([\w.-]+)@[\w.-]+\w")
WHITESPACE = re.compile(r"\s+")


class MastodonConnector:
    network: ClassVar[str] = Network.MASTODON

    # Connecting.

    def authorization_url(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        state: str,
        code_challenge: str,
    ) -> str:
        # ``app`` is an organisation's client on centralised networks; Mastodon has none.
        server = check_server(server)
        instance_app = _instance_app(server=server, redirect_uri=redirect_uri)
        return client.authorize_url(
            server=server,
            client_id=instance_app.client_id,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge=code_challenge,
        )

    def complete_authorization(
        self,
        *,
        app: AppCredentials | None,
        server: str,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> Connection:
        server = check_server(server)
        instance_app = InstanceApp.objects.filter(
            network=self.network, server=server, redirect_uri=redirect_uri
        ).first()
        if instance_app is None:
            raise PermanentError(
                _("Chorus has no app on %(server)s yet; start connecting again.")
                % {"server": server}
            )
        token = client.exchange_code(
            server=server,
            app=instance_app.credentials,
            redirect_uri=redirect_uri,
            code=code,
            code_verifier=code_verifier,
        )
        with MastodonApi(server=server, access_token=token) as api:
            me = api.me()
            domain = api.instance_domain() or urlsplit(server).netloc
        return Connection(
            external_id=me.id,
            handle=f"@{me.username}@{domain}",
            display_name=me.display_name,
            server=server,
            # The app's client id picks the right app to revoke the token with later.
            credentials=Credentials(
                access_token=token, extra={"client_id": instance_app.client_id}
            ),
        )

    # Posting.

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        with _api(account) as api:
            return _published(_post_status(api, post))

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        sent = sent_post(account=account, idempotency_key=idempotency_key)
        if sent is None:
            return None
        wanted, since = _comparable(sent.text), sent.since
        with _api(account) as api:
            max_id = None
            for _page in range(FIND_PAGES):
                statuses = api.own_statuses(account.external_id, max_id=max_id)
                for status in statuses:
                    if status.created_at < since:
                        return None
                    if _comparable(status.text) == wanted:
                        return _published(status)
                if len(statuses) < client.STATUS_PAGE_SIZE:
                    return None
                max_id = statuses[-1].id
        return None

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        with _api(account) as api:
            api.delete_status(external_id)

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        with _api(account) as api:
            api.reblog(external_id)

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        with _api(account) as api:
            api.favourite(external_id)

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        with _api(account) as api:
            return _published(_post_status(api, post, in_reply_to_id=external_id))

    # Reading.

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        with _api(account) as api:
            status = api.status(external_id)
        # Mastodon tells nobody, not even the author, how often a status was seen.
        return PostMetrics(
            likes=status.likes, reposts=status.reposts, replies=status.replies, impressions=None
        )

    def follower_count(self, account: ConnectedAccount) -> int:
        with _api(account) as api:
            return api.me().followers

    # The token.

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        # Mastodon's access tokens do not expire.
        return None

    def revoke(self, account: ConnectedAccount) -> None:
        token = account.credentials.access_token
        if not token:
            return
        server = _checked_server(account)
        instance_app = InstanceApp.objects.filter(
            network=self.network,
            server=server,
            client_id=account.credentials.extra.get("client_id", ""),
        ).first()
        if instance_app is None:
            raise PermanentError(
                _(
                    "Chorus no longer knows its app on %(server)s, so it cannot revoke the "
                    "token there. Remove Chorus under Authorized apps in the account's "
                    "settings on %(server)s."
                )
                % {"server": server}
            )
        client.revoke_token(server=server, app=instance_app.credentials, token=token)


def _instance_app(*, server: str, redirect_uri: str) -> InstanceApp:
    """Chorus's app on the instance, registered the first time it is needed."""
    lookup = {"network": Network.MASTODON, "server": server, "redirect_uri": redirect_uri}
    existing = InstanceApp.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    registered = client.register_app(
        server=server, redirect_uri=redirect_uri, website=settings.SITE_URL
    )
    try:
        with transaction.atomic():
            return InstanceApp.objects.create(
                **lookup,
                client_id=registered.client_id,
                client_secret=registered.client_secret,
            )
    except IntegrityError:
        # Someone else connecting at the same moment registered first: use theirs.
        return InstanceApp.objects.get(**lookup)


def _api(account: ConnectedAccount) -> MastodonApi:
    token = account.credentials.access_token
    if not token:
        raise AuthError(_("Chorus holds no token for this Mastodon account; reconnect it."))
    return MastodonApi(server=_checked_server(account), access_token=token)


def _checked_server(account: ConnectedAccount) -> str:
    try:
        return check_server(account.server)
    except ValidationError as error:
        raise PermanentError(" ".join(error.messages)) from error


def _post_status(
    api: MastodonApi, post: OutgoingPost, *, in_reply_to_id: str | None = None
) -> RemoteStatus:
    media_ids = []
    if post.image:
        media_ids.append(
            api.upload_image(post.image, content_type=_image_type(post), description=post.image_alt)
        )
    # The instance makes the link card itself from the link in the text.
    return api.post_status(
        post.text,
        idempotency_key=post.idempotency_key,
        media_ids=media_ids,
        in_reply_to_id=in_reply_to_id,
    )


def _image_type(post: OutgoingPost) -> str:
    if post.image_content_type:
        return post.image_content_type
    assert post.image is not None
    try:
        with Image.open(io.BytesIO(post.image)) as image:
            content_type = image.get_format_mimetype()
    except (UnidentifiedImageError, OSError) as error:
        raise PermanentError(_("The image is not in a format Chorus can read.")) from error
    if not content_type:
        raise PermanentError(_("The image is not in a format Chorus can read."))
    return content_type


def _published(status: RemoteStatus) -> PublishedPost:
    return PublishedPost(external_id=status.id, url=status.url)


def _comparable(text: str) -> str:
    return WHITESPACE.sub(" ", REMOTE_MENTION.sub(r"@\1", text)).strip()
