"""Writes on the account register. Owners and admins manage it; every change is audited.

Accounts connected in Chorus are mirrored by ``sync_connected_accounts`` whenever the
register is read or checked, so nothing has to remember to add them: a company page
becomes a company-owned entry, a member's own account a personal, read-only one.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Capability, Role
from chorus.publishing.models import PENDING_STATES, Post
from chorus.publishing.services import cancel_pending_posts
from chorus.register import selectors
from chorus.register.models import (
    OTHER_NETWORK,
    REGISTER_NETWORKS,
    CredentialsHeld,
    Delegation,
    DelegationLevel,
    Ownership,
    RegisterEntry,
    RegisterSettings,
)

HANDLE_MAX_LENGTH = 255
PLACE_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 2000


def register_url(organisation: Organisation) -> str:
    return reverse("register:list", kwargs={"org": organisation.slug})


def _state(entry: RegisterEntry) -> dict[str, Any]:
    return {
        "network": entry.network,
        "handle": entry.handle,
        "ownership": entry.ownership,
        "responsible": entry.responsible_id,
        "credentials_held": entry.credentials_held,
        "credentials_place": entry.credentials_place,
        "notes": entry.notes,
    }


def _check_manager(by: Membership, organisation_id: int) -> None:
    check_capability(by, Capability.MANAGE_SETTINGS)
    if by.organisation_id != organisation_id:
        raise ValidationError(_("This account is not in your organisation's register."))


# Accounts connected in Chorus


def _mirror(account: ConnectedAccount, now: datetime) -> RegisterEntry:
    """The account's entry: one written down by hand before it was connected, or left by an
    earlier connection of the same account (its delegations carry over), or a new one."""
    entry = RegisterEntry.objects.filter(
        Q(connected_account__isnull=True) | Q(connected_account__status=AccountStatus.DISCONNECTED),
        organisation_id=account.organisation_id,
        network=account.network,
        handle__iexact=account.handle,
    ).first() or RegisterEntry(organisation_id=account.organisation_id, created_at=now)
    entry.network, entry.handle = account.network, account.handle
    entry.ownership = Ownership.COMPANY if account.owned_by_company else Ownership.PERSONAL
    entry.responsible_id = account.member_id
    entry.connected_account = account
    entry.credentials_held, entry.credentials_place = CredentialsHeld.IN_CHORUS, ""
    entry.updated_at = now
    entry.save()
    return entry


def sync_connected_accounts(*, organisation: Organisation, now: datetime | None = None) -> int:
    """Bring the register in step with the accounts connected in Chorus; returns entries added.

    A personal account that was disconnected leaves the register (it was never the
    company's); a disconnected company page stays, shown as disconnected.
    """
    now = now or timezone.now()
    missing = ConnectedAccount.objects.filter(
        organisation=organisation, register_entry__isnull=True
    ).exclude(status=AccountStatus.DISCONNECTED)
    RegisterEntry.objects.filter(
        organisation=organisation,
        ownership=Ownership.PERSONAL,
        connected_account__status=AccountStatus.DISCONNECTED,
    ).delete()
    added = 0
    for account in missing:
        try:
            with transaction.atomic():
                _mirror(account, now)
        except IntegrityError:
            continue  # another request mirrored it meanwhile
        added += 1
    return added


# Entries added by hand


def _cleaned(
    *,
    by: Membership,
    network: str,
    handle: str,
    ownership: str,
    responsible: Membership | None,
    credentials_place: str,
    notes: str,
    exclude_pk: int | None = None,
    connected: bool = False,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    handle = handle.strip()
    credentials_place = credentials_place.strip()
    notes = notes.strip()
    if network not in dict(REGISTER_NETWORKS):
        errors["network"] = _("Choose the network the account is on.")
    if not handle:
        errors["handle"] = _("Give the account's handle, such as @acme.")
    elif len(handle) > HANDLE_MAX_LENGTH:
        errors["handle"] = _("Keep the handle under %(n)d characters.") % {"n": HANDLE_MAX_LENGTH}
    elif not connected and _is_listed(by, network, handle, exclude_pk=exclude_pk):
        errors["handle"] = _("This account is already in the register.")
    if ownership not in Ownership.values:
        errors["ownership"] = _("Say who owns the account.")
    if responsible is not None and (
        responsible.organisation_id != by.organisation_id or not responsible.is_active
    ):
        errors["responsible"] = _("Choose an active member of your organisation.")
    if connected:
        credentials_place = ""
    elif not credentials_place and ownership != Ownership.PERSONAL:
        errors["credentials_place"] = _(
            "Say where the credentials are kept, such as the marketing password manager."
        )
    if len(credentials_place) > PLACE_MAX_LENGTH:
        errors["credentials_place"] = _("Keep this under %(n)d characters.") % {
            "n": PLACE_MAX_LENGTH
        }
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = _("Keep the notes under %(n)d characters.") % {"n": NOTES_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return {
        "network": network,
        "handle": handle,
        "ownership": ownership,
        "responsible": responsible,
        "credentials_held": CredentialsHeld.IN_CHORUS if connected else CredentialsHeld.OUTSIDE,
        "credentials_place": credentials_place,
        "notes": notes,
    }


def _is_listed(by: Membership, network: str, handle: str, *, exclude_pk: int | None) -> bool:
    if network == OTHER_NETWORK:
        return False  # the same handle may well exist on two other networks
    same = RegisterEntry.objects.filter(
        organisation_id=by.organisation_id, network=network, handle__iexact=handle
    )
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    return same.exists()


def add_entry(
    *,
    by: Membership,
    network: str,
    handle: str,
    ownership: str,
    responsible: Membership | None = None,
    credentials_place: str = "",
    notes: str = "",
    now: datetime | None = None,
) -> RegisterEntry:
    """Write down an account held outside Chorus."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    now = now or timezone.now()
    fields = _cleaned(
        by=by,
        network=network,
        handle=handle,
        ownership=ownership,
        responsible=responsible,
        credentials_place=credentials_place,
        notes=notes,
    )
    with transaction.atomic():
        entry = RegisterEntry.objects.create(
            organisation=by.organisation, created_at=now, updated_at=now, **fields
        )
        record_member_action(by, AuditAction.REGISTER_ENTRY_ADDED, entry, after=_state(entry))
    return entry


def update_entry(
    *,
    by: Membership,
    entry: RegisterEntry,
    network: str,
    handle: str,
    ownership: str,
    responsible: Membership | None = None,
    credentials_place: str = "",
    notes: str = "",
    now: datetime | None = None,
) -> RegisterEntry:
    """Change an entry. A connected company page keeps its network, handle and ownership."""
    _check_manager(by, entry.organisation_id)
    if entry.is_read_only:
        raise ValidationError(
            _("A member's own connected account is theirs; it cannot be changed.")
        )
    if entry.is_connected:
        network, handle, ownership = entry.network, entry.handle, entry.ownership
    fields = _cleaned(
        by=by,
        network=network,
        handle=handle,
        ownership=ownership,
        responsible=responsible,
        credentials_place=credentials_place,
        notes=notes,
        exclude_pk=entry.pk,
        connected=entry.is_connected,
    )
    if fields["ownership"] != Ownership.COMPANY and entry.delegations.filter(
        revoked_at__isnull=True
    ):
        raise ValidationError(
            {"ownership": _("Revoke the delegated access first: only company accounts have it.")}
        )
    before = _state(entry)
    for name, value in fields.items():
        setattr(entry, name, value)
    if _state(entry) == before:
        return entry
    entry.updated_at = now or timezone.now()
    with transaction.atomic():
        entry.save()
        record_member_action(
            by, AuditAction.REGISTER_ENTRY_CHANGED, entry, before=before, after=_state(entry)
        )
    return entry


def remove_entry(*, by: Membership, entry: RegisterEntry, now: datetime | None = None) -> None:
    """Take an account added by hand off the register (connected ones follow their connection)."""
    _check_manager(by, entry.organisation_id)
    if entry.is_connected:
        raise ValidationError(
            _("This account is connected in Chorus; it leaves the register when disconnected.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        for delegation in entry.delegations.filter(revoked_at__isnull=True):
            revoke_delegation(by=by, delegation=delegation, now=now)
        record_member_action(by, AuditAction.REGISTER_ENTRY_REMOVED, entry, before=_state(entry))
        entry.delete()


# Reviews


def mark_reviewed(
    *, by: Membership, entry: RegisterEntry, now: datetime | None = None
) -> RegisterEntry:
    _check_manager(by, entry.organisation_id)
    now = now or timezone.now()
    with transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).update(last_reviewed_at=now)
        before = entry.last_reviewed_at
        entry.last_reviewed_at = now
        record_member_action(
            by,
            AuditAction.REGISTER_ENTRY_REVIEWED,
            entry,
            before={"last_reviewed_at": before.isoformat() if before else None},
            after={"last_reviewed_at": now.isoformat()},
        )
    return entry


def confirm_register(*, by: Membership, now: datetime | None = None) -> int:
    """The register is correct as it stands: every entry counts as reviewed now."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    now = now or timezone.now()
    sync_connected_accounts(organisation=by.organisation, now=now)
    with transaction.atomic():
        count = RegisterEntry.objects.filter(organisation=by.organisation).update(
            last_reviewed_at=now
        )
        record_member_action(
            by,
            AuditAction.REGISTER_CONFIRMED,
            by.organisation,
            after={"entries": count, "reviewed_at": now.isoformat()},
        )
    return count


def update_register_settings(*, by: Membership, review_every_days: int) -> RegisterSettings:
    check_capability(by, Capability.MANAGE_SETTINGS)
    settings = selectors.register_settings_for(organisation=by.organisation)
    if not 1 <= review_every_days <= 730:
        raise ValidationError(
            {"review_every_days": _("Choose between 1 and 730 days (two years).")}
        )
    before = {"review_every_days": settings.review_every_days}
    if before["review_every_days"] == review_every_days:
        return settings
    with transaction.atomic():
        settings.review_every_days = review_every_days
        settings.save(update_fields=["review_every_days"])
        record_member_action(
            by,
            AuditAction.REGISTER_SETTINGS_CHANGED,
            settings,
            before=before,
            after={"review_every_days": review_every_days},
        )
    return settings


def send_review_reminders(*, now: datetime | None = None) -> int:
    """Tell owners and admins which entries are due for review, once per due period.

    Returns how many organisations were reminded.
    """
    now = now or timezone.now()
    organisations = Organisation.objects.filter(register_entries__isnull=False).distinct()
    reminded = 0
    for organisation in organisations:
        if _remind(organisation, now=now):
            reminded += 1
    return reminded


def _remind(organisation: Organisation, *, now: datetime) -> bool:
    every = selectors.register_settings_for(organisation=organisation).review_every
    due = [
        entry
        for entry in selectors.entries_due_for_review(organisation=organisation, now=now)
        if entry.review_reminded_at is None
        or entry.review_reminded_at < entry.review_due_at(every=every)
    ]
    if not due:
        return False
    managers = Membership.objects.filter(
        organisation=organisation, is_active=True, role__in=(Role.OWNER, Role.ADMIN)
    )
    with transaction.atomic():
        RegisterEntry.objects.filter(pk__in=[entry.pk for entry in due]).update(
            review_reminded_at=now
        )
        for manager in managers:
            notify(
                member=manager,
                kind=NotificationKind.REGISTER_REVIEW_DUE,
                params={"count": len(due)},
                url=register_url(organisation),
            )
    return True


# Delegated access


def _delegation_state(delegation: Delegation) -> dict[str, Any]:
    return {
        "member": delegation.member_id,
        "entry": delegation.entry_id,
        "level": delegation.level,
        "active": delegation.is_active,
    }


def grant_delegation(
    *,
    by: Membership,
    entry: RegisterEntry,
    member: Membership,
    level: str,
    now: datetime | None = None,
) -> Delegation:
    """Give a member delegated access to a company-owned account; a new level replaces the old."""
    _check_manager(by, entry.organisation_id)
    errors: dict[str, str] = {}
    if not entry.is_delegable:
        raise ValidationError(_("Only company-owned accounts can be delegated."))
    if member.organisation_id != entry.organisation_id or not member.is_active:
        errors["member"] = _("Choose an active member of your organisation.")
    elif entry.connected_account is not None and entry.connected_account.member_id == member.pk:
        errors["member"] = _("This member connected the account and already uses it.")
    if level not in DelegationLevel.values:
        errors["level"] = _("Choose what the member may do with the account.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Delegation.objects.select_for_update()
            .filter(entry=entry, member=member, revoked_at__isnull=True)
            .first()
        )
        if current is not None and current.level == level:
            raise ValidationError({"member": _("This member already has this access.")})
        before = None
        if current is not None:
            before = _delegation_state(current)
            Delegation.objects.filter(pk=current.pk).update(revoked_at=now, revoked_by=by)
        delegation = Delegation.objects.create(
            entry=entry, member=member, level=level, granted_by=by, granted_at=now
        )
        record_member_action(
            by,
            AuditAction.DELEGATION_GRANTED,
            delegation,
            before=before,
            after=_delegation_state(delegation),
        )
    return delegation


def revoke_delegation(
    *, by: Membership, delegation: Delegation, now: datetime | None = None
) -> list[Post]:
    """End a delegation; the delegate's posts to the account that have not gone out are cancelled.

    Returns the posts cancelled.
    """
    _check_manager(by, delegation.entry.organisation_id)
    now = now or timezone.now()
    with transaction.atomic():
        changed = Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by
        )
        if not changed:
            raise ValidationError(_("This access was already revoked."))
        before = _delegation_state(delegation)
        delegation.revoked_at, delegation.revoked_by = now, by
        cancelled = _cancel_delegated_posts(delegation, now=now)
        record_member_action(
            by,
            AuditAction.DELEGATION_REVOKED,
            delegation,
            before=before,
            after={**_delegation_state(delegation), "cancelled_posts": len(cancelled)},
        )
    return cancelled


def revoke_delegations_of(
    *, by: Membership, member: Membership, now: datetime | None = None
) -> list[Delegation]:
    """Revoke every delegation a member holds (offboarding); returns those revoked."""
    revoked = list(selectors.active_delegations_of(member=member))
    for delegation in revoked:
        revoke_delegation(by=by, delegation=delegation, now=now)
    return revoked


def _cancel_delegated_posts(delegation: Delegation, *, now: datetime) -> list[Post]:
    account_id = delegation.entry.connected_account_id
    if account_id is None:
        return []
    return cancel_pending_posts(
        posts=Post.objects.filter(
            member_id=delegation.member_id, account_id=account_id, state__in=PENDING_STATES
        ),
        reason=_("Your delegated access to %(account)s was revoked.")
        % {"account": delegation.entry},
        now=now,
    )
