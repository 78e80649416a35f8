"""Facebook Pages: posting as a company Page the organisation manages.

Chorus posts to Facebook only for company Pages (``owned_by_company``), never
for people's own profiles. Signing in gives a person's user token; the Page
choice step then lists the Pages it manages (``list_pages``) and connects the
chosen ones, each with its own Page token.

Idempotency: the Graph API takes no key. Before sending again a post that an
earlier attempt may have delivered, and when asked after a crash, Chorus looks
through the Page's posts since its first attempt for one with the same text.
"""

from typing import Any, ClassVar

from django.utils.translation import gettext as _

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import (
    Connection,
    Credentials,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.connectors.facebook import client
from chorus.networks.models import ConnectedAccount
from chorus.networks.networks import Network
from chorus.publishing.selectors import SentPost, sent_post


class FacebookConnector(graph.FacebookLogin):
    network: ClassVar[str] = Network.FACEBOOK
    scopes = client.SCOPES

    # Signing in

    def list_pages(self, credentials: Credentials) -> list[Connection]:
        """The Pages the signed-in person may post to, each with its Page token."""
        return [
            Connection(
                external_id=str(page["id"]),
                handle=str(page.get("name") or page["id"]),
                display_name=str(page.get("name") or ""),
                credentials=graph.page_credentials(page),
            )
            for page in graph.managed_pages(credentials, fields="")
        ]

    # Posting

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        earlier = sent_post(account=account, idempotency_key=post.idempotency_key)
        if earlier is not None and earlier.is_retry:
            found = self._find(account, text=post.text, earlier=earlier)
            if found is not None:
                return found
        page_id, token = account.external_id, account.credentials.access_token
        if post.image is not None or post.image_url:
            post_id = client.publish_photo(
                page_id=page_id,
                token=token,
                caption=post.text,
                image=post.image,
                content_type=post.image_content_type,
                url=post.image_url,
            )
        else:
            post_id = client.publish_text(
                page_id=page_id, token=token, message=post.text, link=post.link_url
            )
        return PublishedPost(external_id=post_id, url=client.post_url(post_id))

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
        posts = client.recent_posts(
            page_id=account.external_id,
            token=account.credentials.access_token,
            since=earlier.since,
        )
        return graph.find_in(
            posts,
            text=text,
            since=earlier.since,
            text_field="message",
            time_field="created_time",
            url=lambda found: str(found.get("permalink_url") or client.post_url(found["id"])),
        )

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        client.delete(object_id=external_id, token=account.credentials.access_token)

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported(_("Facebook's API cannot share another post as a Page."))

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        client.like(object_id=external_id, token=account.credentials.access_token)

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        if not post.text.strip():
            raise PermanentError(_("A comment needs some text."))
        comment_id = client.comment(
            object_id=external_id, token=account.credentials.access_token, message=post.text
        )
        return PublishedPost(external_id=comment_id)

    # Reading

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        token = account.credentials.access_token
        counts = client.post_counts(post_id=external_id, token=token)
        return PostMetrics(
            likes=_total(counts, "reactions"),
            replies=_total(counts, "comments"),
            reposts=int((counts.get("shares") or {}).get("count") or 0),
            impressions=_views(post_id=external_id, token=token),
        )

    def follower_count(self, account: ConnectedAccount) -> int:
        return client.followers(page_id=account.external_id, token=account.credentials.access_token)

    # Credentials

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        # Page tokens read with a long-lived user token do not expire.
        return None

    def revoke(self, account: ConnectedAccount) -> None:
        """Nothing to revoke from here: a Page token cannot withdraw the grant it came from.

        Withdrawing the person's whole grant would also cut every other Page and
        Instagram account connected with the same sign-in; they remove Chorus's
        app in their Facebook settings (Business Integrations) to end it.
        """


def _total(counts: dict[str, Any], edge: str) -> int:
    summary = counts.get(edge)
    if not isinstance(summary, dict):
        return 0
    return int((summary.get("summary") or {}).get("total_count") or 0)


def _views(*, post_id: str, token: str) -> int | None:
    """Views need the ``read_insights`` permission and enough audience; else unknown."""
    try:
        return client.post_views(post_id=post_id, token=token)
    except PermanentError:
        return None
