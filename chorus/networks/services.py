"""Changes to members' connected accounts. Every change a member makes is audited.

Connecting through a real network's sign-in flow comes with that network's
connector; the steps shared by every network (``mark_needs_reconnect``,
``mark_reconnected``, ``disconnect_account``) live here so those flows reuse them.
"""

import base64
import hashlib
import random
import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.networks import selectors
from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import (
    Connection,
    ConnectorError,
    Credentials,
    OAuthConnector,
    PasswordConnector,
)
from chorus.networks.http import check_server
from chorus.networks.models import AccountStatus, ConnectedAccount, NetworkApp
from chorus.networks.networks import ConnectMethod, Network, NetworkProfile, profile_for
from chorus.notifications.models import NotificationKind
from chorus.notifications.services import notify
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability
from chorus.publishing.models import Post, PostState
from chorus.publishing.services import cancel_pending_posts
from chorus.sharing import replanning

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
    *,
    account: ConnectedAccount,
    credentials: Credentials | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> int:
    """The account works again: its overdue posts get new times. Returns how many."""
    now = now or timezone.now()
    updates: dict[str, Any] = {
        "status": AccountStatus.ACTIVE,
        "status_reason": "",
        "status_changed_at": now,
    }
    if credentials is not None:
        updates["credentials"] = credentials
        updates["token_expires_at"] = credentials.expires_at
        updates["expiry_reminders_sent"] = 0
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(**updates)
        for field, value in updates.items():
            setattr(account, field, value)
        return _replan_overdue_posts(account, now=now, rng=rng or random.Random())


def _replan_overdue_posts(account: ConnectedAccount, *, now: datetime, rng: random.Random) -> int:
    """Posts whose time passed while the account waited are spread again, not sent in a burst.

    Each gets the earliest free time from now that keeps its author's gap, working hours
    and the account's daily cap. One that finds no room before its activity expires is
    due at once, as it would have been.
    """
    overdue = Post.objects.filter(
        account=account, state=PostState.SCHEDULED, next_attempt_at__lte=now
    )
    by_member: dict[Membership | None, list[Post]] = defaultdict(list)
    for post in overdue.select_related("account", "activity", "member"):
        by_member[post.member].append(post)
    # One scheduling change at a time per member, as when they schedule posts themselves.
    locked = [member.pk for member in by_member if member is not None]
    list(Membership.objects.select_for_update().filter(pk__in=locked).order_by("pk"))
    for member, posts in by_member.items():
        times = {}
        if member is not None:
            times = replanning.next_free_times(member=member, posts=posts, now=now, rng=rng)
        for post in posts:
            when = times.get(post.pk, now)
            Post.objects.filter(pk=post.pk, state=PostState.SCHEDULED).update(
                scheduled_for=when, next_attempt_at=when
            )
    return sum(len(posts) for posts in by_member.values())


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
    before = {"status": account.status, **_settings_of(account)}
    with transaction.atomic():
        cancelled = forget_account(
            account=account,
            reason=_("You disconnected %(account)s.") % {"account": account},
            now=now,
        )
        record_member_action(
            by,
            AuditAction.ACCOUNT_DISCONNECTED,
            account,
            before=before,
            after={"status": account.status, "cancelled_posts": len(cancelled)},
        )
    return cancelled


def forget_account(
    *, account: ConnectedAccount, reason: str, now: datetime | None = None
) -> list[Post]:
    """Mark the account disconnected, wipe its stored credentials, cancel its waiting posts."""
    now = now or timezone.now()
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(
            status=AccountStatus.DISCONNECTED,
            status_reason="",
            status_changed_at=now,
            credentials=Credentials(),
            token_expires_at=None,
            takes_part=False,
        )
        account.refresh_from_db()
        return _cancel_posts_of(account, reason=reason, now=now)


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


# Connecting real networks


# How long a member has to sign in on the network before the attempt is forgotten.
AUTHORIZATION_TIMEOUT = timedelta(minutes=10)


def _connectable_profile(by: Membership, network: str, method: ConnectMethod) -> NetworkProfile:
    profile = next(
        (p for p in selectors.connectable_networks(member=by) if p.network == network), None
    )
    if profile is None or profile.connect_method != method:
        raise ValidationError(_("Your organisation does not offer this network in Chorus."))
    return profile


def _server_for(profile: NetworkProfile, server: str) -> str:
    if not profile.names_server:
        return ""
    server = server.strip() or profile.default_server
    if not server:
        raise ValidationError({"server": _("Give your server's address, such as mastodon.social.")})
    try:
        return check_server(server)
    except ValidationError as error:
        raise ValidationError({"server": error.messages}) from None


def connect_account(
    *,
    by: Membership,
    network: str,
    connection: Connection,
    owned_by_company: bool = False,
    now: datetime | None = None,
) -> ConnectedAccount:
    """Record an account the member just signed in to; signing in again reconnects it.

    A new account does not take part in the programme until its owner chooses it.
    """
    if owned_by_company:
        check_capability(by, Capability.MANAGE_SETTINGS)
    elif profile_for(network).company_pages_only:
        raise ValidationError(_("Chorus posts to this network only for company pages."))
    now = now or timezone.now()
    with transaction.atomic():
        existing = (
            ConnectedAccount.objects.select_for_update()
            .filter(member=by, network=network, external_id=connection.external_id)
            .exclude(status=AccountStatus.DISCONNECTED)
            .first()
        )
        if existing is not None:
            return _reconnect_with(by, existing, connection, now=now)
        account = ConnectedAccount.objects.create(
            organisation=by.organisation,
            member=by,
            network=network,
            external_id=connection.external_id,
            handle=connection.handle[:255],
            display_name=connection.display_name[:255],
            server=connection.server,
            owned_by_company=owned_by_company,
            credentials=connection.credentials,
            token_expires_at=connection.credentials.expires_at,
            connected_at=now,
            status_changed_at=now,
        )
        record_member_action(
            by,
            AuditAction.ACCOUNT_CONNECTED,
            account,
            after={**_settings_of(account), "owned_by_company": owned_by_company},
        )
    return account


def _reconnect_with(
    by: Membership, account: ConnectedAccount, connection: Connection, *, now: datetime
) -> ConnectedAccount:
    was = account.status
    mark_reconnected(account=account, credentials=connection.credentials, now=now)
    changed = {"handle": connection.handle[:255], "display_name": connection.display_name[:255]}
    ConnectedAccount.objects.filter(pk=account.pk).update(**changed)
    for field, value in changed.items():
        setattr(account, field, value)
    record_member_action(
        by,
        AuditAction.ACCOUNT_RECONNECTED,
        account,
        before={"status": was},
        after={"status": account.status},
    )
    return account


def connect_with_password(
    *,
    by: Membership,
    network: str,
    server: str,
    identifier: str,
    password: str,
    now: datetime | None = None,
) -> ConnectedAccount:
    """Connect with an app password (Bluesky). The password itself is never stored."""
    profile = _connectable_profile(by, network, ConnectMethod.APP_PASSWORD)
    server_url = _server_for(profile, server)
    identifier = identifier.strip().lstrip("@")
    errors = {}
    if not identifier:
        errors["identifier"] = _("Give your handle or the email address you sign in with.")
    if not password.strip():
        errors["password"] = _("Give an app password you created for Chorus.")
    if errors:
        raise ValidationError(errors)
    connector = get_connector(network)
    assert isinstance(connector, PasswordConnector)
    try:
        connection = connector.connect_with_password(
            server=server_url, identifier=identifier, password=password.strip()
        )
    except ConnectorError as error:
        raise ValidationError(
            _("%(network)s did not accept this sign-in: %(reason)s")
            % {"network": profile.network.label, "reason": error.reason}
        ) from None
    return connect_account(by=by, network=network, connection=connection, now=now)


@dataclass(frozen=True, kw_only=True)
class PendingAuthorization:
    """A sign-in on a network that has started and not yet come back.

    Kept in the member's own session (never in the page) until the network calls back.
    """

    organisation_id: int
    member_id: int
    network: str
    server: str
    state: str
    code_verifier: str
    redirect_uri: str
    started_at: str
    company_page: bool = False

    def to_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> Self:
        return cls(**data)

    def has_expired(self, now: datetime) -> bool:
        return datetime.fromisoformat(self.started_at) + AUTHORIZATION_TIMEOUT < now


def _code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _app_for(by: Membership, network: str) -> NetworkApp | None:
    return NetworkApp.objects.filter(organisation=by.organisation, network=network).first()


def start_authorization(
    *,
    by: Membership,
    network: str,
    server: str = "",
    redirect_uri: str,
    now: datetime | None = None,
) -> tuple[str, PendingAuthorization]:
    """Where to send the member to sign in on the network, and what to keep until it returns."""
    profile = _connectable_profile(by, network, ConnectMethod.OAUTH)
    server_url = _server_for(profile, server)
    app = _app_for(by, network)
    connector = get_connector(network)
    assert isinstance(connector, OAuthConnector)
    pending = PendingAuthorization(
        organisation_id=by.organisation_id,
        member_id=by.pk,
        network=network,
        server=server_url,
        state=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        redirect_uri=redirect_uri,
        started_at=(now or timezone.now()).isoformat(),
        company_page=profile.company_pages_only,
    )
    try:
        url = connector.authorization_url(
            app=app.credentials if app else None,
            server=server_url,
            redirect_uri=redirect_uri,
            state=pending.state,
            code_challenge=_code_challenge(pending.code_verifier),
        )
    except ConnectorError as error:
        raise ValidationError(
            _("Chorus could not start signing in to %(network)s: %(reason)s")
            % {"network": profile.network.label, "reason": error.reason}
        ) from None
    return url, pending


def complete_authorization(
    *,
    by: Membership,
    pending: PendingAuthorization,
    state: str,
    code: str,
    error: str = "",
    now: datetime | None = None,
) -> Connection:
    """Exchange the network's answer for the account's identity and credentials.

    Refuses answers that do not belong to this member's own sign-in (a forged or
    replayed callback) and sign-ins left too long.
    """
    now = now or timezone.now()
    if not secrets.compare_digest(pending.state, state) or pending.member_id != by.pk:
        raise ValidationError(_("This sign-in did not start here. Start connecting again."))
    if pending.has_expired(now):
        raise ValidationError(_("Signing in took too long. Start connecting again."))
    label = profile_for(pending.network).network.label
    if error or not code:
        raise ValidationError(
            _("%(network)s did not connect the account (%(reason)s).")
            % {"network": label, "reason": error or _("no answer")}
        )
    app = _app_for(by, pending.network)
    connector = get_connector(pending.network)
    assert isinstance(connector, OAuthConnector)
    try:
        return connector.complete_authorization(
            app=app.credentials if app else None,
            server=pending.server,
            redirect_uri=pending.redirect_uri,
            code=code,
            code_verifier=pending.code_verifier,
        )
    except ConnectorError as failure:
        raise ValidationError(
            _("%(network)s did not connect the account: %(reason)s")
            % {"network": label, "reason": failure.reason}
        ) from None


def update_network_app(
    *,
    by: Membership,
    network: str,
    enabled: bool,
    client_id: str = "",
    client_secret: str | None = None,
    now: datetime | None = None,
) -> NetworkApp:
    """Turn a network on or off for the organisation, with its own app's client.

    ``client_secret=None`` keeps the stored secret (forms never show it back).
    """
    check_capability(by, Capability.MANAGE_SETTINGS)
    profile = profile_for(network)
    if network == Network.OUTBOX:
        raise ValidationError(_("The development outbox is switched on or off by the server."))
    client_id = client_id.strip()
    app = _app_for(by, network) or NetworkApp(organisation=by.organisation, network=network)
    before = (
        {"enabled": app.enabled, "client_id": app.client_id, "has_secret": bool(app.client_secret)}
        if app.pk
        else None
    )
    secret = app.client_secret if client_secret is None else client_secret.strip()
    if profile.needs_app and enabled and not (client_id and secret):
        raise ValidationError(
            {
                "client_id": _(
                    "%(network)s needs your app's client ID and secret before members can connect."
                )
                % {"network": profile.network.label}
            }
        )
    app.enabled, app.client_id, app.client_secret = enabled, client_id, secret
    app.updated_at = now or timezone.now()
    with transaction.atomic():
        app.save()
        record_member_action(
            by,
            AuditAction.NETWORK_APP_CHANGED,
            app,
            before=before,
            after={"enabled": app.enabled, "client_id": app.client_id, "has_secret": bool(secret)},
        )
    return app
