from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chorus.api import selectors, services
from chorus.api.access import access_token_by_member
from chorus.api.forms import ApiTokenForm
from chorus.core.pagination import paginate
from chorus.orgs.decorators import MemberRequest, member_view

PAGE_SIZE = 50


@member_view()
def tokens(request: MemberRequest) -> HttpResponse:
    """The member's API tokens, and a form for a new one whose secret is shown only here, once."""
    form = ApiTokenForm(request.POST or None)
    created = None
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_token(
                by=request.member,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(now=now),
                now=now,
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "api/tokens.html",
        {
            **paginate(request, selectors.tokens_of(member=request.member), per_page=PAGE_SIZE),
            "form": form,
            "created": created,
            "now": now,
            "openapi_url": reverse("api-v1:openapi-json"),
            "docs_url": reverse("api-v1:openapi-view"),
        },
    )
    if created is not None:
        # The page holds the secret: no cache may keep a copy.
        response["Cache-Control"] = "no-store"
    return response


@member_view()
@require_POST
def token_revoke(request: MemberRequest, token_id: int) -> HttpResponse:
    token = access_token_by_member(member=request.member, token_id=token_id)
    services.revoke_token(by=request.member, token=token)
    messages.success(
        request, _("Token “%(name)s” is revoked and no longer works.") % {"name": token.name}
    )
    return redirect("api:tokens", org=request.member.organisation.slug)
