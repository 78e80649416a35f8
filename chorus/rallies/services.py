"""Rallies: create and cancel them, pledge and withdraw, and resolve them at the deadline.

A pledge is the member's approval of their own text on their own account. If the
goal is met by the deadline, every pledge's post is scheduled at its own time
inside the posting window; if not, nothing is posted at all.
"""

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_event
from chorus.campaigns.models import Activity, ActivityKind, CampaignState
from chorus.networks.models import ConnectedAccount
from chorus.networks.networks import profile_for
from chorus.networks.text import remaining
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.policies.selectors import check_policy_accepted
from chorus.publishing.models import Post, PostSource, PostState, text_fingerprint
from chorus.publishing.services import cancel_pending_posts
from chorus.publishing.workflow import POST_WORKFLOW
from chorus.rallies import selectors
from chorus.rallies.models import Pledge, Rally, RallyState
from chorus.rallies.stagger import stagger
from chorus.rallies.workflow import RALLY_WORKFLOW
from chorus.sharing import selectors as sharing_selectors
from chorus.sharing import spread
from chorus.sharing.models import FeedEntry
from chorus.sharing.services import post_link_url
from chorus.sharing.similarity import signature
from chorus.sharing.text import final_text, fits
from chorus.training.selectors import check_kind_unlocked

logger = logging.getLogger(__name__)

MINIMUM_WINDOW = timedelta(hours=1)
# A rally asks people to post: liking or reposting a company post is no post of their own.
RALLY_ACTIVITY_KINDS = frozenset({ActivityKind.SHARE_LINK, ActivityKind.OWN_POST})

REASON_GOAL_MISSED = "rally goal not reached"
REASON_WINDOW_PASSED = "rally posting window passed before it could fire"
REASON_CAMPAIGN_ENDED = "rally campaign is no longer live"
REASON_CANCELLED = "rally cancelled"
REASON_WITHDRAWN = "pledge withdrawn"

type FieldErrors = dict[str, list[ValidationError]]


def _add(errors: FieldErrors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _rally_state(rally: Rally) -> dict[str, Any]:
    return {
        "title": rally.title,
        "activity": rally.activity_id,
        "goal_pledges": rally.goal_pledges,
        "deadline": rally.deadline.isoformat(),
        "window_starts_at": rally.window_starts_at.isoformat(),
        "window_ends_at": rally.window_ends_at.isoformat(),
        "state": rally.state,
    }


def _lock(rally: Rally) -> None:
    """Hold the rally's row until the transaction ends, and read its state afresh."""
    list(Rally.objects.select_for_update().filter(pk=rally.pk).values_list("pk", flat=True))
    rally.refresh_from_db(fields=["state", "resolved_at"])


def _rally_url(rally: Rally) -> str:
    return reverse("rallies:detail", kwargs={"org": rally.organisation.slug, "rally_id": rally.pk})


# Creating and cancelling: for content managers.


def create_rally(
    *,
    by: Membership,
    activity: Activity,
    title: str,
    goal_pledges: int,
    deadline: datetime,
    window_starts_at: datetime,
    window_ends_at: datetime,
    call_to_action: str = "",
    now: datetime | None = None,
) -> Rally:
    check_capability(by, Capability.MANAGE_CONTENT)
    now = now or timezone.now()
    errors: FieldErrors = {}
    _check_activity(errors, by=by, activity=activity)
    if not title.strip():
        _add(errors, "title", _("Give the rally a title."), "required")
    if goal_pledges < 1:
        _add(errors, "goal_pledges", _("At least one pledge must be needed."), "min_value")
    _check_times(
        errors,
        activity=activity,
        deadline=deadline,
        window_starts_at=window_starts_at,
        window_ends_at=window_ends_at,
        now=now,
    )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rally = Rally.objects.create(
                organisation=by.organisation,
                activity=activity,
                title=title.strip(),
                call_to_action=call_to_action.strip(),
                goal_pledges=goal_pledges,
                deadline=deadline,
                window_starts_at=window_starts_at,
                window_ends_at=window_ends_at,
                created_by=by,
                created_at=now,
            )
            record_event(
                organisation=by.organisation,
                actor=by.user,
                action=AuditAction.RALLY_CREATED,
                target=rally,
                after=_rally_state(rally),
            )
    except IntegrityError:
        # Someone made a rally for the same activity a moment ago.
        raise ValidationError(
            {"activity": ValidationError(_("This activity already has a rally."), code="taken")}
        ) from None
    return rally


def _check_activity(errors: FieldErrors, *, by: Membership, activity: Activity) -> None:
    campaign = activity.campaign
    if campaign.organisation_id != by.organisation_id:
        _add(errors, "activity", _("Choose an activity of your organisation."), "invalid")
    elif campaign.state != CampaignState.LIVE:
        _add(errors, "activity", _("Rallies are for activities of live campaigns."), "not_live")
    elif activity.kind not in RALLY_ACTIVITY_KINDS:
        _add(
            errors,
            "activity",
            _("Rallies need an activity where people write a post: share a link or own post."),
            "kind",
        )
    elif Rally.objects.filter(activity=activity).exists():
        _add(errors, "activity", _("This activity already has a rally."), "taken")


def _check_times(
    errors: FieldErrors,
    *,
    activity: Activity,
    deadline: datetime,
    window_starts_at: datetime,
    window_ends_at: datetime,
    now: datetime,
) -> None:
    if deadline <= now:
        _add(errors, "deadline", _("The deadline must be in the future."), "past")
    if window_starts_at < deadline:
        _add(
            errors,
            "window_starts_at",
            _("The posting window starts at or after the pledge deadline."),
            "before_deadline",
        )
    if window_ends_at - window_starts_at < MINIMUM_WINDOW:
        _add(
            errors,
            "window_ends_at",
            _("The posting window must be at least an hour long, so posts can be spread out."),
            "too_short",
        )
    if activity.expires_at is not None and activity.expires_at < window_ends_at:
        _add(
            errors,
            "window_ends_at",
            _("The activity expires before the posting window ends."),
            "after_expiry",
        )


def cancel_rally(*, by: Membership, rally: Rally, now: datetime | None = None) -> Rally:
    """Call an open rally off: every pledge's post is cancelled and the pledgers are told."""
    check_capability(by, Capability.MANAGE_CONTENT)
    if rally.organisation_id != by.organisation_id:
        raise ValidationError(_("This rally belongs to another organisation."))
    now = now or timezone.now()
    with transaction.atomic():
        _lock(rally)
        before = _rally_state(rally)
        RALLY_WORKFLOW.apply(rally, "cancel", resolved_at=now)
        pledges = list(_pledges_to_tell(rally))
        cancel_pending_posts(posts=_posts_of(rally), reason=REASON_CANCELLED, now=now)
        for member, count in _pledgers(pledges):
            notify(
                member=member,
                kind=NotificationKind.POSTS_CANCELLED,
                params={
                    "count": count,
                    "reason": REASON_CANCELLED,
                    "rally": rally.title,
                    "rally_id": rally.pk,
                },
                url=_rally_url(rally),
            )
        record_event(
            organisation=rally.organisation,
            actor=by.user,
            action=AuditAction.RALLY_CANCELLED,
            target=rally,
            before=before,
            after={**before, "state": rally.state, "pledges": len(pledges)},
        )
    return rally


def _posts_of(rally: Rally) -> QuerySet[Post]:
    return Post.objects.filter(pledge__rally=rally)


def _pledges_to_tell(rally: Rally) -> QuerySet[Pledge]:
    return selectors.live_pledges(rally=rally).select_related("member__user", "account")


def _pledgers(pledges: list[Pledge]) -> list[tuple[Membership, int]]:
    """Each pledging member once, with how many pledges they made."""
    counts: dict[int, tuple[Membership, int]] = {}
    for pledge in pledges:
        member, count = counts.get(pledge.member_id, (pledge.member, 0))
        counts[pledge.member_id] = (member, count + 1)
    return list(counts.values())


# Pledging and withdrawing: for any member the rally's activity was offered to.


def pledge(
    *,
    member: Membership,
    rally: Rally,
    account: ConnectedAccount,
    text: str,
    acknowledge_similarity: bool = False,
    now: datetime | None = None,
) -> Pledge:
    """Approve ``text`` for ``account``; it is posted only if the rally fires."""
    now = now or timezone.now()
    check_policy_accepted(member=member)
    text = text.strip()
    _check_may_pledge(member=member, rally=rally, now=now)
    settings = selectors.advocacy_settings(organisation=member.organisation)
    activity = rally.activity
    link_url = post_link_url(member=member, activity=activity, network=account.network)
    final = final_text(text, disclosure=settings.disclosure, link_url=link_url)
    errors: FieldErrors = {}
    _check_account(errors, member=member, rally=rally, account=account)
    _check_text(errors, text=text, final=final, account=account)
    if errors:
        raise ValidationError(errors)
    draft_signature = signature(final, ignore=settings.disclosure)
    _check_similarity(
        selectors.find_similar(
            rally=rally,
            member=member,
            network=account.network,
            draft_signature=draft_signature,
            settings=settings,
        ),
        acknowledged=acknowledge_similarity,
    )
    try:
        with transaction.atomic():
            _lock(rally)
            _check_may_pledge(member=member, rally=rally, now=now)
            _retire_lapsed_pledge(member=member, rally=rally, account=account, now=now)
            if selectors.live_pledge_of(member=member, rally=rally, account=account):
                raise _already_pledged()
            post = Post.objects.create(
                organisation=member.organisation,
                member=member,
                account=account,
                network=account.network,
                activity=activity,
                source=PostSource.RALLY,
                text=final,
                link_url=link_url,
                approved_text_sha256=text_fingerprint(final),
                approved_at=now,
                signature=draft_signature,
                state=PostState.APPROVED,
                created_at=now,
            )
            return Pledge.objects.create(
                rally=rally, member=member, account=account, post=post, created_at=now
            )
    except IntegrityError:
        raise _already_pledged() from None


def preview_pledge(
    *, member: Membership, rally: Rally, account: ConnectedAccount | None, text: str
) -> selectors.PledgePreview:
    """The pledge as it would go out: with an account, it carries the member's tracked link."""
    activity = rally.activity
    link_url = activity.link_url
    if account is not None:
        link_url = post_link_url(member=member, activity=activity, network=account.network)
    return selectors.preview_pledge(
        rally=rally, member=member, account=account, text=text, link_url=link_url
    )


def _already_pledged() -> ValidationError:
    return ValidationError(
        {"account": ValidationError(_("You already pledged with this account."), code="pledged")}
    )


def _check_may_pledge(*, member: Membership, rally: Rally, now: datetime) -> None:
    if rally.organisation_id != member.organisation_id:
        raise ValidationError(_("This rally belongs to another organisation."), code="invalid")
    if rally.state != RallyState.OPEN:
        raise ValidationError(_("This rally no longer takes pledges."), code="closed")
    if now >= rally.deadline:
        raise ValidationError(_("The deadline for pledges has passed."), code="deadline")
    if rally.activity.campaign.state != CampaignState.LIVE:
        raise ValidationError(_("The rally's campaign is no longer live."), code="not_live")
    if not FeedEntry.objects.filter(member=member, activity=rally.activity).exists():
        raise ValidationError(_("This rally was not offered to you."), code="not_offered")
    if not selectors.is_participant(member=member):
        raise ValidationError(
            _("Join the advocacy programme first: only participants can pledge."),
            code="not_participant",
        )
    check_kind_unlocked(member=member, kind=rally.activity.kind)


def _check_account(
    errors: FieldErrors, *, member: Membership, rally: Rally, account: ConnectedAccount
) -> None:
    if account.member_id != member.pk:
        _add(errors, "account", _("Choose one of your own accounts."), "not_yours")
    elif not account.can_post:
        _add(
            errors,
            "account",
            _("This account does not take part in the programme, or needs reconnecting."),
            "cannot_post",
        )
    elif not selectors.allows_network(rally.activity.campaign, account.network):
        _add(
            errors,
            "account",
            _("This campaign is not shared on %(network)s.")
            % {"network": profile_for(account.network).network.label},
            "network",
        )


def _check_text(errors: FieldErrors, *, text: str, final: str, account: ConnectedAccount) -> None:
    if not text.strip():
        _add(errors, "text", _("Write what you want to say, in your own words."), "required")
    elif not fits(final, network=account.network):
        _add(
            errors,
            "text",
            _(
                "With the disclosure and link, the post is %(over)d characters too long "
                "for %(network)s."
            )
            % {
                "over": -remaining(final, network=account.network),
                "network": profile_for(account.network).network.label,
            },
            "too_long",
        )


def _check_similarity(similar: selectors.Similarity | None, *, acknowledged: bool) -> None:
    if similar is None:
        return
    percent = similar.percent
    if similar.resembles == "suggestion":
        message = _(
            "Your text is %(percent)d%% the same as the suggested text. "
            "Make it your own: say why it matters to you."
        ) % {"percent": percent}
    else:
        message = _(
            "Your text is %(percent)d%% the same as a colleague's pledge. "
            "A rally works when each post sounds like its author."
        ) % {"percent": percent}
    if similar.blocks:
        raise ValidationError({"text": ValidationError(message, code="duplicate")})
    if not acknowledged:
        raise ValidationError({"text": ValidationError(message, code="similar")})


def _retire_lapsed_pledge(
    *, member: Membership, rally: Rally, account: ConnectedAccount, now: datetime
) -> None:
    """A pledge whose post was cancelled elsewhere no longer counts; let a new one replace it."""
    Pledge.objects.filter(
        rally=rally,
        member=member,
        account=account,
        withdrawn_at__isnull=True,
        post__state=PostState.CANCELLED,
    ).update(withdrawn_at=now)


def withdraw(*, member: Membership, pledge: Pledge, now: datetime | None = None) -> Pledge:
    """Take a pledge back and cancel its post; possible until the rally fires."""
    if pledge.member_id != member.pk:
        raise ValidationError(_("Only the person who pledged can withdraw it."), code="not_yours")
    now = now or timezone.now()
    rally = pledge.rally
    with transaction.atomic():
        _lock(rally)
        pledge.refresh_from_db(fields=["withdrawn_at"])
        if pledge.withdrawn_at is not None:
            return pledge
        if rally.state == RallyState.FIRED:
            raise ValidationError(
                _(
                    "The rally has fired, so the pledge can no longer be withdrawn. "
                    "You can still cancel the post itself before it goes out."
                ),
                code="fired",
            )
        if rally.state != RallyState.OPEN:
            raise ValidationError(_("This rally is over; nothing will be posted."), code="closed")
        Pledge.objects.filter(pk=pledge.pk).update(withdrawn_at=now)
        pledge.withdrawn_at = now
        cancel_pending_posts(
            posts=Post.objects.filter(pk=pledge.post_id), reason=REASON_WITHDRAWN, now=now
        )
    return pledge


# Resolving at the deadline: the periodic job.


def resolve_due_rallies(
    *, now: datetime | None = None, rng: random.Random | None = None
) -> list[Rally]:
    """Fire or miss every open rally whose deadline has passed; return those resolved."""
    now = now or timezone.now()
    due = Rally.objects.filter(state=RallyState.OPEN, deadline__lte=now).order_by("deadline")
    resolved = []
    for rally in due.select_related("organisation", "activity__campaign"):
        try:
            if _resolve(rally, now=now, rng=rng):
                resolved.append(rally)
        except Exception:
            # One rally in trouble must not hold up the others; the next run tries again.
            logger.exception("Rally %s could not be resolved", rally.pk)
    return resolved


def _resolve(rally: Rally, *, now: datetime, rng: random.Random | None) -> bool:
    with transaction.atomic():
        _lock(rally)
        if rally.state != RallyState.OPEN or rally.deadline > now:
            return False
        pledges = list(
            selectors.live_pledges(rally=rally)
            .filter(post__state=PostState.APPROVED)
            .select_related("post", "member__user", "member__organisation", "account")
        )
        # Fired late (the scheduler was down): spread over what is left of the window.
        starts_at = max(rally.window_starts_at, now)
        if len(pledges) < rally.goal_pledges:
            _miss(rally, pledges, now=now, reason=REASON_GOAL_MISSED)
        elif rally.activity.campaign.state != CampaignState.LIVE:
            # Whoever ended the campaign wanted its content to stop going out.
            _miss(rally, pledges, now=now, reason=REASON_CAMPAIGN_ENDED)
        elif rally.window_ends_at - starts_at < MINIMUM_WINDOW:
            _miss(rally, pledges, now=now, reason=REASON_WINDOW_PASSED)
        else:
            _fire(rally, pledges, starts_at=starts_at, now=now, rng=rng)
    return True


def _fire(
    rally: Rally,
    pledges: list[Pledge],
    *,
    starts_at: datetime,
    now: datetime,
    rng: random.Random | None,
) -> None:
    RALLY_WORKFLOW.apply(rally, "fire", resolved_at=now)
    schedule = _keeping_gaps_and_caps(
        stagger(pledges, start=starts_at, end=rally.window_ends_at, rng=rng), now=now
    )
    for pledge, when in schedule:
        POST_WORKFLOW.apply(pledge.post, "schedule", scheduled_for=when, next_attempt_at=when)
        notify(
            member=pledge.member,
            kind=NotificationKind.RALLY_FIRED,
            params={
                "rally": rally.title,
                "rally_id": rally.pk,
                "scheduled_for": when.isoformat(),
                "network": pledge.account.network,
                "handle": pledge.account.handle,
            },
            url=_rally_url(rally),
        )
    record_event(
        organisation=rally.organisation,
        actor=None,
        action=AuditAction.RALLY_FIRED,
        target=rally,
        after={
            "pledges": len(pledges),
            "goal_pledges": rally.goal_pledges,
            "first_post_at": min((when for _p, when in schedule), default=now).isoformat(),
            "last_post_at": max((when for _p, when in schedule), default=now).isoformat(),
        },
    )


def _keeping_gaps_and_caps(
    schedule: list[tuple[Pledge, datetime]], *, now: datetime
) -> list[tuple[Pledge, datetime]]:
    """The staggered slots, handed out so each post keeps its author's usual gap from their
    other posts and its account's daily cap, wherever a slot allows it.

    The slots themselves stay as ``stagger`` spread them, so the crowd is still spread
    evenly; a pledge whose slot would break a limit takes the nearest free slot that does
    not. One that no slot suits keeps its own: the rally's window is what it pledged to.
    """
    taken = sharing_selectors.taken_times_by_member(
        member_ids={pledge.member_id for pledge, _when in schedule}, now=now
    )
    free = sorted(when for _pledge, when in schedule)
    fitted = []
    for pledge, slot in schedule:
        own = taken[pledge.member_id]
        chosen = _nearest_suiting(pledge, slot, free=free, taken=own, now=now)
        free.remove(chosen)
        own.append(spread.Taken(at=chosen, account=pledge.account_id))
        fitted.append((pledge, chosen))
    return fitted


def _nearest_suiting(
    pledge: Pledge,
    slot: datetime,
    *,
    free: list[datetime],
    taken: list[spread.Taken],
    now: datetime,
) -> datetime:
    if slot in free and _suits(pledge, slot, taken, now):
        return slot
    for when in sorted(free, key=lambda when: abs(when - slot)):
        if _suits(pledge, when, taken, now):
            return when
    return slot if slot in free else free[0]


def _suits(pledge: Pledge, when: datetime, taken: list[spread.Taken], now: datetime) -> bool:
    problems = spread.slot_problems(
        at=when,
        account=pledge.account_id,
        taken=taken,
        caps={pledge.account_id: pledge.account.effective_daily_cap},
        min_gap=sharing_selectors.DEFAULT_MIN_GAP,
        time_zone=pledge.member.time_zone,
        now=now,
    )
    return not {spread.SlotProblem.GAP, spread.SlotProblem.CAP} & set(problems)


def _miss(rally: Rally, pledges: list[Pledge], *, now: datetime, reason: str) -> None:
    RALLY_WORKFLOW.apply(rally, "miss", resolved_at=now)
    cancel_pending_posts(posts=_posts_of(rally), reason=reason, now=now)
    for member, count in _pledgers(pledges):
        notify(
            member=member,
            kind=NotificationKind.RALLY_MISSED,
            params={
                "rally": rally.title,
                "rally_id": rally.pk,
                "pledges": len(pledges),
                "goal_pledges": rally.goal_pledges,
                "your_pledges": count,
                "reason": reason,
            },
            url=_rally_url(rally),
        )
    record_event(
        organisation=rally.organisation,
        actor=None,
        action=AuditAction.RALLY_MISSED,
        target=rally,
        after={"pledges": len(pledges), "goal_pledges": rally.goal_pledges, "reason": reason},
    )
