from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.networks.models import ConnectedAccount
from chorus.publishing.models import Post
from chorus.sharing.models import DuplicateGuardMode
from chorus.sharing.selectors import DEFAULT_DAY_ENDS, DEFAULT_DAY_STARTS, DEFAULT_MIN_GAP
from chorus.sharing.services import MAX_SPREAD_DAYS


class AdvocacySettingsForm(forms.Form):
    disclosure = forms.CharField(
        label=_("Disclosure"),
        max_length=200,
        required=False,
        help_text=_(
            "Added to every post so readers know the author works for you, e.g. “#employee”."
        ),
    )
    duplicate_guard = forms.ChoiceField(
        label=_("When a post is nearly the same as a colleague's or the suggestion"),
        choices=DuplicateGuardMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Posts to X are always blocked: X forbids near-identical posts."),
    )
    duplicate_threshold = forms.FloatField(
        label=_("Similarity threshold"),
        min_value=0.1,
        max_value=1.0,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
        help_text=_("From 0.1 (strict) to 1.0 (only identical texts count as copies)."),
    )
    programme_terms = forms.CharField(
        label=_("Programme terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What employees agree to when they join. Leave empty for Chorus's wording. "
            "Changing the terms makes a new version; participants stay in and see it."
        ),
    )


class AccountChoiceForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(
        label=_("Accounts that take part"),
        queryset=ConnectedAccount.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, accounts: Sequence[ConnectedAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["accounts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ConnectedAccount.objects.filter(pk__in=[a.pk for a in accounts])


class ComposeForm(forms.Form):
    account = forms.TypedChoiceField(label=_("Post from"), coerce=int)
    text = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
        help_text=_("Start from the suggestion and make it yours: your view, your words."),
    )
    acknowledge_similarity = forms.BooleanField(
        label=_("Post it anyway: I have read the warning about similar posts"), required=False
    )

    def __init__(self, *args: Any, accounts: Sequence[ConnectedAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (account.pk, f"{account.get_network_display()} · {account.handle}")
            for account in accounts
        ]
        self.accounts = {account.pk: account for account in accounts}

    def chosen_account(self) -> ConnectedAccount | None:
        """The account named in the (possibly invalid) submission, or the first one."""
        try:
            key = int(self.data.get("account") or self.initial.get("account") or 0)
        except (TypeError, ValueError):
            key = 0
        return self.accounts.get(key) or next(iter(self.accounts.values()), None)


class _LocalTimeForm(forms.Form):
    """Dates and times typed in the member's own time zone, whatever the browser's is."""

    def __init__(self, *args: Any, time_zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def full_clean(self) -> None:
        with timezone.override(self.time_zone):
            super().full_clean()


class SpreadForm(_LocalTimeForm):
    posts = forms.ModelMultipleChoiceField(
        label=_("Posts to spread"),
        queryset=Post.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the posts to spread.")},
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=_("Number of days"), min_value=1, max_value=MAX_SPREAD_DAYS)
    day_starts = forms.TimeField(
        label=_("Working day starts"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    day_ends = forms.TimeField(
        label=_("Working day ends"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    min_gap = forms.IntegerField(
        label=_("Minutes between two of your posts, at least"), min_value=0, max_value=720
    )

    def __init__(self, *args: Any, posts: Sequence[Post], **kwargs: Any) -> None:
        kwargs["initial"] = {
            "days": 5,
            "day_starts": DEFAULT_DAY_STARTS,
            "day_ends": DEFAULT_DAY_ENDS,
            "min_gap": int(DEFAULT_MIN_GAP.total_seconds() // 60),
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        field = self.fields["posts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Post.objects.filter(pk__in=[p.pk for p in posts])

    @property
    def min_gap_delta(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["min_gap"])


class RescheduleForm(_LocalTimeForm):
    when = forms.DateTimeField(
        label=_("New time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
