"""The one way to reach each tenant object: through a member who may see it.

Outsiders get 404 (the object's existence is not revealed); members without
the needed capability get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from chorus.accounts.models import User
from chorus.orgs.models import Invitation, Membership, Team
from chorus.orgs.roles import Capability, role_can


def access_member_by_user(*, user: User, organisation_slug: str) -> Membership:
    try:
        return Membership.objects.select_related("organisation", "user").get(
            organisation__slug=organisation_slug, user=user, is_active=True, user__is_active=True
        )
    except Membership.DoesNotExist:
        raise Http404("No such organisation") from None


def check_capability(member: Membership, capability: Capability) -> None:
    if not role_can(member.role, capability):
        raise PermissionDenied


def access_team_by_member(*, member: Membership, team_id: int) -> Team:
    check_capability(member, Capability.MANAGE_PEOPLE)
    try:
        return Team.objects.get(organisation=member.organisation, pk=team_id)
    except Team.DoesNotExist:
        raise Http404("No such team") from None


def access_membership_by_member(*, member: Membership, membership_id: int) -> Membership:
    check_capability(member, Capability.MANAGE_PEOPLE)
    try:
        return Membership.objects.select_related("user").get(
            organisation=member.organisation, pk=membership_id
        )
    except Membership.DoesNotExist:
        raise Http404("No such member") from None


def access_invitation_by_member(*, member: Membership, invitation_id: int) -> Invitation:
    check_capability(member, Capability.MANAGE_PEOPLE)
    try:
        return Invitation.objects.get(organisation=member.organisation, pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation") from None
