import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.incentives import selectors, services
from chorus.incentives.access import (
    access_entry_by_member,
    access_ledger_member_by_member,
    access_managed_programme_by_member,
    access_payout_by_member,
    access_programme_by_member,
)
from chorus.incentives.forms import PayoutForm, ProgrammeForm, RejectForm, initial_of
from chorus.incentives.models import Reason
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability


@member_view()
def mine(request: MemberRequest) -> HttpResponse:
    member = request.member
    return render(
        request,
        "incentives/mine.html",
        {
            "earnings": selectors.earnings_of(member=member),
            "open_programmes": selectors.open_programmes(organisation=member.organisation),
            "joined": selectors.joined_programme_ids(member=member),
            "uncredited": selectors.uncredited_of(member=member),
            "reasons": Reason.choices,
        },
    )


@member_view()
def my_ledger(request: MemberRequest, programme_id: int) -> HttpResponse:
    programme = access_programme_by_member(member=request.member, programme_id=programme_id)
    entries, totals = selectors.ledger_of(member=request.member, programme=programme)
    return render(
        request,
        "incentives/ledger.html",
        {"programme": programme, "person": request.member, "entries": entries, "totals": totals},
    )


def _to_mine(request: MemberRequest) -> HttpResponse:
    return redirect("incentives:mine", org=request.member.organisation.slug)


@member_view()
@require_POST
def join(request: MemberRequest, programme_id: int) -> HttpResponse:
    programme = access_programme_by_member(member=request.member, programme_id=programme_id)
    report_outcome(
        request,
        lambda: services.join_programme(member=request.member, programme=programme),
        success=_("You joined %(name)s. Your counted clicks earn from now on.")
        % {"name": programme.name},
    )
    return _to_mine(request)


@member_view()
@require_POST
def leave(request: MemberRequest, programme_id: int) -> HttpResponse:
    programme = access_programme_by_member(member=request.member, programme_id=programme_id)
    report_outcome(
        request,
        lambda: services.leave_programme(member=request.member, programme=programme),
        success=_("You left %(name)s. What you earned stays yours.") % {"name": programme.name},
    )
    return _to_mine(request)


# Managing programmes


@member_view(Capability.MANAGE_SETTINGS)
def programmes(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    return render(
        request,
        "incentives/programmes.html",
        {
            "programmes": selectors.programmes_of(organisation=organisation),
            "holds": selectors.holds_of(organisation=organisation).count(),
        },
    )


@member_view(Capability.MANAGE_SETTINGS)
def programme_create(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    form = ProgrammeForm(
        request.POST or None,
        organisation=organisation,
        initial={"unit": "points", "starts_on": timezone.localdate(), "all_campaigns": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(by=request.member, data=form.to_data())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Programme created. Employees can join it now."))
            return redirect(
                "incentives:programme", org=organisation.slug, programme_id=programme.pk
            )
    return render(request, "incentives/programme_form.html", {"form": form, "programme": None})


@member_view(Capability.MANAGE_SETTINGS)
def programme_edit(request: MemberRequest, programme_id: int) -> HttpResponse:
    programme = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    form = ProgrammeForm(
        request.POST or None, organisation=programme.organisation, initial=initial_of(programme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme(by=request.member, programme=programme, data=form.to_data())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return _to_programme(request, programme.pk)
    return render(request, "incentives/programme_form.html", {"form": form, "programme": programme})


def _to_programme(request: MemberRequest, programme_id: int) -> HttpResponse:
    return redirect(
        "incentives:programme", org=request.member.organisation.slug, programme_id=programme_id
    )


@member_view(Capability.MANAGE_SETTINGS)
def programme(request: MemberRequest, programme_id: int) -> HttpResponse:
    found = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    return render(
        request,
        "incentives/programme.html",
        {
            "programme": found,
            "members": selectors.members_of(programme=found),
            "payouts": selectors.payouts_of(programme=found),
            "payout_form": PayoutForm(),
        },
    )


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def pause(request: MemberRequest, programme_id: int) -> HttpResponse:
    found = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    report_outcome(
        request,
        lambda: services.pause_programme(by=request.member, programme=found),
        success=_("Programme paused: clicks earn nothing until you resume it."),
    )
    return _to_programme(request, found.pk)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def resume(request: MemberRequest, programme_id: int) -> HttpResponse:
    found = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    report_outcome(
        request,
        lambda: services.resume_programme(by=request.member, programme=found),
        success=_("Programme running again."),
    )
    return _to_programme(request, found.pk)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def end(request: MemberRequest, programme_id: int) -> HttpResponse:
    found = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    report_outcome(
        request,
        lambda: services.end_programme(by=request.member, programme=found),
        success=_("Programme ended. Earnings so far stay, and held clicks can still be reviewed."),
    )
    return _to_programme(request, found.pk)


@member_view(Capability.MANAGE_SETTINGS)
def member_ledger(request: MemberRequest, programme_id: int, membership_id: int) -> HttpResponse:
    found = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    person = access_ledger_member_by_member(member=request.member, membership_id=membership_id)
    entries, totals = selectors.ledger_of(member=person, programme=found)
    return render(
        request,
        "incentives/ledger.html",
        {"programme": found, "person": person, "entries": entries, "totals": totals},
    )


# Reviewing holds


@member_view(Capability.MANAGE_SETTINGS)
def holds(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "incentives/holds.html",
        {"holds": selectors.holds_of(organisation=request.member.organisation)[:200]},
    )


def _to_holds(request: MemberRequest) -> HttpResponse:
    return redirect("incentives:holds", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def release(request: MemberRequest, entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=entry_id)
    report_outcome(
        request,
        lambda: services.release_hold(by=request.member, entry=entry),
        success=_("Click released."),
    )
    return _to_holds(request)


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def reject(request: MemberRequest, entry_id: int) -> HttpResponse:
    entry = access_entry_by_member(member=request.member, entry_id=entry_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the click is rejected, in words the employee will see."))
        return _to_holds(request)
    report_outcome(
        request,
        lambda: services.reject_hold(
            by=request.member, entry=entry, reason=form.cleaned_data["reason"]
        ),
        success=_("Click rejected."),
    )
    return _to_holds(request)


# Payouts


@member_view(Capability.MANAGE_SETTINGS)
@require_POST
def payout_create(request: MemberRequest, programme_id: int) -> HttpResponse:
    found = access_managed_programme_by_member(member=request.member, programme_id=programme_id)
    form = PayoutForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(error) for errors in form.errors.values() for error in errors)
        )
        return _to_programme(request, found.pk)
    try:
        batch = services.export_payout(by=request.member, programme=found, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_programme(request, found.pk)
    messages.success(request, _("Payout exported: download the file for payroll below."))
    return redirect(
        "incentives:payout_download", org=request.member.organisation.slug, batch_id=batch.pk
    )


@member_view(Capability.MANAGE_SETTINGS)
def payout_download(request: MemberRequest, batch_id: int) -> HttpResponse:
    batch = access_payout_by_member(member=request.member, batch_id=batch_id)
    services.record_payout_download(by=request.member, batch=batch)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(selectors.payout_rows(batch=batch))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payout-{batch.pk}-{batch.period_start}-{batch.period_end}.csv"'
    )
    return response
