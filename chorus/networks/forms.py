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


class AppPasswordForm(forms.Form):
    server = forms.CharField(
        label=_("Server"),
        max_length=255,
        required=False,
        help_text=_("Leave empty for bsky.social, or give your own PDS's address."),
    )
    identifier = forms.CharField(label=_("Handle or email"), max_length=255)
    password = forms.CharField(
        label=_("App password"),
        max_length=255,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Create an app password for Chorus in your account's settings; never give your "
            "main password. You can revoke it there at any time."
        ),
    )


class ServerForm(forms.Form):
    server = forms.CharField(
        label=_("Your server"),
        max_length=255,
        help_text=_("The address of your instance, such as mastodon.social."),
    )


class NetworkAppForm(forms.Form):
    enabled = forms.BooleanField(label=_("Members may connect accounts"), required=False)
    client_id = forms.CharField(label=_("Client ID"), max_length=255, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret already stored."),
    )
