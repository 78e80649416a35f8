import json

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chorus.core.forms import add_validation_errors
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.privacy import selectors, services
from chorus.privacy.forms import DeleteAccountForm


@member_view()
def my_data(request: MemberRequest) -> HttpResponse:
    return render(
        request, "privacy/my_data.html", {"sections": selectors.member_data(member=request.member)}
    )


@member_view()
def export(request: MemberRequest) -> HttpResponse:
    now = timezone.now()
    data = selectors.member_data_export(member=request.member, now=now)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"chorus-{request.member.organisation.slug}-my-data-{now:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@member_view()
def delete_account(request: MemberRequest) -> HttpResponse:
    user = request.member.user
    sole_owned = selectors.organisations_only_owned_by(user=user)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not sole_owned and form.is_valid():
        try:
            left = services.delete_account(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            logout(request)
            # The navigation must not offer the organisation they just left.
            del request.member
            return render(request, "privacy/deleted.html", {"organisations": left})
    return render(
        request,
        "privacy/delete_account.html",
        {
            "form": form,
            "sole_owned": sole_owned,
            "memberships": selectors.memberships_of(user=user),
        },
    )
