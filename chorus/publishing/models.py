import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Activity
from chorus.core.ids import time_ordered_uuid
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership, Organisation


class PostState(models.TextChoices):
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # Held until its owner accepts the current social media policy.
    PAUSED = "paused", _("Paused")


PENDING_STATES = frozenset(
    {PostState.APPROVED, PostState.SCHEDULED, PostState.FAILED, PostState.PAUSED}
)


class PostSource(models.TextChoices):
    ACTIVITY = "activity", _("Campaign activity")
    RALLY = "rally", _("Rally")


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Post(models.Model):
    """One post its owner approved, on one of their accounts: the durable publishing record.

    ``text`` is the exact final text, disclosure included, as the owner approved it;
    ``approved_text_sha256`` lets the publisher refuse anything else.
    ``idempotency_key`` is the same across every attempt, so the network sees one post.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="posts")
    # Null once the owner deleted their account: the anonymous aggregate stays.
    # member, account and activity lead composite indexes (Meta), which serve their lookups;
    # an index of their own would only make every write of a post dearer.
    member = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        db_index=False,
    )
    account = models.ForeignKey(
        ConnectedAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        db_index=False,
    )
    network = models.CharField(_("network"), max_length=20)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        db_index=False,
    )
    source = models.CharField(
        max_length=10, choices=PostSource.choices, default=PostSource.ACTIVITY
    )
    text = models.TextField(_("text"))
    link_url = models.URLField(max_length=1000, blank=True)
    approved_text_sha256 = models.CharField(max_length=64)
    approved_at = models.DateTimeField(default=timezone.now)
    # Near-duplicate guard: the MinHash signature of the owner's own words.
    signature = models.JSONField(default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=PostState.choices, default=PostState.APPROVED
    )
    # When the owner wants it out, and when the publisher next tries (later after a failure).
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    publishing_started_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    idempotency_key = models.UUIDField(default=time_ordered_uuid, unique=True, editable=False)
    external_id = models.CharField(max_length=255, blank=True)
    external_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_for", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="scheduled"),
                name="post_due_idx",
            ),
            models.Index(
                fields=["publishing_started_at"],
                condition=Q(state="publishing"),
                name="post_in_flight_idx",
            ),
            models.Index(fields=["member", "state"]),
            models.Index(fields=["activity", "state"]),
            models.Index(fields=["account", "scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.text[:40]}"

    @property
    def text_is_as_approved(self) -> bool:
        return text_fingerprint(self.text) == self.approved_text_sha256

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES


class AttemptOutcome(models.TextChoices):
    STARTED = "started", _("Started")
    PUBLISHED = "published", _("Published")
    FOUND_PUBLISHED = "found_published", _("Found already published")
    TRANSIENT = "transient", _("Temporary error, will retry")
    RATE_LIMITED = "rate_limited", _("Rate limited, will retry")
    AUTH = "auth", _("Account needs reconnecting")
    PERMANENT = "permanent", _("Refused by the network")
    INTERRUPTED = "interrupted", _("Interrupted, checked and retried")
    REFUSED = "refused", _("Refused by Chorus")


class PublishAttempt(models.Model):
    """Every try at publishing a post, whatever came of it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=20, choices=AttemptOutcome.choices, default=AttemptOutcome.STARTED
    )
    detail = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.started_at:%Y-%m-%d %H:%M}"


class PostMetrics(models.Model):
    """What the network last said about a published post, refreshed with backoff."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="metrics")
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    next_refresh_at = models.DateTimeField(default=timezone.now, db_index=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "post metrics"

    def __str__(self) -> str:
        return f"Metrics of post {self.post_id}"
