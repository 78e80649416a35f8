from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.networks.connectors.base import AppCredentials, Credentials
from chorus.networks.encryption import EncryptedCredentialsField, EncryptedTextField
from chorus.networks.networks import Network, profile_for
from chorus.orgs.models import Membership, Organisation


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Connected")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    DISCONNECTED = "disconnected", _("Disconnected")


class ConnectedAccount(models.Model):
    """A member's account on a network that Chorus may post to, with their leave.

    ``takes_part`` is the member's own choice of which accounts join the advocacy
    programme; a connected account never posts anything until it is chosen.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    external_id = models.CharField(_("account id on the network"), max_length=255)
    handle = models.CharField(_("handle"), max_length=255)
    display_name = models.CharField(_("display name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    takes_part = models.BooleanField(_("takes part in the programme"), default=False)
    daily_cap = models.PositiveSmallIntegerField(
        _("posts per day at most"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the network's default."),
    )
    # The member's server on federated networks: a Mastodon instance or a Bluesky PDS.
    server = models.CharField(_("server"), max_length=255, blank=True)
    # A company-owned page (Facebook, Instagram), connected by someone who manages it.
    owned_by_company = models.BooleanField(_("owned by the company"), default=False)
    credentials = EncryptedCredentialsField(blank=True, default=Credentials)
    # When the current token stops working unless refreshed; None: it does not expire.
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # Reconnect reminders sent for the current token: 1 a week before expiry, 2 at expiry.
    expiry_reminders_sent = models.PositiveSmallIntegerField(default=0)
    followers_count = models.PositiveIntegerField(null=True, blank=True)
    followers_checked_at = models.DateTimeField(null=True, blank=True)
    # The network asked Chorus to wait before reading this account's data again.
    reads_paused_until = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=500, blank=True, default="")
    connected_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "network", "external_id"],
                condition=~Q(status="disconnected"),
                name="one_live_connection_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} {self.handle}"

    def __repr__(self) -> str:
        return f"<ConnectedAccount {self.pk} {self.network} {self.handle}>"

    @property
    def effective_daily_cap(self) -> int:
        return self.daily_cap or profile_for(self.network).default_daily_cap

    @property
    def can_post(self) -> bool:
        return self.status == AccountStatus.ACTIVE and self.takes_part


class OutboxPost(models.Model):
    """A post the development outbox recorded instead of sending it to any network."""

    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.CASCADE, related_name="outbox_posts"
    )
    # One record per key: a retried or recovered post is recognised, never recorded twice.
    idempotency_key = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    link_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Outbox {self.account.handle}: {self.text[:40]}"


class NetworkApp(models.Model):
    """An organisation's own app on a network: whether members may connect it, and its
    OAuth client. Networks that need a client (LinkedIn, X, Facebook, Instagram) are
    hidden until it is configured; Bluesky and Mastodon need none, only ``enabled``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="network_apps"
    )
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    enabled = models.BooleanField(_("members may connect accounts"), default=True)
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "network"], name="one_app_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_network_display()} app"

    @property
    def credentials(self) -> AppCredentials | None:
        if not self.client_id:
            return None
        return AppCredentials(client_id=self.client_id, client_secret=self.client_secret)


class InstanceApp(models.Model):
    """The app Chorus registered on a federated server (a Mastodon instance) by itself."""

    network = models.CharField(max_length=20, choices=Network.choices)
    server = models.CharField(max_length=255)
    redirect_uri = models.CharField(max_length=500)
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "server", "redirect_uri"], name="one_app_per_instance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} app on {self.server}"

    @property
    def credentials(self) -> AppCredentials:
        return AppCredentials(client_id=self.client_id, client_secret=self.client_secret)


class FollowerSnapshot(models.Model):
    """An account's follower count on one day, so its owner can see their growth."""

    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.CASCADE, related_name="follower_snapshots"
    )
    day = models.DateField()
    followers = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["account", "day"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="one_snapshot_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.day}: {self.followers}"
