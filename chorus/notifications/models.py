from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.orgs.models import Membership


class NotificationKind(models.TextChoices):
    NEW_ACTIVITIES = "new_activities", _("New activities")
    POST_PUBLISHED = "post_published", _("Post published")
    POST_FAILED = "post_failed", _("Post failed")
    ACCOUNT_NEEDS_RECONNECT = "account_needs_reconnect", _("Account needs reconnecting")
    ACCOUNT_EXPIRES_SOON = "account_expires_soon", _("Account connection expires soon")
    POSTS_CANCELLED = "posts_cancelled", _("Posts cancelled")
    RALLY_FIRED = "rally_fired", _("Rally goal reached")
    RALLY_MISSED = "rally_missed", _("Rally goal missed")
    CAMPAIGN_REVIEW = "campaign_review", _("Campaign review")
    PILOT_FEEDBACK = "pilot_feedback", _("Pilot feedback")
    POST_REVIEW_APPROVED = "post_review_approved", _("Post approved in review")
    # Social media policy
    POLICY_PUBLISHED = "policy_published", _("New social media policy")
    POLICY_REMINDER = "policy_reminder", _("Social media policy reminder")
    POSTS_PAUSED = "posts_paused", _("Posts paused")
    # Training
    # Account register
    REGISTER_REVIEW_DUE = "register_review_due", _("Account register review due")
    # Offboarding
    # Incentives


class Notification(models.Model):
    """Something a member should know. ``params`` fill the kind's message in their language."""

    # Its indexes below lead with the member: a launch inserts one row per participant.
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an email (immediate or digest) carried it.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "read_at"]),
            models.Index(fields=["member", "emailed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.member}"

    @property
    def message(self) -> str:
        """The notification in words, in the active language."""
        from chorus.notifications.messages import message_for

        return message_for(kind=self.kind, params=self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DigestFrequency(models.TextChoices):
    OFF = "off", _("Never")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


# Members who never chose get the weekly digest.
DEFAULT_DIGEST_FREQUENCY = DigestFrequency.WEEKLY


class DigestPreference(models.Model):
    """How often a member wants the email digest of new activities; no row means weekly."""

    member = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        _("email digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DEFAULT_DIGEST_FREQUENCY,
    )
    # When the last digest went out: a period's digest is sent only once.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} digest for {self.member}"
