from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chorus.accounts.forms import time_zone_choices
from chorus.orgs.models import Organisation, Team
from chorus.orgs.roles import Role, assignable_roles

StrOrPromise = str | Promise


def _role_choices(by_role: str) -> list[tuple[str, StrOrPromise]]:
    labels = dict(Role.choices)
    return [(role, labels[role]) for role in assignable_roles(by_role)]


class TeamsField(forms.ModelMultipleChoiceField[Team]):
    widget = forms.CheckboxSelectMultiple


def teams_field(organisation: Organisation) -> TeamsField:
    return TeamsField(
        label=_("Teams"), queryset=Team.objects.filter(organisation=organisation), required=False
    )


class MemberForm(forms.Form):
    def __init__(self, *args: Any, organisation: Organisation, by_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(
            label=_("Role"), choices=_role_choices(by_role), initial=Role.EMPLOYEE
        )
        self.fields["teams"] = teams_field(organisation)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class OrganisationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=120)
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    default_time_zone = forms.ChoiceField(label=_("Default time zone"), choices=time_zone_choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)

    def __init__(self, *args: Any, organisation: Organisation, by_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(
            label=_("Role"), choices=_role_choices(by_role), initial=Role.EMPLOYEE
        )
        self.fields["teams"] = teams_field(organisation)


class BulkInvitationForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One person per row with the columns email, full_name, role and teams "
            "(team names separated by semicolons). The first row holds the column names."
        ),
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="UTC")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
