from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.api.services import NAME_MAX_LENGTH

NEVER = ""
EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    (NEVER, _("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("The tool or script that will use it, e.g. “Intranet feed”."),
    )
    expires_in = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def expires_at(self, *, now: datetime) -> datetime | None:
        days = self.cleaned_data.get("expires_in") or NEVER
        return None if days == NEVER else now + timedelta(days=int(days))
