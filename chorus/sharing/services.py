"""Writes for the employee side of sharing.

Taking part is the member's own choice at every step: they join and leave the
programme, choose which accounts take part, write and approve each post in its
exact final text, and decide when it goes out. Leaving cancels everything that
has not gone out yet, in the same request.
"""

import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_event
from chorus.campaigns.models import Activity, ActivityKind, CampaignState
from chorus.core.batches import run_in_transactions
from chorus.core.db import any_of
from chorus.governance import services as compliance
from chorus.governance.compliance.engine import ComplianceResult
from chorus.governance.models import Stage
from chorus.links import services as links
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import profile_for
from chorus.networks.services import update_account_settings
from chorus.networks.text import remaining
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.policies.selectors import check_policy_accepted
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.publishing.services import cancel_pending_posts
from chorus.publishing.workflow import POST_WORKFLOW
from chorus.register import selectors as register
from chorus.sharing import selectors, spread
from chorus.sharing.models import (
    AdvocacySettings,
    DuplicateGuardMode,
    FeedEntry,
    FeedState,
    ProgrammeConsent,
)
from chorus.sharing.similarity import most_similar, signature
from chorus.sharing.text import final_text
from chorus.training.selectors import check_kind_unlocked

MAX_SPREAD_DAYS = 14
MAX_MIN_GAP = timedelta(hours=12)
EDITABLE_POST_STATES = frozenset({PostState.APPROVED, PostState.SCHEDULED, PostState.FAILED})


def _site_url(name: str, member: Membership) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"org": member.organisation.slug})


# Advocacy settings


def _settings_state(advocacy: AdvocacySettings) -> dict[str, Any]:
    return {
        "disclosure": advocacy.disclosure,
        "duplicate_guard": advocacy.duplicate_guard,
        "duplicate_threshold": advocacy.duplicate_threshold,
        "programme_terms": advocacy.programme_terms,
        "programme_terms_version": advocacy.programme_terms_version,
    }


def _normalise_text(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def update_advocacy_settings(
    *,
    by: Membership,
    disclosure: str,
    duplicate_guard: str,
    duplicate_threshold: float,
    programme_terms: str,
    now: datetime | None = None,
) -> AdvocacySettings:
    """Change how the programme runs. New terms get a new version; participants stay in."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    advocacy = selectors.advocacy_settings_for(organisation=by.organisation)
    before = _settings_state(advocacy)
    old_terms = advocacy.terms_text
    advocacy.disclosure = disclosure.strip()
    advocacy.duplicate_guard = duplicate_guard
    advocacy.duplicate_threshold = duplicate_threshold
    advocacy.programme_terms = _normalise_text(programme_terms)
    if advocacy.terms_text != old_terms:
        advocacy.programme_terms_version += 1
    advocacy.full_clean(exclude=["organisation"])
    after = _settings_state(advocacy)
    if after == before:
        return advocacy
    advocacy.updated_at = now or timezone.now()
    with transaction.atomic():
        advocacy.save()
        record_event(
            organisation=by.organisation,
            actor=by.user,
            action=AuditAction.ADVOCACY_SETTINGS_UPDATED,
            target=advocacy,
            before=before,
            after=after,
        )
    return advocacy


# Programme consent


def join_programme(*, member: Membership, now: datetime | None = None) -> ProgrammeConsent:
    """Take part, agreeing to the organisation's current terms (kept with the consent)."""
    check_policy_accepted(member=member)
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    if selectors.is_participant(member=member):
        raise ValidationError(_("You are already taking part in the programme."))
    try:
        with transaction.atomic():
            return ProgrammeConsent.objects.create(
                member=member,
                terms_version=advocacy.programme_terms_version,
                terms_text=advocacy.terms_text,
                joined_at=now or timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(_("You are already taking part in the programme.")) from None


@dataclass(frozen=True)
class LeaveResult:
    consent: ProgrammeConsent
    cancelled: list[Post]
    withdrawn_accounts: list[ConnectedAccount]


def leave_programme(*, member: Membership, now: datetime | None = None) -> LeaveResult:
    """Stop taking part: cancel every post not yet out and withdraw every account, at once."""
    now = now or timezone.now()
    with transaction.atomic():
        consent = (
            ProgrammeConsent.objects.select_for_update()
            .filter(member=member, left_at__isnull=True)
            .first()
        )
        if consent is None:
            raise ValidationError(_("You are not taking part in the programme."))
        consent.left_at = now
        consent.save(update_fields=["left_at"])
        reason = _("You left the programme.")
        cancelled = cancel_pending_posts(
            posts=Post.objects.filter(member=member), reason=reason, now=now
        )
        withdrawn = list(ConnectedAccount.objects.filter(member=member, takes_part=True))
        ConnectedAccount.objects.filter(pk__in=[a.pk for a in withdrawn]).update(takes_part=False)
        FeedEntry.objects.filter(member=member, state=FeedState.SCHEDULED).update(
            state=FeedState.NEW, updated_at=now
        )
        if cancelled:
            notify(
                member=member,
                kind=NotificationKind.POSTS_CANCELLED,
                params={"count": len(cancelled), "reason": reason},
                url=_site_url("sharing:posts", member),
            )
    return LeaveResult(consent=consent, cancelled=cancelled, withdrawn_accounts=withdrawn)


@dataclass(frozen=True)
class AccountChoice:
    chosen: list[ConnectedAccount]
    unchosen: list[ConnectedAccount]
    cancelled: list[Post]


def choose_accounts(
    *, member: Membership, account_ids: Iterable[int], now: datetime | None = None
) -> AccountChoice:
    """Set which of the member's accounts take part; un-chosen ones lose their waiting posts."""
    now = now or timezone.now()
    wanted = set(account_ids)
    accounts = list(selectors.choosable_accounts(member=member))
    if wanted - {account.pk for account in accounts}:
        raise ValidationError({"accounts": _("Choose only among your own connected accounts.")})
    to_choose = [a for a in accounts if a.pk in wanted and not a.takes_part]
    to_unchoose = [a for a in accounts if a.pk not in wanted and a.takes_part]
    if to_choose and not selectors.is_participant(member=member):
        raise ValidationError(
            {"accounts": _("Join the programme first; then choose the accounts that take part.")}
        )
    if any(a.status != AccountStatus.ACTIVE for a in to_choose):
        raise ValidationError(
            {"accounts": _("Reconnect an account before you choose it to take part.")}
        )
    cancelled: list[Post] = []
    with transaction.atomic():
        for account in to_choose:
            update_account_settings(
                by=member, account=account, takes_part=True, daily_cap=account.daily_cap, now=now
            )
        for account in to_unchoose:
            cancelled += update_account_settings(
                by=member, account=account, takes_part=False, daily_cap=account.daily_cap, now=now
            )
        _refresh_feed_entries(member, {p.activity_id for p in cancelled if p.activity_id}, now)
    return AccountChoice(chosen=to_choose, unchosen=to_unchoose, cancelled=cancelled)


# Feed


def _refresh_feed_entries(member: Membership, activity_ids: Iterable[int], now: datetime) -> None:
    """Bring feed entries in line with the member's posts after some were scheduled or not."""
    for entry in FeedEntry.objects.filter(member=member, activity_id__in=list(activity_ids)):
        states = set(
            Post.objects.filter(member=member, activity_id=entry.activity_id).values_list(
                "state", flat=True
            )
        )
        if PostState.PUBLISHED in states:
            target = FeedState.DONE
        elif states & {PostState.SCHEDULED, PostState.PUBLISHING}:
            target = FeedState.SCHEDULED
        elif entry.state == FeedState.SCHEDULED:
            target = FeedState.NEW
        else:
            continue
        if target != entry.state:
            FeedEntry.objects.filter(pk=entry.pk).update(state=target, updated_at=now)


def _set_feed_state(entry: FeedEntry, state: str, now: datetime | None) -> FeedEntry:
    now = now or timezone.now()
    FeedEntry.objects.filter(pk=entry.pk).update(state=state, updated_at=now)
    entry.state, entry.updated_at = state, now
    return entry


def skip_activity(
    *, member: Membership, entry: FeedEntry, now: datetime | None = None
) -> FeedEntry:
    """Not for me: the activity moves out of the way. Posts already made are not touched."""
    if entry.member_id != member.pk:
        raise ValidationError(_("This is not in your feed."))
    if entry.state != FeedState.NEW:
        raise ValidationError(_("Only something new can be skipped."))
    return _set_feed_state(entry, FeedState.SKIPPED, now)


def unskip_activity(
    *, member: Membership, entry: FeedEntry, now: datetime | None = None
) -> FeedEntry:
    if entry.member_id != member.pk:
        raise ValidationError(_("This is not in your feed."))
    if entry.state != FeedState.SKIPPED:
        raise ValidationError(_("This was not skipped."))
    return _set_feed_state(entry, FeedState.NEW, now)


def mark_activity_done(
    *, member: Membership, entry: FeedEntry, now: datetime | None = None
) -> FeedEntry:
    """For activities done on the network itself (a like, a comment): the member says so."""
    if entry.member_id != member.pk:
        raise ValidationError(_("This is not in your feed."))
    if entry.activity.kind in selectors.COMPOSABLE_KINDS:
        raise ValidationError(_("This is done when your post goes out."))
    if entry.state not in (FeedState.NEW, FeedState.SKIPPED):
        raise ValidationError(_("This is done already."))
    return _set_feed_state(entry, FeedState.DONE, now)


# The near-duplicate guard


class SimilarTo:
    COLLEAGUE = "colleague"
    SUGGESTION = "suggestion"


@dataclass(frozen=True)
class Originality:
    """How close a draft is to colleagues' posts and the suggestions, and what follows."""

    score: float
    threshold: float
    similar_to: str
    mode: str
    network_forbids: bool
    network_name: str

    @property
    def is_copy(self) -> bool:
        return self.score >= self.threshold

    @property
    def blocks(self) -> bool:
        return self.is_copy and (self.mode == DuplicateGuardMode.BLOCK or self.network_forbids)

    @property
    def needs_acknowledgement(self) -> bool:
        return self.is_copy and not self.blocks

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def message(self) -> str:
        """What the employee reads; it never says whose post theirs resembles."""
        if not self.is_copy:
            return ""
        if self.similar_to == SimilarTo.SUGGESTION:
            found = _(
                "Your text is %(percent)d%% the same as the suggested text, which everyone "
                "starts from."
            ) % {"percent": self.percent}
        else:
            found = _(
                "Your text is %(percent)d%% the same as a post a colleague approved for this "
                "activity."
            ) % {"percent": self.percent}
        if self.network_forbids:
            advice = _(
                "%(network)s does not allow near-identical posts from several accounts, so "
                "Chorus cannot post it. Put it in your own words."
            ) % {"network": self.network_name}
        elif self.blocks:
            advice = _("Your organisation asks for your own words: change it before approving.")
        else:
            advice = _(
                "Posts in your own words reach people better. Make it yours, or tick "
                "“Post it anyway”."
            )
        return f"{found} {advice}"


def check_originality(
    *, member: Membership, activity: Activity, account: ConnectedAccount, text: str
) -> Originality:
    """Compare the member's own words with colleagues' posts and with the suggestions."""
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    draft = signature(text, ignore=advocacy.disclosure)
    colleagues = (
        Post.objects.filter(activity=activity)
        .exclude(member=member)
        .exclude(state=PostState.CANCELLED)
        .values_list("pk", "signature")
    )
    best_colleague = most_similar(draft, ((pk, sig or []) for pk, sig in colleagues))
    best_suggestion = most_similar(
        draft,
        (
            (s.pk, signature(s.text, ignore=advocacy.disclosure))
            for s in selectors.suggestions_of(activity=activity)
        ),
    )
    score, similar_to = 0.0, ""
    if best_colleague is not None and best_colleague.score > score:
        score, similar_to = best_colleague.score, SimilarTo.COLLEAGUE
    if best_suggestion is not None and best_suggestion.score > score:
        score, similar_to = best_suggestion.score, SimilarTo.SUGGESTION
    profile = profile_for(account.network)
    return Originality(
        score=score,
        threshold=advocacy.duplicate_threshold,
        similar_to=similar_to,
        mode=advocacy.duplicate_guard,
        network_forbids=profile.forbids_similar_posts,
        network_name=str(profile.network.label),
    )


# Composing and approving


def check_may_compose(*, member: Membership, entry: FeedEntry, now: datetime | None = None) -> None:
    """Why the member cannot write a post for this feed entry now, as a ValidationError."""
    now = now or timezone.now()
    if not selectors.is_participant(member=member):
        raise ValidationError(_("Join the programme to share posts."), code="not_participant")
    if not (
        selectors.participating_accounts(member=member).exists()
        or register.delegated_accounts(member=member).exists()
    ):
        raise ValidationError(
            _("Choose at least one connected account to take part first."), code="no_accounts"
        )
    if entry.campaign.state == CampaignState.PILOT:
        raise ValidationError(
            _("This campaign is in its pilot: tell us how your audience would read it instead."),
            code="pilot",
        )
    if entry.campaign.state != CampaignState.LIVE:
        raise ValidationError(_("This campaign is not live."), code="not_live")
    if entry.activity.is_expired(now=now):
        raise ValidationError(_("This activity has expired."), code="expired")
    check_kind_unlocked(member=member, kind=entry.activity.kind)
    if entry.activity.kind not in selectors.COMPOSABLE_KINDS:
        raise ValidationError(
            _("Chorus does not do this for you: do it on the network itself."),
            code="not_composable",
        )
    if not selectors.composer_accounts(member=member, campaign=entry.campaign):
        raise ValidationError(
            _("None of your participating accounts is on a network this campaign is for."),
            code="no_matching_account",
        )


def _entry_for(member: Membership, activity: Activity) -> FeedEntry:
    entry = (
        FeedEntry.objects.select_related("activity", "campaign")
        .filter(member=member, activity=activity)
        .first()
    )
    if entry is None:
        raise ValidationError(_("This activity is not in your feed."))
    return entry


def _check_account(member: Membership, account: ConnectedAccount, entry: FeedEntry) -> None:
    mine = account.member_id == member.pk or register.is_delegate(member=member, account=account)
    if not mine or not account.can_post:
        raise ValidationError(
            {"account": _("Choose one of your own accounts that takes part in the programme.")}
        )
    if not selectors.allows_network(entry.campaign, account.network):
        raise ValidationError(
            {
                "account": _("This campaign is not for %(network)s.")
                % {"network": account.get_network_display()}
            }
        )


def post_link_url(*, member: Membership, activity: Activity, network: str) -> str:
    """The link a post carries: for a shared page, the member's own tracked short link."""
    if activity.kind == ActivityKind.SHARE_LINK and activity.link_url:
        link = links.tracked_link_for(member=member, activity=activity, network=network)
        return links.short_url(link)
    return selectors.link_url_for(activity)


def _checked_final_text(
    text: str, *, advocacy: AdvocacySettings, member: Membership, activity: Activity, network: str
) -> str:
    if not text.strip():
        raise ValidationError({"text": _("Write the post in your own words.")})
    final = final_text(
        _normalise_text(text),
        disclosure=advocacy.disclosure,
        link_url=post_link_url(member=member, activity=activity, network=network),
    )
    over = -remaining(final, network=network)
    if over > 0:
        raise ValidationError(
            {
                "text": ngettext(
                    "With the disclosure and link this is %(count)d character too long for "
                    "%(network)s.",
                    "With the disclosure and link this is %(count)d characters too long for "
                    "%(network)s.",
                    over,
                )
                % {"count": over, "network": profile_for(network).network.label}
            }
        )
    return final


def _check_originality(originality: Originality, *, acknowledged: bool) -> None:
    if originality.blocks:
        raise ValidationError({"text": originality.message})
    if originality.needs_acknowledgement and not acknowledged:
        raise ValidationError({"acknowledge_similarity": originality.message})


@dataclass(frozen=True)
class DraftPreview:
    """A draft as the composer shows it: exactly what would be posted, and how it fares."""

    account: ConnectedAccount
    final_text: str
    remaining: int
    originality: Originality
    # The organisation's compliance rules on the final text, logged as a draft check.
    compliance: ComplianceResult

    @property
    def over_by(self) -> int:
        return max(0, -self.remaining)

    @property
    def network_name(self) -> str:
        return str(profile_for(self.account.network).network.label)


def preview_draft(*, entry: FeedEntry, account: ConnectedAccount, text: str) -> DraftPreview:
    member = entry.member
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    link_url = post_link_url(member=member, activity=entry.activity, network=account.network)
    final = final_text(
        text.replace("\r\n", "\n").strip(), disclosure=advocacy.disclosure, link_url=link_url
    )
    checked, _evaluation = compliance.evaluate(
        organisation=member.organisation,
        text=final,
        network=account.network,
        stage=Stage.DRAFT,
        link_url=link_url,
        member=member,
    )
    return DraftPreview(
        account=account,
        final_text=final,
        remaining=remaining(final, network=account.network),
        originality=check_originality(
            member=member, activity=entry.activity, account=account, text=text
        ),
        compliance=checked,
    )


def approve_post(
    *,
    member: Membership,
    activity: Activity,
    account: ConnectedAccount,
    text: str,
    acknowledge_similarity: bool = False,
    now: datetime | None = None,
) -> Post:
    """The member approves this exact final text for this account; nothing else goes out."""
    now = now or timezone.now()
    check_policy_accepted(member=member)
    entry = _entry_for(member, activity)
    check_may_compose(member=member, entry=entry, now=now)
    _check_account(member, account, entry)
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    final = _checked_final_text(
        text, advocacy=advocacy, member=member, activity=activity, network=account.network
    )
    _check_originality(
        check_originality(member=member, activity=activity, account=account, text=text),
        acknowledged=acknowledge_similarity,
    )
    already = Post.objects.filter(member=member, activity=activity, account=account).exclude(
        state=PostState.CANCELLED
    )
    if already.exists():
        raise ValidationError(
            {"account": _("You already have a post of this on that account: see My posts.")}
        )
    link_url = post_link_url(member=member, activity=activity, network=account.network)
    checked = compliance.check_for_approval(
        member=member, text=final, network=account.network, link_url=link_url, now=now
    )
    post = Post.objects.create(
        organisation=member.organisation,
        member=member,
        account=account,
        network=account.network,
        activity=activity,
        text=final,
        link_url=link_url,
        approved_text_sha256=text_fingerprint(final),
        approved_at=now,
        signature=signature(text, ignore=advocacy.disclosure),
        state=PostState.APPROVED,
        created_at=now,
    )
    compliance.route_approved_post(post=post, check=checked, now=now)
    return post


def edit_post(
    *,
    member: Membership,
    post: Post,
    text: str,
    acknowledge_similarity: bool = False,
    now: datetime | None = None,
) -> Post:
    """New words for a post not yet out: checked again, and approved again in full."""
    now = now or timezone.now()
    if post.member_id != member.pk:
        raise ValidationError(_("Only the post's owner can change it."))
    if post.state not in EDITABLE_POST_STATES:
        raise ValidationError(_("Only a post that has not gone out can be changed."))
    if post.activity is None or post.account is None:
        raise ValidationError(_("This post cannot be changed here."))
    entry = _entry_for(member, post.activity)
    check_may_compose(member=member, entry=entry, now=now)
    _check_account(member, post.account, entry)
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    final = _checked_final_text(
        text,
        advocacy=advocacy,
        member=member,
        activity=post.activity,
        network=post.account.network,
    )
    _check_originality(
        check_originality(member=member, activity=post.activity, account=post.account, text=text),
        acknowledged=acknowledge_similarity,
    )
    checked = compliance.check_for_approval(
        member=member, text=final, network=post.account.network, link_url=post.link_url, now=now
    )
    changes = {
        "text": final,
        "approved_text_sha256": text_fingerprint(final),
        "approved_at": now,
        "signature": signature(text, ignore=advocacy.disclosure),
    }
    # Conditional, like a transition: a post the publisher just took is not changed under it.
    if not Post.objects.filter(pk=post.pk, state=post.state).update(**changes):
        raise ValidationError(_("This post changed meanwhile. Reload and try again."))
    for field, value in changes.items():
        setattr(post, field, value)
    compliance.route_approved_post(post=post, check=checked, now=now)
    return post


# Scheduling


class Schedulable(Protocol):
    """What scheduling checks of a post: a ``Post``, or a ``_SpreadRow`` read for bulk work."""

    @property
    def member_id(self) -> int | None: ...

    @property
    def account(self) -> ConnectedAccount | None: ...

    @property
    def activity(self) -> Activity | None: ...

    @property
    def text(self) -> str: ...

    @property
    def text_is_as_approved(self) -> bool: ...


def _schedule_problem(
    post: Schedulable, *, member_pk: int, participant: bool, now: datetime
) -> str | None:
    """Why ``post`` cannot be scheduled now (None: it can), given whether its member takes part."""
    if post.member_id != member_pk:
        return _("Only the post's owner can schedule it.")
    if not participant:
        return _("Join the programme again before scheduling posts.")
    account, activity = post.account, post.activity
    if account is None or not account.takes_part:
        return _("The account for “%(post)s” does not take part in the programme.") % {
            "post": _post_title(post)
        }
    if account.status != AccountStatus.ACTIVE:
        return _("Reconnect %(account)s before scheduling “%(post)s”.") % {
            "account": account,
            "post": _post_title(post),
        }
    if activity is not None:
        if activity.is_expired(now=now):
            return _("The activity of “%(post)s” has expired.") % {"post": _post_title(post)}
        if activity.campaign.state != CampaignState.LIVE:
            return _("The campaign of “%(post)s” is not live.") % {"post": _post_title(post)}
    if not post.text_is_as_approved:
        return _("Approve the text of “%(post)s” again.") % {"post": _post_title(post)}
    return None


def _check_may_schedule(member: Membership, post: Post, now: datetime) -> None:
    if post.member_id != member.pk:
        raise ValidationError(_("Only the post's owner can schedule it."))
    problem = _schedule_problem(
        post, member_pk=member.pk, participant=selectors.is_participant(member=member), now=now
    )
    if problem is not None:
        raise ValidationError(problem)


def _post_title(post: Schedulable) -> str:
    return post.activity.title if post.activity is not None else post.text[:40]


def _lock_schedule(member: Membership) -> None:
    """One scheduling change at a time per member, so two cannot break the gap or a cap."""
    Membership.objects.select_for_update().filter(pk=member.pk).first()


def _mark_scheduled(member: Membership, posts: Iterable[Post], now: datetime) -> None:
    activity_ids = {post.activity_id for post in posts if post.activity_id is not None}
    FeedEntry.objects.filter(
        member=member, activity_id__in=activity_ids, state__in=(FeedState.NEW, FeedState.SKIPPED)
    ).update(state=FeedState.SCHEDULED, updated_at=now)


def _slot_message(problem: spread.SlotProblem, *, min_gap: timedelta) -> str:
    messages = {
        spread.SlotProblem.PAST: _("Choose a time in the future."),
        spread.SlotProblem.EXPIRED: _("The activity expires before then."),
        spread.SlotProblem.GAP: _(
            "Another of your posts is less than %(minutes)d minutes from this time."
        )
        % {"minutes": int(min_gap.total_seconds() // 60)},
        spread.SlotProblem.CAP: _("This account already has as many posts that day as it allows."),
    }
    return str(messages[problem])


def post_now(*, member: Membership, post: Post, now: datetime | None = None) -> Post:
    """Send an approved (or failed, or scheduled) post at once, within the account's daily cap."""
    now = now or timezone.now()
    check_policy_accepted(member=member)
    with transaction.atomic():
        _lock_schedule(member)
        _check_may_schedule(member, post, now)
        assert post.account is not None
        problems = spread.slot_problems(
            at=now,
            account=post.account.pk,
            taken=selectors.taken_times(member=member, now=now, exclude=[post.pk]),
            caps={post.account.pk: post.account.effective_daily_cap},
            min_gap=timedelta(0),
            time_zone=member.time_zone,
            now=now,
        )
        if problems:
            raise ValidationError(_slot_message(problems[0], min_gap=timedelta(0)))
        transition = "schedule" if post.state == PostState.APPROVED else "reschedule"
        POST_WORKFLOW.apply(post, transition, scheduled_for=now, next_attempt_at=now)
        _mark_scheduled(member, [post], now)
        _enqueue_publishing(post)
    return post


def _enqueue_publishing(post: Post) -> None:
    from chorus.publishing.tasks import publish_post

    transaction.on_commit(lambda: publish_post.enqueue(post_id=post.pk))


def reschedule_post(
    *,
    member: Membership,
    post: Post,
    when: datetime,
    min_gap: timedelta = selectors.DEFAULT_MIN_GAP,
    now: datetime | None = None,
) -> Post:
    """Move a scheduled (or failed) post to another time that keeps the gap and the cap."""
    now = now or timezone.now()
    check_policy_accepted(member=member)
    if post.state not in (PostState.SCHEDULED, PostState.FAILED):
        raise ValidationError(_("Only a scheduled or failed post can be moved."))
    with transaction.atomic():
        _lock_schedule(member)
        _check_may_schedule(member, post, now)
        assert post.account is not None
        problems = spread.slot_problems(
            at=when,
            account=post.account.pk,
            taken=selectors.taken_times(member=member, now=now, exclude=[post.pk]),
            caps={post.account.pk: post.account.effective_daily_cap},
            min_gap=min_gap,
            time_zone=member.time_zone,
            now=now,
            expires_at=post.activity.expires_at if post.activity else None,
        )
        if problems:
            raise ValidationError(
                {"when": [_slot_message(problem, min_gap=min_gap) for problem in problems]}
            )
        POST_WORKFLOW.apply(post, "reschedule", scheduled_for=when, next_attempt_at=when)
        _mark_scheduled(member, [post], now)
    return post


def cancel_post(*, member: Membership, post: Post, now: datetime | None = None) -> Post:
    """The owner calls a post back before it goes out."""
    now = now or timezone.now()
    if post.member_id != member.pk:
        raise ValidationError(_("Only the post's owner can cancel it."))
    with transaction.atomic():
        POST_WORKFLOW.apply(
            post,
            "cancel",
            cancelled_reason=_("You cancelled it."),
            cancelled_at=now,
            next_attempt_at=None,
        )
        if post.activity_id is not None:
            _refresh_feed_entries(member, [post.activity_id], now)
    return post


def _check_window(
    *,
    time_zone: ZoneInfo,
    start_date: date,
    days: int,
    day_starts: time,
    day_ends: time,
    min_gap: timedelta,
    now: datetime,
) -> None:
    errors: dict[str, str] = {}
    if not 1 <= days <= MAX_SPREAD_DAYS:
        errors["days"] = _("Spread over 1 to %(max)d days.") % {"max": MAX_SPREAD_DAYS}
    if day_ends <= day_starts:
        errors["day_ends"] = _("The working day must end after it starts.")
    if not timedelta(0) <= min_gap <= MAX_MIN_GAP:
        errors["min_gap"] = _("Keep the gap between 0 and 12 hours.")
    if start_date < now.astimezone(time_zone).date():
        errors["start_date"] = _("Start today or later.")
    if errors:
        raise ValidationError(errors)


def _spread_item(post: "_SpreadRow") -> spread.Item:
    assert post.account is not None  # _schedule_problem made sure
    return spread.Item(
        key=post.pk,
        account=post.account.pk,
        expires_at=post.activity.expires_at if post.activity else None,
    )


def _daily_caps(posts: Iterable["_SpreadRow"]) -> dict[int, int]:
    return {
        post.account.pk: post.account.effective_daily_cap
        for post in posts
        if post.account is not None
    }


def _does_not_fit(problem: spread.DoesNotFit) -> ValidationError:
    return ValidationError(
        {
            "posts": ngettext(
                "Only %(fitted)d of these %(total)d posts fits in this window. Nothing was "
                "scheduled: add days, widen the working hours or shorten the gap.",
                "Only %(fitted)d of these %(total)d posts fit in this window. Nothing was "
                "scheduled: add days, widen the working hours or shorten the gap.",
                problem.fitted,
            )
            % {"fitted": problem.fitted, "total": problem.total}
        }
    )


def _changed_meanwhile() -> ValidationError:
    return ValidationError(
        {"posts": _("One of these posts changed meanwhile. Reload and try again.")},
        code="changed",
    )


# Members whose posts are spread in one transaction, with a fixed number of queries: small
# enough batches that the database works on one while the next is planned (core/batches.py).
SPREAD_BATCH_MEMBERS = 500
# Schedule times written per UPDATE statement (keeps under every database's parameter limit).
SPREAD_UPDATE_CHUNK = 5000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, kw_only=True)
class SpreadRequest:
    """One member's approved posts to spread over a window of working days."""

    member: Membership
    post_ids: Sequence[int]
    start_date: date
    days: int
    day_starts: time
    day_ends: time
    min_gap: timedelta


@dataclass(kw_only=True)
class SpreadOutcome:
    """What became of one request: times for all its posts, or an error and none."""

    request: SpreadRequest
    times: dict[int, datetime] = dataclass_field(default_factory=dict)
    error: ValidationError | None = None
    # Posts that were no longer approved when their times were written.
    changed: list[int] = dataclass_field(default_factory=list)

    def fail(self, error: ValidationError) -> None:
        self.times, self.error = {}, error


@dataclass(frozen=True)
class BulkSpreadResult:
    outcomes: list[SpreadOutcome]  # in the order of the requests

    @property
    def scheduled(self) -> int:
        return sum(len(outcome.times) for outcome in self.outcomes)

    @property
    def failed(self) -> list[SpreadOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error is not None]


def _spread_batches(outcomes: Sequence[SpreadOutcome]) -> Iterator[list[SpreadOutcome]]:
    """Batches of requests; a member appears once per batch, so later times see earlier ones."""
    batch: list[SpreadOutcome] = []
    members: set[int] = set()
    for outcome in outcomes:
        member_pk = outcome.request.member.pk
        if len(batch) >= SPREAD_BATCH_MEMBERS or member_pk in members:
            yield batch
            batch, members = [], set()
        batch.append(outcome)
        members.add(member_pk)
    if batch:
        yield batch


def _lock_schedules(member_ids: Sequence[int]) -> dict[int, ZoneInfo]:
    """``_lock_schedule`` for many members (in a fixed order, so batches cannot deadlock).

    Returns each member's time zone (as ``Membership.time_zone`` works it out).
    """
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .filter(pk__in=any_of(member_ids))
        .order_by("pk")
        .values_list("pk", "user__time_zone", "organisation__default_time_zone")
    )
    return {pk: ZoneInfo(own or default) for pk, own, default in locked}


@dataclass(slots=True, kw_only=True)
class _SpreadRow:
    """What spreading reads of a post: plain values, far cheaper than a model instance
    when a batch holds a hundred thousand posts.
    """

    pk: int
    member_id: int | None
    state: str
    text: str
    approved_text_sha256: str
    activity_id: int | None
    account: ConnectedAccount | None
    activity: Activity | None

    @property
    def text_is_as_approved(self) -> bool:
        return text_fingerprint(self.text) == self.approved_text_sha256


# What scheduling reads of an account (its checks, caps and messages); tokens and the rest stay
# in the database.
_SPREAD_ACCOUNT_FIELDS = ("member_id", "network", "handle", "status", "takes_part", "daily_cap")


def _posts_to_spread(post_ids: Sequence[int]) -> dict[int, _SpreadRow]:
    """The posts with their accounts, activities and campaigns, each loaded once."""
    rows = list(
        Post.objects.filter(pk__in=any_of(post_ids)).values_list(
            "pk",
            "member_id",
            "account_id",
            "activity_id",
            "state",
            "text",
            "approved_text_sha256",
        )
    )
    accounts = {
        account.pk: account
        for account in ConnectedAccount.objects.filter(
            pk__in=any_of({row[2] for row in rows if row[2] is not None})
        ).only(*_SPREAD_ACCOUNT_FIELDS)
    }
    activities = Activity.objects.select_related("campaign").in_bulk(
        {row[3] for row in rows if row[3] is not None}
    )
    return {
        pk: _SpreadRow(
            pk=pk,
            member_id=member_id,
            state=state,
            text=text,
            approved_text_sha256=approved,
            activity_id=activity_id,
            account=accounts.get(account_id) if account_id is not None else None,
            activity=activities.get(activity_id) if activity_id is not None else None,
        )
        for pk, member_id, account_id, activity_id, state, text, approved in rows
    }


def _plan_request(
    outcome: SpreadOutcome,
    *,
    time_zone: ZoneInfo | None,
    posts_by_pk: Mapping[int, _SpreadRow],
    participant: bool,
    taken: Sequence[spread.Taken],
    now: datetime,
    rng: random.Random,
) -> None:
    request = outcome.request
    post_ids = list(dict.fromkeys(request.post_ids))
    if not post_ids:
        raise ValidationError({"posts": _("Choose the posts to spread.")})
    member_pk = request.member.pk
    if time_zone is None:
        raise ValidationError(_("Join the programme again before scheduling posts."))
    _check_window(
        time_zone=time_zone,
        start_date=request.start_date,
        days=request.days,
        day_starts=request.day_starts,
        day_ends=request.day_ends,
        min_gap=request.min_gap,
        now=now,
    )
    posts = []
    for pk in post_ids:
        post = posts_by_pk.get(pk)
        if post is not None and post.member_id != member_pk:
            raise ValidationError(_("Only the post's owner can schedule it."))
        if post is None or not POST_WORKFLOW.can("schedule", post.state):
            outcome.changed = [pk]
            raise _changed_meanwhile()
        posts.append(post)
    for post in posts:
        problem = _schedule_problem(post, member_pk=member_pk, participant=participant, now=now)
        if problem is not None:
            raise ValidationError(problem)
    window = spread.Window(
        start_date=request.start_date,
        days=request.days,
        day_starts=request.day_starts,
        day_ends=request.day_ends,
        time_zone=time_zone,
        min_gap=request.min_gap,
    )
    try:
        outcome.times = spread.plan(
            items=[_spread_item(post) for post in posts],
            taken=taken,
            window=window,
            caps=_daily_caps(posts),
            now=now,
            rng=rng,
        )
    except spread.DoesNotFit as problem:
        raise _does_not_fit(problem) from None


def _write_schedule_times(times: Mapping[int, datetime]) -> set[int]:
    """Schedule these posts at these times where they are still approved; return which were."""
    transition = POST_WORKFLOW.get("schedule")
    quote = connection.ops.quote_name
    table = quote(Post._meta.db_table)
    pk_column = f"{table}.{quote(Post._meta.pk.column or 'id')}"
    sources = sorted(transition.sources)
    written: set[int] = set()
    items = list(times.items())
    for start in range(0, len(items), SPREAD_UPDATE_CHUNK):
        chunk = items[start : start + SPREAD_UPDATE_CHUNK]
        params: list[Any] = [transition.target]
        if connection.vendor == "postgresql":
            # Two strings rather than thousands of parameters, or lists the driver converts
            # element by element (datetimes cost it most): times go as whole microseconds
            # since the epoch, so nothing is rounded. Matching the ids against the primary
            # key as well lets the planner look the rows up rather than scan the table.
            ids = ",".join([str(pk) for pk, _moment in chunk])
            micros = ",".join([str((moment - _EPOCH) // _MICROSECOND) for _pk, moment in chunk])
            values = (
                "(SELECT id, timestamptz 'epoch' + us * interval '1 microsecond' AS at "
                "FROM unnest(string_to_array(%s, ',')::bigint[], "
                "string_to_array(%s, ',')::bigint[]) AS u(id, us)) AS v"
            )
            only = f"{pk_column} = ANY(string_to_array(%s, ',')::bigint[]) AND "
            params += [ids, micros, ids]
        else:
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            # Only placeholders and quoted names are put into the SQL; values go as parameters.
            values = f"(SELECT column1 AS id, column2 AS at FROM (VALUES {rows})) AS v"  # noqa: S608
            only = ""
            for pk, moment in chunk:
                params += [pk, connection.ops.adapt_datetimefield_value(moment)]
        sql = (
            f"UPDATE {table} SET state = %s, scheduled_for = v.at, next_attempt_at = v.at "  # noqa: S608
            f"FROM {values} WHERE {only}{pk_column} = v.id "
            f"AND {table}.state IN ({', '.join(['%s'] * len(sources))}) RETURNING {pk_column}"
        )
        params += sources
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written.update(pk for (pk,) in cursor.fetchall())
    return written


class _SomeChangedMeanwhile(Exception):
    pass


def _write_outcomes(outcomes: Sequence[SpreadOutcome]) -> None:
    """Write every planned time, all or nothing per member: a member with a post that
    changed meanwhile gets nothing (the batch's write is rolled back and done again without them).
    """
    pending = [outcome for outcome in outcomes if outcome.times]
    while pending:
        stale: list[SpreadOutcome] = []
        try:
            with transaction.atomic():
                written = _write_schedule_times(
                    {pk: moment for outcome in pending for pk, moment in outcome.times.items()}
                )
                stale = [o for o in pending if not o.times.keys() <= written]
                if stale:
                    raise _SomeChangedMeanwhile
        except _SomeChangedMeanwhile:
            for outcome in stale:
                outcome.changed = sorted(outcome.times.keys() - written)
                outcome.fail(_changed_meanwhile())
            pending = [outcome for outcome in pending if outcome.times]
            continue
        return


def _mark_scheduled_in_bulk(pairs: set[tuple[int, int]], now: datetime) -> None:
    """``_mark_scheduled`` for many (member, activity) pairs: one query to find, one to update."""
    if not pairs:
        return
    candidates = FeedEntry.objects.filter(
        member_id__in={member_id for member_id, _activity in pairs},
        activity_id__in={activity_id for _member, activity_id in pairs},
        state__in=(FeedState.NEW, FeedState.SKIPPED),
    ).values_list("pk", "member_id", "activity_id")
    entry_ids = [
        pk for pk, member_id, activity_id in candidates if (member_id, activity_id) in pairs
    ]
    if entry_ids:
        FeedEntry.objects.filter(
            pk__in=any_of(entry_ids), state__in=(FeedState.NEW, FeedState.SKIPPED)
        ).update(state=FeedState.SCHEDULED, updated_at=now)


@dataclass(frozen=True, kw_only=True)
class _BatchReads:
    """What planning a batch needs from the database, read under the members' locks."""

    time_zones: dict[int, ZoneInfo]
    participants: set[int]
    posts_by_pk: dict[int, _SpreadRow]
    taken: Mapping[int, list[spread.Taken]]


def _read_batch(batch: Sequence[SpreadOutcome], *, now: datetime) -> _BatchReads:
    member_ids = sorted({outcome.request.member.pk for outcome in batch})
    return _BatchReads(
        time_zones=_lock_schedules(member_ids),
        participants=selectors.participant_ids(member_ids=member_ids),
        posts_by_pk=_posts_to_spread([pk for o in batch for pk in o.request.post_ids]),
        taken=selectors.taken_times_by_member(member_ids=member_ids, now=now),
    )


def _plan_batch(
    batch: Sequence[SpreadOutcome], reads: _BatchReads, *, now: datetime, rng: random.Random
) -> None:
    for outcome in batch:
        member_pk = outcome.request.member.pk
        try:
            _plan_request(
                outcome,
                time_zone=reads.time_zones.get(member_pk),
                posts_by_pk=reads.posts_by_pk,
                participant=member_pk in reads.participants,
                taken=reads.taken.get(member_pk, ()),
                now=now,
                rng=rng,
            )
        except ValidationError as error:
            outcome.fail(error)


def _write_batch(batch: Sequence[SpreadOutcome], reads: _BatchReads, *, now: datetime) -> None:
    _write_outcomes(batch)
    scheduled_activities = {
        (outcome.request.member.pk, activity_id)
        for outcome in batch
        for pk in outcome.times
        if (activity_id := reads.posts_by_pk[pk].activity_id) is not None
    }
    _mark_scheduled_in_bulk(scheduled_activities, now)


def spread_posts_in_bulk(
    *,
    requests: Sequence[SpreadRequest],
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> BulkSpreadResult:
    """Spread many members' approved posts, each member all or nothing, in a few queries per
    batch of members: what a worker or a batch API call uses instead of one call per member.

    Each batch is one transaction; on PostgreSQL the database writes one batch and reads the
    next while this thread plans (``run_in_transactions``).
    """
    now = now or timezone.now()
    chosen_rng = rng or random.Random()
    outcomes = [SpreadOutcome(request=request) for request in requests]
    run_in_transactions(
        list(_spread_batches(outcomes)),
        read=lambda batch: _read_batch(batch, now=now),
        compute=lambda batch, reads: _plan_batch(batch, reads, now=now, rng=chosen_rng),
        write=lambda batch, reads: _write_batch(batch, reads, now=now),
    )
    return BulkSpreadResult(outcomes)


def spread_posts(
    *,
    member: Membership,
    posts: Sequence[Post],
    start_date: date,
    days: int,
    day_starts: time,
    day_ends: time,
    min_gap: timedelta,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> list[Post]:
    """Schedule approved posts at random working-hour times over a few days, or none at all."""
    now = now or timezone.now()
    check_policy_accepted(member=member)
    if not posts:
        raise ValidationError({"posts": _("Choose the posts to spread.")})
    _check_window(
        time_zone=member.time_zone,
        start_date=start_date,
        days=days,
        day_starts=day_starts,
        day_ends=day_ends,
        min_gap=min_gap,
        now=now,
    )
    if any(post.state != PostState.APPROVED for post in posts):
        raise ValidationError(
            {"posts": _("Only approved posts that have no time yet can be spread.")}
        )
    request = SpreadRequest(
        member=member,
        post_ids=[post.pk for post in posts],
        start_date=start_date,
        days=days,
        day_starts=day_starts,
        day_ends=day_ends,
        min_gap=min_gap,
    )
    (outcome,) = spread_posts_in_bulk(requests=[request], now=now, rng=rng).outcomes
    if outcome.error is not None:
        raise outcome.error
    target = POST_WORKFLOW.get("schedule").target
    for post in posts:
        post.state = target
        post.scheduled_for = post.next_attempt_at = outcome.times[post.pk]
    return sorted(posts, key=lambda p: (p.scheduled_for, p.pk))
