"""Changes to members' connected accounts. Every change a member makes is audited.

Connecting through a real network's sign-in flow comes with that network's
connector; the steps shared by every network (``mark_needs_reconnect``,
``mark_reconnected``, ``disconnect_account``) live here so those flows reuse them.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import Network
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.models import Membership
from chorus.publishing.models import Post, PostState
from chorus.publishing.services import cancel_pending_posts

HANDLE_MAX_LENGTH = 100


def accounts_page_url(*, member: Membership) -> str:
    return reverse("networks:accounts", kwargs={"org": member.organisation.slug})


def _settings_of(account: ConnectedAccount) -> dict[str, Any]:
    return {"takes_part": account.takes_part, "daily_cap": account.daily_cap}


def connect_outbox_account(
    *, by: Membership, handle: str, takes_part: bool = True, now: datetime | None = None
) -> ConnectedAccount:
    """Connect a development outbox: posts to it are recorded in Chorus, never sent."""
    if not settings.CHORUS_OUTBOX_ENABLED:
        raise ValidationError(_("The development outbox is not enabled on this server."))
    handle = handle.strip()
    if not handle:
        raise ValidationError({"handle": _("Give the outbox account a handle.")})
    if len(handle) > HANDLE_MAX_LENGTH:
        raise ValidationError(
            {"handle": _("Keep the handle under %(n)d characters.") % {"n": HANDLE_MAX_LENGTH}}
        )
    external_id = handle.lower()
    live = ConnectedAccount.objects.filter(
        member=by, network=Network.OUTBOX, external_id=external_id
    ).exclude(status=AccountStatus.DISCONNECTED)
    if live.exists():
        raise ValidationError({"handle": _("You already have an outbox account with this handle.")})
    now = now or timezone.now()
    with transaction.atomic():
        account = ConnectedAccount.objects.create(
            organisation=by.organisation,
            member=by,
            network=Network.OUTBOX,
            external_id=external_id,
            handle=handle,
            display_name=by.user.display_name,
            takes_part=takes_part,
            connected_at=now,
            status_changed_at=now,
        )
        record_member_action(
            by, AuditAction.ACCOUNT_CONNECTED, account, after=_settings_of(account)
        )
    return account


def reconnect_account(
    *, by: Membership, account: ConnectedAccount, now: datetime | None = None
) -> ConnectedAccount:
    """Reconnect an account that needs it. Real networks do this through their sign-in flow."""
    _check_owner(by, account)
    if account.network != Network.OUTBOX:
        raise ValidationError(
            _("Reconnecting a %(network)s account is not available yet.")
            % {"network": account.get_network_display()}
        )
    if account.status != AccountStatus.NEEDS_RECONNECT:
        raise ValidationError(_("This account does not need reconnecting."))
    with transaction.atomic():
        mark_reconnected(account=account, now=now)
        record_member_action(by, AuditAction.ACCOUNT_RECONNECTED, account)
    return account


def mark_reconnected(
    *, account: ConnectedAccount, credentials: str | None = None, now: datetime | None = None
) -> int:
    """The account works again: its overdue posts become due at once. Returns how many."""
    now = now or timezone.now()
    updates: dict[str, Any] = {
        "status": AccountStatus.ACTIVE,
        "status_reason": "",
        "status_changed_at": now,
    }
    if credentials is not None:
        updates["credentials"] = credentials
    ConnectedAccount.objects.filter(pk=account.pk).update(**updates)
    for field, value in updates.items():
        setattr(account, field, value)
    return Post.objects.filter(
        account=account, state=PostState.SCHEDULED, next_attempt_at__lte=now
    ).update(next_attempt_at=now)


def mark_needs_reconnect(
    *, account: ConnectedAccount, reason: str, now: datetime | None = None
) -> bool:
    """The network refused the account's credentials: stop posting and ask its owner, once.

    True if this call changed the status (so the owner is told only once).
    """
    now = now or timezone.now()
    changed = ConnectedAccount.objects.filter(pk=account.pk, status=AccountStatus.ACTIVE).update(
        status=AccountStatus.NEEDS_RECONNECT,
        status_reason=reason[:500],
        status_changed_at=now,
    )
    if not changed:
        return False
    account.status = AccountStatus.NEEDS_RECONNECT
    account.status_reason = reason[:500]
    account.status_changed_at = now
    notify(
        member=account.member,
        kind=NotificationKind.ACCOUNT_NEEDS_RECONNECT,
        params={
            "network": account.network,
            "account": account.handle,
            "reason": account.status_reason,
        },
        url=accounts_page_url(member=account.member),
        email_now=True,
    )
    return True


def disconnect_account(
    *, by: Membership, account: ConnectedAccount, now: datetime | None = None
) -> list[Post]:
    """Disconnect, forget the credentials, and cancel every post still waiting for it.

    Returns the posts cancelled, for the member to see at once.
    """
    _check_owner(by, account)
    if account.status == AccountStatus.DISCONNECTED:
        raise ValidationError(_("This account is already disconnected."))
    now = now or timezone.now()
    before = {"status": account.status, **_settings_of(account)}
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(
            status=AccountStatus.DISCONNECTED,
            status_reason="",
            status_changed_at=now,
            credentials="",
            takes_part=False,
        )
        account.refresh_from_db()
        cancelled = _cancel_posts_of(
            account, reason=_("You disconnected %(account)s.") % {"account": account}, now=now
        )
        record_member_action(
            by,
            AuditAction.ACCOUNT_DISCONNECTED,
            account,
            before=before,
            after={"status": account.status, "cancelled_posts": len(cancelled)},
        )
    return cancelled


def update_account_settings(
    *,
    by: Membership,
    account: ConnectedAccount,
    takes_part: bool,
    daily_cap: int | None,
    now: datetime | None = None,
) -> list[Post]:
    """Choose whether the account takes part, and its daily cap.

    Leaving the programme with an account cancels its waiting posts; returns them.
    """
    _check_owner(by, account)
    if account.status == AccountStatus.DISCONNECTED:
        raise ValidationError(_("This account is disconnected. Connect it again first."))
    if daily_cap is not None and daily_cap < 1:
        raise ValidationError({"daily_cap": _("Allow at least one post a day, or leave it empty.")})
    before = _settings_of(account)
    after = {"takes_part": takes_part, "daily_cap": daily_cap}
    if before == after:
        return []
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(**after)
        account.takes_part, account.daily_cap = takes_part, daily_cap
        cancelled: list[Post] = []
        if before["takes_part"] and not takes_part:
            cancelled = _cancel_posts_of(
                account,
                reason=_("You took %(account)s out of the programme.") % {"account": account},
                now=now,
            )
        record_member_action(
            by, AuditAction.ACCOUNT_SETTINGS_CHANGED, account, before=before, after=after
        )
    return cancelled


def _check_owner(by: Membership, account: ConnectedAccount) -> None:
    if account.member_id != by.pk:
        raise ValidationError(_("Only the account's owner can change it."))


def _cancel_posts_of(account: ConnectedAccount, *, reason: str, now: datetime | None) -> list[Post]:
    cancelled = cancel_pending_posts(
        posts=Post.objects.filter(account=account), reason=reason, now=now
    )
    if cancelled:
        notify(
            member=account.member,
            kind=NotificationKind.POSTS_CANCELLED,
            params={"count": len(cancelled), "reason": reason, "account": account.handle},
            url=accounts_page_url(member=account.member),
        )
    return cancelled
