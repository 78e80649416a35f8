from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.orgs.models import Membership, Organisation


class RevokeOutcome(models.TextChoices):
    REVOKED = "revoked", _("Revoked at the network")
    NOT_REVOKED = "not_revoked", _("Not revoked at the network")
    NOTHING_TO_REVOKE = "nothing", _("Nothing to revoke at the network")


class OffboardingReport(models.Model):
    """What offboarding a member took away, and what someone still has to do by hand.

    The lists are snapshots taken at the time, so the report reads the same later
    whatever becomes of the accounts. Company accounts are listed so that any
    credentials held outside Chorus get rotated.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offboarding_reports"
    )
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="offboarding_reports"
    )
    member_name = models.CharField(max_length=150)
    member_email = models.EmailField()
    by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # [{"network", "handle", "how": delegation/connected/responsible, "level", "credentials",
    #   "place", "entry"}]
    company_accounts = models.JSONField(default=list, blank=True)
    # [{"network", "handle"}]
    personal_accounts = models.JSONField(default=list, blank=True)
    # [{"network", "handle", "company", "outcome": RevokeOutcome, "detail"}]
    tokens = models.JSONField(default=list, blank=True)
    posts_cancelled = models.PositiveIntegerField(default=0)
    pledges_withdrawn = models.PositiveIntegerField(default=0)
    delegations_revoked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Offboarding of {self.member_email}"

    @property
    def tokens_deleted(self) -> int:
        return len(self.tokens)

    @property
    def tokens_revoked(self) -> list[dict[str, object]]:
        return [token for token in self.tokens if token.get("outcome") == RevokeOutcome.REVOKED]

    @property
    def tokens_not_revoked(self) -> list[dict[str, object]]:
        return [token for token in self.tokens if token.get("outcome") == RevokeOutcome.NOT_REVOKED]
