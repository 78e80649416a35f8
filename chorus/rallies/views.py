from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.networks.models import ConnectedAccount
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability, role_can
from chorus.rallies import selectors, services
from chorus.rallies.access import (
    access_managed_rally_by_member,
    access_pledge_by_member,
    access_rally_by_member,
)
from chorus.rallies.forms import PledgeForm, RallyForm
from chorus.rallies.models import Rally, RallyState

PAGE_SIZE = 25


# For everyone: the rallies offered to them, and pledging.


@member_view()
def rally_list(request: MemberRequest) -> HttpResponse:
    member = request.member
    rallies = selectors.rallies_for_member(member=member)
    return render(
        request,
        "rallies/list.html",
        {
            **paginate(request, rallies, per_page=PAGE_SIZE),
            "time_zone": member.time_zone,
            "can_manage": role_can(member.role, Capability.MANAGE_CONTENT),
        },
    )


def _chosen_account(
    request: MemberRequest, accounts: QuerySet[ConnectedAccount]
) -> ConnectedAccount | None:
    """The account the member picked (in the form or the address), else their first one."""
    wanted = request.POST.get("account") or request.GET.get("account") or ""
    if wanted.isdigit():
        account = accounts.filter(pk=int(wanted)).first()
        if account is not None:
            return account
    return accounts.first()


@member_view()
def rally_detail(request: MemberRequest, rally_id: int) -> HttpResponse:
    member = request.member
    rally = access_rally_by_member(member=member, rally_id=rally_id)
    accounts = selectors.pledge_accounts(member=member, campaign=rally.activity.campaign)
    account = _chosen_account(request, accounts)
    language = member.user.language or member.organisation.default_language
    suggestion = (
        selectors.suggestion_for(
            activity=rally.activity, network=account.network, language=language
        )
        if account is not None
        else ""
    )
    form = PledgeForm(
        request.POST or None,
        accounts=accounts,
        initial={"account": account, "text": suggestion},
    )
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            services.pledge(
                member=member,
                rally=rally,
                account=form.cleaned_data["account"],
                text=form.cleaned_data["text"],
                acknowledge_similarity=form.cleaned_data["acknowledge_similarity"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("You pledged. If the goal is reached by the deadline, your post goes out."),
            )
            return redirect("rallies:detail", org=member.organisation.slug, rally_id=rally.pk)
    text = request.POST.get("text", "") if form.is_bound else suggestion
    preview = services.preview_pledge(rally=rally, member=member, account=account, text=text)
    return render(
        request,
        "rallies/detail.html",
        {
            "rally": rally,
            "form": form,
            "preview": preview,
            "pledges": selectors.pledges_of(member=member, rally=rally),
            "pledge_count": selectors.live_pledges(rally=rally).count(),
            "accepting_pledges": rally.state == RallyState.OPEN and timezone.now() < rally.deadline,
            "is_participant": selectors.is_participant(member=member),
            "has_accounts": account is not None,
            "time_zone": member.time_zone,
        },
    )


@member_view()
@require_POST
def withdraw(request: MemberRequest, pledge_id: int) -> HttpResponse:
    member = request.member
    pledge = access_pledge_by_member(member=member, pledge_id=pledge_id)
    report_outcome(
        request,
        lambda: services.withdraw(member=member, pledge=pledge),
        success=_("Pledge withdrawn. Its post will not go out."),
    )
    return redirect("rallies:detail", org=member.organisation.slug, rally_id=pledge.rally_id)


# For content managers: creating, following and cancelling rallies.


@member_view(Capability.MANAGE_CONTENT)
def manage_list(request: MemberRequest) -> HttpResponse:
    rallies = selectors.rallies_of(organisation=request.member.organisation)
    return render(
        request,
        "rallies/manage_list.html",
        {**paginate(request, rallies, per_page=PAGE_SIZE), "time_zone": request.member.time_zone},
    )


@member_view(Capability.MANAGE_CONTENT)
def create(request: MemberRequest) -> HttpResponse:
    member = request.member
    # Times typed into the form are the manager's own wall-clock times.
    with timezone.override(member.time_zone):
        activity = request.GET.get("activity", "")
        form = RallyForm(
            request.POST or None,
            organisation=member.organisation,
            initial={"activity": int(activity)} if activity.isdigit() else {},
        )
        if request.method == "POST" and form.is_valid():
            try:
                rally = services.create_rally(by=member, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Rally “%(title)s” is open.") % {"title": rally.title})
                return redirect(
                    "rallies:manage_detail", org=member.organisation.slug, rally_id=rally.pk
                )
        return render(request, "rallies/create.html", {"form": form, "time_zone": member.time_zone})


@member_view(Capability.MANAGE_CONTENT)
def manage_detail(request: MemberRequest, rally_id: int) -> HttpResponse:
    rally = access_managed_rally_by_member(member=request.member, rally_id=rally_id)
    summary = selectors.pledge_summary(rally=rally)
    return render(
        request,
        "rallies/manage_detail.html",
        {"rally": rally, "summary": summary, "time_zone": request.member.time_zone},
    )


@member_view(Capability.MANAGE_CONTENT)
@require_POST
def cancel(request: MemberRequest, rally_id: int) -> HttpResponse:
    rally: Rally = access_managed_rally_by_member(member=request.member, rally_id=rally_id)
    report_outcome(
        request,
        lambda: services.cancel_rally(by=request.member, rally=rally),
        success=_("Rally cancelled. Nothing will be posted."),
    )
    return redirect(
        "rallies:manage_detail", org=request.member.organisation.slug, rally_id=rally.pk
    )
