from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Activity
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post


class RallyState(models.TextChoices):
    OPEN = "open", _("Open for pledges")
    FIRED = "fired", _("Goal reached")
    MISSED = "missed", _("Goal missed")
    CANCELLED = "cancelled", _("Cancelled")


class Rally(models.Model):
    """A call to post together: if enough people pledge by the deadline, their posts go out.

    Each pledger's own words go out at their own time inside the posting window,
    never as one identical burst.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rallies")
    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="rally", verbose_name=_("activity")
    )
    title = models.CharField(_("title"), max_length=200)
    call_to_action = models.TextField(
        _("call to action"),
        blank=True,
        help_text=_("Why this matters, in a few sentences. Employees read it before pledging."),
    )
    goal_pledges = models.PositiveIntegerField(
        _("pledges needed"), validators=[MinValueValidator(1)]
    )
    deadline = models.DateTimeField(_("pledge deadline"))
    window_starts_at = models.DateTimeField(_("posting window starts"))
    window_ends_at = models.DateTimeField(_("posting window ends"))
    state = models.CharField(
        _("state"), max_length=10, choices=RallyState.choices, default=RallyState.OPEN
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("rallies")
        indexes = [models.Index(fields=["state", "deadline"])]
        constraints = [
            models.CheckConstraint(condition=Q(goal_pledges__gte=1), name="rally_goal_positive"),
            models.CheckConstraint(
                condition=Q(window_starts_at__gte=F("deadline")),
                name="rally_window_after_deadline",
            ),
            models.CheckConstraint(
                condition=Q(window_ends_at__gt=F("window_starts_at")),
                name="rally_window_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Pledge(models.Model):
    """A member's promise to post their own text from one of their accounts if the rally fires.

    The pledge is the approval: its post holds the exact text the member approved.
    """

    rally = models.ForeignKey(Rally, on_delete=models.CASCADE, related_name="pledges")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="rally_pledges")
    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.CASCADE, related_name="rally_pledges"
    )
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="pledge")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rally", "member", "account"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_pledge_per_member_and_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} for {self.rally}"
