"""Reads for compliance: rules, their versions, evaluations and the reviewer queue."""

from django.db.models import QuerySet

from chorus.core.memo import read_once_per_batch
from chorus.governance.models import (
    ComplianceRule,
    Evaluation,
    ReviewRequest,
    ReviewState,
    RuleRevision,
    RuleVersion,
)
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post, text_fingerprint


def active_version_ids(*, organisation: Organisation) -> list[int]:
    """The current version of each of the organisation's live, switched-on rules."""
    return list(
        ComplianceRule.objects.filter(
            organisation=organisation,
            deleted_at__isnull=True,
            current_version__is_active=True,
        ).values_list("current_version_id", flat=True)
    )


@read_once_per_batch
def rules_revision(*, organisation: Organisation) -> int:
    """How many times the organisation's rules have changed (0: never)."""
    number = (
        RuleRevision.objects.filter(organisation=organisation)
        .values_list("number", flat=True)
        .first()
    )
    return number or 0


def rules_of(*, organisation: Organisation) -> QuerySet[ComplianceRule]:
    return ComplianceRule.objects.filter(
        organisation=organisation, deleted_at__isnull=True
    ).select_related("current_version", "current_version__created_by__user")


def versions_of(*, rule: ComplianceRule) -> QuerySet[RuleVersion]:
    return rule.versions.select_related("created_by__user").order_by("-number")


def recent_evaluations(*, organisation: Organisation, limit: int = 20) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(organisation=organisation).select_related("member__user")[:limit]
    )


def review_decision(*, post: Post) -> str | None:
    """What a reviewer last decided about the post's current text, if anything."""
    decided = (
        ReviewRequest.objects.filter(
            post=post,
            text_sha256=text_fingerprint(post.text),
            state__in=(ReviewState.APPROVED, ReviewState.REJECTED),
        )
        .order_by("-decided_at", "-pk")
        .values_list("state", flat=True)
        .first()
    )
    return decided


def is_awaiting_review(*, post: Post) -> bool:
    return ReviewRequest.objects.filter(post=post, state=ReviewState.PENDING).exists()


def pending_reviews(*, organisation: Organisation) -> QuerySet[ReviewRequest]:
    return ReviewRequest.objects.filter(
        organisation=organisation, state=ReviewState.PENDING
    ).select_related("post__member__user", "post__account", "evaluation")


def decided_reviews(*, organisation: Organisation) -> QuerySet[ReviewRequest]:
    return (
        ReviewRequest.objects.filter(
            organisation=organisation, state__in=(ReviewState.APPROVED, ReviewState.REJECTED)
        )
        .select_related("post__member__user", "decided_by__user")
        .order_by("-decided_at", "-pk")
    )


def reviews_of_member(*, member: Membership) -> QuerySet[ReviewRequest]:
    """The reviews of a member's own posts, newest first."""
    return (
        ReviewRequest.objects.filter(post__member=member)
        .exclude(state=ReviewState.WITHDRAWN)
        .select_related("post__account", "decided_by__user", "evaluation")
        .order_by("-requested_at", "-pk")
    )
