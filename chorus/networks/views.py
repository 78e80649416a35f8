from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.networks import selectors, services
from chorus.networks.access import access_account_by_member
from chorus.networks.forms import AccountSettingsForm, OutboxAccountForm
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import Network
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.publishing.models import Post

OUTBOX_PAGE_SIZE = 50
# Networks whose connection flow is still to come; named honestly on the page.
NOT_YET_CONNECTABLE = [label for value, label in Network.choices if value != Network.OUTBOX]


def _settings_form(account: ConnectedAccount, data: Any = None) -> AccountSettingsForm:
    return AccountSettingsForm(
        data,
        auto_id=f"id_account{account.pk}_%s",
        initial={"takes_part": account.takes_part, "daily_cap": account.daily_cap},
    )


def _accounts_page(
    request: MemberRequest,
    *,
    connect_form: OutboxAccountForm | None = None,
    bound: AccountSettingsForm | None = None,
    bound_account_id: int | None = None,
    cancelled: list[Post] | None = None,
) -> HttpResponse:
    accounts = list(selectors.live_accounts_of(member=request.member))
    rows = [
        (
            account,
            bound if account.pk == bound_account_id and bound else _settings_form(account),
        )
        for account in accounts
    ]
    outbox_enabled = settings.CHORUS_OUTBOX_ENABLED
    return render(
        request,
        "networks/accounts.html",
        {
            "rows": rows,
            "needing_reconnect": [a for a in accounts if a.status == AccountStatus.NEEDS_RECONNECT],
            "outbox_enabled": outbox_enabled,
            "connect_form": (connect_form or OutboxAccountForm()) if outbox_enabled else None,
            "not_yet_connectable": NOT_YET_CONNECTABLE,
            "cancelled": cancelled,
        },
    )


@member_view()
def accounts(request: MemberRequest) -> HttpResponse:
    return _accounts_page(request)


@member_view()
@require_POST
def connect_outbox(request: MemberRequest) -> HttpResponse:
    if not settings.CHORUS_OUTBOX_ENABLED:
        raise Http404("The development outbox is not enabled")
    form = OutboxAccountForm(request.POST)
    if form.is_valid():
        try:
            account = services.connect_outbox_account(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("Development outbox %(handle)s connected. Its posts stay in Chorus.")
                % {"handle": account.handle},
            )
            return redirect("networks:accounts", org=request.member.organisation.slug)
    return _accounts_page(request, connect_form=form)


@member_view()
@require_POST
def account_settings(request: MemberRequest, account_id: int) -> HttpResponse:
    account = access_account_by_member(member=request.member, account_id=account_id)
    form = _settings_form(account, request.POST)
    if form.is_valid():
        try:
            cancelled = services.update_account_settings(
                by=request.member, account=account, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if cancelled:
                return _accounts_page(request, cancelled=cancelled)
            messages.success(request, _("Settings for %(account)s saved.") % {"account": account})
            return redirect("networks:accounts", org=request.member.organisation.slug)
    return _accounts_page(request, bound=form, bound_account_id=account.pk)


@member_view()
@require_POST
def disconnect(request: MemberRequest, account_id: int) -> HttpResponse:
    account = access_account_by_member(member=request.member, account_id=account_id)
    try:
        cancelled = services.disconnect_account(by=request.member, account=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("networks:accounts", org=request.member.organisation.slug)
    messages.success(request, _("%(account)s is disconnected.") % {"account": account})
    # Shown in this response: the member sees at once what will no longer go out.
    return _accounts_page(request, cancelled=cancelled)


@member_view()
@require_POST
def reconnect(request: MemberRequest, account_id: int) -> HttpResponse:
    account = access_account_by_member(member=request.member, account_id=account_id)
    report_outcome(
        request,
        lambda: services.reconnect_account(by=request.member, account=account),
        success=_("%(account)s is connected again; its waiting posts go out now.")
        % {"account": account},
    )
    return redirect("networks:accounts", org=request.member.organisation.slug)


@member_view()
def outbox(request: MemberRequest) -> HttpResponse:
    if not settings.CHORUS_OUTBOX_ENABLED:
        raise Http404("The development outbox is not enabled")
    posts = selectors.outbox_posts_of(member=request.member)
    return render(
        request, "networks/outbox.html", paginate(request, posts, per_page=OUTBOX_PAGE_SIZE)
    )
