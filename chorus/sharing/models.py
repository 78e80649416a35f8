from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Activity, Campaign
from chorus.orgs.models import Membership, Organisation


class DuplicateGuardMode(models.TextChoices):
    WARN = "warn", _("Warn, and let the employee post anyway")
    BLOCK = "block", _("Block until the text is their own")


DEFAULT_PROGRAMME_TERMS = _(
    "I choose to take part in my organisation's advocacy programme. Nothing is posted "
    "from my accounts unless I approved its exact text. I can leave at any time, and "
    "leaving cancels every post that has not gone out yet."
)


class AdvocacySettings(models.Model):
    """How an organisation runs its programme: disclosure, duplicate guard, terms."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="advocacy_settings"
    )
    disclosure = models.CharField(
        _("disclosure"),
        max_length=200,
        default="#employee",
        blank=True,
        help_text=_("Added to every post, e.g. “#employee” or “I work at Acme.”"),
    )
    duplicate_guard = models.CharField(
        _("near-duplicate guard"),
        max_length=10,
        choices=DuplicateGuardMode.choices,
        default=DuplicateGuardMode.WARN,
    )
    duplicate_threshold = models.FloatField(
        _("similarity threshold"),
        default=0.6,
        validators=[MinValueValidator(0.1), MaxValueValidator(1.0)],
        help_text=_("Texts at least this similar (0.1 to 1.0) to a colleague's count as copies."),
    )
    programme_terms = models.TextField(_("programme terms"), blank=True)
    programme_terms_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("advocacy settings")

    def __str__(self) -> str:
        return f"Advocacy settings of {self.organisation}"

    @property
    def terms_text(self) -> str:
        return self.programme_terms or str(DEFAULT_PROGRAMME_TERMS)


class ProgrammeConsent(models.Model):
    """A member's explicit decision to take part, with the terms they agreed to.

    Leaving sets ``left_at``; joining again makes a new record, so the history stays.
    """

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="consents")
    terms_version = models.PositiveIntegerField()
    terms_text = models.TextField()
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(left_at__isnull=True), name="one_open_consent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} joined {self.joined_at:%Y-%m-%d}"


class FeedState(models.TextChoices):
    NEW = "new", _("New")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class FeedEntry(models.Model):
    """An activity offered to one member, and what they made of it.

    A launch writes one row per member and activity (300,000 for three activities in an
    organisation of 100,000). Its foreign keys therefore carry no database constraint:
    checking one locks the referenced row once per inserted row. On the same few activity
    and campaign rows that made launches on PostgreSQL several times slower; on the
    members it still cost a row lock, and a page write, per member. Rows are only ever
    created from existing members and activities, and deleting a member, an activity or
    a campaign still deletes their entries (Django cascades them).
    """

    member = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="feed_entries",
        db_index=False,
        db_constraint=False,
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="feed_entries", db_constraint=False
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="feed_entries", db_constraint=False
    )
    state = models.CharField(max_length=10, choices=FeedState.choices, default=FeedState.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Also the index for "this member's feed".
            models.UniqueConstraint(fields=["member", "activity"], name="one_feed_entry_each")
        ]

    def __str__(self) -> str:
        return f"{self.activity} for {self.member}"
