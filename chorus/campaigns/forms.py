from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.images import MAX_IMAGE_BYTES, check_image
from chorus.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    PilotReaction,
    Recurrence,
)
from chorus.networks.networks import Network
from chorus.orgs.models import Organisation, Team


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def date_time_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    goal = forms.CharField(
        label=_("Goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the campaign should achieve, for reviewers and the team."),
    )
    starts_at = date_time_field(_("Starts"))
    ends_at = date_time_field(_("Ends"))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    networks = forms.MultipleChoiceField(
        label=_("Networks"), choices=Network.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(organisation=organisation)
        self.fields["target_teams"] = forms.ModelMultipleChoiceField(
            label=_("Target teams"),
            queryset=teams,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Leave empty to offer the campaign to everyone."),
        )
        self.fields["pilot_team"] = forms.ModelChoiceField(
            label=_("Pilot team"),
            queryset=teams,
            required=False,
            empty_label=_("No pilot"),
            help_text=_("They see the campaign first and say how their audience would read it."),
        )

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "goal": campaign.goal,
            "starts_at": campaign.starts_at,
            "ends_at": campaign.ends_at,
            "languages": campaign.languages,
            "networks": campaign.networks,
            "target_teams": list(campaign.target_teams.all()),
            "pilot_team": campaign.pilot_team,
        }


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Employees are asked to"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    link_url = forms.URLField(
        label=_("Link"), max_length=1000, required=False, assume_scheme="https"
    )
    link_title = forms.CharField(label=_("Link card title"), max_length=300, required=False)
    link_description = forms.CharField(
        label=_("Link card description"), max_length=500, required=False
    )
    post_url = forms.URLField(
        label=_("Address of the post"), max_length=1000, required=False, assume_scheme="https"
    )
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    talking_points = forms.CharField(
        label=_("Talking points"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    image_alt = forms.CharField(
        label=_("Image description"),
        max_length=500,
        required=False,
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )
    expires_at = date_time_field(_("Expires"))
    points = forms.IntegerField(label=_("Points"), min_value=0, required=False, initial=10)
    recurrence = forms.ChoiceField(label=_("Recurs"), choices=Recurrence.choices, required=False)

    def __init__(self, *args: Any, activity: Activity | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity is not None and activity.image:
            self.fields["remove_image"] = forms.BooleanField(
                label=_("Remove the current image"), required=False
            )

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image:
            if image.size > MAX_IMAGE_BYTES:
                raise ValidationError(
                    _("The image is larger than 5 MB. Please upload a smaller one.")
                )
            check_image(image)
        return image or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_image = bool(cleaned.get("image")) or (
            self.activity is not None
            and bool(self.activity.image)
            and not cleaned.get("remove_image")
        )
        if has_image and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["points"] = 10 if data.get("points") is None else data["points"]
        data["recurrence"] = data.get("recurrence") or Recurrence.NONE
        for name in ("link_url", "post_url"):
            data[name] = data.get(name) or ""
        if self.activity is None:
            data.pop("remove_image", None)
        else:
            data["remove_image"] = bool(data.get("remove_image"))
        return data

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {
            name: getattr(activity, name)
            for name in (
                "kind",
                "title",
                "link_url",
                "link_title",
                "link_description",
                "post_url",
                "topic",
                "talking_points",
                "image_alt",
                "expires_at",
                "points",
                "recurrence",
            )
        }


class SuggestionForm(forms.Form):
    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network_labels = dict(Network.choices)
        language_labels = dict(settings.LANGUAGES)
        self.fields["network"] = forms.ChoiceField(
            label=_("Network"),
            required=False,
            choices=[("", _("All networks"))]
            + [(network, network_labels.get(network, network)) for network in campaign.networks],
            help_text=_("A text for one network is used there instead of the general one."),
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=[(code, language_labels.get(code, code)) for code in campaign.languages],
        )
        self.fields["text"] = forms.CharField(
            label=_("Suggested text"),
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=_("Employees start from this and make it their own."),
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("approve", _("Approve")),
            ("request_changes", _("Request changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes: say what needs to change."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") == "request_changes"
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say what needs to change."))
        return cleaned


class PilotFeedbackForm(forms.Form):
    reaction = forms.ChoiceField(
        label=_("How would your audience read this?"),
        choices=PilotReaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what would land well, and what might not."),
    )
