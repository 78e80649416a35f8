from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chorus.governance.compliance.personal_data import DataKind
from chorus.governance.models import MatchMode, RuleKind, Severity
from chorus.networks.networks import PROFILES

DATA_KIND_CHOICES = [
    (DataKind.EMAIL.value, _("Email addresses")),
    (DataKind.PHONE.value, _("Phone numbers")),
    (DataKind.IBAN.value, _("Bank account numbers (IBAN, checksum verified)")),
    (DataKind.CARD.value, _("Payment card numbers (Luhn verified)")),
]
TERM_FIELDS = {
    MatchMode.INFLECTED: "inflected_terms",
    MatchMode.EXACT: "exact_terms",
    MatchMode.ANYWHERE: "anywhere_terms",
}
LANGUAGE_NAMES = dict(settings.LANGUAGES)
# The service names config fields; the form shows some of them under other names.
FIELD_FOR_CONFIG_ERROR = {"terms": "inflected_terms", "words": "words_en"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _list_field(label: Any, help_text: Any = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=_textarea(rows), help_text=help_text, strip=False
    )


class RuleForm(forms.Form):
    """A rule of one kind: the fields every rule has, then those of its kind."""

    name = forms.CharField(label=_("Name"), max_length=200)
    severity = forms.ChoiceField(
        label=_("When a post breaks it"), choices=Severity.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=_textarea(3),
        help_text=_("Shown to the author next to each finding: why the rule exists."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, field in self._kind_fields().items():
            self.fields[name] = field

    def _kind_fields(self) -> dict[str, forms.Field]:
        if self.kind == RuleKind.DISCLOSURE:
            return {
                "phrases": _list_field(
                    _("Disclosure"),
                    _("One per line; a post must carry at least one, e.g. “#employee”."),
                    rows=3,
                )
            }
        if self.kind in (RuleKind.BANNED_PHRASES, RuleKind.CONFIDENTIAL_TERMS):
            return {
                "inflected_terms": _list_field(
                    _("Terms, in any inflected form"),
                    _(
                        "One per line. Also finds plurals, possessives and case endings "
                        "(Kuutamo: Kuutamossa; Jastrząb: Jastrzębia), German compounds "
                        "and Welsh mutations, but not other words that merely contain it."
                    ),
                    rows=8,
                ),
                "exact_terms": _list_field(
                    _("Terms, exactly as written"),
                    _("One per line. Only the word itself (case and accents never matter)."),
                ),
                "anywhere_terms": _list_field(
                    _("Terms, anywhere inside words"),
                    _("One per line. Also inside longer words: use it for fragments."),
                ),
            }
        if self.kind == RuleKind.PERSONAL_DATA:
            return {
                "detect": forms.MultipleChoiceField(
                    label=_("Find"),
                    choices=DATA_KIND_CHOICES,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            }
        if self.kind == RuleKind.PROFANITY:
            return {
                f"words_{code}": _list_field(
                    LANGUAGE_NAMES.get(code, code),
                    _("One per line; found in this language's inflected forms."),
                )
                for code, _name in settings.LANGUAGES
            }
        if self.kind == RuleKind.LINKS:
            return {
                "allowed_domains": _list_field(
                    _("Domains links may go to"),
                    _("One per line, e.g. acme.com (its subdomains too). Empty: any domain."),
                ),
                "keep_tracked_link": forms.BooleanField(
                    label=_("The campaign's tracked link must stay in the post"),
                    required=False,
                ),
            }
        return {
            "networks": forms.MultipleChoiceField(
                label=_("Networks"),
                choices=[(n, profile.network.label) for n, profile in PROFILES.items()],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_("None chosen: every network."),
            ),
            "max_length": forms.IntegerField(
                label=_("Shorter than the network's own limit"),
                min_value=1,
                required=False,
                help_text=_("Optional: at most this many characters."),
            ),
        }

    def config(self) -> dict[str, Any]:
        """The cleaned fields as the rule's config; the service checks it further."""
        data = self.cleaned_data
        if self.kind == RuleKind.DISCLOSURE:
            return {"phrases": _lines(data["phrases"])}
        if self.kind in (RuleKind.BANNED_PHRASES, RuleKind.CONFIDENTIAL_TERMS):
            return {
                "terms": [
                    {"text": text, "mode": mode}
                    for mode, field in TERM_FIELDS.items()
                    for text in _lines(data[field])
                ]
            }
        if self.kind == RuleKind.PERSONAL_DATA:
            return {"detect": list(data["detect"])}
        if self.kind == RuleKind.PROFANITY:
            return {
                "words": {code: _lines(data[f"words_{code}"]) for code, _name in settings.LANGUAGES}
            }
        if self.kind == RuleKind.LINKS:
            return {
                "allowed_domains": _lines(data["allowed_domains"]),
                "keep_tracked_link": data["keep_tracked_link"],
            }
        return {"networks": list(data["networks"]), "max_length": data["max_length"]}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for field, errors in error.error_dict.items():
            name = FIELD_FOR_CONFIG_ERROR.get(field, field)
            for field_error in errors:
                self.add_error(name if name in self.fields else None, field_error)


def initial_for(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """A config as the form's initial data."""
    if kind == RuleKind.DISCLOSURE:
        return {"phrases": "\n".join(config.get("phrases", ()))}
    if kind in (RuleKind.BANNED_PHRASES, RuleKind.CONFIDENTIAL_TERMS):
        terms = config.get("terms", ())
        return {
            field: "\n".join(term["text"] for term in terms if term["mode"] == mode)
            for mode, field in TERM_FIELDS.items()
        }
    if kind == RuleKind.PERSONAL_DATA:
        return {"detect": list(config.get("detect", ()))}
    if kind == RuleKind.PROFANITY:
        words = config.get("words", {})
        return {f"words_{code}": "\n".join(words.get(code, ())) for code, _n in settings.LANGUAGES}
    if kind == RuleKind.LINKS:
        return {
            "allowed_domains": "\n".join(config.get("allowed_domains", ())),
            "keep_tracked_link": config.get("keep_tracked_link", False),
        }
    return {"networks": list(config.get("networks", ())), "max_length": config.get("max_length")}


class TryTextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=_textarea(5), strip=False, max_length=65000)
    network = forms.ChoiceField(
        label=_("Network"),
        choices=[(n, profile.network.label) for n, profile in PROFILES.items()],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Guess from the text")), *settings.LANGUAGES],
    )
    link_url = forms.URLField(label=_("Campaign link"), required=False, assume_scheme="https")


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the author"),
        required=False,
        widget=_textarea(2),
        max_length=2000,
        help_text=_("Required when rejecting: the author reads it."),
    )
