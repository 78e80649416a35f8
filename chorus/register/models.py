"""The account register: every social account the organisation knows, and who holds it.

Ownership is written down per account, so nobody argues later about whose
followers they were. Accounts connected in Chorus are mirrored here by
``services.sync_connected_accounts``; the rest are added by hand.
"""

from datetime import datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import Network
from chorus.orgs.models import Membership, Organisation

DEFAULT_REVIEW_EVERY_DAYS = 90
OTHER_NETWORK = "other"
REGISTER_NETWORKS = [*Network.choices, (OTHER_NETWORK, _("Another network"))]


class Ownership(models.TextChoices):
    COMPANY = "company", _("Company-owned")
    BRANDED = "branded", _("Company-branded personal handle")
    PERSONAL = "personal", _("Personal")


class CredentialsHeld(models.TextChoices):
    IN_CHORUS = "chorus", _("In Chorus")
    OUTSIDE = "outside", _("Outside Chorus")


class DelegationLevel(models.TextChoices):
    # A draft goes to the reviewer queue before it may go out; see selectors.needs_manager_review.
    DRAFT = "draft", _("Draft")
    PUBLISH = "publish", _("Publish")


class RegisterSettings(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="register_settings"
    )
    review_every_days = models.PositiveSmallIntegerField(
        _("review the register every (days)"),
        default=DEFAULT_REVIEW_EVERY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )

    def __str__(self) -> str:
        return f"Register settings of {self.organisation}"

    @property
    def review_every(self) -> timedelta:
        return timedelta(days=self.review_every_days)


class RegisterEntry(models.Model):
    """One social account: whose it is, who answers for it, and where its credentials live."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="register_entries"
    )
    network = models.CharField(_("network"), max_length=20, choices=REGISTER_NETWORKS)
    handle = models.CharField(_("handle"), max_length=255)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    responsible = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person responsible"),
    )
    # Set for accounts connected in Chorus; those mirror the connection and are kept in step.
    connected_account = models.OneToOneField(
        ConnectedAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_entry",
    )
    credentials_held = models.CharField(
        _("credentials held"),
        max_length=10,
        choices=CredentialsHeld.choices,
        default=CredentialsHeld.OUTSIDE,
    )
    credentials_place = models.CharField(
        _("where the credentials are"),
        max_length=200,
        blank=True,
        help_text=_("For example: the marketing password manager."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    # When owners and admins were last reminded that this entry is due for review.
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network", "handle", "pk"]
        verbose_name_plural = _("register entries")

    def __str__(self) -> str:
        return f"{self.get_network_display()} {self.handle}"

    @property
    def is_connected(self) -> bool:
        return self.connected_account_id is not None

    @property
    def is_read_only(self) -> bool:
        """A member's own connected account: theirs alone, mirrored and never handed on."""
        return self.is_connected and self.ownership == Ownership.PERSONAL

    @property
    def is_delegable(self) -> bool:
        return self.ownership == Ownership.COMPANY

    @property
    def is_disconnected(self) -> bool:
        account = self.connected_account
        return account is not None and account.status == AccountStatus.DISCONNECTED

    def review_due_at(self, *, every: timedelta) -> datetime:
        return (self.last_reviewed_at or self.created_at) + every


class Delegation(models.Model):
    """A member's delegated access to a company-owned account, at one level, until revoked."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="delegations")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="delegations")
    level = models.CharField(_("level"), max_length=10, choices=DelegationLevel.choices)
    granted_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "member"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_delegation_per_member_and_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.entry} ({self.level})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
