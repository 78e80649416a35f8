"""The development outbox: records posts in Chorus instead of sending them anywhere."""

from django.conf import settings
from django.urls import reverse

from chorus.networks.connectors.base import OutgoingPost, PublishedPost
from chorus.networks.models import ConnectedAccount, OutboxPost


class OutboxConnector:
    """Publishes into ``OutboxPost`` rows; the idempotency key makes a repeat return the first."""

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

    def _published(self, record: OutboxPost) -> PublishedPost:
        slug = record.account.organisation.slug
        page = reverse("networks:outbox", kwargs={"org": slug})
        return PublishedPost(
            external_id=f"outbox-{record.pk}",
            url=f"{settings.SITE_URL}{page}#outbox-post-{record.pk}",
        )
