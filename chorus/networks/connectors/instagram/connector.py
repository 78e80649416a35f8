"""Instagram: posting as a company's Instagram business account, through its Facebook Page.

Chorus posts to Instagram only for company accounts (``owned_by_company``). The
person signs in with Facebook Login; ``list_pages`` offers the Instagram business
accounts linked to the Pages they manage, and each is used with its Page's token.

Publishing takes two calls: a media container (Instagram fetches the image from
a public address itself), then ``media_publish``. Instagram posts need an image.

Idempotency: neither call takes a key, and a crash can fall between them or
after the second. A container that was never published is harmless: it never
shows and expires after 24 hours. What must not happen is a second post after a
``media_publish`` whose answer was lost, so every retry first looks through the
account's media since the first attempt for one with the same caption, and
returns it instead of publishing again; ``find_published`` does the same after a
crash.
"""

from typing import Any, ClassVar

from django.utils.translation import gettext as _

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import (
    Connection,
    ConnectorError,
    Credentials,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.connectors.instagram import client
from chorus.networks.models import ConnectedAccount
from chorus.networks.networks import Network
from chorus.publishing.selectors import SentPost, sent_post


class InstagramConnector(graph.FacebookLogin):
    network: ClassVar[str] = Network.INSTAGRAM
    scopes = client.SCOPES

    # Signing in

    def list_pages(self, credentials: Credentials) -> list[Connection]:
        """The Instagram business accounts linked to Pages the person may post on."""
        accounts = []
        for page in graph.managed_pages(credentials, fields=client.ACCOUNT_FIELDS):
            instagram = page.get("instagram_business_account")
            if not isinstance(instagram, dict) or not instagram.get("id"):
                continue
            username = str(instagram.get("username") or instagram["id"])
            accounts.append(
                Connection(
                    external_id=str(instagram["id"]),
                    handle=f"@{username}",
                    display_name=str(instagram.get("name") or username),
                    credentials=graph.page_credentials(page),
                )
            )
        return accounts

    # Posting

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        if not post.image_url:
            raise PermanentError(
                _(
                    "Instagram only publishes posts with an image, fetched from a public "
                    "address: this post has none."
                )
            )
        earlier = sent_post(account=account, idempotency_key=post.idempotency_key)
        if earlier is not None and earlier.is_retry:
            found = self._find(account, text=post.text, earlier=earlier)
            if found is not None:
                return found
        ig_user_id, token = account.external_id, account.credentials.access_token
        creation_id = client.create_container(
            ig_user_id=ig_user_id,
            token=token,
            image_url=post.image_url,
            caption=post.text,
            alt_text=post.image_alt,
        )
        media_id = client.publish_container(
            ig_user_id=ig_user_id, token=token, creation_id=creation_id
        )
        return PublishedPost(external_id=media_id, url=_permalink(media_id=media_id, token=token))

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        earlier = sent_post(account=account, idempotency_key=idempotency_key)
        if earlier is None:
            return None
        return self._find(account, text=earlier.text, earlier=earlier)

    def _find(
        self, account: ConnectedAccount, *, text: str, earlier: SentPost
    ) -> PublishedPost | None:
        media = client.recent_media(
            ig_user_id=account.external_id, token=account.credentials.access_token
        )
        return graph.find_in(
            media,
            text=text,
            since=earlier.since,
            text_field="caption",
            time_field="timestamp",
            url=lambda found: str(found.get("permalink") or ""),
        )

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported(_("Instagram's API cannot delete a published post."))

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported(_("Instagram's API cannot share another post."))

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported(_("Instagram's API cannot like posts."))

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        if not post.text.strip():
            raise PermanentError(_("A comment needs some text."))
        comment_id = client.comment(
            media_id=external_id, token=account.credentials.access_token, message=post.text
        )
        return PublishedPost(external_id=comment_id)

    # Reading

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        token = account.credentials.access_token
        counts = client.media_counts(media_id=external_id, token=token)
        return PostMetrics(
            likes=_count(counts, "like_count"),
            replies=_count(counts, "comments_count"),
            impressions=_views(media_id=external_id, token=token),
        )

    def follower_count(self, account: ConnectedAccount) -> int:
        return client.followers(
            ig_user_id=account.external_id, token=account.credentials.access_token
        )

    # Credentials

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        # The linked Page's token, read with a long-lived user token, does not expire.
        return None

    def revoke(self, account: ConnectedAccount) -> None:
        """Nothing to revoke from here: a Page token cannot withdraw the grant it came from.

        Withdrawing the person's whole grant would also cut every other account
        connected with the same sign-in; they remove Chorus's app in their
        Facebook settings (Business Integrations) to end it.
        """


def _count(counts: dict[str, Any], field: str) -> int:
    return int(counts.get(field) or 0)


def _views(*, media_id: str, token: str) -> int | None:
    """Views need ``instagram_manage_insights`` and enough viewers (else error 10)."""
    try:
        return client.media_views(media_id=media_id, token=token)
    except PermanentError:
        return None


def _permalink(*, media_id: str, token: str) -> str:
    # The post is out: failing to read its address must not make it look unsent.
    try:
        return client.permalink(media_id=media_id, token=token)
    except ConnectorError:
        return ""
