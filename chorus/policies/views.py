from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chorus.core.forms import add_validation_errors
from chorus.core.markdown import render_markdown
from chorus.core.pagination import paginate
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability
from chorus.policies import selectors, services
from chorus.policies.access import access_version_by_member
from chorus.policies.forms import Action, PolicyForm

OVERVIEW_PAGE_SIZE = 50


@member_view()
def policy(request: MemberRequest) -> HttpResponse:
    member = request.member
    version = selectors.current_version(organisation=member.organisation)
    context: dict[str, Any] = {"version": version, "time_zone": member.time_zone}
    if version is not None:
        context |= {
            "html": render_markdown(version.text),
            "accepted": selectors.has_accepted(member=member, version=version),
            "latest": selectors.latest_acknowledgment(member=member),
            "paused": selectors.paused_posts(member=member).count(),
        }
    return render(request, "policies/policy.html", context)


@member_view()
@require_POST
def acknowledge(request: MemberRequest) -> HttpResponse:
    member = request.member
    try:
        version = access_version_by_member(
            member=member, version_id=int(request.POST.get("version", ""))
        )
    except ValueError:
        messages.error(request, _("Choose the version you accept."))
        return redirect("policies:policy", org=member.organisation.slug)
    try:
        acceptance = services.acknowledge(member=member, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("policies:policy", org=member.organisation.slug)
    return render(
        request,
        "policies/accepted.html",
        {"acceptance": acceptance, "version": version, "time_zone": member.time_zone},
    )


@member_view()
def history(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    return render(
        request,
        "policies/history.html",
        {
            "versions": selectors.versions_of(organisation=organisation),
            "time_zone": request.member.time_zone,
        },
    )


@member_view()
def version(request: MemberRequest, version_id: int) -> HttpResponse:
    member = request.member
    shown = access_version_by_member(member=member, version_id=version_id)
    current = selectors.current_version(organisation=member.organisation)
    return render(
        request,
        "policies/version.html",
        {
            "version": shown,
            "html": render_markdown(shown.text),
            "is_current": current is not None and current.pk == shown.pk,
            "time_zone": member.time_zone,
        },
    )


# For owners and admins


def _edit_page(
    request: MemberRequest, form: PolicyForm, *, preview: str = "", status: int = 200
) -> HttpResponse:
    organisation = request.member.organisation
    return render(
        request,
        "policies/edit.html",
        {
            "form": form,
            "preview": preview,
            "current": selectors.current_version(organisation=organisation),
            "draft": selectors.draft_of(organisation=organisation),
            "time_zone": request.member.time_zone,
        },
        status=status,
    )


@member_view(Capability.MANAGE_SETTINGS)
def edit(request: MemberRequest) -> HttpResponse:
    member = request.member
    organisation = member.organisation
    first_version = selectors.current_version(organisation=organisation) is None
    if request.method != "POST":
        form = PolicyForm(
            initial={"text": selectors.editor_text(organisation=organisation)},
            first_version=first_version,
        )
        return _edit_page(request, form)
    form = PolicyForm(request.POST, first_version=first_version)
    action = request.POST.get("action", "")
    if action not in (Action.SAVE, Action.PREVIEW, Action.PUBLISH):
        form.add_error(None, _("Choose whether to save the draft, preview it or publish it."))
        return _edit_page(request, form, status=400)
    if not form.is_valid():
        return _edit_page(request, form)
    text = form.cleaned_data["text"]
    if action == Action.PREVIEW:
        return _edit_page(request, form, preview=render_markdown(text))
    try:
        if action == Action.SAVE:
            services.save_draft(by=member, text=text)
            messages.success(request, _("Draft saved. Nobody else sees it until you publish it."))
            return redirect("policies:edit", org=organisation.slug)
        publication = services.publish_version(
            by=member,
            text=text,
            summary=form.cleaned_data["summary"],
            major=form.is_major,
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return _edit_page(request, form)
    messages.success(request, _published_message(publication))
    return redirect("policies:policy", org=organisation.slug)


def _published_message(publication: services.Publication) -> str:
    number = publication.version.number
    if not publication.version.is_major:
        return _("Version %(version)s is published. Nobody needs to accept it again.") % {
            "version": number
        }
    asked = ngettext(
        "Version %(version)s is published and %(count)d member was asked to accept it.",
        "Version %(version)s is published and %(count)d members were asked to accept it.",
        publication.asked,
    ) % {"version": number, "count": publication.asked}
    paused = ngettext(
        "%(count)d scheduled post is paused until its owner accepts it.",
        "%(count)d scheduled posts are paused until their owners accept it.",
        publication.paused,
    ) % {"count": publication.paused}
    return f"{asked} {paused}"


@member_view(Capability.MANAGE_SETTINGS)
def acknowledgments(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    version = selectors.current_version(organisation=organisation)
    pending_only = request.GET.get("pending") == "1"
    page = paginate(
        request,
        selectors.acknowledgment_overview(organisation=organisation, pending_only=pending_only),
        per_page=OVERVIEW_PAGE_SIZE,
    )
    return render(
        request,
        "policies/acknowledgments.html",
        {
            "version": version,
            "pending_only": pending_only,
            "pending_count": selectors.members_to_accept(version=version).count()
            if version is not None
            else 0,
            "rows": selectors.overview_rows(
                members=list(page["page_obj"].object_list), version=version
            ),
            "time_zone": request.member.time_zone,
            **page,
        },
    )


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def remind(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    try:
        result = services.remind_pending(by=request.member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        reminded = ngettext(
            "%(count)d member was reminded.", "%(count)d members were reminded.", result.reminded
        ) % {"count": result.reminded}
        skipped = ngettext(
            "%(count)d was skipped: reminded in the last 24 hours.",
            "%(count)d were skipped: reminded in the last 24 hours.",
            result.skipped,
        ) % {"count": result.skipped}
        messages.success(request, f"{reminded} {skipped}")
    response = redirect("policies:acknowledgments", org=organisation.slug)
    response["Location"] += "?pending=1"
    return response
