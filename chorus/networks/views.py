from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.core.feedback import report_outcome
from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.networks import pages, selectors, services
from chorus.networks.access import access_account_by_member
from chorus.networks.forms import (
    AccountSettingsForm,
    AppPasswordForm,
    NetworkAppForm,
    OutboxAccountForm,
    ServerForm,
)
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import ConnectMethod, Network, profile_for
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.roles import Capability
from chorus.publishing.models import Post

OUTBOX_PAGE_SIZE = 50
PENDING_SESSION_KEY = "chorus_network_sign_in"


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
            "connectable": selectors.connectable_networks(member=request.member),
            "password_form": AppPasswordForm(),
            "server_form": ServerForm(),
            "cancelled": cancelled,
            "growth": selectors.growth_of(member=request.member),
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
        success=_(
            "%(account)s is connected again. Posts whose time passed meanwhile have new "
            "times, spread out from now: see My posts."
        )
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


def _accounts(request: MemberRequest) -> HttpResponse:
    return redirect("networks:accounts", org=request.member.organisation.slug)


@member_view()
def connect_bluesky(request: MemberRequest) -> HttpResponse:
    """Connect with an app password: the one network that signs in without OAuth."""
    form = AppPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.connect_with_password(
                by=request.member, network=Network.BLUESKY, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("%(account)s is connected.") % {"account": account})
            return _accounts(request)
    return render(request, "networks/connect_password.html", {"form": form, "network": "Bluesky"})


def _callback_url(request: MemberRequest, network: str) -> str:
    path = reverse(
        "networks:connect_callback",
        kwargs={"org": request.member.organisation.slug, "network": network},
    )
    return f"{settings.SITE_URL}{path}"


@member_view()
@require_POST
def connect_start(request: MemberRequest, network: str) -> HttpResponse:
    """Send the member to sign in on the network; it calls ``connect_callback`` back."""
    if network not in Network.values or profile_for(network).connect_method != ConnectMethod.OAUTH:
        raise Http404("No such network")
    form = ServerForm(request.POST) if profile_for(network).names_server else None
    server = form.data.get("server", "") if form is not None else ""
    try:
        url, pending = services.start_authorization(
            by=request.member,
            network=network,
            server=str(server),
            redirect_uri=_callback_url(request, network),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _accounts(request)
    request.session[PENDING_SESSION_KEY] = pending.to_session()
    # The network's own sign-in page: the URL comes from the connector, never the request.
    return HttpResponseRedirect(url)


@member_view()
def connect_callback(request: MemberRequest, network: str) -> HttpResponse:
    stored = request.session.pop(PENDING_SESSION_KEY, None)
    if not stored or stored.get("network") != network:
        messages.error(request, _("This sign-in did not start here. Start connecting again."))
        return _accounts_page(request)
    pending = services.PendingAuthorization.from_session(stored)
    try:
        connection = services.complete_authorization(
            by=request.member,
            pending=pending,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error_description") or request.GET.get("error", ""),
        )
        if pending.company_page:
            # One sign-in can manage several pages: the member chooses which to connect.
            pages.hold_sign_in(
                session=request.session, by=request.member, network=network, connection=connection
            )
            return redirect(pages.choose_page_url(member=request.member))
        account = services.connect_account(
            by=request.member, network=network, connection=connection
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _accounts_page(request)
    messages.success(
        request,
        _("%(account)s is connected. Choose below whether it takes part in the programme.")
        % {"account": account},
    )
    return _accounts(request)


@member_view(Capability.MANAGE_SETTINGS)
def network_apps(request: MemberRequest) -> HttpResponse:
    """Which networks members may connect, and the organisation's own app on each."""
    apps = selectors.network_apps_of(organisation=request.member.organisation)
    bound_network = request.POST.get("network") if request.method == "POST" else None
    rows = []
    for network in Network.values:
        if network == Network.OUTBOX:
            continue
        profile, app = profile_for(network), apps.get(network)
        initial = {
            "enabled": app.enabled if app else not profile.needs_app,
            "client_id": app.client_id if app else "",
        }
        form = NetworkAppForm(
            request.POST if bound_network == network else None,
            initial=initial,
            auto_id=f"id_{network}_%s",
        )
        rows.append((profile, app, form))
        if bound_network == network and form.is_valid():
            data = form.cleaned_data
            try:
                services.update_network_app(
                    by=request.member,
                    network=network,
                    enabled=data["enabled"],
                    client_id=data["client_id"],
                    client_secret=data["client_secret"] or None,
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(
                    request, _("%(network)s settings saved.") % {"network": profile.network.label}
                )
                return redirect("networks:apps", org=request.member.organisation.slug)
    return render(
        request,
        "networks/apps.html",
        {"rows": rows, "callback_urls": {n: _callback_url(request, n) for n in Network.values}},
    )
