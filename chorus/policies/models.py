from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post

MAX_POLICY_LENGTH = 100_000


class PolicyVersion(models.Model):
    """One published version of an organisation's social media policy, kept for good.

    A major version (x.0) asks everyone to accept it again; a minor one (x.y) only
    fixes wording, so accepting any version of a major counts for all its minor ones.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="policy_versions"
    )
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField()
    text = models.TextField(_("policy"), max_length=MAX_POLICY_LENGTH)
    summary = models.CharField(_("what changed"), max_length=500)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "major", "minor"], name="one_policy_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.organisation})"

    @property
    def number(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_major(self) -> bool:
        return self.minor == 0


class PolicyDraft(models.Model):
    """The text an owner or admin is working on; nobody else sees it until it is published."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="policy_draft"
    )
    text = models.TextField(_("policy"), max_length=MAX_POLICY_LENGTH)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Policy draft of {self.organisation}"


class Acknowledgment(models.Model):
    """A member read and accepted one version of the policy, at that time."""

    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="policy_acknowledgments"
    )
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgments"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="one_acknowledgment")
        ]

    def __str__(self) -> str:
        return f"{self.member} accepted {self.version.number}"


class PolicyPause(models.Model):
    """A post held back until its owner accepts the policy version that paused it."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="policy_pause")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    paused_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Post {self.post_id} paused for policy {self.version_id}"


class PolicyReminder(models.Model):
    """An owner or admin asked this member to accept the policy: at most one a day each."""

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["member", "sent_at"])]

    def __str__(self) -> str:
        return f"Reminder to {self.member} at {self.sent_at:%Y-%m-%d %H:%M}"
