from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.policies.models import MAX_POLICY_LENGTH
from chorus.policies.services import MAX_SUMMARY_LENGTH


class Change:
    MAJOR = "major"
    MINOR = "minor"


CHANGE_CHOICES = [
    (Change.MAJOR, _("Major: everyone must read and accept it again")),
    (Change.MINOR, _("Minor: wording fixes, nobody needs to accept it again")),
]


class Action:
    SAVE = "save"
    PREVIEW = "preview"
    PUBLISH = "publish"


class PolicyForm(forms.Form):
    text = forms.CharField(
        label=_("Policy (Markdown)"),
        max_length=MAX_POLICY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 30}),
        help_text=_(
            "Headings start with ##, lists with -, links are written [text](https://…). "
            "HTML is shown as text."
        ),
    )
    summary = forms.CharField(
        label=_("What changed"),
        max_length=MAX_SUMMARY_LENGTH,
        required=False,
        help_text=_("Needed to publish: one sentence everyone sees in the history."),
    )
    change = forms.ChoiceField(
        label=_("Kind of change"),
        choices=CHANGE_CHOICES,
        initial=Change.MAJOR,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: object, first_version: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if first_version:
            # The first version is 1.0, which everyone accepts: there is nothing to choose.
            del self.fields["change"]

    @property
    def is_major(self) -> bool:
        change: str = self.cleaned_data.get("change") or Change.MAJOR
        return change != Change.MINOR
