from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import ActivityKind
from chorus.core.forms import add_validation_errors
from chorus.orgs.models import Organisation, Team
from chorus.orgs.roles import Role
from chorus.training.models import DEFAULT_PASS_MARK, Module, Question
from chorus.training.services import ChoiceInput, ModuleFields

CHOICE_ROWS = 6


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"),
        min_value=1,
        max_value=100,
        initial=DEFAULT_PASS_MARK,
        help_text=_("The share of questions a member must answer right to pass."),
    )
    assigned_to_everyone = forms.BooleanField(label=_("Assign to everyone"), required=False)
    teams = forms.ModelMultipleChoiceField(
        label=_("Assign to these teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("Assign to these roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]

    def module_fields(self) -> ModuleFields:
        data = self.cleaned_data
        return ModuleFields(
            title=data["title"],
            description=data["description"],
            pass_mark=data["pass_mark"],
            assigned_to_everyone=data["assigned_to_everyone"],
            teams=list(data["teams"]),
            roles=list(data["roles"]),
        )


def module_initial(module: Module) -> dict[str, Any]:
    return {
        "title": module.shown_title,
        "description": module.shown_description,
        "pass_mark": module.pass_mark,
        "assigned_to_everyone": module.assigned_to_everyone,
        "teams": list(module.assigned_teams.all()),
        "roles": list(module.assigned_roles),
    }


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists with “- ”, links as [text](address)."),
    )


class QuestionForm(forms.Form):
    """A question and up to six choices; the service checks that enough of them are given."""

    text = forms.CharField(label=_("Question"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, CHOICE_ROWS + 1):
            self.fields[f"choice_{number}"] = forms.CharField(
                label=_("Choice %(number)d") % {"number": number},
                max_length=300,
                required=False,
            )
            self.fields[f"correct_{number}"] = forms.BooleanField(
                label=_("Choice %(number)d is correct") % {"number": number}, required=False
            )

    def choice_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"choice_{number}"], self[f"correct_{number}"])
            for number in range(1, CHOICE_ROWS + 1)
        ]

    def choices(self) -> list[ChoiceInput]:
        return [
            (self.cleaned_data[f"choice_{number}"], self.cleaned_data[f"correct_{number}"])
            for number in range(1, CHOICE_ROWS + 1)
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        # The choices are checked as a whole; their errors show at the first choice.
        if hasattr(error, "error_dict") and "choices" in error.error_dict:
            for choice_error in error.error_dict.pop("choices"):
                self.add_error("choice_1", choice_error)
        add_validation_errors(self, error)


def question_initial(question: Question) -> dict[str, Any]:
    initial: dict[str, Any] = {"text": question.shown_text}
    for number, choice in enumerate(question.choices.all(), start=1):
        initial[f"choice_{number}"] = choice.shown_text
        initial[f"correct_{number}"] = choice.is_correct
    return initial


class UnlockForm(forms.Form):
    """For each activity type, the module a member must pass first (or none)."""

    def __init__(self, *args: Any, modules: list[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = {str(module.pk): module for module in modules}
        choices = [
            ("", _("No module needed")),
            *[(pk, m.shown_title) for pk, m in self.modules.items()],
        ]
        for kind, label in ActivityKind.choices:
            self.fields[kind] = forms.ChoiceField(label=label, choices=choices, required=False)

    def requirements(self) -> dict[str, Module | None]:
        return {
            kind: self.modules.get(self.cleaned_data[kind] or "") for kind in ActivityKind.values
        }


class QuizForm(forms.Form):
    """One group of checkboxes per question; a question left blank counts as wrong."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"question_{question.pk}"] = forms.TypedMultipleChoiceField(
                label=question.shown_text,
                choices=[(choice.pk, choice.shown_text) for choice in question.choices.all()],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def answers(self) -> dict[int, list[int]]:
        return {
            question.pk: self.cleaned_data[f"question_{question.pk}"] for question in self.questions
        }
