from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from chorus.orgs.access import access_member_by_user, check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import TWO_FACTOR_ROLES, Capability

CURRENT_ORGANISATION_SESSION_KEY = "chorus_organisation"

type MemberView = Callable[..., HttpResponseBase]


class MemberRequest(HttpRequest):
    member: Membership


def member_view(capability: Capability | None = None) -> Callable[[MemberView], MemberView]:
    """Load the requesting member of the organisation named in the URL, or 404.

    Owners and admins without two-factor authentication are sent to set it up first.
    """

    def decorator(view: MemberView) -> MemberView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            member = access_member_by_user(user=request.user, organisation_slug=org)  # type: ignore[arg-type]
            if member.role in TWO_FACTOR_ROLES and not is_mfa_enabled(request.user, ["totp"]):
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
            if capability is not None:
                check_capability(member, capability)
            request.member = member  # type: ignore[attr-defined]
            slug = member.organisation.slug
            if request.session.get(CURRENT_ORGANISATION_SESSION_KEY) != slug:
                # Writing only on a change keeps ordinary page views from saving the session.
                request.session[CURRENT_ORGANISATION_SESSION_KEY] = slug
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
