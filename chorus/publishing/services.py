"""Writes on posts. The publishing pipeline itself lives in ``pipeline.py``."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_event
from chorus.networks.models import AccountStatus
from chorus.orgs.models import Membership
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


def may_retry(post: Post) -> bool:
    return (
        post.state == PostState.FAILED
        and post.account is not None
        and post.account.status != AccountStatus.DISCONNECTED
    )


def retry_failed_post(*, by: Membership, post: Post, now: datetime | None = None) -> Post:
    """The owner sends a failed post again: it is due at once, with a fresh set of tries."""
    if post.member_id != by.pk:
        raise ValidationError(_("Only the post's owner can send it again."))
    if post.state != PostState.FAILED:
        raise ValidationError(_("Only a failed post can be sent again."))
    if not may_retry(post):
        raise ValidationError(_("The account this post was for is no longer connected."))
    now = now or timezone.now()
    before = {"state": post.state, "failure_reason": post.failure_reason}
    with transaction.atomic():
        POST_WORKFLOW.apply(
            post, "reschedule", scheduled_for=now, next_attempt_at=now, failure_reason=""
        )
        record_event(
            organisation=by.organisation,
            actor=by.user,
            action=AuditAction.POST_RETRIED,
            target=post,
            before=before,
            after={"state": post.state, "next_attempt_at": now.isoformat()},
        )
    return post
