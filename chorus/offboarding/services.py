"""Offboarding: when a member leaves, everything that could still post for them stops at once.

``offboard_member`` deactivates the member (ending their sessions), revokes their
delegated access, withdraws their rally pledges, cancels every post of theirs not
yet out, and deletes their network tokens, revoking them at the network where its
API allows. A network that cannot or will not revoke never stops the offboarding:
the report says so, and which company accounts need their credentials rotated.
The member's published history stays, attributed to them.
"""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import ConnectorError, NotSupported
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import Network
from chorus.networks.services import forget_account
from chorus.offboarding.models import OffboardingReport, RevokeOutcome
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.orgs.services import deactivate_member
from chorus.publishing.models import PENDING_STATES, Post, PostState
from chorus.publishing.services import cancel_pending_posts
from chorus.rallies.models import Pledge, RallyState
from chorus.rallies.services import withdraw
from chorus.register import selectors as register_selectors
from chorus.register import services as register_services
from chorus.register.models import CredentialsHeld, Ownership, RegisterEntry

logger = logging.getLogger(__name__)

# Page tokens cannot withdraw the grant they came from; the connectors say so and return.
NO_REVOKE_API = frozenset({Network.FACEBOOK, Network.INSTAGRAM})


def offboard_member(
    *, by: Membership, member: Membership, now: datetime | None = None
) -> OffboardingReport:
    """Deactivate the member and take away everything that could still post for them."""
    check_capability(by, Capability.MANAGE_PEOPLE)
    if member.organisation_id != by.organisation_id:
        raise ValidationError(_("This person is not a member of your organisation."))
    now = now or timezone.now()
    register_services.sync_connected_accounts(organisation=member.organisation, now=now)
    company_accounts = _company_accounts(member)
    with transaction.atomic():
        deactivate_member(by=by, member=member)
        pending = set(
            Post.objects.filter(member=member, state__in=PENDING_STATES).values_list(
                "pk", flat=True
            )
        )
        delegations = register_services.revoke_delegations_of(by=by, member=member, now=now)
        pledges = _withdraw_pledges(member, now=now)
        cancel_pending_posts(
            posts=Post.objects.filter(member=member, state__in=PENDING_STATES),
            reason=_("Its author left the organisation."),
            now=now,
        )
        cancelled = Post.objects.filter(pk__in=pending, state=PostState.CANCELLED).count()
    accounts = list(
        ConnectedAccount.objects.filter(member=member).exclude(status=AccountStatus.DISCONNECTED)
    )
    personal = [_named(a) for a in accounts if not a.owned_by_company]
    # One account at a time, each within the network timeout; a failure stops none of them.
    tokens = [_delete_token(account, now=now) for account in accounts]
    with transaction.atomic():
        report = OffboardingReport.objects.create(
            organisation=member.organisation,
            member=member,
            member_name=member.user.display_name[:150],
            member_email=member.user.email,
            by=by,
            started_at=now,
            finished_at=timezone.now(),
            company_accounts=company_accounts,
            personal_accounts=personal,
            tokens=tokens,
            posts_cancelled=cancelled,
            pledges_withdrawn=pledges,
            delegations_revoked=len(delegations),
        )
        record_member_action(
            by,
            AuditAction.MEMBER_OFFBOARDED,
            member,
            after={
                "report": report.pk,
                "delegations_revoked": len(delegations),
                "posts_cancelled": cancelled,
                "pledges_withdrawn": pledges,
                "tokens_deleted": len(tokens),
                "tokens_revoked": len(report.tokens_revoked),
            },
        )
    register_services.sync_connected_accounts(organisation=member.organisation, now=now)
    return report


def _named(account: ConnectedAccount) -> dict[str, Any]:
    return {"network": account.network, "handle": account.handle}


def _entry_facts(entry: RegisterEntry | None) -> dict[str, Any]:
    if entry is None:
        return {"entry": None, "credentials": CredentialsHeld.IN_CHORUS, "place": ""}
    return {
        "entry": entry.pk,
        "credentials": entry.credentials_held,
        "place": entry.credentials_place,
    }


def _company_accounts(member: Membership) -> list[dict[str, Any]]:
    """Company accounts the member could use: so whoever holds them knows what to rotate."""
    listed: list[dict[str, Any]] = []
    seen: set[int] = set()
    for delegation in register_selectors.active_delegations_of(member=member):
        entry = delegation.entry
        seen.add(entry.pk)
        listed.append(
            {
                "network": entry.network,
                "handle": entry.handle,
                "how": "delegation",
                "level": delegation.level,
                **_entry_facts(entry),
            }
        )
    pages = ConnectedAccount.objects.filter(member=member, owned_by_company=True).exclude(
        status=AccountStatus.DISCONNECTED
    )
    for page in pages:
        page_entry = RegisterEntry.objects.filter(connected_account=page).first()
        if page_entry is not None:
            seen.add(page_entry.pk)
        listed.append({**_named(page), "how": "connected", "level": "", **_entry_facts(page_entry)})
    responsible = RegisterEntry.objects.filter(
        responsible=member, ownership__in=(Ownership.COMPANY, Ownership.BRANDED)
    ).exclude(pk__in=seen)
    for entry in responsible:
        listed.append(
            {
                "network": entry.network,
                "handle": entry.handle,
                "how": "responsible",
                "level": "",
                **_entry_facts(entry),
            }
        )
    return listed


def _withdraw_pledges(member: Membership, *, now: datetime) -> int:
    """Withdraw every pledge still open; a fired rally's post is cancelled with the rest."""
    withdrawn = 0
    pledges = Pledge.objects.filter(
        member=member, withdrawn_at__isnull=True, rally__state=RallyState.OPEN
    ).select_related("rally")
    for pledge in pledges:
        try:
            withdraw(member=member, pledge=pledge, now=now)
        except ValidationError:
            continue  # the rally closed meanwhile: its post is cancelled below anyway
        withdrawn += 1
    return withdrawn


def _delete_token(account: ConnectedAccount, *, now: datetime) -> dict[str, Any]:
    company = account.owned_by_company
    outcome, detail = _revoke_at_network(account)
    forget_account(
        account=account,
        reason=_("%(account)s was disconnected because its owner left the organisation.")
        % {"account": account},
        now=now,
    )
    return {**_named(account), "company": company, "outcome": outcome, "detail": detail}


def _revoke_at_network(account: ConnectedAccount) -> tuple[str, str]:
    """Ask the network to invalidate the token: what came of it, and why if it did not."""
    credentials = account.credentials
    if not (credentials.access_token or credentials.refresh_token):
        return RevokeOutcome.NOTHING_TO_REVOKE, _("No token was stored for this account.")
    if account.network in NO_REVOKE_API:
        return RevokeOutcome.NOT_REVOKED, _(
            "%(network)s offers no way to revoke it from Chorus: remove Chorus's app in the "
            "account's settings on %(network)s."
        ) % {"network": account.get_network_display()}
    try:
        get_connector(account.network).revoke(account)
    except NotSupported as error:
        return RevokeOutcome.NOT_REVOKED, error.reason
    except ConnectorError as error:
        return RevokeOutcome.NOT_REVOKED, error.reason
    except Exception as error:
        # The class only: a message might carry a token.
        logger.exception("Revoking the token of account %s failed", account.pk)
        return RevokeOutcome.NOT_REVOKED, _("Unexpected error (%(error)s)") % {
            "error": type(error).__name__
        }
    return RevokeOutcome.REVOKED, ""
