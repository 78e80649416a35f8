from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.links import selectors, services
from chorus.links.access import access_campaign_clicks_by_member, access_link_by_member
from chorus.links.forms import LinkSettingsForm
from chorus.links.models import NotCounted
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability, role_can

RECENT_HOURS = 48


@member_view()
def my_links(request: MemberRequest) -> HttpResponse:
    member = request.member
    manages = role_can(member.role, Capability.MANAGE_CONTENT)
    return render(
        request,
        "links/mine.html",
        {
            "links": selectors.links_of(member=member),
            "totals": selectors.member_totals(member=member),
            "reasons": NotCounted.choices,
            "campaigns": (
                selectors.campaigns_with_links(organisation=member.organisation) if manages else []
            ),
            "now": timezone.now(),
        },
    )


@member_view(Capability.MANAGE_CONTENT)
def campaign_clicks(request: MemberRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_clicks_by_member(member=request.member, campaign_id=campaign_id)
    link_settings = selectors.link_settings_for(organisation=request.member.organisation)
    return render(
        request,
        "links/campaign.html",
        {
            "campaign": campaign,
            "totals": selectors.campaign_totals(campaign=campaign),
            "by_member": selectors.campaign_totals_by_member(campaign=campaign),
            "links": selectors.campaign_links(campaign=campaign),
            "base_url": selectors.base_url_of(link_settings),
            "attribution": link_settings.get_attribution_display(),
            "hours": selectors.campaign_hours(
                campaign=campaign, since=timezone.now() - timedelta(hours=RECENT_HOURS)
            ),
            "recent_hours": RECENT_HOURS,
            "now": timezone.now(),
        },
    )


def _back_to_campaign(request: MemberRequest, campaign_id: int) -> HttpResponse:
    return redirect("links:campaign", org=request.member.organisation.slug, campaign_id=campaign_id)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def disable(request: MemberRequest, link_id: int) -> HttpResponse:
    link = access_link_by_member(member=request.member, link_id=link_id)
    report_outcome(
        request,
        lambda: services.disable_link(by=request.member, link=link),
        success=_("The link no longer redirects."),
    )
    return _back_to_campaign(request, link.campaign_id)


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def enable(request: MemberRequest, link_id: int) -> HttpResponse:
    link = access_link_by_member(member=request.member, link_id=link_id)
    report_outcome(
        request,
        lambda: services.enable_link(by=request.member, link=link),
        success=_("The link redirects again."),
    )
    return _back_to_campaign(request, link.campaign_id)


@member_view(Capability.MANAGE_SETTINGS)
def link_settings(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    current = selectors.link_settings_for(organisation=organisation)
    form = LinkSettingsForm(
        request.POST or None,
        initial={
            "short_base_url": current.short_base_url,
            **current.utm_templates,
            "attribution": current.attribution,
            "repeat_window_minutes": current.repeat_window_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_link_settings(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Link settings saved."))
            return redirect("links:settings", org=organisation.slug)
    return render(
        request,
        "links/settings.html",
        {"form": form, "default_base_url": selectors.installation_base_url()},
    )
