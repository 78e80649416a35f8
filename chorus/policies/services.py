"""Writes for the social media policy: drafting, publishing, accepting, pausing, reminding.

A new major version asks everyone to accept the policy again. Until they do, their
scheduled posts are paused (never lost: text, idempotency key and link stay as they
were) and they cannot approve, schedule or pledge; accepting resumes the posts.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.core.db import any_of
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.policies import selectors
from chorus.policies.models import (
    MAX_POLICY_LENGTH,
    Acknowledgment,
    PolicyDraft,
    PolicyPause,
    PolicyReminder,
    PolicyVersion,
)
from chorus.publishing.models import Post, PostState
from chorus.publishing.services import cancel_pending_posts
from chorus.publishing.workflow import POST_WORKFLOW
from chorus.sharing import replanning

MAX_SUMMARY_LENGTH = 500


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _check_text(text: str) -> str:
    text = _normalise(text)
    if not text:
        raise ValidationError({"text": _("Write the policy.")})
    if len(text) > MAX_POLICY_LENGTH:
        raise ValidationError(
            {"text": _("Keep the policy under %(max)d characters.") % {"max": MAX_POLICY_LENGTH}}
        )
    return text


# Drafting and publishing


def save_draft(*, by: Membership, text: str, now: datetime | None = None) -> PolicyDraft:
    """Keep the text being worked on; nobody but owners and admins sees it."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    draft, _created = PolicyDraft.objects.update_or_create(
        organisation=by.organisation,
        defaults={
            "text": _check_text(text),
            "updated_by": by.user,
            "updated_at": now or timezone.now(),
        },
    )
    return draft


def discard_draft(*, by: Membership) -> None:
    check_capability(by, Capability.MANAGE_SETTINGS)
    PolicyDraft.objects.filter(organisation=by.organisation).delete()


@dataclass(frozen=True)
class Publication:
    version: PolicyVersion
    # Members asked to accept it, and how many scheduled posts were paused meanwhile.
    asked: int = 0
    paused: int = 0


def _next_number(current: PolicyVersion | None, *, major: bool) -> tuple[int, int]:
    if current is None:
        return 1, 0
    if major:
        return current.major + 1, 0
    return current.major, current.minor + 1


def publish_version(
    *, by: Membership, text: str, summary: str, major: bool, now: datetime | None = None
) -> Publication:
    """Publish ``text`` as the next version; a major one asks everyone to accept it again.

    The first version is always 1.0, a major version.
    """
    check_capability(by, Capability.MANAGE_SETTINGS)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    summary = " ".join(summary.split())
    if not summary:
        errors["summary"] = _("Say in a sentence what changed.")
    elif len(summary) > MAX_SUMMARY_LENGTH:
        errors["summary"] = _("Keep the summary under %(max)d characters.") % {
            "max": MAX_SUMMARY_LENGTH
        }
    try:
        text = _check_text(text)
    except ValidationError as error:
        errors.update({key: value[0] for key, value in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            current = selectors.current_version(organisation=by.organisation)
            number = _next_number(current, major=major)
            version = PolicyVersion.objects.create(
                organisation=by.organisation,
                major=number[0],
                minor=number[1],
                text=text,
                summary=summary,
                published_by=by.user,
                published_at=now,
            )
            PolicyDraft.objects.filter(organisation=by.organisation).delete()
            publication = Publication(version=version)
            if version.is_major:
                publication = _ask_everyone(version, now=now)
            record_member_action(
                by,
                AuditAction.POLICY_PUBLISHED,
                version,
                before={"version": current.number} if current is not None else None,
                after={
                    "version": version.number,
                    "major": version.is_major,
                    "summary": summary,
                    "asked": publication.asked,
                    "paused": publication.paused,
                },
            )
    except IntegrityError:
        raise ValidationError(
            _("Someone published another version at the same time. Reload and try again.")
        ) from None
    return publication


def _ask_everyone(version: PolicyVersion, *, now: datetime) -> Publication:
    """Pause the scheduled posts of everyone yet to accept ``version``, and tell each of them."""
    to_accept = selectors.members_to_accept(version=version)
    members = list(to_accept.select_related("user", "organisation"))
    paused = _pause_posts(
        Post.objects.filter(organisation=version.organisation, member__in=to_accept.values("pk")),
        version=version,
        now=now,
    )
    for member in members:
        notify(
            member=member,
            kind=NotificationKind.POLICY_PUBLISHED,
            params={"version": version.number, "count": paused.get(member.pk, 0)},
            url=selectors.policy_url(version.organisation),
            email_now=True,
        )
    return Publication(version=version, asked=len(members), paused=sum(paused.values()))


def _pause_posts(posts: QuerySet[Post], *, version: PolicyVersion, now: datetime) -> dict[int, int]:
    """Pause every scheduled post among ``posts``; return how many each member had paused."""
    transition = POST_WORKFLOW.get("pause")
    rows = list(
        posts.filter(state__in=transition.sources)
        .select_for_update()
        .values_list("pk", "member_id")
    )
    ids = [pk for pk, _member in rows]
    Post.objects.filter(pk__in=any_of(ids), state__in=transition.sources).update(
        state=transition.target
    )
    PolicyPause.objects.filter(post_id__in=any_of(ids)).delete()
    PolicyPause.objects.bulk_create(
        (PolicyPause(post_id=pk, version=version, paused_at=now) for pk in ids),
        batch_size=1000,
    )
    counts: dict[int, int] = defaultdict(int)
    for _pk, member_id in rows:
        counts[member_id] += 1
    return counts


def pause_unaccepted_post(*, post: Post, now: datetime | None = None) -> bool:
    """The last check before publishing: a post whose owner has not accepted the current
    policy is paused (not failed, not lost) until they do. True if it was paused.
    """
    if post.member is None:
        return False
    version = selectors.unaccepted_version(member=post.member)
    if version is None:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        paused = _pause_posts(Post.objects.filter(pk=post.pk), version=version, now=now)
        if not paused:
            return False
        post.state = PostState.PAUSED
        notify(
            member=post.member,
            kind=NotificationKind.POSTS_PAUSED,
            params={"count": 1, "version": version.number},
            url=selectors.policy_url(post.organisation),
            email_now=True,
        )
    return True


# Accepting


@dataclass
class Acceptance:
    acknowledgment: Acknowledgment
    # Posts back in the queue: those that keep their time, and those given a new one.
    kept: list[Post] = field(default_factory=list)
    moved: list[Post] = field(default_factory=list)
    # Posts that could not go out any more (their activity expired while they were paused).
    cancelled: list[Post] = field(default_factory=list)


def acknowledge(
    *,
    member: Membership,
    version: PolicyVersion,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Acceptance:
    """The member read and accepts ``version``; their paused posts go back in the queue."""
    now = now or timezone.now()
    if version.organisation_id != member.organisation_id:
        raise ValidationError(_("This policy belongs to another organisation."))
    current = selectors.current_version(organisation=member.organisation)
    if current is None or current.pk != version.pk:
        raise ValidationError(
            _("A newer version of the policy has been published. Read it, then accept it.")
        )
    with transaction.atomic():
        # One scheduling change at a time per member, as when they schedule posts themselves.
        Membership.objects.select_for_update().filter(pk=member.pk).first()
        acknowledgment, _created = Acknowledgment.objects.get_or_create(
            member=member, version=version, defaults={"acknowledged_at": now}
        )
        acceptance = Acceptance(acknowledgment=acknowledgment)
        _resume_posts(member, acceptance, now=now, rng=rng or random.Random())
    return acceptance


def _time_of(post: Post) -> datetime | None:
    return post.next_attempt_at or post.scheduled_for


def _resume_posts(
    member: Membership, acceptance: Acceptance, *, now: datetime, rng: random.Random
) -> None:
    posts = list(
        Post.objects.filter(member=member, state=PostState.PAUSED, policy_pause__isnull=False)
        .select_related("account", "activity")
        .select_for_update(of=("self",))
    )
    ahead = [post for post in posts if (when := _time_of(post)) is not None and when > now]
    behind = [post for post in posts if post not in ahead]
    for post in ahead:
        POST_WORKFLOW.apply(post, "resume", next_attempt_at=_time_of(post))
        acceptance.kept.append(post)
    expired = [p for p in behind if p.activity is not None and p.activity.is_expired(now=now)]
    behind = [post for post in behind if post not in expired]
    times = replanning.next_free_times(member=member, posts=behind, now=now, rng=rng)
    for post in behind:
        when = times.get(post.pk)
        if when is None:
            expired.append(post)
            continue
        POST_WORKFLOW.apply(post, "resume", scheduled_for=when, next_attempt_at=when)
        acceptance.moved.append(post)
    if expired:
        acceptance.cancelled = cancel_pending_posts(
            posts=Post.objects.filter(pk__in=[post.pk for post in expired]),
            reason=_("Its activity expired while it was paused for the social media policy."),
            now=now,
        )
    PolicyPause.objects.filter(post__in=posts).delete()
    acceptance.moved.sort(key=lambda post: (post.scheduled_for, post.pk))


# Reminding


@dataclass(frozen=True)
class Reminders:
    reminded: int
    skipped: int


def remind_pending(*, by: Membership, now: datetime | None = None) -> Reminders:
    """Remind everyone yet to accept the current version; nobody more than once a day."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    now = now or timezone.now()
    version = selectors.current_version(organisation=by.organisation)
    if version is None:
        raise ValidationError(_("There is no published policy to remind anyone of."))
    with transaction.atomic():
        pending = list(selectors.members_to_accept(version=version).select_related("user"))
        recent = selectors.recently_reminded_ids(member_ids=[m.pk for m in pending], now=now)
        to_remind = [member for member in pending if member.pk not in recent]
        paused = _paused_counts([member.pk for member in to_remind])
        for member in to_remind:
            notify(
                member=member,
                kind=NotificationKind.POLICY_REMINDER,
                params={"version": version.number, "count": paused.get(member.pk, 0)},
                url=selectors.policy_url(by.organisation),
                email_now=True,
            )
        PolicyReminder.objects.bulk_create(
            PolicyReminder(member=member, version=version, sent_at=now) for member in to_remind
        )
        result = Reminders(reminded=len(to_remind), skipped=len(recent))
        record_member_action(
            by,
            AuditAction.POLICY_REMINDERS_SENT,
            version,
            after={
                "version": version.number,
                "reminded": result.reminded,
                "skipped": result.skipped,
            },
        )
    return result


def _paused_counts(member_ids: list[int]) -> dict[int, int]:
    rows = (
        Post.objects.filter(member_id__in=member_ids, state=PostState.PAUSED)
        .order_by()
        .values_list("member_id")
        .annotate(count=Count("pk"))
    )
    return dict(rows)
