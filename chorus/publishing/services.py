"""Writes on posts. The publishing pipeline itself lives in ``pipeline.py``."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from chorus.publishing.models import Post, PostState
from chorus.publishing.workflow import POST_WORKFLOW

CANCELLABLE_STATES = POST_WORKFLOW.get("cancel").sources


def cancel_pending_posts(
    *, posts: QuerySet[Post], reason: str, now: datetime | None = None
) -> list[Post]:
    """Cancel every post in ``posts`` that has not gone out yet; return those cancelled.

    Posts already being published cannot be called back and are left alone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            posts.filter(state__in=CANCELLABLE_STATES)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Post.objects.filter(pk__in=ids, state__in=CANCELLABLE_STATES).update(
            state=PostState.CANCELLED,
            cancelled_reason=reason,
            cancelled_at=now,
            next_attempt_at=None,
        )
    return list(
        Post.objects.filter(pk__in=ids, state=PostState.CANCELLED).select_related(
            "activity", "account"
        )
    )
