import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, QuerySet

from chorus.networks.models import ConnectedAccount
from chorus.publishing.models import Post, PublishAttempt

# Clocks differ: a post the network stamped a little before Chorus's first attempt still counts.
CLOCK_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True)
class SentPost:
    """What a connector without idempotency keys needs to recognise a post it already sent:
    the exact text, since when the network can hold it, and whether this is a retry.
    """

    text: str
    since: datetime
    is_retry: bool


def is_retry(*, account: ConnectedAccount, idempotency_key: str) -> bool:
    """Whether an earlier attempt at this post may already have reached the network."""
    sent = sent_post(account=account, idempotency_key=idempotency_key)
    return sent is not None and sent.is_retry


def sent_post(*, account: ConnectedAccount, idempotency_key: str) -> SentPost | None:
    """The post Chorus sends to ``account`` under this key, if the key is one of Chorus's.

    The publisher records each attempt before it sends anything, so the first
    attempt's start is the earliest the network can hold the post.
    """
    try:
        key = uuid.UUID(idempotency_key)
    except ValueError:
        return None
    post = (
        Post.objects.filter(account=account, idempotency_key=key)
        .annotate(first_attempt=Min("attempts__started_at"))
        .values("text", "attempt_count", "first_attempt", "approved_at")
        .first()
    )
    if post is None:
        return None
    since = post["first_attempt"] or post["approved_at"]
    return SentPost(
        text=post["text"], since=since - CLOCK_MARGIN, is_retry=post["attempt_count"] > 1
    )


def attempts_of(*, post: Post) -> QuerySet[PublishAttempt]:
    return post.attempts.order_by("started_at", "pk")
