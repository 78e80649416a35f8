"""Choosing which company Pages (Facebook) or Instagram business accounts to connect.

One Facebook sign-in can manage several Pages, so the network's callback does not
connect an account: it holds the person's sign-in (``hold_sign_in``) and sends
them to the page choice, which lists what that sign-in manages and connects the
chosen ones as company accounts.

The sign-in's user token is held in the member's server-side session only,
encrypted, for ``SIGN_IN_HOLD`` at most, and forgotten once the choice is made.
Page tokens are never held at all: the choice is checked against a fresh list
read from the network, and only page ids travel through the browser.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.networks import services
from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import Connection, ConnectorError, Credentials
from chorus.networks.encryption import decrypt, encrypt
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import Network
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability

SESSION_KEY = "chorus_page_sign_in"
# Long enough to choose, short enough that a forgotten tab does not keep a user token.
SIGN_IN_HOLD = timedelta(minutes=10)
# Connecting company accounts is managing the organisation's presence: admins and owners.
CAPABILITY = Capability.MANAGE_SETTINGS
PAGE_NETWORKS = frozenset({Network.FACEBOOK, Network.INSTAGRAM})


@runtime_checkable
class PageListingConnector(Protocol):
    """Connectors whose sign-in manages several company accounts to choose from."""

    def list_pages(self, credentials: Credentials) -> list[Connection]: ...


@dataclass(frozen=True, kw_only=True)
class HeldSignIn:
    network: str
    member_id: int
    name: str
    credentials: Credentials
    held_at: datetime


@dataclass(frozen=True, kw_only=True)
class PageChoice:
    """A Page or Instagram account the member may connect; no token in sight."""

    external_id: str
    handle: str
    display_name: str
    # Who in the organisation already connected it, if anyone.
    connected_by: Membership | None = None


def choose_page_url(*, member: Membership) -> str:
    return reverse("networks:choose_page", kwargs={"org": member.organisation.slug})


def hold_sign_in(
    *,
    session: SessionBase,
    by: Membership,
    network: str,
    connection: Connection,
    now: datetime | None = None,
) -> None:
    """Keep a person's network sign-in until they choose which accounts to connect.

    Called by the network's sign-in callback instead of connecting an account.
    """
    check_capability(by, CAPABILITY)
    if network not in PAGE_NETWORKS:
        raise ValidationError(_("This network connects accounts directly."))
    session[SESSION_KEY] = {
        "network": network,
        "member_id": by.pk,
        "name": connection.display_name or connection.handle,
        "credentials": encrypt(json.dumps(connection.credentials.to_json())),
        "held_at": (now or timezone.now()).isoformat(),
    }


def held_sign_in(
    *, session: SessionBase, by: Membership, now: datetime | None = None
) -> HeldSignIn | None:
    """The member's sign-in waiting for a choice; None if there is none or it is too old."""
    check_capability(by, CAPABILITY)
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("member_id") != by.pk:
        return None
    held_at = datetime.fromisoformat(stored["held_at"])
    if held_at + SIGN_IN_HOLD < (now or timezone.now()):
        forget_sign_in(session=session)
        return None
    return HeldSignIn(
        network=stored["network"],
        member_id=by.pk,
        name=stored["name"],
        credentials=Credentials.from_json(json.loads(decrypt(stored["credentials"]))),
        held_at=held_at,
    )


def forget_sign_in(*, session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def _pages_of(held: HeldSignIn) -> list[Connection]:
    connector = get_connector(held.network)
    assert isinstance(connector, PageListingConnector)
    try:
        return connector.list_pages(held.credentials)
    except ConnectorError as error:
        raise ValidationError(
            _("%(network)s did not list your pages: %(reason)s")
            % {"network": Network(held.network).label, "reason": error.reason}
        ) from None


def _connected_in_organisation(
    by: Membership, network: str, external_ids: list[str]
) -> dict[str, ConnectedAccount]:
    accounts = (
        ConnectedAccount.objects.filter(
            organisation=by.organisation, network=network, external_id__in=external_ids
        )
        .exclude(status=AccountStatus.DISCONNECTED)
        .select_related("member__user")
    )
    return {account.external_id: account for account in accounts}


def pages_to_choose(*, by: Membership, held: HeldSignIn) -> list[PageChoice]:
    """What the held sign-in manages, read from the network now."""
    pages = _pages_of(held)
    connected = _connected_in_organisation(by, held.network, [p.external_id for p in pages])
    return [
        PageChoice(
            external_id=page.external_id,
            handle=page.handle,
            display_name=page.display_name,
            connected_by=(
                connected[page.external_id].member if page.external_id in connected else None
            ),
        )
        for page in pages
    ]


def connect_pages(
    *,
    session: SessionBase,
    by: Membership,
    external_ids: list[str],
    now: datetime | None = None,
) -> list[ConnectedAccount]:
    """Connect the chosen Pages or Instagram accounts as company accounts.

    Each must be among those the held sign-in manages, read again from the
    network; one a colleague already connected is left to them.
    """
    now = now or timezone.now()
    held = held_sign_in(session=session, by=by, now=now)
    if held is None:
        raise ValidationError(_("Your sign-in has expired. Sign in to connect pages again."))
    chosen = list(dict.fromkeys(external_ids))
    if not chosen:
        raise ValidationError({"pages": _("Choose at least one page to connect.")})
    pages = {page.external_id: page for page in _pages_of(held)}
    if unknown := [external_id for external_id in chosen if external_id not in pages]:
        raise ValidationError(
            {"pages": _("Your sign-in does not manage %(ids)s.") % {"ids": ", ".join(unknown)}}
        )
    connected = _connected_in_organisation(by, held.network, chosen)
    if taken := [pages[i].handle for i in chosen if i in connected and connected[i].member != by]:
        raise ValidationError(
            {"pages": _("A colleague already connected %(pages)s.") % {"pages": ", ".join(taken)}}
        )
    with transaction.atomic():
        accounts = [
            services.connect_account(
                by=by,
                network=held.network,
                connection=pages[external_id],
                owned_by_company=True,
                now=now,
            )
            for external_id in chosen
        ]
    forget_sign_in(session=session)
    return accounts
