"""Reads for the account register, and the delegated access the composer and publisher ask about."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post
from chorus.register.models import (
    Delegation,
    DelegationLevel,
    Ownership,
    RegisterEntry,
    RegisterSettings,
)


def register_settings_for(*, organisation: Organisation) -> RegisterSettings:
    """The organisation's register settings, created with the defaults on first use."""
    settings, _created = RegisterSettings.objects.get_or_create(organisation=organisation)
    return settings


def _active_delegations() -> QuerySet[Delegation]:
    return Delegation.objects.filter(revoked_at__isnull=True).select_related("member__user")


def entries_of(
    *, organisation: Organisation, network: str = "", ownership: str = ""
) -> QuerySet[RegisterEntry]:
    entries = RegisterEntry.objects.filter(organisation=organisation)
    if network:
        entries = entries.filter(network=network)
    if ownership:
        entries = entries.filter(ownership=ownership)
    return entries.select_related("responsible__user", "connected_account").prefetch_related(
        Prefetch("delegations", queryset=_active_delegations(), to_attr="active_delegations")
    )


def delegations_of_entry(*, entry: RegisterEntry) -> QuerySet[Delegation]:
    """Every delegation of the entry, live ones first, then the history."""
    return (
        Delegation.objects.filter(entry=entry)
        .select_related("member__user", "granted_by__user", "revoked_by__user")
        .order_by("revoked_at", "-granted_at", "-pk")
    )


def delegable_members(*, entry: RegisterEntry) -> QuerySet[Membership]:
    """Active members who could be given access: not the account's own connector."""
    members = Membership.objects.filter(organisation_id=entry.organisation_id, is_active=True)
    if entry.connected_account is not None:
        members = members.exclude(pk=entry.connected_account.member_id)
    return members.select_related("user").order_by("user__full_name", "user__email")


def entries_due_for_review(
    *, organisation: Organisation, now: datetime | None = None
) -> list[RegisterEntry]:
    now = now or timezone.now()
    every = register_settings_for(organisation=organisation).review_every
    entries = RegisterEntry.objects.filter(organisation=organisation)
    return [entry for entry in entries if entry.review_due_at(every=every) <= now]


def active_delegations_of(*, member: Membership) -> QuerySet[Delegation]:
    return Delegation.objects.filter(member=member, revoked_at__isnull=True).select_related(
        "entry__connected_account"
    )


# Delegated posting: what the composer offers and the publisher holds.


def delegated_accounts(*, member: Membership) -> QuerySet[ConnectedAccount]:
    """Company accounts, connected in Chorus and taking part, the member is a delegate of."""
    return (
        ConnectedAccount.objects.filter(
            organisation_id=member.organisation_id,
            owned_by_company=True,
            status=AccountStatus.ACTIVE,
            takes_part=True,
            register_entry__ownership=Ownership.COMPANY,
            register_entry__delegations__member=member,
            register_entry__delegations__revoked_at__isnull=True,
        )
        .exclude(member=member)
        .distinct()
    )


def delegation_for(*, member: Membership, account: ConnectedAccount) -> Delegation | None:
    """The member's live delegation on a company account; never one on a personal account."""
    if not account.owned_by_company or account.member_id == member.pk:
        return None
    return Delegation.objects.filter(
        member=member,
        revoked_at__isnull=True,
        entry__connected_account=account,
        entry__ownership=Ownership.COMPANY,
    ).first()


def is_delegate(*, member: Membership, account: ConnectedAccount) -> bool:
    return delegation_for(member=member, account=account) is not None


def needs_manager_review(*, post: Post) -> bool:
    """A post a draft-level delegate wrote for a company account waits for a reviewer."""
    if post.member is None or post.account is None:
        return False
    delegation = delegation_for(member=post.member, account=post.account)
    return delegation is not None and delegation.level == DelegationLevel.DRAFT
