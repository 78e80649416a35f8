"""Tracked links: one short link per employee, activity and network, and the clicks on it."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Activity, Campaign
from chorus.orgs.models import Membership, Organisation


class AttributionRule(models.TextChoices):
    FIRST_TOUCH = "first_touch", _("First touch: the first colleague's link the visitor clicked")
    LAST_TOUCH = "last_touch", _("Last touch: the last colleague's link the visitor clicked")


DEFAULT_UTM = {
    "utm_source": "{network}",
    "utm_medium": "employee-advocacy",
    "utm_campaign": "{campaign}",
    "utm_content": "{activity}",
}
# A visitor key changes when its daily salt does, so no window can usefully be longer.
MAX_REPEAT_WINDOW_MINUTES = 24 * 60


class LinkSettings(models.Model):
    """How an organisation's links are built and how their clicks are counted."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="link_settings"
    )
    short_base_url = models.URLField(
        _("short link address"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where your short links start, such as https://go.example.com/l/. "
            "Leave empty to use this Chorus installation's address."
        ),
    )
    utm_source = models.CharField(
        _("utm_source"), max_length=100, blank=True, default=DEFAULT_UTM["utm_source"]
    )
    utm_medium = models.CharField(
        _("utm_medium"), max_length=100, blank=True, default=DEFAULT_UTM["utm_medium"]
    )
    utm_campaign = models.CharField(
        _("utm_campaign"), max_length=100, blank=True, default=DEFAULT_UTM["utm_campaign"]
    )
    utm_content = models.CharField(
        _("utm_content"), max_length=100, blank=True, default=DEFAULT_UTM["utm_content"]
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=20,
        choices=AttributionRule.choices,
        default=AttributionRule.FIRST_TOUCH,
        help_text=_(
            "When one visitor clicks several colleagues' links for the same campaign, "
            "which of them the visit counts for."
        ),
    )
    repeat_window_minutes = models.PositiveIntegerField(
        _("repeat window (minutes)"),
        default=MAX_REPEAT_WINDOW_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPEAT_WINDOW_MINUTES)],
        help_text=_(
            "Clicks by one visitor on one campaign's links within this time count once "
            "(1 to 1440 minutes)."
        ),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link settings")
        verbose_name_plural = _("link settings")

    def __str__(self) -> str:
        return f"Link settings of {self.organisation}"

    @property
    def utm_templates(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in DEFAULT_UTM}

    @property
    def repeat_window(self) -> timedelta:
        return timedelta(minutes=self.repeat_window_minutes)


class TrackedLink(models.Model):
    """The short link one member shares for one activity on one network.

    ``target`` is fixed when the link is made: a post keeps going where it went when
    its author approved it, even if the templates change later.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # Kept when the member deletes their account: the posts carrying it stay online.
    member = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracked_links",
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tracked_links")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=20)
    code = models.CharField(_("code"), max_length=32, unique=True)
    target = models.URLField(_("target"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "activity", "network"], name="one_tracked_link_per_post_kind"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def redirects(self, *, now: object = None) -> bool:
        moment = now or timezone.now()
        if self.disabled_at is not None:
            return False
        return self.expires_at is None or self.expires_at > moment  # type: ignore[operator]


class LinkCacheVersion(models.Model):
    """One row whose number grows whenever a link stops, starts or changes where it goes.

    Redirect processes poll it and drop their cached targets when it moved.
    """

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"link cache version {self.version}"


class VisitorSalt(models.Model):
    """The day's secret mixed into visitor keys; old days are deleted, so keys cannot be
    traced back to addresses."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"visitor salt of {self.day}"


class Device(models.TextChoices):
    DESKTOP = "desktop", _("Computer")
    MOBILE = "mobile", _("Phone")
    TABLET = "tablet", _("Tablet")
    BOT = "bot", _("Automated")
    OTHER = "other", _("Other")


class NotCounted(models.TextChoices):
    BOT = "bot", _("A link-preview fetcher or crawler, not a person")
    MEMBER = "member", _("A signed-in member of your organisation")
    REPEAT = "repeat", _("The same visitor again, within the repeat window")
    COLLEAGUE = "colleague", _("Counted for a colleague's link to the same campaign")


class Click(models.Model):
    """One redirect. Written by the redirect process before it answers; counted later.

    The link column has no database constraint and no index: both would cost every
    click, and clicks are only written for links the redirect just read. Deleting a
    link still deletes its clicks (Django cascades them, reading the whole table).
    """

    link = models.ForeignKey(
        TrackedLink,
        on_delete=models.CASCADE,
        related_name="clicks",
        db_constraint=False,
        db_index=False,
    )
    time = models.DateTimeField()
    # A salted hash of address and user agent; no address is stored.
    visitor_key = models.CharField(max_length=32)
    referrer_host = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=10, choices=Device.choices)
    is_bot = models.BooleanField(default=False)
    is_member = models.BooleanField(default=False)
    # A salted hash (the visitor key's salt) of the address's /24 or /48: no address.
    network_key = models.CharField(max_length=32, blank=True, default="")
    # Which member's session the click carried (with is_member). No constraint or index,
    # like the link: a deleted membership leaves a number that matches nobody.
    clicker_member = models.ForeignKey(
        Membership,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # None until the counting job has decided.
    counted = models.BooleanField(null=True)
    not_counted_reason = models.CharField(max_length=12, choices=NotCounted.choices, blank=True)

    class Meta:
        # Only one small index: clicks arrive in time order, so it grows at one end. An
        # index by link would take a page write per click in a burst across many links
        # (measured: three times the cost of a click). Analytics read the rollups instead.
        indexes = [
            models.Index(
                fields=["time", "id"], condition=Q(counted__isnull=True), name="click_to_count"
            ),
        ]

    def __str__(self) -> str:
        return f"click on {self.link_id} at {self.time:%Y-%m-%d %H:%M:%S}"


class Visit(models.Model):
    """One visitor's clicks on one campaign's links within the repeat window.

    Counted once, for the link of ``credited_click`` (the first or the last click,
    by the organisation's rule). Deleted a while after the window closed.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    visitor_key = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    credited_click = models.ForeignKey(
        Click, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    credited_link = models.ForeignKey(
        TrackedLink, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    credited_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "visitor_key", "started_at"], name="visit_lookup"),
            models.Index(fields=["started_at"], name="visit_started"),
        ]

    def __str__(self) -> str:
        return f"visit to {self.campaign_id} from {self.started_at:%Y-%m-%d %H:%M}"


class LinkHourlyStats(models.Model):
    """A link's clicks in one hour, by how they were counted: for clicks over time."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="hourly_stats")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    member = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    hour = models.DateTimeField()
    clicks = models.PositiveIntegerField(default=0)
    counted = models.IntegerField(default=0)
    bots = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    repeats = models.IntegerField(default=0)
    colleagues = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "hour"], name="one_stats_row_per_link_hour")
        ]
        indexes = [models.Index(fields=["campaign", "hour"], name="stats_campaign_hours")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.hour:%Y-%m-%d %H}:00"


class LinkTotals(models.Model):
    """A link's clicks of all time, kept with its hourly rows: totals read these.

    A campaign's totals add up one row per link, however many clicks there were.
    """

    link = models.OneToOneField(
        TrackedLink, on_delete=models.CASCADE, primary_key=True, related_name="totals"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    clicks = models.PositiveIntegerField(default=0)
    counted = models.IntegerField(default=0)
    bots = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    repeats = models.IntegerField(default=0)
    colleagues = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = _("link totals")

    def __str__(self) -> str:
        return f"totals of {self.link_id}"


class ClickCounting(models.Model):
    """One row the counting job locks, so two runs never count the same clicks."""

    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "click counting"
