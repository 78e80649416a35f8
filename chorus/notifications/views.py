from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chorus.core.pagination import paginate
from chorus.notifications import selectors, services
from chorus.notifications.access import access_notification_by_member
from chorus.notifications.forms import DigestPreferenceForm
from chorus.orgs.decorators import MemberRequest, member_view

PAGE_SIZE = 30


def _list_url(request: MemberRequest) -> str:
    return reverse("notifications:list", kwargs={"org": request.member.organisation.slug})


def _is_local(request: MemberRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _back_to_list(request: MemberRequest) -> HttpResponseRedirect:
    """To the page of the list the person was on."""
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
    return HttpResponseRedirect(_list_url(request) + suffix)


@member_view()
def notification_list(request: MemberRequest) -> HttpResponse:
    notifications = selectors.notifications_for(member=request.member)
    return render(
        request,
        "notifications/list.html",
        {
            **paginate(request, notifications, per_page=PAGE_SIZE),
            "unread": selectors.unread_count(member=request.member),
        },
    )


@member_view()
@require_POST
def notification_open(request: MemberRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read and follow its link."""
    notification = access_notification_by_member(
        member=request.member, notification_id=notification_id
    )
    services.mark_read(member=request.member, notification=notification)
    if _is_local(request, notification.url):
        return HttpResponseRedirect(notification.url)
    return _back_to_list(request)


@member_view()
@require_POST
def notification_mark_read(request: MemberRequest, notification_id: int) -> HttpResponse:
    notification = access_notification_by_member(
        member=request.member, notification_id=notification_id
    )
    services.mark_read(member=request.member, notification=notification)
    return _back_to_list(request)


@member_view()
@require_POST
def notification_mark_all_read(request: MemberRequest) -> HttpResponse:
    count = services.mark_all_read(member=request.member)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notifications:list", org=request.member.organisation.slug)


@member_view()
def notification_preferences(request: MemberRequest) -> HttpResponse:
    form = DigestPreferenceForm(
        request.POST or None,
        initial={"frequency": selectors.digest_frequency_of(member=request.member)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_digest_frequency(
                member=request.member, frequency=form.cleaned_data["frequency"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your email settings are saved."))
            return redirect("notifications:preferences", org=request.member.organisation.slug)
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "time_zone": request.member.time_zone.key},
    )
