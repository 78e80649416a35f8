"""The publishing pipeline: claim a due post, send it once, record what came of it.

The claim and a STARTED attempt are committed before the network is called, so a
worker that dies mid-send leaves a post in ``publishing`` with an open attempt;
``recover_interrupted_posts`` later asks the network whether the post went out.
The post's idempotency key is the same on every attempt, so a retry never makes
a second post on a network that honours it.
"""

import logging
import mimetypes
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial, reduce
from itertools import batched
from operator import or_
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.core.memo import shared_reads
from chorus.core.stages import run_in_stages
from chorus.core.workflow import TransitionNotAllowed
from chorus.governance.services import PublishingCheck, check_before_publishing, gate_checked
from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PublishedPost,
    RateLimited,
    TransientError,
)
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.services import mark_needs_reconnect
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import Notice, notify, notify_all
from chorus.publishing.models import AttemptOutcome, Post, PostState, PublishAttempt
from chorus.publishing.workflow import POST_WORKFLOW
from chorus.sharing.models import FeedEntry, FeedState
from chorus.sharing.selectors import is_participant

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... temporary failure; the last one repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=25),
    timedelta(minutes=125),
    timedelta(minutes=625),
)
# A post that failed temporarily this many times in a row is given up on, and its owner told.
MAX_TEMPORARY_FAILURES = 6
DEFAULT_LEASE = timedelta(minutes=10)
# Posts claimed in one transaction by a run of due posts (and recorded in one, when the
# network took them all). Measured with bench/publish_bluesky.py: 25 a little ahead of 10.
CLAIM_BATCH = 25
# The network waits for the first batch's claim, while each later batch is claimed as
# the posts before it go out: a small first batch lets the network start sooner.
FIRST_CLAIM_BATCH = 4
# A batch is recorded once its last post went out, and the run ends with the last
# batch's record: a small last batch ends it sooner.
LAST_CLAIM_BATCH = 4


def post_page_url(post: Post) -> str:
    return reverse("publishing:post", kwargs={"org": post.organisation.slug, "post_id": post.pk})


def backoff_after(failures: int) -> timedelta:
    """How long to wait after the ``failures``-th temporary failure in a row (1-based)."""
    return BACKOFF[min(failures, len(BACKOFF)) - 1]


def publish_post(*, post_id: int, now: datetime | None = None) -> Post:
    """Publish one due post, at most once; record the attempt whatever happens.

    A post that is not due, already taken by another worker, or waiting for its
    account to be reconnected is returned untouched.
    """
    now = now or timezone.now()
    post, attempt = _claim(post_id=post_id, now=now)
    if attempt is not None:
        _send(post, attempt=attempt, now=now)
    return post


def _send(post: Post, *, attempt: PublishAttempt, now: datetime) -> None:
    """Send a claimed post and record what came of it."""
    _record(_deliver(_Claimed(post, attempt)), now=now)


@dataclass(frozen=True, slots=True)
class _Claimed:
    post: Post
    attempt: PublishAttempt


@dataclass(frozen=True, slots=True)
class _Delivered:
    post: Post
    attempt: PublishAttempt
    # What the network gave back, or why it did not take the post.
    result: PublishedPost | Exception


def publish_in_order(*, post_ids: Iterable[int], now: datetime) -> None:
    """Publish the posts one after another, each at most once, as ``publish_post`` does.

    The network sees one post at a time, in order. Meanwhile the next posts are claimed
    and those before recorded on threads of their own (chorus/core/stages.py), so
    Chorus's bookkeeping overlaps the wait for the network instead of adding to it.
    Posts are claimed ``CLAIM_BATCH`` at a time (the first ``FIRST_CLAIM_BATCH``, the
    last ``LAST_CLAIM_BATCH``), each batch in one transaction.
    """
    halted: dict[int, ConnectorError] = {}
    run_in_stages(
        claim_batches(post_ids),
        prepare=partial(_claim_in_run, now=now),
        act=partial(_deliver_in_run, halted=halted),
        finish=partial(_record_in_run, now=now),
    )


def claim_batches(post_ids: Iterable[int]) -> Iterator[tuple[int, ...]]:
    ids = tuple(post_ids)
    first, rest = ids[:FIRST_CLAIM_BATCH], ids[FIRST_CLAIM_BATCH:]
    middle_end = max(len(rest) - LAST_CLAIM_BATCH, 0)
    middle, last = rest[:middle_end], rest[middle_end:]
    for batch in (first, *batched(middle, CLAIM_BATCH), last):
        if batch:
            yield batch


def _claim_in_run(post_ids: Sequence[int], *, now: datetime) -> list[_Claimed]:
    try:
        claims = _claim_many(post_ids, now=now)
    except Exception:
        if len(post_ids) > 1:
            # One broken post must not hold up the others: each again, on its own.
            return [claimed for one in post_ids for claimed in _claim_in_run([one], now=now)]
        logger.exception("Publishing post %s failed", post_ids[0])
        return []
    return [_Claimed(post, attempt) for post, attempt in claims if attempt is not None]


def _deliver_in_run(
    claims: list[_Claimed], *, halted: dict[int, ConnectorError]
) -> list[_Delivered]:
    return [_deliver(claimed, halted=halted) for claimed in claims]


def _record_in_run(deliveries: list[_Delivered], *, now: datetime) -> None:
    published = [(d, d.result) for d in deliveries if isinstance(d.result, PublishedPost)]
    if len(published) > 1 and _record_published_together(published, now=now):
        deliveries = [d for d in deliveries if not isinstance(d.result, PublishedPost)]
    for delivered in deliveries:
        try:
            _record(delivered, now=now)
        except Exception:
            # Left in 'publishing': recover_interrupted_posts asks the network about it.
            logger.exception("Recording post %s failed", delivered.post.pk)


def _load_many(post_ids: Sequence[int], *, lock: bool = False) -> list[Post]:
    """The posts that still exist, in the order of ``post_ids``."""
    posts = Post.objects.filter(pk__in=post_ids).order_by("pk")
    posts = posts.select_related("account", "member__user", "organisation", "activity")
    if lock:
        posts = posts.select_for_update(of=("self",))
    by_id = {post.pk: post for post in posts}
    loaded = [by_id[post_id] for post_id in post_ids if post_id in by_id]
    for post in loaded:
        # The policy check, notifications and connectors read the organisation through
        # these: the one loaded with the post saves a query each.
        for owner in (post.member, post.account):
            if owner is not None and owner.organisation_id == post.organisation_id:
                owner.organisation = post.organisation
    return loaded


def _owners_language(post: Post) -> str:
    """Chorus's own words on a post (reasons, details) are in its owner's language."""
    if post.member is not None and post.member.user.language:
        return post.member.user.language
    return post.organisation.default_language


def _claim(*, post_id: int, now: datetime) -> tuple[Post, PublishAttempt | None]:
    claims = _claim_many([post_id], now=now)
    if not claims:
        raise Post.DoesNotExist(f"No post {post_id}")
    return claims[0]


def _claim_many(
    post_ids: Sequence[int], *, now: datetime
) -> list[tuple[Post, PublishAttempt | None]]:
    """Take the posts for this worker, or refuse them; commit that before anything is sent.

    Checked again under the row locks: the owner may have moved or cancelled a post,
    or another worker taken it, since it was found due. What the checks read for
    every post alike (the current policy, the compliance rules) is read once.
    """
    with transaction.atomic(), shared_reads():
        posts = _load_many(post_ids, lock=True)
        due = [post for post in posts if _is_due(post, now=now)]
        allowed = [post for post in due if not _refused(post, now=now)]
        # The exact texts, checked once more against the compliance rules as they stand now.
        checks = check_before_publishing(posts=allowed, now=now)
        attempts = _take([check.post for check in checks if _cleared(check, now=now)], now=now)
    return [(post, attempts.get(post.pk)) for post in posts]


def _refused(post: Post, *, now: datetime) -> bool:
    """Whether the post must not go out at all; if so it is refused here."""
    with translation.override(_owners_language(post)):
        refusal = _refusal(post)
        if refusal is not None:
            _refuse(post, refusal=refusal, now=now)
    return refusal is not None


def _cleared(check: PublishingCheck, *, now: datetime) -> bool:
    """Whether the checked post may go out now; one that may not is refused or held here."""
    post = check.post
    with translation.override(_owners_language(post)):
        gate = gate_checked(check=check, now=now)
        if gate.refusal is not None:
            _refuse(post, refusal=gate.refusal, now=now)
            return False
    return not gate.hold


def _take(posts: list[Post], *, now: datetime) -> dict[int, PublishAttempt]:
    """Claim the posts, each with an open attempt: in two statements however many there are.

    Conditional on their state, which the row locks keep as it was read.
    """
    try:
        POST_WORKFLOW.apply_many(
            posts, "claim", publishing_started_at=now, attempt_count=F("attempt_count") + 1
        )
    except TransitionNotAllowed:
        # Moved by someone else after all: left alone, as a post found not due is.
        return {}
    for post in posts:
        post.attempt_count += 1
    attempts = PublishAttempt.objects.bulk_create(
        PublishAttempt(post=post, started_at=now) for post in posts
    )
    return {attempt.post_id: attempt for attempt in attempts}


def _is_due(post: Post, *, now: datetime) -> bool:
    if post.state != PostState.SCHEDULED:
        return False
    if post.next_attempt_at is None or post.next_attempt_at > now:
        return False
    # Waits, untouched, until its owner reconnects the account.
    return post.account is None or post.account.status != AccountStatus.NEEDS_RECONNECT


def _refusal(post: Post) -> str | None:
    """Why Chorus must not publish this post at all, if it must not."""
    account = post.account
    if post.member is None:
        return _("Its owner has left Chorus.")
    if account is None or account.status == AccountStatus.DISCONNECTED:
        return _("The account it was for is no longer connected.")
    if not account.takes_part:
        return _("The account it was for no longer takes part in the programme.")
    if not is_participant(member=post.member):
        return _("Its owner is no longer taking part in the programme.")
    if not post.text_is_as_approved:
        return _("Its text is not the text its owner approved.")
    return None


def _refuse(post: Post, *, refusal: str, now: datetime) -> None:
    with transaction.atomic():
        try:
            POST_WORKFLOW.apply(
                post,
                "cancel",
                cancelled_reason=refusal[:300],
                cancelled_at=now,
                next_attempt_at=None,
            )
        except TransitionNotAllowed:
            return
        PublishAttempt.objects.create(
            post=post,
            started_at=now,
            finished_at=now,
            outcome=AttemptOutcome.REFUSED,
            detail=refusal,
        )
        if post.member is not None:
            notify(
                member=post.member,
                kind=NotificationKind.POSTS_CANCELLED,
                params={"count": 1, "reason": refusal},
                url=post_page_url(post),
            )
    logger.info("Refused post %s: %s", post.pk, refusal)


def _deliver(claimed: _Claimed, *, halted: dict[int, ConnectorError] | None = None) -> _Delivered:
    """Hand the post to its network, unless the network stopped its account in this run.

    ``halted`` holds the accounts a network rate-limited or refused to authenticate in
    this run: their posts claimed meanwhile are not sent, and are put back the same way.
    """
    post = claimed.post
    account = post.account
    assert account is not None
    stopped = halted.get(account.pk) if halted else None
    with translation.override(_owners_language(post)):
        if stopped is not None:
            result: PublishedPost | Exception = _held_back(stopped)
        else:
            result = _call_network(post, account=account)
    if halted is not None and isinstance(result, (RateLimited, AuthError)):
        halted.setdefault(account.pk, result)
    return _Delivered(post, claimed.attempt, result)


def _held_back(stopped: ConnectorError) -> ConnectorError:
    """Why a post was not sent: the network stopped its account on an earlier post."""
    reason = _("Not sent: the network refused an earlier post from this account (%(reason)s)") % {
        "reason": stopped.reason
    }
    if isinstance(stopped, RateLimited):
        return RateLimited(reason, reset_at=stopped.reset_at)
    return AuthError(reason)


def _call_network(post: Post, *, account: ConnectedAccount) -> PublishedPost | Exception:
    try:
        outgoing = OutgoingPost(
            text=post.text,
            link_url=post.link_url,
            idempotency_key=str(post.idempotency_key),
            **_link_card_of(post),
            **_image_of(post),
        )
        return get_connector(post.network).publish(account, outgoing)
    except Exception as error:
        # Whatever happened is recorded with the post (_record), in whichever thread records.
        return error


def _record(delivered: _Delivered, *, now: datetime) -> None:
    """Record what came of sending the post: published, retried later, or failed."""
    post, attempt, result = delivered.post, delivered.attempt, delivered.result
    account = post.account
    assert account is not None
    with translation.override(_owners_language(post)):
        match result:
            case PublishedPost():
                with transaction.atomic():
                    if _published(post, published=result, now=now):
                        _finish(attempt, outcome=AttemptOutcome.PUBLISHED, now=now)
            case RateLimited():
                _rate_limited(post, attempt=attempt, error=result, now=now)
            case AuthError():
                _needs_reconnect(post, attempt=attempt, error=result, now=now)
            case PermanentError():
                _fail(
                    post,
                    attempt=attempt,
                    outcome=AttemptOutcome.PERMANENT,
                    reason=result.reason,
                    now=now,
                )
            case TransientError():
                _temporary_failure(
                    post,
                    attempt=attempt,
                    reason=result.reason,
                    retry_after=result.retry_after,
                    now=now,
                )
            case ImproperlyConfigured():
                logger.error("No connector for post %s", post.pk, exc_info=result)
                reason = _("Chorus cannot post to %(network)s on this server.") % {
                    "network": account.get_network_display()
                }
                _fail(
                    post, attempt=attempt, outcome=AttemptOutcome.PERMANENT, reason=reason, now=now
                )
            case _:
                # A connector bug or an unexpected reply: the idempotency key makes a retry safe.
                logger.error(
                    "Connector for %s failed on post %s", post.network, post.pk, exc_info=result
                )
                _temporary_failure(
                    post,
                    attempt=attempt,
                    # The class only: a message might carry a token or other secret.
                    reason=_("Unexpected error (%(error)s)") % {"error": type(result).__name__},
                    retry_after=None,
                    now=now,
                )


def _link_card_of(post: Post) -> dict[str, Any]:
    """The words the campaign gave the post's link (its activity is loaded with the post)."""
    activity = post.activity
    if activity is None or not post.link_url:
        return {}
    return {
        "link_title": activity.link_title or activity.title,
        "link_description": activity.link_description,
    }


def _image_of(post: Post) -> dict[str, Any]:
    """The activity's image, if it has one, as a connector takes it."""
    activity = post.activity
    if activity is None or not activity.image:
        return {}
    with activity.image.open("rb") as image:
        content = image.read()
    content_type = mimetypes.guess_type(activity.image.name or "")[0] or "application/octet-stream"
    return {"image": content, "image_alt": activity.image_alt, "image_content_type": content_type}


def _finish(
    attempt: PublishAttempt,
    *,
    outcome: AttemptOutcome,
    now: datetime,
    detail: str = "",
    retry_at: datetime | None = None,
) -> None:
    _finish_all([attempt], outcome=outcome, now=now, detail=detail, retry_at=retry_at)


def _finish_all(
    attempts: Sequence[PublishAttempt],
    *,
    outcome: AttemptOutcome,
    now: datetime,
    detail: str = "",
    retry_at: datetime | None = None,
) -> None:
    """Close the attempts alike, in one statement."""
    ended = {"outcome": outcome, "finished_at": now, "detail": detail, "retry_at": retry_at}
    PublishAttempt.objects.filter(pk__in=[attempt.pk for attempt in attempts]).update(**ended)
    for attempt in attempts:
        for name, value in ended.items():
            setattr(attempt, name, value)


def _record_published_together(
    published: list[tuple[_Delivered, PublishedPost]], *, now: datetime
) -> bool:
    """Record posts the network took in one transaction; False (and nothing recorded) if
    one of them had meanwhile left 'publishing', for each to be recorded on its own."""
    posts = [delivered.post for delivered, _found in published]
    try:
        with transaction.atomic():
            _mark_published(posts, [found for _delivered, found in published], now=now)
            attempts = [delivered.attempt for delivered, _found in published]
            _finish_all(attempts, outcome=AttemptOutcome.PUBLISHED, now=now)
    except TransitionNotAllowed:
        return False
    return True


def _published(post: Post, *, published: PublishedPost, now: datetime) -> bool:
    try:
        _mark_published([post], [published], now=now)
    except TransitionNotAllowed:
        logger.warning("Post %s was published but had already left 'publishing'", post.pk)
        return False
    return True


def _mark_published(
    posts: Sequence[Post], published: Sequence[PublishedPost], *, now: datetime
) -> None:
    """In the caller's transaction: move the posts to 'published' with what the network
    gave back for each, mark their feed entries done and tell their owners; all of them,
    or (TransitionNotAllowed) none."""
    found = [(one.external_id[:255], one.url[:1000]) for one in published]
    # A single post's own values go in the transition's UPDATE; several posts' after it.
    own = {}
    if len(posts) == 1:
        own = {"external_id": found[0][0], "external_url": found[0][1]}
    POST_WORKFLOW.apply_many(
        posts, "published", published_at=now, failure_reason="", next_attempt_at=None, **own
    )
    for post, (external_id, url) in zip(posts, found, strict=True):
        post.external_id, post.external_url = external_id, url
    if not own:
        _save_external_ids(posts)
    owned = [(post, post.member) for post in posts if post.member is not None]
    shared = {(member.pk, post.activity_id) for post, member in owned if post.activity_id}
    if shared:
        FeedEntry.objects.filter(
            reduce(or_, (Q(member_id=m, activity_id=a) for m, a in sorted(shared)))
        ).update(state=FeedState.DONE, updated_at=now)
    notify_all(
        notices=[
            Notice(
                member=member,
                kind=NotificationKind.POST_PUBLISHED,
                params=_post_params(post),
                url=post_page_url(post),
            )
            for post, member in owned
        ]
    )


def _save_external_ids(posts: Sequence[Post]) -> None:
    """Each post's own id and address on the network, in one statement run for each.

    A CASE over the primary keys (``bulk_update``) costs more to build than these
    statements take to run."""
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Post._meta.db_table)} SET {quote('external_id')} = %s, "  # noqa: S608
        f"{quote('external_url')} = %s WHERE {quote('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(post.external_id, post.external_url, post.pk) for post in posts])


def _post_params(post: Post) -> dict[str, str]:
    return {
        "network": post.network,
        "account": post.account.handle if post.account else "",
        "excerpt": post.text[:80],
    }


def _retry_later(
    post: Post,
    *,
    attempt: PublishAttempt,
    outcome: AttemptOutcome,
    detail: str,
    retry_at: datetime,
    now: datetime,
) -> None:
    with transaction.atomic():
        try:
            POST_WORKFLOW.apply(post, "retry_later", next_attempt_at=retry_at)
        except TransitionNotAllowed:
            return
        _finish(attempt, outcome=outcome, now=now, detail=detail, retry_at=retry_at)


def _temporary_failure(
    post: Post,
    *,
    attempt: PublishAttempt,
    reason: str,
    retry_after: timedelta | None,
    now: datetime,
) -> None:
    failures = _temporary_failures_in_a_row(post) + 1
    if failures >= MAX_TEMPORARY_FAILURES:
        _fail(
            post,
            attempt=attempt,
            outcome=AttemptOutcome.TRANSIENT,
            reason=_("The network kept failing (%(n)d tries); last: %(reason)s")
            % {"n": failures, "reason": reason},
            now=now,
        )
        return
    retry_at = now + (retry_after if retry_after is not None else backoff_after(failures))
    _retry_later(
        post,
        attempt=attempt,
        outcome=AttemptOutcome.TRANSIENT,
        detail=reason,
        retry_at=retry_at,
        now=now,
    )


def _temporary_failures_in_a_row(post: Post) -> int:
    """Temporary failures since the owner last asked for the post to go out."""
    attempts = post.attempts.filter(outcome=AttemptOutcome.TRANSIENT)
    if post.scheduled_for is not None:
        attempts = attempts.filter(started_at__gte=post.scheduled_for)
    return attempts.count()


def _rate_limited(
    post: Post, *, attempt: PublishAttempt, error: RateLimited, now: datetime
) -> None:
    reset_at = max(error.reset_at, now)
    with transaction.atomic():
        _retry_later(
            post,
            attempt=attempt,
            outcome=AttemptOutcome.RATE_LIMITED,
            detail=error.reason,
            retry_at=reset_at,
            now=now,
        )
        # The limit is the account's: none of its posts goes before the reset.
        Post.objects.filter(
            account_id=post.account_id, state=PostState.SCHEDULED, next_attempt_at__lt=reset_at
        ).update(next_attempt_at=reset_at)


def _needs_reconnect(
    post: Post, *, attempt: PublishAttempt, error: AuthError, now: datetime
) -> None:
    account = post.account
    assert account is not None
    with transaction.atomic():
        # Back in the queue as it was: it goes once the owner reconnects the account.
        _retry_later(
            post,
            attempt=attempt,
            outcome=AttemptOutcome.AUTH,
            detail=error.reason,
            retry_at=post.next_attempt_at or now,
            now=now,
        )
        mark_needs_reconnect(account=account, reason=error.reason, now=now)


def _fail(
    post: Post, *, attempt: PublishAttempt, outcome: AttemptOutcome, reason: str, now: datetime
) -> None:
    with transaction.atomic():
        try:
            POST_WORKFLOW.apply(post, "fail", failure_reason=reason, next_attempt_at=None)
        except TransitionNotAllowed:
            return
        _finish(attempt, outcome=outcome, now=now, detail=reason)
        if post.member is not None:
            notify(
                member=post.member,
                kind=NotificationKind.POST_FAILED,
                params={**_post_params(post), "reason": reason},
                url=post_page_url(post),
                email_now=True,
            )


def run_due_posts(
    *, now: datetime | None = None, limit: int = 500, synchronous: bool = False
) -> int:
    """Publish every scheduled post that is due by ``now``; returns how many were taken up.

    By default each account's due posts become one task, which publishes them in order
    as ``publish_in_order`` does; ``synchronous`` publishes them all here.
    """
    from chorus.publishing import tasks

    now = now or timezone.now()
    due = list(
        Post.objects.filter(state=PostState.SCHEDULED, next_attempt_at__lte=now)
        .filter(~Q(account__status=AccountStatus.NEEDS_RECONNECT) | Q(account__isnull=True))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "account_id")[:limit]
    )
    if synchronous:
        publish_in_order(post_ids=[post_id for post_id, _account_id in due], now=now)
    else:
        for post_ids in _per_account(due):
            transaction.on_commit(partial(tasks.publish_posts.enqueue, post_ids=post_ids))
    return len(due)


def _per_account(due: Iterable[tuple[int, int | None]]) -> list[list[int]]:
    """The posts' ids grouped by account, each group in the order given.

    One task per account keeps an account's posts in order and lets a rate limit or a
    refused token hold back the rest of them; different accounts go out side by side.
    """
    groups: dict[int | None, list[int]] = {}
    for post_id, account_id in due:
        groups.setdefault(account_id, []).append(post_id)
    return list(groups.values())


def recover_interrupted_posts(
    *, now: datetime | None = None, lease: timedelta = DEFAULT_LEASE
) -> int:
    """Settle posts left in ``publishing`` longer than ``lease`` by a worker that died.

    The network is asked whether the post went out: if so it is recorded as
    published, otherwise it is retried at once (with the same idempotency key).
    Returns how many posts were settled.
    """
    now = now or timezone.now()
    stuck = Post.objects.filter(
        state=PostState.PUBLISHING, publishing_started_at__lt=now - lease
    ).select_related("account", "member__user", "organisation")
    settled = 0
    for post in stuck:
        try:
            found = _find_published(post)
        except NotSupported:
            # This app may not read posts back (LinkedIn without r_member_social); its
            # connector recognises the repeat when publishing instead.
            found = None
        except (ConnectorError, ImproperlyConfigured):
            # Cannot tell whether it went out; sending again blindly could post twice.
            logger.warning("Cannot check interrupted post %s yet", post.pk, exc_info=True)
            continue
        with translation.override(_owners_language(post)):
            if _settle_interrupted(post, found=found, now=now):
                settled += 1
    return settled


def _find_published(post: Post) -> PublishedPost | None:
    if post.account is None:
        return None
    return get_connector(post.network).find_published(post.account, str(post.idempotency_key))


def _settle_interrupted(post: Post, *, found: PublishedPost | None, now: datetime) -> bool:
    with transaction.atomic():
        if found is not None:
            if not _published(post, published=found, now=now):
                return False
            retry_at = None
            detail = _("The worker stopped before recording; the network has the post.")
        else:
            try:
                POST_WORKFLOW.apply(post, "retry_later", next_attempt_at=now)
            except TransitionNotAllowed:
                return False
            retry_at = now
            detail = _("The worker stopped before recording; the network does not have it.")
        post.attempts.filter(outcome=AttemptOutcome.STARTED).update(
            outcome=AttemptOutcome.INTERRUPTED, finished_at=now, detail=detail, retry_at=retry_at
        )
        if found is not None:
            PublishAttempt.objects.create(
                post=post,
                started_at=now,
                finished_at=now,
                outcome=AttemptOutcome.FOUND_PUBLISHED,
                detail=found.url or found.external_id,
            )
    logger.info("Recovered interrupted post %s (%s)", post.pk, "found" if found else "retry")
    return True
