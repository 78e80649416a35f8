from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.orgs.models import Membership


class NotificationKind(models.TextChoices):
    NEW_ACTIVITIES = "new_activities", _("New activities")
    POST_PUBLISHED = "post_published", _("Post published")
    POST_FAILED = "post_failed", _("Post failed")
    ACCOUNT_NEEDS_RECONNECT = "account_needs_reconnect", _("Account needs reconnecting")
    POSTS_CANCELLED = "posts_cancelled", _("Posts cancelled")
    RALLY_FIRED = "rally_fired", _("Rally goal reached")
    RALLY_MISSED = "rally_missed", _("Rally goal missed")
    CAMPAIGN_REVIEW = "campaign_review", _("Campaign review")
    PILOT_FEEDBACK = "pilot_feedback", _("Pilot feedback")


class Notification(models.Model):
    """Something a member should know. ``params`` fill the kind's message in their language."""

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
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
