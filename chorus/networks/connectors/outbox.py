"""The development outbox: records posts in Chorus instead of sending them anywhere.

It implements the whole ``Connector`` protocol, so it is also the simplest example
of one: what a pretend network cannot do is reported as ``NotSupported``.
"""

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.urls import reverse

from chorus.networks.connectors.base import (
    Credentials,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.networks.networks import Network

EXTERNAL_ID_PREFIX = "outbox-"
NOT_A_NETWORK = "The development outbox is not a social network"


class OutboxConnector:
    """Publishes into ``OutboxPost`` rows; the idempotency key makes a repeat return the first."""

    network: ClassVar[str] = Network.OUTBOX

    def publish(self, account: ConnectedAccount, post: OutgoingPost) -> PublishedPost:
        # get_or_create re-reads after losing an insert race on the unique key.
        record, _created = OutboxPost.objects.get_or_create(
            idempotency_key=post.idempotency_key,
            defaults={"account": account, "text": post.text, "link_url": post.link_url},
        )
        return self._published(record)

    def find_published(
        self, account: ConnectedAccount, idempotency_key: str
    ) -> PublishedPost | None:
        record = OutboxPost.objects.filter(idempotency_key=idempotency_key).first()
        return None if record is None else self._published(record)

    def delete(self, account: ConnectedAccount, external_id: str) -> None:
        # Deleting what is already gone succeeds: a retried delete must not fail.
        OutboxPost.objects.filter(account=account, pk=self._record_id(external_id)).delete()

    def repost(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported(f"{NOT_A_NETWORK}: nobody can repost from it.")

    def like(self, account: ConnectedAccount, external_id: str) -> None:
        raise NotSupported(f"{NOT_A_NETWORK}: nobody can like its posts.")

    def comment(
        self, account: ConnectedAccount, external_id: str, post: OutgoingPost
    ) -> PublishedPost:
        raise NotSupported(f"{NOT_A_NETWORK}: nobody can comment on its posts.")

    def post_metrics(self, account: ConnectedAccount, external_id: str) -> PostMetrics:
        raise NotSupported(f"{NOT_A_NETWORK}: nobody sees its posts, so it has no metrics.")

    def follower_count(self, account: ConnectedAccount) -> int:
        raise NotSupported(f"{NOT_A_NETWORK}: it has no followers.")

    def refresh(self, account: ConnectedAccount) -> Credentials | None:
        return None  # it holds no token, so nothing ever expires

    def revoke(self, account: ConnectedAccount) -> None:
        return None  # no token to invalidate

    def _record_id(self, external_id: str) -> int:
        number = external_id.removeprefix(EXTERNAL_ID_PREFIX)
        if not external_id.startswith(EXTERNAL_ID_PREFIX) or not number.isdigit():
            raise PermanentError(f"{external_id!r} is not a post the development outbox made.")
        return int(number)

    def _published(self, record: OutboxPost) -> PublishedPost:
        slug = record.account.organisation.slug
        page = reverse("networks:outbox", kwargs={"org": slug})
        return PublishedPost(
            external_id=f"{EXTERNAL_ID_PREFIX}{record.pk}",
            url=f"{settings.SITE_URL}{page}#outbox-post-{record.pk}",
        )


if TYPE_CHECKING:
    from chorus.networks.connectors.base import Connector

    # Type checking proves the outbox keeps up with the protocol.
    _implements_the_protocol: Connector = OutboxConnector()
