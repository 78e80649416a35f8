from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.notifications.models import DigestFrequency


class DigestPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Email digest of new activities"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )
