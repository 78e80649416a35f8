from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chorus.campaigns import selectors, services
from chorus.campaigns.access import (
    access_activity_by_member,
    access_activity_image_by_member,
    access_campaign_by_member,
    access_pilot_campaign_by_member,
    access_suggestion_by_member,
    check_may_see_campaigns,
)
from chorus.campaigns.forms import (
    ActivityForm,
    CampaignForm,
    PilotFeedbackForm,
    ReviewForm,
    SuggestionForm,
)
from chorus.campaigns.images import content_type_for
from chorus.campaigns.models import Activity, Campaign, CampaignState
from chorus.campaigns.workflow import EDITABLE_STATES
from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability, role_can

PAGE_SIZE = 25

TRANSITION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "start_pilot": gettext_lazy("Start the pilot"),
    "revise": gettext_lazy("Return to draft to revise"),
    "go_live": gettext_lazy("Go live"),
    "end": gettext_lazy("End the campaign"),
    "archive": gettext_lazy("Archive"),
}
TRANSITION_DONE = {
    "submit": gettext_lazy("Submitted for review. Reviewers have been told."),
    "start_pilot": gettext_lazy("The pilot has started: the pilot team is offered the campaign."),
    "revise": gettext_lazy(
        "The campaign is a draft again. After your changes it needs a new review."
    ),
    "go_live": gettext_lazy("The campaign is live: its audience is offered the activities."),
    "end": gettext_lazy("The campaign has ended."),
    "archive": gettext_lazy("The campaign is archived."),
}


def _detail(campaign: Campaign) -> HttpResponse:
    return redirect("campaigns:detail", org=campaign.organisation.slug, campaign_id=campaign.pk)


def _refuse_unless_editable(request: MemberRequest, campaign: Campaign) -> HttpResponse | None:
    if campaign.state in EDITABLE_STATES:
        return None
    messages.error(
        request,
        _("This campaign is %(state)s, so its content cannot change. Revise it to edit it.")
        % {"state": campaign.get_state_display().lower()},
    )
    return _detail(campaign)


# --- Campaigns ------------------------------------------------------------------------


@member_view()
def campaign_list(request: MemberRequest) -> HttpResponse:
    check_may_see_campaigns(request.member)
    state = request.GET.get("state", "")
    state = state if state in CampaignState.values else ""
    campaigns = selectors.campaigns_of(organisation=request.member.organisation, state=state)
    return render(
        request,
        "campaigns/list.html",
        {
            **paginate(request, campaigns, per_page=PAGE_SIZE),
            "states": CampaignState.choices,
            "state": state,
            "can_manage": role_can(request.member.role, Capability.MANAGE_CONTENT),
        },
    )


@member_view(Capability.MANAGE_CONTENT)
def campaign_create(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    form = CampaignForm(
        request.POST or None,
        organisation=organisation,
        initial={"languages": [organisation.default_language]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("Campaign %(name)s created. Now add activities.") % {"name": campaign}
            )
            return _detail(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@member_view()
def campaign_detail(request: MemberRequest, campaign_id: int) -> HttpResponse:
    member = request.member
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    can_manage = role_can(member.role, Capability.MANAGE_CONTENT)
    transitions = selectors.transitions_for(member=member, campaign=campaign)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "previews": selectors.previews_of(campaign=campaign),
            "reviews": selectors.reviews_of(campaign=campaign),
            "network_labels": selectors.network_labels(campaign=campaign),
            "pilot": selectors.pilot_summary(campaign=campaign) if can_manage else None,
            "can_manage": can_manage,
            "editable": can_manage and campaign.state in EDITABLE_STATES,
            "may_review": selectors.may_review(member=member, campaign=campaign),
            "buttons": [
                (name, TRANSITION_LABELS[name]) for name in transitions if name in TRANSITION_LABELS
            ],
        },
    )


@member_view(Capability.MANAGE_CONTENT)
def campaign_edit(request: MemberRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_member(member=request.member, campaign_id=campaign_id)
    if refused := _refuse_unless_editable(request, campaign):
        return refused
    form = CampaignForm(
        request.POST or None,
        organisation=request.member.organisation,
        initial=CampaignForm.initial_for(campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(by=request.member, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Campaign settings saved."))
            return _detail(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def campaign_clone(request: MemberRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_member(member=request.member, campaign_id=campaign_id)
    clone = services.clone_campaign(by=request.member, campaign=campaign)
    messages.success(request, _("This is a new draft copied from %(name)s.") % {"name": campaign})
    return _detail(clone)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def campaign_transition(request: MemberRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_member(member=request.member, campaign_id=campaign_id)
    transition = request.POST.get("transition", "")
    try:
        services.apply_transition(by=request.member, campaign=campaign, transition=transition)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, TRANSITION_DONE[transition])
    return _detail(campaign)


@member_view(Capability.REVIEW_CONTENT)
def campaign_review(request: MemberRequest, campaign_id: int) -> HttpResponse:
    member = request.member
    campaign = access_campaign_by_member(member=member, campaign_id=campaign_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.approve_campaign
            if form.cleaned_data["decision"] == "approve"
            else services.request_changes
        )
        try:
            decide(by=member, campaign=campaign, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("Campaign approved.")
                if campaign.state == CampaignState.APPROVED
                else _("Changes requested. The campaign is back with its author."),
            )
            return _detail(campaign)
    return render(
        request,
        "campaigns/review.html",
        {
            "campaign": campaign,
            "form": form,
            "may_review": selectors.may_review(member=member, campaign=campaign),
            "own_submission": campaign.submitted_by_id == member.pk,
            "previews": selectors.previews_of(campaign=campaign),
            "reviews": selectors.reviews_of(campaign=campaign),
        },
    )


# --- Activities -----------------------------------------------------------------------


@member_view(Capability.MANAGE_CONTENT)
def activity_add(request: MemberRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_member(member=request.member, campaign_id=campaign_id)
    if refused := _refuse_unless_editable(request, campaign):
        return refused
    form = ActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_activity(by=request.member, campaign=campaign, **form.service_arguments())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Activity added."))
            return _detail(campaign)
    return render(
        request,
        "campaigns/activity_form.html",
        {"form": form, "campaign": campaign, "activity": None},
    )


@member_view(Capability.MANAGE_CONTENT)
def activity_edit(request: MemberRequest, activity_id: int) -> HttpResponse:
    activity = access_activity_by_member(member=request.member, activity_id=activity_id)
    campaign = activity.campaign
    if refused := _refuse_unless_editable(request, campaign):
        return refused
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        activity=activity,
        initial=ActivityForm.initial_for(activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                by=request.member, activity=activity, **form.service_arguments()
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Activity saved."))
            return _detail(campaign)
    return render(
        request,
        "campaigns/activity_form.html",
        {
            "form": form,
            "campaign": campaign,
            "activity": activity,
            "suggestions": activity.suggestions.all(),
        },
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def activity_delete(request: MemberRequest, activity_id: int) -> HttpResponse:
    activity = access_activity_by_member(member=request.member, activity_id=activity_id)
    campaign = activity.campaign
    report_outcome(
        request,
        lambda: services.delete_activity(by=request.member, activity=activity),
        success=_("Activity deleted."),
    )
    return _detail(campaign)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def activity_move(request: MemberRequest, activity_id: int) -> HttpResponse:
    activity = access_activity_by_member(member=request.member, activity_id=activity_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    if offset:
        try:
            services.move_activity(by=request.member, activity=activity, offset=offset)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _detail(activity.campaign)


@member_view()
def activity_image(request: MemberRequest, activity_id: int) -> FileResponse:
    activity: Activity = access_activity_image_by_member(
        member=request.member, activity_id=activity_id
    )
    response = FileResponse(
        activity.image.open("rb"), content_type=content_type_for(activity.image.name or "")
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# --- Suggestions ----------------------------------------------------------------------


@member_view(Capability.MANAGE_CONTENT)
def suggestion_add(request: MemberRequest, activity_id: int) -> HttpResponse:
    activity = access_activity_by_member(member=request.member, activity_id=activity_id)
    campaign = activity.campaign
    if refused := _refuse_unless_editable(request, campaign):
        return refused
    form = SuggestionForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_suggestion(by=request.member, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Suggestion added."))
            return _detail(campaign)
    return render(
        request,
        "campaigns/suggestion_form.html",
        {"form": form, "campaign": campaign, "activity": activity, "suggestion": None},
    )


@member_view(Capability.MANAGE_CONTENT)
def suggestion_edit(request: MemberRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_suggestion_by_member(member=request.member, suggestion_id=suggestion_id)
    activity = suggestion.activity
    campaign = activity.campaign
    if refused := _refuse_unless_editable(request, campaign):
        return refused
    form = SuggestionForm(
        request.POST or None,
        campaign=campaign,
        initial={
            "network": suggestion.network,
            "language": suggestion.language,
            "text": suggestion.text,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_suggestion(
                by=request.member, suggestion=suggestion, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Suggestion saved."))
            return _detail(campaign)
    return render(
        request,
        "campaigns/suggestion_form.html",
        {"form": form, "campaign": campaign, "activity": activity, "suggestion": suggestion},
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def suggestion_delete(request: MemberRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_suggestion_by_member(member=request.member, suggestion_id=suggestion_id)
    campaign = suggestion.activity.campaign
    report_outcome(
        request,
        lambda: services.delete_suggestion(by=request.member, suggestion=suggestion),
        success=_("Suggestion deleted."),
    )
    return _detail(campaign)


# --- Pilot ----------------------------------------------------------------------------


@member_view()
def pilot_feedback(request: MemberRequest, campaign_id: int) -> HttpResponse:
    member = request.member
    campaign = access_pilot_campaign_by_member(member=member, campaign_id=campaign_id)
    answer = selectors.pilot_answer_of(campaign=campaign, member=member)
    initial = {"reaction": answer.reaction, "comment": answer.comment} if answer else None
    form = PilotFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_pilot_feedback(by=member, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your answer was saved."))
            return redirect(
                "campaigns:pilot_feedback", org=member.organisation.slug, campaign_id=campaign.pk
            )
    return render(
        request,
        "campaigns/pilot_feedback.html",
        {
            "campaign": campaign,
            "form": form,
            "answer": answer,
            "previews": selectors.previews_of(campaign=campaign),
        },
    )
