from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    # Network credentials; the networks package encrypts them at rest.
    credentials = models.TextField(blank=True, default="")
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
