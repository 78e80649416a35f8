import zoneinfo
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Campaign
from chorus.incentives.models import (
    DEFAULT_BURST_CLICKS,
    DEFAULT_BURST_MINUTES,
    DEFAULT_NETWORK_BURST_CLICKS,
    DEFAULT_NETWORK_BURST_MINUTES,
    CapPeriod,
    Programme,
    Unit,
)
from chorus.incentives.services import ProgrammeData
from chorus.orgs.models import Organisation


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    unit = forms.ChoiceField(label=_("Pay in"), choices=Unit.choices, widget=forms.RadioSelect)
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("For money: the ISO 4217 code, such as USD or EUR."),
    )
    amount_per_click = forms.DecimalField(
        label=_("Amount per counted click"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    cap_amount = forms.DecimalField(
        label=_("Cap per employee"),
        max_digits=12,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.01"),
        help_text=_("The most one employee can earn in a period. Leave empty for no cap."),
    )
    cap_period = forms.ChoiceField(
        label=_("Cap period"),
        choices=[("", _("No cap")), *CapPeriod.choices],
        required=False,
        help_text=_("Days, weeks and months in the organisation's time zone."),
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to run until you end it."),
    )
    all_campaigns = forms.BooleanField(label=_("All campaigns"), required=False, initial=True)
    campaigns = forms.ModelMultipleChoiceField(
        label=_("Only these campaigns"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    burst_clicks = forms.IntegerField(
        label=_("Hold clicks from one visitor above"),
        initial=DEFAULT_BURST_CLICKS,
        min_value=1,
        help_text=_("Clicks by one visitor across an employee's links within the minutes below."),
    )
    burst_minutes = forms.IntegerField(
        label=_("Visitor burst window (minutes)"), initial=DEFAULT_BURST_MINUTES, min_value=1
    )
    network_burst_clicks = forms.IntegerField(
        label=_("Hold clicks from one network above"),
        initial=DEFAULT_NETWORK_BURST_CLICKS,
        min_value=1,
        help_text=_("Clicks from one network block (such as one office) within the minutes below."),
    )
    network_burst_minutes = forms.IntegerField(
        label=_("Network burst window (minutes)"),
        initial=DEFAULT_NETWORK_BURST_MINUTES,
        min_value=1,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["campaigns"].queryset = Campaign.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        ).order_by("-created_at")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last day cannot come before the first."))
        return cleaned

    def to_data(self) -> ProgrammeData:
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(self.organisation.default_time_zone)
        ends_on = data.get("ends_on")
        return ProgrammeData(
            name=data["name"],
            unit=data["unit"],
            currency=data.get("currency") or "",
            amount_per_click=data["amount_per_click"],
            cap_amount=data.get("cap_amount"),
            cap_period=data.get("cap_period") or "",
            starts_at=datetime.combine(data["starts_on"], time.min, tzinfo=zone),
            ends_at=(
                datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=zone)
                if ends_on
                else None
            ),
            all_campaigns=bool(data.get("all_campaigns")),
            campaigns=list(data.get("campaigns") or []),
            burst_clicks=data["burst_clicks"],
            burst_minutes=data["burst_minutes"],
            network_burst_clicks=data["network_burst_clicks"],
            network_burst_minutes=data["network_burst_minutes"],
        )


def initial_of(programme: Programme) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(programme.organisation.default_time_zone)
    return {
        "name": programme.name,
        "unit": programme.unit,
        "currency": programme.currency,
        "amount_per_click": programme.amount_per_click,
        "cap_amount": programme.cap_amount,
        "cap_period": programme.cap_period,
        "starts_on": programme.starts_at.astimezone(zone).date(),
        "ends_on": (
            (programme.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()
            if programme.ends_at
            else None
        ),
        "all_campaigns": programme.all_campaigns,
        "campaigns": list(programme.campaigns.all()),
        "burst_clicks": programme.burst_clicks,
        "burst_minutes": programme.burst_minutes,
        "network_burst_clicks": programme.network_burst_clicks,
        "network_burst_minutes": programme.network_burst_minutes,
    }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason the employee will see"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PayoutForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        return cleaned
