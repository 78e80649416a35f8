from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post


class RuleKind(models.TextChoices):
    DISCLOSURE = "disclosure", _("Required disclosure")
    BANNED_PHRASES = "banned_phrases", _("Banned phrases")
    CONFIDENTIAL_TERMS = "confidential_terms", _("Confidential terms")
    PERSONAL_DATA = "personal_data", _("Personal data")
    PROFANITY = "profanity", _("Profanity")
    LINKS = "links", _("Links")
    LENGTH = "length", _("Length per network")


class Severity(models.TextChoices):
    BLOCK = "block", _("Block the post")
    REVIEW = "review", _("Send the post to review")
    WARN = "warn", _("Warn the author")


class MatchMode(models.TextChoices):
    INFLECTED = "inflected", _("The word in any inflected form")
    EXACT = "exact", _("Exactly this word")
    ANYWHERE = "anywhere", _("Anywhere, even inside other words")


class ComplianceRule(models.Model):
    """One of an organisation's compliance rules; what it says is in its versions.

    Deleting a rule only marks it deleted: evaluations keep pointing at the versions
    they used.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="compliance_rules"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    current_version = models.OneToOneField(
        "RuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["organisation", "deleted_at"])]

    def __str__(self) -> str:
        return self.current_version.name if self.current_version else f"Rule {self.pk}"


class RuleRevision(models.Model):
    """Counts the changes to an organisation's rules: compiled rules are reused until it moves."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="compliance_revision"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Rules of {self.organisation_id}, revision {self.number}"


class RuleVersion(models.Model):
    """A rule as it stood from ``created_at`` until its next version. Never changed."""

    rule = models.ForeignKey(ComplianceRule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(_("name"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown to the author next to each finding: why the rule exists."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    config = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="one_rule_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def kind(self) -> str:
        return self.rule.kind


class RuleSnapshot(models.Model):
    """A set of rule versions that texts were checked against, stored once per set."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="compliance_snapshots"
    )
    fingerprint = models.CharField(max_length=64)
    version_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint"], name="one_snapshot_per_rule_set"
            )
        ]

    def __str__(self) -> str:
        return f"{len(self.version_ids)} rule versions"

    def versions(self) -> models.QuerySet[RuleVersion]:
        return RuleVersion.objects.filter(pk__in=self.version_ids).select_related("rule")


class Stage(models.TextChoices):
    DRAFT = "draft", _("While writing")
    APPROVAL = "approval", _("At approval")
    PUBLISHING = "publishing", _("Before publishing")


class Outcome(models.TextChoices):
    PASS = "pass", _("No findings")
    WARN = "warn", _("Warnings")
    REVIEW = "review", _("Needs review")
    BLOCK = "block", _("Blocked")


class Evaluation(models.Model):
    """One check of one text: when, at which stage, against which rule versions, with what result.

    The text itself is not kept (only its SHA-256), and findings name the kind of
    personal data found, never the data.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="compliance_evaluations"
    )
    member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices)
    network = models.CharField(max_length=20, blank=True)
    languages = models.JSONField(default=list)
    text_sha256 = models.CharField(max_length=64)
    snapshot = models.ForeignKey(RuleSnapshot, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    findings = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["post", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.outcome}"


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewRequest(models.Model):
    """A post whose text needs a reviewer's yes before it may go out.

    The decision holds for the exact text reviewed (``text_sha256``): a changed text
    is checked, and if need be reviewed, again.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="review_requests"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="review_requests")
    text_sha256 = models.CharField(max_length=64)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["organisation", "state", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(state="pending"),
                name="one_pending_review_per_post",
            )
        ]

    def __str__(self) -> str:
        return f"Review of post {self.post_id}: {self.state}"

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.evaluation.findings if self.evaluation else []
