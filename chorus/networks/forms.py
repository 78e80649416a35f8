from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.networks.services import HANDLE_MAX_LENGTH


class OutboxAccountForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=HANDLE_MAX_LENGTH,
        help_text=_("Any name you like, e.g. @me. Nothing is sent anywhere."),
    )
    takes_part = forms.BooleanField(
        label=_("Use it for the advocacy programme"), required=False, initial=True
    )


class AccountSettingsForm(forms.Form):
    takes_part = forms.BooleanField(label=_("Use it for the advocacy programme"), required=False)
    daily_cap = forms.IntegerField(
        label=_("Posts per day at most"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty for the network's default."),
    )
