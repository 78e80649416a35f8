"""Compliance: managing rules, checking texts, logging evaluations, and reviewing posts.

The composer and the publishing pipeline call ``check_text`` (and log what they
checked with ``record_evaluation``); ``gate_before_publishing`` is the last check
a post passes before it goes out.
"""

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.core.memo import read_once_per_batch
from chorus.governance import selectors
from chorus.governance.compliance.engine import ComplianceResult, RuleSet, RuleSpec
from chorus.governance.compliance.engine import RuleKind as EngineRuleKind
from chorus.governance.compliance.engine import Severity as EngineSeverity
from chorus.governance.models import (
    ComplianceRule,
    Evaluation,
    ReviewRequest,
    ReviewState,
    RuleKind,
    RuleRevision,
    RuleSnapshot,
    RuleVersion,
    Severity,
    Stage,
)
from chorus.governance.rules import FieldErrors, clean_config
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Capability
from chorus.policies.services import pause_unaccepted_post
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.publishing.services import cancel_pending_posts
from chorus.register.selectors import needs_manager_review

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 200
REVIEW_REASON_LENGTH = 2000


def _add(errors: FieldErrors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


# Managing rules: for content managers, admins and owners.


def _version_state(version: RuleVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "name": version.name,
        "severity": version.severity,
        "active": version.is_active,
        "explanation": version.explanation,
        "config": version.config,
    }


def _cleaned(
    *, kind: str, name: str, severity: str, config: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    errors: FieldErrors = {}
    name = " ".join(name.split())
    if not name:
        _add(errors, "name", _("Give the rule a name."), "required")
    elif len(name) > MAX_NAME_LENGTH:
        _add(errors, "name", _("Keep the name under 200 characters."), "max_length")
    if severity not in Severity.values:
        message = _("Choose what happens to a post that breaks the rule.")
        _add(errors, "severity", message, "invalid")
    cleaned = clean_config(kind, config, errors)
    if errors:
        raise ValidationError(errors)
    return name, cleaned


def _bump_revision(organisation: Organisation) -> None:
    """Every change to the rules moves the revision, in the same transaction."""
    revision, _created = RuleRevision.objects.get_or_create(organisation=organisation)
    RuleRevision.objects.filter(pk=revision.pk).update(number=F("number") + 1)


def _new_version(
    *,
    rule: ComplianceRule,
    by: Membership,
    name: str,
    severity: str,
    explanation: str,
    config: dict[str, Any],
    is_active: bool,
    now: datetime,
) -> RuleVersion:
    number = (rule.current_version.number + 1) if rule.current_version else 1
    version = RuleVersion.objects.create(
        rule=rule,
        number=number,
        name=name,
        severity=severity,
        explanation=explanation.strip(),
        is_active=is_active,
        config=config,
        created_by=by,
        created_at=now,
    )
    rule.current_version = version
    rule.save(update_fields=["current_version"])
    _bump_revision(rule.organisation)
    return version


def create_rule(
    *,
    by: Membership,
    kind: str,
    name: str,
    severity: str,
    config: Mapping[str, Any],
    explanation: str = "",
    is_active: bool = True,
    now: datetime | None = None,
) -> ComplianceRule:
    check_capability(by, Capability.MANAGE_CONTENT)
    if kind not in RuleKind.values:
        raise ValidationError({"kind": _("Choose what kind of rule this is.")})
    now = now or timezone.now()
    name, cleaned = _cleaned(kind=kind, name=name, severity=severity, config=config)
    with transaction.atomic():
        rule = ComplianceRule.objects.create(
            organisation=by.organisation, kind=kind, created_at=now
        )
        version = _new_version(
            rule=rule,
            by=by,
            name=name,
            severity=severity,
            explanation=explanation,
            config=cleaned,
            is_active=is_active,
            now=now,
        )
        record_member_action(
            by,
            AuditAction.COMPLIANCE_RULE_CREATED,
            rule,
            after={"kind": kind, **_version_state(version)},
        )
    return rule


def update_rule(
    *,
    by: Membership,
    rule: ComplianceRule,
    name: str,
    severity: str,
    config: Mapping[str, Any],
    explanation: str = "",
    is_active: bool = True,
    now: datetime | None = None,
) -> ComplianceRule:
    """A change makes a new version; the old one stays for the evaluations that used it."""
    check_capability(by, Capability.MANAGE_CONTENT)
    if rule.organisation_id != by.organisation_id or rule.deleted_at is not None:
        raise ValidationError(_("This rule no longer exists."))
    now = now or timezone.now()
    name, cleaned = _cleaned(kind=rule.kind, name=name, severity=severity, config=config)
    with transaction.atomic():
        rule = ComplianceRule.objects.select_for_update().get(pk=rule.pk)
        before = rule.current_version
        assert before is not None
        unchanged = (
            before.name == name
            and before.severity == severity
            and before.explanation == explanation.strip()
            and before.is_active == is_active
            and before.config == cleaned
        )
        if unchanged:
            return rule
        version = _new_version(
            rule=rule,
            by=by,
            name=name,
            severity=severity,
            explanation=explanation,
            config=cleaned,
            is_active=is_active,
            now=now,
        )
        record_member_action(
            by,
            AuditAction.COMPLIANCE_RULE_UPDATED,
            rule,
            before=_version_state(before),
            after=_version_state(version),
        )
    return rule


def delete_rule(
    *, by: Membership, rule: ComplianceRule, now: datetime | None = None
) -> ComplianceRule:
    check_capability(by, Capability.MANAGE_CONTENT)
    now = now or timezone.now()
    with transaction.atomic():
        changed = ComplianceRule.objects.filter(
            pk=rule.pk, organisation=by.organisation, deleted_at__isnull=True
        ).update(deleted_at=now)
        if not changed:
            raise ValidationError(_("This rule was already deleted."))
        _bump_revision(by.organisation)
        rule.deleted_at = now
        assert rule.current_version is not None
        record_member_action(
            by,
            AuditAction.COMPLIANCE_RULE_DELETED,
            rule,
            before={"kind": rule.kind, **_version_state(rule.current_version)},
        )
    return rule


# Checking texts


class _CompiledRuleSets:
    """Compiled rule sets by (organisation, exact set of rule versions); the latest few kept."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._sets: OrderedDict[tuple[int, str], RuleSet] = OrderedDict()
        self._lock = Lock()

    def get(self, organisation_id: int, fingerprint: str) -> RuleSet | None:
        with self._lock:
            rule_set = self._sets.get((organisation_id, fingerprint))
            if rule_set is not None:
                self._sets.move_to_end((organisation_id, fingerprint))
            return rule_set

    def put(self, organisation_id: int, fingerprint: str, rule_set: RuleSet) -> None:
        with self._lock:
            self._sets[(organisation_id, fingerprint)] = rule_set
            while len(self._sets) > self._size:
                self._sets.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()


COMPILED = _CompiledRuleSets()


def fingerprint_of(version_ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(version_ids))).encode()).hexdigest()


def _spec(version: RuleVersion) -> RuleSpec:
    return RuleSpec(
        rule_id=version.rule_id,
        version_id=version.pk,
        kind=EngineRuleKind(version.rule.kind),
        name=version.name,
        severity=EngineSeverity(version.severity),
        explanation=version.explanation,
        config=version.config,
    )


def rule_set_for(*, organisation: Organisation) -> RuleSet:
    """The organisation's active rules, compiled; compiled again only after a change.

    The revision is read before the rules: a change committed in between is compiled
    under the older number and simply compiled again on the next check.
    """
    key = str(selectors.rules_revision(organisation=organisation))
    rule_set = COMPILED.get(organisation.pk, key)
    if rule_set is None:
        version_ids = selectors.active_version_ids(organisation=organisation)
        versions = RuleVersion.objects.filter(pk__in=version_ids).select_related("rule")
        rule_set = RuleSet(_spec(version) for version in versions)
        COMPILED.put(organisation.pk, key, rule_set)
    return rule_set


def check_text(
    *,
    organisation: Organisation,
    text: str,
    network: str,
    language: str | None = None,
    link_url: str = "",
) -> ComplianceResult:
    """Every finding of the organisation's active rules in ``text`` as posted to ``network``.

    ``language`` chooses whose inflections and profanity list apply; without it they
    are guessed from the text (every supported language when it is too short to tell).
    ``link_url`` is the campaign's tracked link, which the text must keep.
    """
    return rule_set_for(organisation=organisation).check(
        text, network=network, language=language, link_url=link_url
    )


@read_once_per_batch
def _snapshot(*, organisation: Organisation, version_ids: tuple[int, ...]) -> RuleSnapshot:
    fingerprint = fingerprint_of(list(version_ids))
    snapshot = RuleSnapshot.objects.filter(
        organisation=organisation, fingerprint=fingerprint
    ).first()
    if snapshot is not None:
        return snapshot
    try:
        with transaction.atomic():
            return RuleSnapshot.objects.create(
                organisation=organisation, fingerprint=fingerprint, version_ids=list(version_ids)
            )
    except IntegrityError:
        # Another evaluation stored the same set a moment ago.
        return RuleSnapshot.objects.get(organisation=organisation, fingerprint=fingerprint)


def record_evaluation(
    *,
    organisation: Organisation,
    result: ComplianceResult,
    stage: str,
    member: Membership | None = None,
    post: Post | None = None,
    now: datetime | None = None,
) -> Evaluation:
    """Log one check: its stage, the rule versions it used, and what it found."""
    evaluation = _evaluation_of(
        organisation=organisation, result=result, stage=stage, member=member, post=post, now=now
    )
    evaluation.save(force_insert=True)
    return evaluation


def _evaluation_of(
    *,
    organisation: Organisation,
    result: ComplianceResult,
    stage: str,
    member: Membership | None,
    post: Post | None,
    now: datetime | None,
) -> Evaluation:
    return Evaluation(
        organisation=organisation,
        member=member,
        post=post,
        stage=stage,
        network=result.network,
        languages=sorted(result.languages),
        text_sha256=text_fingerprint(result.text),
        snapshot=_snapshot(organisation=organisation, version_ids=result.version_ids),
        outcome=result.outcome,
        findings=[finding.as_log() for finding in result.findings],
        created_at=now or timezone.now(),
    )


def evaluate(
    *,
    organisation: Organisation,
    text: str,
    network: str,
    stage: str,
    language: str | None = None,
    link_url: str = "",
    member: Membership | None = None,
    post: Post | None = None,
    now: datetime | None = None,
) -> tuple[ComplianceResult, Evaluation]:
    """Check a text and log the check."""
    result = check_text(
        organisation=organisation, text=text, network=network, language=language, link_url=link_url
    )
    evaluation = record_evaluation(
        organisation=organisation, result=result, stage=stage, member=member, post=post, now=now
    )
    return result, evaluation


def blocking_error(result: ComplianceResult) -> ValidationError:
    """The text's block-level findings as the composer shows them on the text field."""
    return ValidationError(
        {
            "text": [
                ValidationError(f"{finding.message} {finding.explanation}".strip(), code="blocked")
                for finding in result.of_severity(EngineSeverity.BLOCK)
            ]
        }
    )


# At approval: what the composer calls when its author approves a text.


@dataclass(frozen=True)
class ApprovalCheck:
    result: ComplianceResult
    evaluation: Evaluation


def check_for_approval(
    *,
    member: Membership,
    text: str,
    network: str,
    link_url: str = "",
    now: datetime | None = None,
) -> ApprovalCheck:
    """Check the exact final text its author approves, and log it; a block-level finding refuses.

    Raises a ValidationError on the ``text`` field naming each block-level finding.
    """
    result, evaluation = evaluate(
        organisation=member.organisation,
        text=text,
        network=network,
        stage=Stage.APPROVAL,
        link_url=link_url,
        member=member,
        now=now,
    )
    if result.blocks:
        raise blocking_error(result)
    return ApprovalCheck(result=result, evaluation=evaluation)


def route_approved_post(
    *, post: Post, check: ApprovalCheck, now: datetime | None = None
) -> ReviewRequest | None:
    """After approval: a text with review-level findings waits for a reviewer; others need none.

    A changed text replaces the review its earlier text waited for.
    """
    Evaluation.objects.filter(pk=check.evaluation.pk).update(post=post)
    if check.result.needs_review:
        return request_review(post=post, evaluation=check.evaluation, now=now)
    withdraw_reviews(post=post, now=now)
    return None


# Reviews: posts whose text a reviewer must let through.


def _my_reviews_url(organisation: Organisation) -> str:
    return reverse("governance:my_reviews", kwargs={"org": organisation.slug})


def request_review(
    *, post: Post, evaluation: Evaluation | None = None, now: datetime | None = None
) -> ReviewRequest:
    """Put the post's current text in the reviewer queue (once: a pending request is reused)."""
    now = now or timezone.now()
    fingerprint = text_fingerprint(post.text)
    with transaction.atomic():
        pending = (
            ReviewRequest.objects.select_for_update()
            .filter(post=post, state=ReviewState.PENDING)
            .first()
        )
        if pending is not None and pending.text_sha256 == fingerprint:
            return pending
        if pending is not None:
            pending.state = ReviewState.WITHDRAWN
            pending.decided_at = now
            pending.save(update_fields=["state", "decided_at"])
        return ReviewRequest.objects.create(
            organisation=post.organisation,
            post=post,
            text_sha256=fingerprint,
            evaluation=evaluation,
            requested_at=now,
        )


def withdraw_reviews(*, post: Post, now: datetime | None = None) -> int:
    """The post's text changed or no longer needs review: its pending request goes."""
    return ReviewRequest.objects.filter(post=post, state=ReviewState.PENDING).update(
        state=ReviewState.WITHDRAWN, decided_at=now or timezone.now()
    )


def _decide(
    *, by: Membership, review: ReviewRequest, state: str, reason: str, now: datetime
) -> ReviewRequest:
    check_capability(by, Capability.REVIEW_CONTENT)
    if review.organisation_id != by.organisation_id:
        raise ValidationError(_("This review is not in your organisation."))
    changed = ReviewRequest.objects.filter(pk=review.pk, state=ReviewState.PENDING).update(
        state=state, decided_by=by, decided_at=now, reason=reason
    )
    if not changed:
        raise ValidationError(_("Someone already decided this review, or the post changed."))
    review.state, review.decided_by, review.decided_at, review.reason = state, by, now, reason
    return review


def approve_review(
    *, by: Membership, review: ReviewRequest, reason: str = "", now: datetime | None = None
) -> ReviewRequest:
    """The text may go out; a scheduled post held for the review is due again.

    The author is told, and sees the reviewer's note under "My reviews".
    """
    now = now or timezone.now()
    reason = reason.strip()[:REVIEW_REASON_LENGTH]
    with transaction.atomic():
        review = _decide(by=by, review=review, state=ReviewState.APPROVED, reason=reason, now=now)
        post = review.post
        if post.state == PostState.SCHEDULED and post.next_attempt_at is None:
            due = max(post.scheduled_for or now, now)
            Post.objects.filter(pk=post.pk, state=PostState.SCHEDULED).update(next_attempt_at=due)
        record_member_action(
            by,
            AuditAction.COMPLIANCE_REVIEW_APPROVED,
            review,
            after={"post": post.pk, "reason": reason},
        )
        if post.member is not None:
            notify(
                member=post.member,
                kind=NotificationKind.POST_REVIEW_APPROVED,
                params={"network": post.network, "reason": reason},
                url=_my_reviews_url(post.organisation),
            )
    return review


def reject_review(
    *, by: Membership, review: ReviewRequest, reason: str, now: datetime | None = None
) -> ReviewRequest:
    """The text must not go out: the post is cancelled and its author told why."""
    now = now or timezone.now()
    reason = reason.strip()[:REVIEW_REASON_LENGTH]
    if not reason:
        raise ValidationError({"reason": _("Tell the author why, so they can change it.")})
    with transaction.atomic():
        review = _decide(by=by, review=review, state=ReviewState.REJECTED, reason=reason, now=now)
        post = review.post
        why = _("Not approved in review: %(reason)s") % {"reason": reason}
        cancelled = cancel_pending_posts(
            posts=Post.objects.filter(pk=post.pk), reason=why[:300], now=now
        )
        record_member_action(
            by,
            AuditAction.COMPLIANCE_REVIEW_REJECTED,
            review,
            after={"post": post.pk, "reason": reason},
        )
        if post.member is not None and cancelled:
            notify(
                member=post.member,
                kind=NotificationKind.POSTS_CANCELLED,
                params={"count": 1, "reason": why},
                url=_my_reviews_url(post.organisation),
                email_now=True,
            )
    return review


# The last check before a post goes out.


@dataclass(frozen=True)
class PublishGate:
    """What the publisher must do with a post: send it, refuse it, or hold it for review."""

    refusal: str | None = None
    hold: bool = False


def gate_before_publishing(*, post: Post, now: datetime | None = None) -> PublishGate:
    """Check the post's exact text again, as the rules stand now, and log the check.

    A block-level finding refuses the post. A review-level one holds it (no longer
    due) until a reviewer approved this exact text; a rejected text is refused. A post whose
    owner has not accepted the current social media policy is paused until they do.
    """
    now = now or timezone.now()
    [check] = check_before_publishing(posts=[post], now=now)
    return gate_checked(check=check, now=now)


@dataclass(frozen=True, slots=True)
class PublishingCheck:
    """A post checked right before publishing: paused, or its text checked and logged."""

    post: Post
    result: ComplianceResult | None = None
    evaluation: Evaluation | None = None


def check_before_publishing(*, posts: Sequence[Post], now: datetime) -> list[PublishingCheck]:
    """The first half of ``gate_before_publishing`` for several posts: each is paused if
    its owner has not accepted the current policy, or its text checked; the checks are
    logged in one statement. ``gate_checked`` tells each post's fate, in the active
    language."""
    checks = []
    for post in posts:
        if pause_unaccepted_post(post=post, now=now):
            checks.append(PublishingCheck(post))
            continue
        result = check_text(
            organisation=post.organisation,
            text=post.text,
            network=post.network,
            link_url=post.link_url,
        )
        evaluation = _evaluation_of(
            organisation=post.organisation,
            result=result,
            stage=Stage.PUBLISHING,
            member=post.member,
            post=post,
            now=now,
        )
        checks.append(PublishingCheck(post, result, evaluation))
    Evaluation.objects.bulk_create(check.evaluation for check in checks if check.evaluation)
    return checks


def gate_checked(*, check: PublishingCheck, now: datetime) -> PublishGate:
    """The second half of ``gate_before_publishing``: what the check means for its post."""
    if check.result is None or check.evaluation is None:
        return PublishGate(hold=True)
    post, result, evaluation = check.post, check.result, check.evaluation
    if result.blocks:
        messages = "; ".join(f.message for f in result.of_severity(EngineSeverity.BLOCK))
        return PublishGate(refusal=_("It breaks a compliance rule: %(why)s") % {"why": messages})
    if not result.needs_review and not needs_manager_review(post=post):
        return PublishGate()
    decision = selectors.review_decision(post=post)
    if decision == ReviewState.APPROVED:
        return PublishGate()
    if decision == ReviewState.REJECTED:
        return PublishGate(refusal=_("It was not approved in review."))
    request_review(post=post, evaluation=evaluation, now=now)
    Post.objects.filter(pk=post.pk, state=PostState.SCHEDULED).update(next_attempt_at=None)
    post.next_attempt_at = None
    logger.info("Post %s held for compliance review", post.pk)
    return PublishGate(hold=True)


# Keeping the evaluation log to what it is for.

PRUNE_BATCH = 5_000


def prune_draft_evaluations(*, now: datetime | None = None) -> int:
    """Delete checks made while typing once they are older than the configured days.

    Checks at approval and before publishing stay, as does any check a review points to.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.CHORUS_DRAFT_CHECKS_KEPT_DAYS)
    reviewed = ReviewRequest.objects.filter(evaluation__isnull=False).values("evaluation_id")
    old = Evaluation.objects.filter(stage=Stage.DRAFT, created_at__lt=cutoff).exclude(
        pk__in=reviewed
    )
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += Evaluation.objects.filter(pk__in=batch).delete()[0]
    return deleted
