"""The page choice after a Facebook sign-in: which company accounts to connect."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.forms import add_validation_errors
from chorus.networks import pages
from chorus.networks.networks import Network
from chorus.networks.pages import PageChoice
from chorus.orgs.decorators import MemberRequest, member_view
from chorus.orgs.models import Membership

TEMPLATE = "networks/choose_page.html"


class ChoosePagesForm(forms.Form):
    pages = forms.MultipleChoiceField(
        label=gettext_lazy("Accounts to connect"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, *args: Any, choices: list[PageChoice], member: Membership, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pages"].choices = [  # type: ignore[attr-defined]
            (choice.external_id, _label(choice, member=member)) for choice in choices
        ]


def _label(choice: PageChoice, *, member: Membership) -> str:
    name = choice.display_name or choice.handle
    label = name if name == choice.handle else f"{name} ({choice.handle})"
    if choice.connected_by == member:
        label += " — " + _("connected already; choose it to renew its access")
    elif choice.connected_by is not None:
        label += " — " + _("already connected by %(name)s") % {
            "name": choice.connected_by.user.display_name
        }
    return label


@member_view(pages.CAPABILITY)
def choose_page(request: MemberRequest) -> HttpResponse:
    member = request.member
    if request.method == "POST" and "cancel" in request.POST:
        pages.forget_sign_in(session=request.session)
        messages.info(request, _("Nothing was connected."))
        return redirect("networks:accounts", org=member.organisation.slug)
    held = pages.held_sign_in(session=request.session, by=member)
    if held is None:
        return render(request, TEMPLATE, {"form": None})
    if request.method == "POST":
        try:
            accounts = pages.connect_pages(
                session=request.session, by=member, external_ids=request.POST.getlist("pages")
            )
        except ValidationError as error:
            return _choice_page(request, held, data=request.POST, error=error)
        messages.success(
            request,
            _("%(accounts)s connected. Choose below whether they take part in the programme.")
            % {"accounts": ", ".join(str(account) for account in accounts)},
        )
        return redirect("networks:accounts", org=member.organisation.slug)
    return _choice_page(request, held)


def _choice_page(
    request: MemberRequest,
    held: pages.HeldSignIn,
    *,
    data: Any = None,
    error: ValidationError | None = None,
) -> HttpResponse:
    # Only names and ids reach the page: the held sign-in's token stays on the server.
    listing_errors: list[str] = []
    try:
        choices = pages.pages_to_choose(by=request.member, held=held)
    except ValidationError as failure:
        choices, listing_errors = [], failure.messages
    form = ChoosePagesForm(data, choices=choices, member=request.member)
    if error is not None and form.is_bound:
        add_validation_errors(form, error)
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "has_choices": bool(choices),
            "listing_errors": listing_errors,
            "network": Network(held.network).label,
            "signed_in_as": held.name,
        },
    )
