from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chorus.core.forms import add_validation_errors
from chorus.core.pagination import paginate
from chorus.offboarding.services import offboard_member
from chorus.orgs import selectors, services
from chorus.orgs.access import (
    access_invitation_by_member,
    access_membership_by_member,
    access_team_by_member,
)
from chorus.orgs.decorators import CURRENT_ORGANISATION_SESSION_KEY, MemberRequest, member_view
from chorus.orgs.forms import (
    AcceptInvitationForm,
    BulkInvitationForm,
    InvitationForm,
    MemberForm,
    OrganisationSettingsForm,
    TeamForm,
)
from chorus.orgs.roles import Capability, Role
from chorus.sharing.views import feed_context

PAGE_SIZE = 50


@login_required
def root(request: HttpRequest) -> HttpResponse:
    """Send a person to the organisation they used last, or let them choose."""
    memberships = list(selectors.memberships_for_user(user=request.user))  # type: ignore[arg-type]
    last = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
    for membership in memberships:
        if membership.organisation.slug == last or len(memberships) == 1:
            return redirect("orgs:home", org=membership.organisation.slug)
    return render(request, "orgs/choose.html", {"memberships": memberships})


@member_view()
def home(request: MemberRequest) -> HttpResponse:
    """The member's home: their feed of things to share (or how to join the programme)."""
    return render(request, "orgs/home.html", feed_context(request))


@member_view(Capability.MANAGE_PEOPLE)
def people(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    team_id = request.GET.get("team", "")
    members = selectors.members_of(
        organisation=organisation,
        search=request.GET.get("q", "").strip(),
        role=request.GET.get("role", "") if request.GET.get("role") in Role.values else "",
        team_id=int(team_id) if team_id.isdigit() else None,
    )
    return render(
        request,
        "orgs/people.html",
        {
            **paginate(request, members, per_page=PAGE_SIZE),
            "roles": Role.choices,
            "teams": selectors.teams_of(organisation=organisation),
            "invitations": selectors.pending_invitations_of(organisation=organisation),
        },
    )


@member_view(Capability.MANAGE_PEOPLE)
def member_detail(request: MemberRequest, membership_id: int) -> HttpResponse:
    target = access_membership_by_member(member=request.member, membership_id=membership_id)
    form = MemberForm(
        request.POST or None,
        organisation=request.member.organisation,
        by_role=request.member.role,
        initial={"role": target.role, "teams": list(target.teams.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_member_role(
                by=request.member, member=target, role=form.cleaned_data["role"]
            )
            services.set_member_teams(
                by=request.member, member=target, teams=form.cleaned_data["teams"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("Changes to %(name)s saved.") % {"name": target.user.display_name}
            )
            return redirect("orgs:people", org=request.member.organisation.slug)
    return render(request, "orgs/member_detail.html", {"target": target, "form": form})


@member_view(Capability.MANAGE_PEOPLE)
@require_POST
def member_set_active(request: MemberRequest, membership_id: int) -> HttpResponse:
    target = access_membership_by_member(member=request.member, membership_id=membership_id)
    activate = request.POST.get("active") == "1"
    try:
        if activate:
            services.reactivate_member(by=request.member, member=target)
            messages.success(
                request, _("%(name)s can use Chorus again.") % {"name": target.user.display_name}
            )
        else:
            offboard_member(by=request.member, member=target)
            messages.success(
                request,
                _("%(name)s is deactivated and has been logged out everywhere.")
                % {"name": target.user.display_name},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orgs:member", org=request.member.organisation.slug, membership_id=target.pk)


@member_view(Capability.MANAGE_PEOPLE)
def teams(request: MemberRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("orgs:teams", org=request.member.organisation.slug)
    team_list = selectors.teams_of(organisation=request.member.organisation)
    return render(request, "orgs/teams.html", {"form": form, "teams": team_list})


@member_view(Capability.MANAGE_PEOPLE)
def team_edit(request: MemberRequest, team_id: int) -> HttpResponse:
    team = access_team_by_member(member=request.member, team_id=team_id)
    form = TeamForm(
        request.POST or None, initial={"name": team.name, "description": team.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(by=request.member, team=team, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
            return redirect("orgs:teams", org=request.member.organisation.slug)
    return render(request, "orgs/team_edit.html", {"team": team, "form": form})


@member_view(Capability.MANAGE_PEOPLE)
@require_POST
def team_delete(request: MemberRequest, team_id: int) -> HttpResponse:
    team = access_team_by_member(member=request.member, team_id=team_id)
    services.delete_team(by=request.member, team=team)
    messages.success(request, _("Team %(name)s deleted.") % {"name": team.name})
    return redirect("orgs:teams", org=request.member.organisation.slug)


@member_view(Capability.MANAGE_SETTINGS)
def organisation_settings(request: MemberRequest) -> HttpResponse:
    organisation = request.member.organisation
    form = OrganisationSettingsForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "default_language": organisation.default_language,
            "default_time_zone": organisation.default_time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("orgs:settings", org=organisation.slug)
    return render(request, "orgs/settings.html", {"form": form})


@member_view(Capability.MANAGE_PEOPLE)
def invite(request: MemberRequest) -> HttpResponse:
    form = InvitationForm(
        request.POST or None, organisation=request.member.organisation, by_role=request.member.role
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(by=request.member, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("orgs:people", org=request.member.organisation.slug)
    return render(
        request,
        "orgs/invite.html",
        {"form": form, "invitation_valid_days": settings.INVITATION_VALID_DAYS},
    )


@member_view(Capability.MANAGE_PEOPLE)
def invite_bulk(request: MemberRequest) -> HttpResponse:
    form = BulkInvitationForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.bulk_invite(by=request.member, data=form.cleaned_data["csv_file"].read())
        if not result.has_errors:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation sent.",
                    "%(count)d invitations sent.",
                    len(result.invitations),
                )
                % {"count": len(result.invitations)},
            )
            return redirect("orgs:people", org=request.member.organisation.slug)
    return render(request, "orgs/invite_bulk.html", {"form": form, "result": result})


@member_view(Capability.MANAGE_PEOPLE)
@require_POST
def invitation_revoke(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation_by_member(member=request.member, invitation_id=invitation_id)
    services.revoke_invitation(by=request.member, invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("orgs:people", org=request.member.organisation.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: join, creating an account if the person has none."""
    try:
        invitation = services.usable_invitation(token=token)
    except services.InvitationUnusable as problem:
        return _unusable_invitation(request, problem)
    has_account = services.account_exists(email=invitation.email)
    form = None
    if request.user.is_authenticated or has_account:
        if request.method == "POST" and request.user.is_authenticated:
            return _accept_as_current_user(request, token)
    else:
        form = AcceptInvitationForm(
            request.POST or None,
            initial={
                "full_name": invitation.full_name,
                "language": request.LANGUAGE_CODE,
                "time_zone": invitation.organisation.default_time_zone,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                membership = services.accept_invitation_as_new_user(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    language=form.cleaned_data["language"],
                    time_zone=form.cleaned_data["time_zone"],
                )
            except ValidationError as error:
                form.add_error("password1", error)
            except services.InvitationUnusable as problem:
                return _unusable_invitation(request, problem)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                # Recorded like an allauth login, so that deactivating them ends this session.
                UserSession.objects.create_from_request(request)
                return redirect("orgs:home", org=membership.organisation.slug)
    return render(
        request,
        "orgs/invitation_accept.html",
        {"invitation": invitation, "form": form, "has_account": has_account},
    )


def _unusable_invitation(
    request: HttpRequest, problem: services.InvitationUnusable
) -> HttpResponse:
    return render(
        request, "orgs/invitation_unusable.html", {"problem": problem.message}, status=410
    )


def _accept_as_current_user(request: HttpRequest, token: str) -> HttpResponse:
    try:
        membership = services.accept_invitation(token=token, user=request.user)  # type: ignore[arg-type]
    except services.InvitationUnusable as problem:
        return _unusable_invitation(request, problem)
    messages.success(
        request, _("Welcome to %(organisation)s.") % {"organisation": membership.organisation.name}
    )
    return redirect("orgs:home", org=membership.organisation.slug)
