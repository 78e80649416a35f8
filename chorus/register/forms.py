from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.orgs.models import Membership
from chorus.register.models import REGISTER_NETWORKS, DelegationLevel, Ownership


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.display_name} <{obj.user.email}>"


class EntryForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=REGISTER_NETWORKS)
    handle = forms.CharField(label=_("Handle"), max_length=255)
    ownership = forms.ChoiceField(
        label=_("Ownership"), choices=Ownership.choices, widget=forms.RadioSelect
    )
    responsible = MemberChoiceField(
        label=_("Person responsible"), queryset=Membership.objects.none(), required=False
    )
    credentials_place = forms.CharField(
        label=_("Where the credentials are kept"),
        max_length=200,
        required=False,
        help_text=_("For example: the marketing password manager."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: object, organisation_id: int, connected: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        members = Membership.objects.filter(organisation_id=organisation_id, is_active=True)
        self.fields["responsible"].queryset = members.select_related("user")  # type: ignore[attr-defined]
        if connected:
            # Connected in Chorus: the connection says which account it is and who owns it.
            for name in ("network", "handle", "ownership", "credentials_place"):
                del self.fields[name]


class DelegationForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())
    level = forms.ChoiceField(
        label=_("Access"),
        choices=DelegationLevel.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Draft: the delegate writes posts, and a reviewer approves each before it goes out. "
            "Publish: the delegate approves and publishes posts through Chorus."
        ),
    )

    def __init__(self, *args: object, members: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    network = forms.ChoiceField(
        label=_("Network"), choices=[("", _("All networks")), *REGISTER_NETWORKS], required=False
    )
    ownership = forms.ChoiceField(
        label=_("Ownership"), choices=[("", _("Any ownership")), *Ownership.choices], required=False
    )


class RegisterSettingsForm(forms.Form):
    review_every_days = forms.IntegerField(
        label=_("Review the register every (days)"), min_value=1, max_value=730
    )
