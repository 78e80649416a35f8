from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.links.models import MAX_REPEAT_WINDOW_MINUTES, AttributionRule
from chorus.links.targets import PLACEHOLDERS

_PLACEHOLDER_HELP = _("Placeholders: %(names)s. Leave empty to leave the parameter out.") % {
    "names": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
}


class LinkSettingsForm(forms.Form):
    short_base_url = forms.URLField(
        label=_("Short link address"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Where your short links start, such as https://go.example.com/l/. "
            "Leave empty to use this Chorus installation's address."
        ),
    )
    utm_source = forms.CharField(
        label=_("utm_source"), max_length=100, required=False, help_text=_PLACEHOLDER_HELP
    )
    utm_medium = forms.CharField(label=_("utm_medium"), max_length=100, required=False)
    utm_campaign = forms.CharField(label=_("utm_campaign"), max_length=100, required=False)
    utm_content = forms.CharField(label=_("utm_content"), max_length=100, required=False)
    attribution = forms.ChoiceField(
        label=_("When one visitor clicks several colleagues' links"),
        choices=AttributionRule.choices,
        widget=forms.RadioSelect,
    )
    repeat_window_minutes = forms.IntegerField(
        label=_("Repeat window (minutes)"),
        min_value=1,
        max_value=MAX_REPEAT_WINDOW_MINUTES,
        help_text=_("Clicks by one visitor on one campaign's links within this time count once."),
    )
