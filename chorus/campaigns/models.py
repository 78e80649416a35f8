from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.networks.networks import Network
from chorus.orgs.models import Membership, Organisation, Team


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PILOT = "pilot", _("Pilot")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    ARCHIVED = "archived", _("Archived")


class Campaign(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=150)
    goal = models.TextField(_("goal"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    target_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="targeted_by_campaigns",
        verbose_name=_("target teams"),
        help_text=_("Leave empty to offer the campaign to everyone."),
    )
    # Language codes (settings.LANGUAGES) and network names (networks.Network).
    languages = models.JSONField(_("languages"), default=list, blank=True)
    networks = models.JSONField(_("networks"), default=list, blank=True)
    pilot_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pilots",
        verbose_name=_("pilot team"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    SHARE_LINK = "share_link", _("Share a link")
    REPOST = "repost", _("Repost a company post")
    LIKE = "like", _("Like a company post")
    COMMENT = "comment", _("Comment on a post")
    OWN_POST = "own_post", _("Write your own post")


class Recurrence(models.TextChoices):
    NONE = "", _("Does not recur")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class Activity(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # share_link: the link and its card.
    link_url = models.URLField(_("link"), max_length=1000, blank=True)
    link_title = models.CharField(_("link card title"), max_length=300, blank=True)
    link_description = models.CharField(_("link card description"), max_length=500, blank=True)
    # repost, like, comment: the post it is about.
    post_url = models.URLField(_("post address"), max_length=1000, blank=True)
    # own_post: what to write about.
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    talking_points = models.TextField(_("talking points"), blank=True)
    image = models.FileField(_("image"), upload_to="activities/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points"), default=10)
    recurrence = models.CharField(
        _("recurs"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    # For evergreen activities: the occurrence this row stands for, and the next one due.
    recurs_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrences"
    )
    next_occurrence_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def is_expired(self, *, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.expires_at is not None and self.expires_at <= moment  # type: ignore[operator]


class Suggestion(models.Model):
    """A caption the content manager suggests; employees start from it and make it theirs."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="suggestions")
    # Empty network: suits every network.
    network = models.CharField(_("network"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["language", "network", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "network", "language"],
                name="one_suggestion_per_network_language",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def network_label(self) -> str:
        if not self.network:
            return str(_("All networks"))
        return str(Network(self.network).label) if self.network in Network.values else self.network


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class CampaignReview(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.campaign}"


class PilotReaction(models.TextChoices):
    POSITIVE = "positive", _("My audience would welcome this")
    MIXED = "mixed", _("Some would, some would not")
    NEGATIVE = "negative", _("My audience would react badly")


class PilotFeedback(models.Model):
    """A pilot member's answer to "how would your audience read this?"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pilot_feedback")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    reaction = models.CharField(_("reaction"), max_length=10, choices=PilotReaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="one_pilot_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.get_reaction_display()}: {self.campaign}"
