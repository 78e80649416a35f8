"""Opt-in incentives: points or money for the unique human clicks on members' links.

A programme pays an amount per counted click to the members who joined it; a job
(crediting.py) writes one ledger entry per click and programme: credited, not credited
with a reason, or held for review by a fraud rule.
"""

from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Campaign
from chorus.links.models import NotCounted, TrackedLink
from chorus.orgs.models import Membership, Organisation


class Unit(models.TextChoices):
    POINTS = "points", _("Points")
    MONEY = "money", _("Money")


class CapPeriod(models.TextChoices):
    DAY = "day", _("Per day")
    WEEK = "week", _("Per week (Monday to Sunday)")
    MONTH = "month", _("Per month")


# How a cap's period reads inside a sentence ("at most 10 points per day").
CAP_PERIOD_PHRASES = {
    CapPeriod.DAY: _("per day"),
    CapPeriod.WEEK: _("per week"),
    CapPeriod.MONTH: _("per month"),
}


class ProgrammeState(models.TextChoices):
    ACTIVE = "active", _("Running")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


DEFAULT_BURST_CLICKS = 5
DEFAULT_BURST_MINUTES = 10
DEFAULT_NETWORK_BURST_CLICKS = 20
DEFAULT_NETWORK_BURST_MINUTES = 10
# The crediting job waits this long at most for a burst window to close.
MAX_BURST_MINUTES = 60


class Programme(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="incentive_programmes"
    )
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.POINTS)
    # ISO 4217, for money only.
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount_per_click = models.DecimalField(_("amount per click"), max_digits=12, decimal_places=2)
    cap_amount = models.DecimalField(
        _("cap per employee"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cap_period = models.CharField(
        _("cap period"), max_length=10, choices=CapPeriod.choices, blank=True
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_campaigns = models.BooleanField(_("all campaigns"), default=True)
    campaigns = models.ManyToManyField(
        Campaign, blank=True, related_name="+", verbose_name=_("campaigns")
    )
    burst_clicks = models.PositiveIntegerField(default=DEFAULT_BURST_CLICKS)
    burst_minutes = models.PositiveIntegerField(default=DEFAULT_BURST_MINUTES)
    network_burst_clicks = models.PositiveIntegerField(default=DEFAULT_NETWORK_BURST_CLICKS)
    network_burst_minutes = models.PositiveIntegerField(default=DEFAULT_NETWORK_BURST_MINUTES)
    state = models.CharField(
        max_length=10, choices=ProgrammeState.choices, default=ProgrammeState.ACTIVE
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def cap_period_phrase(self) -> str:
        phrase = CAP_PERIOD_PHRASES.get(CapPeriod(self.cap_period)) if self.cap_period else None
        return str(phrase) if phrase is not None else ""

    @property
    def unit_label(self) -> str:
        return self.currency if self.unit == Unit.MONEY else str(_("points"))

    def is_open(self, *, now: object = None) -> bool:
        """Whether members can still join and earn."""
        moment = now or timezone.now()
        if self.state == ProgrammeState.ENDED:
            return False
        return self.ends_at is None or self.ends_at > moment  # type: ignore[operator]


class Pause(models.Model):
    """A time the programme paid nothing: clicks in it are not credited."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"pause of {self.programme_id} from {self.started_at:%Y-%m-%d %H:%M}"


class Participation(models.Model):
    """One stretch of a member's membership in a programme: from joining until leaving."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participations"
    )
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="incentive_participations"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "member"],
                condition=Q(left_at__isnull=True),
                name="one_open_participation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.programme_id}"


def _local_time(stamp: object) -> str:
    """An ISO time from evidence, shown in the current time zone."""
    if not isinstance(stamp, str):
        return ""
    return date_format(timezone.localtime(datetime.fromisoformat(stamp)), "DATETIME_FORMAT")


class EntryStatus(models.TextChoices):
    CREDITED = "credited", _("Credited")
    NOT_CREDITED = "not_credited", _("Not credited")
    HELD = "held", _("Held for review")
    REJECTED = "rejected", _("Rejected after review")


class Reason(models.TextChoices):
    # The links app's reasons, with its own words.
    BOT = NotCounted.BOT.value, NotCounted.BOT.label
    MEMBER = NotCounted.MEMBER.value, NotCounted.MEMBER.label
    REPEAT = NotCounted.REPEAT.value, NotCounted.REPEAT.label
    COLLEAGUE = NotCounted.COLLEAGUE.value, NotCounted.COLLEAGUE.label
    OVER_CAP = "over_cap", _("Your cap for the period was already reached")
    OUTSIDE_DATES = "outside_dates", _("Before the programme started")
    PAUSED = "paused", _("The programme was paused")
    # Holds: a reviewer decides.
    VISITOR_BURST = "visitor_burst", _("Many clicks from one visitor in a short time")
    NETWORK_BURST = "network_burst", _("Many clicks from one network in a short time")
    SELF_CLICK = "self_click", _("Your own click on your link")
    BEFORE_PUBLICATION = "before_published", _("Clicked before the post was published")


HOLD_REASONS = frozenset(
    {Reason.VISITOR_BURST, Reason.NETWORK_BURST, Reason.SELF_CLICK, Reason.BEFORE_PUBLICATION}
)


class PayoutBatch(models.Model):
    """One export for payroll: the credited entries it covers are paid out once."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="payouts")
    period_start = models.DateField()
    period_end = models.DateField()
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"payout {self.programme_id} {self.period_start} to {self.period_end}"


class Entry(models.Model):
    """What one click earned (or why not) in one programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="incentive_entries"
    )
    # The click's id, without a constraint: clicks are the links app's to keep or delete.
    click_id = models.BigIntegerField()
    link = models.ForeignKey(TrackedLink, on_delete=models.SET_NULL, null=True, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, related_name="+")
    click_time = models.DateTimeField()
    # What the click earns when credited (for holds: what it would earn).
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(max_length=15, choices=EntryStatus.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    # The rule's evidence for a hold: counts and times, never addresses.
    evidence = models.JSONField(default=dict, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    payout = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-click_time", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "click_id"], name="one_entry_per_click")
        ]
        indexes = [
            models.Index(fields=["member", "programme", "click_time"], name="entry_member_time"),
            models.Index(fields=["programme", "status"], name="entry_programme_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.amount} for click {self.click_id}"

    @property
    def explanation(self) -> str:
        """Why the click earned nothing (or waits), in the employee's words."""
        if self.status == EntryStatus.REJECTED:
            return str(_("Rejected after review: %(note)s") % {"note": self.review_note})
        if self.review_note:
            return self.review_note
        return self.get_reason_display() if self.reason else ""

    @property
    def evidence_text(self) -> str:
        """What made a rule hold the click: counts and times, never addresses."""
        evidence = self.evidence or {}
        if self.reason in (Reason.VISITOR_BURST, Reason.NETWORK_BURST):
            return str(
                _(
                    "%(clicks)s clicks within %(minutes)s minutes (more than %(limit)s), "
                    "from %(first)s to %(last)s"
                )
                % {
                    "clicks": evidence.get("clicks"),
                    "minutes": evidence.get("minutes"),
                    "limit": evidence.get("limit"),
                    "first": _local_time(evidence.get("first")),
                    "last": _local_time(evidence.get("last")),
                }
            )
        if self.reason == Reason.SELF_CLICK:
            if evidence.get("signed_in"):
                return str(_("Clicked by the employee while signed in to Chorus"))
            return str(
                _("Same browser and network as the employee's own signed-in click at %(at)s")
                % {"at": _local_time(evidence.get("own_click_at"))}
            )
        if self.reason == Reason.BEFORE_PUBLICATION:
            if evidence.get("published_at"):
                return str(_("The post was published at %(at)s") % {"at": evidence["published_at"]})
            return str(_("The post carrying this link has not been published"))
        return ""


class PayoutLine(models.Model):
    """A row of a payout export, kept so a re-download gives the same file."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.CharField(max_length=254)
    full_name = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=10)
    credited = models.DecimalField(max_digits=14, decimal_places=2)
    held = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["email", "pk"]

    def __str__(self) -> str:
        return f"{self.email}: {self.credited}"


class RecentClick(models.Model):
    """Clicks on joined members' links of the last two days, for the fraud rules' windows.

    The click table has no index by link or visitor; these rows do, and are deleted
    once no window can reach them.
    """

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    click_id = models.BigIntegerField(unique=True)
    time = models.DateTimeField()
    visitor_key = models.CharField(max_length=32)
    network_key = models.CharField(max_length=32, blank=True)
    # The link's own member clicked it, signed in.
    own_click = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["member", "visitor_key", "time"], name="recent_click_visitor"),
            models.Index(fields=["member", "network_key", "time"], name="recent_click_network"),
            models.Index(fields=["time"], name="recent_click_time"),
        ]

    def __str__(self) -> str:
        return f"recent click {self.click_id}"


class CreditingCursor(models.Model):
    """One row the crediting job locks: every click up to ``last_click_id`` is done, and
    every click up to ``recorded_click_id`` (the last at ``recorded_until``) is in
    ``RecentClick``."""

    last_click_id = models.BigIntegerField(default=0)
    recorded_click_id = models.BigIntegerField(default=0)
    recorded_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"crediting up to click {self.last_click_id}"
