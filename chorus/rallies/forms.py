from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import Activity, CampaignState
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Organisation
from chorus.rallies.services import RALLY_ACTIVITY_KINDS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def rally_activities(organisation: Organisation) -> QuerySet[Activity]:
    """Activities a rally can be about: posts to write, in live campaigns, without a rally yet."""
    return (
        Activity.objects.filter(
            campaign__organisation=organisation,
            campaign__state=CampaignState.LIVE,
            kind__in=RALLY_ACTIVITY_KINDS,
            rally__isnull=True,
        )
        .select_related("campaign")
        .order_by("campaign__name", "position", "pk")
    )


class ActivityChoiceField(forms.ModelChoiceField[Activity]):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.campaign.name}: {obj.title}"


class RallyForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("The call, in a few words, e.g. “Welcome our new Helsinki office”."),
    )
    call_to_action = forms.CharField(
        label=_("Call to action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this matters. Employees read it before deciding to pledge."),
    )
    goal_pledges = forms.IntegerField(
        label=_("Pledges needed"),
        min_value=1,
        help_text=_("If fewer people pledge by the deadline, nothing is posted at all."),
    )
    deadline = forms.DateTimeField(label=_("Pledge deadline"), widget=DateTimeInput())
    window_starts_at = forms.DateTimeField(
        label=_("Posting window starts"),
        widget=DateTimeInput(),
        help_text=_("At or after the deadline."),
    )
    window_ends_at = forms.DateTimeField(
        label=_("Posting window ends"),
        widget=DateTimeInput(),
        help_text=_("At least an hour after it starts. Posts are spread across the window."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"] = ActivityChoiceField(
            label=_("Activity"),
            queryset=rally_activities(organisation),
            help_text=_("An activity of a live campaign where people write their own post."),
        )
        self.order_fields(["activity"])


class AccountChoiceField(forms.ModelChoiceField[ConnectedAccount]):
    def label_from_instance(self, obj: ConnectedAccount) -> str:
        return f"{obj.get_network_display()} {obj.handle}"


class PledgeForm(forms.Form):
    text = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Start from the suggestion and make it yours: why does this matter to you?"),
        strip=False,
    )
    acknowledge_similarity = forms.BooleanField(
        label=_("I have read the warning and still want to pledge this text"),
        required=False,
    )

    def __init__(self, *args: Any, accounts: QuerySet[ConnectedAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"] = AccountChoiceField(
            label=_("Post from"), queryset=accounts, empty_label=None
        )
        self.order_fields(["account", "text"])
