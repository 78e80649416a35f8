from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability
from chorus.register import selectors, services
from chorus.register.access import access_delegation_by_member, access_entry_by_member
from chorus.register.forms import DelegationForm, EntryForm, FilterForm, RegisterSettingsForm
from chorus.register.models import RegisterEntry

PER_PAGE = 25


def _to_entry(request: MemberRequest, entry: RegisterEntry) -> HttpResponse:
    return redirect(
        "register:entry", org=request.member.organisation.slug, register_entry_id=entry.pk
    )


def _to_list(request: MemberRequest) -> HttpResponse:
    return redirect("register:list", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_SETTINGS)
def entry_list(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    services.sync_connected_accounts(organisation=organisation)
    filters = FilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.entries_of(
        organisation=organisation,
        network=chosen.get("network", ""),
        ownership=chosen.get("ownership", ""),
    )
    settings = selectors.register_settings_for(organisation=organisation)
    now = timezone.now()
    page = paginate(request, entries, per_page=PER_PAGE)
    due = {
        entry.pk
        for entry in page["page_obj"]
        if entry.review_due_at(every=settings.review_every) <= now
    }
    return render(
        request,
        "register/list.html",
        {"filters": filters, "settings": settings, "due": due, **page},
    )


@member_view(Capability.MANAGE_SETTINGS)
def entry_add(request: MemberRequest) -> HttpResponse:
    form = EntryForm(request.POST or None, organisation_id=request.member.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.add_entry(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("%(entry)s is in the register.") % {"entry": entry})
            return _to_entry(request, entry)
    return render(request, "register/form.html", {"form": form, "entry": None})


@member_view(Capability.MANAGE_SETTINGS)
def entry_detail(request: MemberRequest, register_entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=register_entry_id)
    form = DelegationForm(members=selectors.delegable_members(entry=entry))
    return _detail(request, entry, form)


def _detail(request: MemberRequest, entry: RegisterEntry, form: DelegationForm) -> HttpResponse:
    settings = selectors.register_settings_for(organisation=request.member.organisation)
    return render(
        request,
        "register/entry.html",
        {
            "entry": entry,
            "delegations": selectors.delegations_of_entry(entry=entry),
            "form": form,
            "review_due_at": entry.review_due_at(every=settings.review_every),
        },
    )


@member_view(Capability.MANAGE_SETTINGS)
def entry_edit(request: MemberRequest, register_entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=register_entry_id)
    if entry.is_read_only:
        messages.error(
            request, _("A member's own connected account is theirs; it cannot be changed.")
        )
        return _to_entry(request, entry)
    initial = {
        "network": entry.network,
        "handle": entry.handle,
        "ownership": entry.ownership,
        "responsible": entry.responsible,
        "credentials_place": entry.credentials_place,
        "notes": entry.notes,
    }
    form = EntryForm(
        request.POST or None,
        initial=initial,
        organisation_id=request.member.organisation_id,
        connected=entry.is_connected,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                by=request.member, entry=entry, **{**initial, **form.cleaned_data}
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Changes to %(entry)s saved.") % {"entry": entry})
            return _to_entry(request, entry)
    return render(request, "register/form.html", {"form": form, "entry": entry})


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def entry_remove(request: MemberRequest, register_entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=register_entry_id)
    name = str(entry)
    if report_outcome(
        request,
        lambda: services.remove_entry(by=request.member, entry=entry),
        success=_("%(entry)s is no longer in the register.") % {"entry": name},
    ):
        return _to_list(request)
    return _to_entry(request, entry)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def entry_reviewed(request: MemberRequest, register_entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=register_entry_id)
    report_outcome(
        request,
        lambda: services.mark_reviewed(by=request.member, entry=entry),
        success=_("%(entry)s marked as reviewed.") % {"entry": entry},
    )
    if request.POST.get("next") == "list":
        return _to_list(request)
    return _to_entry(request, entry)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def confirm(request: MemberRequest) -> HttpResponse:
    count = services.confirm_register(by=request.member)
    messages.success(
        request,
        ngettext(
            "The register is confirmed correct: %(count)d entry reviewed.",
            "The register is confirmed correct: %(count)d entries reviewed.",
            count,
        )
        % {"count": count},
    )
    return _to_list(request)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def delegate(request: MemberRequest, register_entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=register_entry_id)
    form = DelegationForm(request.POST, members=selectors.delegable_members(entry=entry))
    if form.is_valid():
        try:
            delegation = services.grant_delegation(
                by=request.member, entry=entry, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has delegated access to %(entry)s.")
                % {"name": delegation.member.user.display_name, "entry": entry},
            )
            return _to_entry(request, entry)
    return _detail(request, entry, form)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def revoke(request: MemberRequest, delegation_id: int) -> HttpResponse:
    delegation = access_delegation_by_member(member=request.member, delegation_id=delegation_id)
    report_outcome(
        request,
        lambda: services.revoke_delegation(by=request.member, delegation=delegation),
        success=_("%(name)s no longer has delegated access to %(entry)s.")
        % {"name": delegation.member.user.display_name, "entry": delegation.entry},
    )
    return _to_entry(request, delegation.entry)


@member_view(Capability.MANAGE_SETTINGS)
def register_settings(request: MemberRequest) -> HttpResponse:
    current = selectors.register_settings_for(organisation=request.member.organisation)
    form = RegisterSettingsForm(
        request.POST or None, initial={"review_every_days": current.review_every_days}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_register_settings(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Register settings saved."))
            return _to_list(request)
    return render(request, "register/settings.html", {"form": form})
