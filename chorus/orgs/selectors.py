from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chorus.accounts.models import User
from chorus.orgs.models import Invitation, Membership, Organisation, Team


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def members_of(
    *,
    organisation: Organisation,
    search: str = "",
    role: str = "",
    team_id: int | None = None,
    include_inactive: bool = True,
) -> QuerySet[Membership]:
    members = Membership.objects.filter(organisation=organisation).select_related("user")
    if not include_inactive:
        members = members.filter(is_active=True)
    if search:
        members = members.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    if role:
        members = members.filter(role=role)
    if team_id is not None:
        members = members.filter(teams__id=team_id)
    return members.prefetch_related("teams").order_by(
        "-is_active", "user__full_name", "user__email"
    )


def teams_of(*, organisation: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(organisation=organisation).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )


def pending_invitations_of(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).prefetch_related("teams")
