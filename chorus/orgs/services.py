"""Changes to organisations, members and teams. Every administrative change is audited."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, timedelta

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chorus.accounts.models import User
from chorus.audit.actions import AuditAction
from chorus.audit.services import record_event, record_member_action
from chorus.orgs.access import check_capability
from chorus.orgs.models import Invitation, Membership, Organisation, Team, hash_invitation_token
from chorus.orgs.roles import Capability, Role, assignable_roles


def create_organisation(*, name: str, owner: User, slug: str = "") -> Organisation:
    slug = slug or _unique_slug(name)
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, slug=slug)
        Membership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)
    return organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, counter = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def update_organisation(
    *, by: Membership, name: str, default_language: str, default_time_zone: str
) -> Organisation:
    check_capability(by, Capability.MANAGE_SETTINGS)
    organisation = by.organisation
    before = _organisation_state(organisation)
    organisation.name = name
    organisation.default_language = default_language
    organisation.default_time_zone = default_time_zone
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        record_member_action(
            by,
            AuditAction.ORGANISATION_UPDATED,
            organisation,
            before=before,
            after=_organisation_state(organisation),
        )
    return organisation


def _organisation_state(organisation: Organisation) -> dict[str, str]:
    return {
        "name": organisation.name,
        "default_language": organisation.default_language,
        "default_time_zone": organisation.default_time_zone,
    }


def _check_may_manage(by: Membership, member: Membership) -> None:
    check_capability(by, Capability.MANAGE_PEOPLE)
    if member.organisation_id != by.organisation_id:
        raise ValidationError(_("This person is not a member of your organisation."))
    if member.pk == by.pk:
        raise ValidationError(_("You cannot change your own role or access."))
    if member.role == Role.OWNER and by.role != Role.OWNER:
        raise ValidationError(_("Only an owner can change another owner."))


def change_member_role(*, by: Membership, member: Membership, role: str) -> Membership:
    _check_may_manage(by, member)
    if role not in assignable_roles(by.role):
        raise ValidationError(_("You cannot give the role %(role)s.") % {"role": role})
    if member.role == role:
        return member
    before = {"role": member.role}
    with transaction.atomic():
        member.role = role
        member.save(update_fields=["role"])
        record_member_action(
            by,
            AuditAction.MEMBER_ROLE_CHANGED,
            member,
            before=before,
            after={"role": role},
        )
    return member


def set_member_teams(*, by: Membership, member: Membership, teams: Iterable[Team]) -> Membership:
    _check_may_manage(by, member)
    teams = list(teams)
    _check_teams_belong(by.organisation, teams)
    before = sorted(team.name for team in member.teams.all())
    after = sorted(team.name for team in teams)
    if before == after:
        return member
    with transaction.atomic():
        member.teams.set(teams)
        record_member_action(
            by,
            AuditAction.MEMBER_TEAMS_CHANGED,
            member,
            before={"teams": before},
            after={"teams": after},
        )
    return member


def _check_teams_belong(organisation: Organisation, teams: Iterable[Team]) -> None:
    if any(team.organisation_id != organisation.pk for team in teams):
        raise ValidationError(_("Teams must belong to your organisation."))


def deactivate_member(*, by: Membership, member: Membership) -> Membership:
    """Take away a member's access and end every session they have, at once."""
    if _set_member_active(by, member, active=False):
        end_all_sessions(user=member.user)
    return member


def reactivate_member(*, by: Membership, member: Membership) -> Membership:
    _set_member_active(by, member, active=True)
    return member


def _set_member_active(by: Membership, member: Membership, *, active: bool) -> bool:
    """Change whether a member is active; says whether anything changed."""
    _check_may_manage(by, member)
    if member.is_active == active:
        return False
    with transaction.atomic():
        member.is_active = active
        member.deactivated_at = None if active else timezone.now()
        member.save(update_fields=["is_active", "deactivated_at"])
        record_member_action(
            by,
            AuditAction.MEMBER_REACTIVATED if active else AuditAction.MEMBER_DEACTIVATED,
            member,
            before={"active": not active},
            after={"active": active},
        )
    return True


def end_all_sessions(*, user: User) -> int:
    sessions = UserSession.objects.purge_and_list(user)
    for session in sessions:
        session.end()
    return len(sessions)


def create_team(*, by: Membership, name: str, description: str = "") -> Team:
    check_capability(by, Capability.MANAGE_PEOPLE)
    name = name.strip()
    _check_team_name_free(by.organisation, name)
    with transaction.atomic():
        team = Team.objects.create(organisation=by.organisation, name=name, description=description)
        record_member_action(
            by,
            AuditAction.TEAM_CREATED,
            team,
            after={"name": name, "description": description},
        )
    return team


def _check_team_name_free(
    organisation: Organisation, name: str, *, except_id: int | None = None
) -> None:
    if not name:
        raise ValidationError({"name": _("A team needs a name.")})
    taken = Team.objects.filter(organisation=organisation, name__iexact=name)
    if except_id is not None:
        taken = taken.exclude(pk=except_id)
    if taken.exists():
        raise ValidationError({"name": _("A team with this name already exists.")})


def update_team(*, by: Membership, team: Team, name: str, description: str) -> Team:
    check_capability(by, Capability.MANAGE_PEOPLE)
    _check_teams_belong(by.organisation, [team])
    name = name.strip()
    _check_team_name_free(by.organisation, name, except_id=team.pk)
    before = {"name": team.name, "description": team.description}
    with transaction.atomic():
        team.name, team.description = name, description
        team.save(update_fields=["name", "description"])
        record_member_action(
            by,
            AuditAction.TEAM_UPDATED,
            team,
            before=before,
            after={"name": name, "description": description},
        )
    return team


def delete_team(*, by: Membership, team: Team) -> None:
    check_capability(by, Capability.MANAGE_PEOPLE)
    _check_teams_belong(by.organisation, [team])
    with transaction.atomic():
        record_member_action(
            by,
            AuditAction.TEAM_DELETED,
            team,
            before={"name": team.name, "members": team.members.count()},
        )
        team.delete()


# Invitations


@dataclass(frozen=True)
class InvitationRow:
    """One row of a bulk invitation file, valid or with the reasons it is not."""

    line: int
    email: str
    full_name: str = ""
    role: str = Role.EMPLOYEE
    teams: tuple[Team, ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class BulkInvitationResult:
    rows: tuple[InvitationRow, ...]
    file_errors: tuple[str, ...] = ()
    invitations: tuple[Invitation, ...] = ()

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)


class InvitationUnusable(Exception):
    """An invitation link that cannot be used, with the reason to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def invitation_token(invitation: Invitation) -> str:
    return salted_hmac("chorus.orgs.invitation", invitation.nonce, algorithm="sha256").hexdigest()


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])


def _check_invitable(
    by: Membership, email: str, role: str, teams: Iterable[Team]
) -> dict[str, str]:
    """What is wrong with inviting this person, by the form field it concerns."""
    errors = {}
    if role not in assignable_roles(by.role):
        errors["role"] = _("You cannot give the role “%(role)s”.") % {"role": role}
    if any(team.organisation_id != by.organisation_id for team in teams):
        errors["teams"] = _("Teams must belong to your organisation.")
    if Membership.objects.filter(organisation=by.organisation, user__email__iexact=email).exists():
        errors["email"] = _("%(email)s is already a member of this organisation.") % {
            "email": email
        }
    return errors


def invite_member(
    *, by: Membership, email: str, role: str, teams: Iterable[Team] = (), full_name: str = ""
) -> Invitation:
    """Invite one person; a newer invitation to the same address replaces any pending one."""
    check_capability(by, Capability.MANAGE_PEOPLE)
    email = _normalise_email(email)
    teams = list(teams)
    errors = _check_invitable(by, email, role, teams)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invitation = _create_invitation(by, email, full_name.strip(), role, teams)
    return invitation


def _normalise_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(email)s” is not a valid email address.") % {"email": email[:100]}}
        ) from None
    return email


def _create_invitation(
    by: Membership, email: str, full_name: str, role: str, teams: list[Team]
) -> Invitation:
    now = timezone.now()
    Invitation.objects.filter(
        organisation=by.organisation, email=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    invitation = Invitation(
        organisation=by.organisation,
        email=email,
        full_name=full_name,
        role=role,
        invited_by=by.user,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.token_hash = hash_invitation_token(invitation_token(invitation))
    invitation.save()
    invitation.teams.set(teams)
    record_member_action(
        by,
        AuditAction.INVITATION_SENT,
        invitation,
        after={"email": email, "role": role, "teams": sorted(team.name for team in teams)},
    )
    from chorus.orgs.tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id=invitation.pk))
    return invitation


def send_invitation_email(*, invitation_id: int) -> bool:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    # The email states the expiry in UTC, whichever time zone is active where it is sent.
    with translation.override(invitation.organisation.default_language), timezone.override(UTC):
        context = {
            "invitation": invitation,
            "url": invitation_url(invitation),
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        }
        subject = _("You are invited to join %(organisation)s on Chorus") % {
            "organisation": invitation.organisation.name
        }
        body = render_to_string("orgs/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True


def parse_invitation_csv(*, by: Membership, data: bytes) -> BulkInvitationResult:
    """Check every row of a bulk invitation file without changing anything."""
    check_capability(by, Capability.MANAGE_PEOPLE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return BulkInvitationResult(rows=(), file_errors=(_("The file is not UTF-8 text."),))
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    if "email" not in columns:
        return BulkInvitationResult(
            rows=(), file_errors=(_("The first row must name the columns, including “email”."),)
        )
    teams_by_name = {team.name.lower(): team for team in by.organisation.teams.all()}
    rows: list[InvitationRow] = []
    seen: set[str] = set()
    try:
        for record in reader:
            if len(rows) >= settings.INVITATION_CSV_MAX_ROWS:
                return BulkInvitationResult(
                    rows=tuple(rows),
                    file_errors=(
                        _("The file has more than %(count)d rows.")
                        % {"count": settings.INVITATION_CSV_MAX_ROWS},
                    ),
                )
            fields = {(k or "").strip().lower(): (v or "").strip() for k, v in record.items()}
            if not any(fields.values()):
                continue
            rows.append(_parse_row(by, reader.line_num, fields, teams_by_name, seen))
    except csv.Error as error:
        return BulkInvitationResult(
            rows=tuple(rows),
            file_errors=(_("The file is not valid CSV: %(error)s") % {"error": error},),
        )
    if not rows:
        return BulkInvitationResult(rows=(), file_errors=(_("The file holds no one to invite."),))
    return BulkInvitationResult(rows=tuple(rows))


def _parse_row(
    by: Membership,
    line: int,
    fields: dict[str, str],
    teams_by_name: dict[str, Team],
    seen: set[str],
) -> InvitationRow:
    errors: list[str] = []
    email = fields.get("email", "").lower()
    try:
        email = _normalise_email(email)
    except ValidationError as error:
        errors.extend(error.messages)
    if email in seen:
        errors.append(_("%(email)s appears more than once in the file.") % {"email": email})
    seen.add(email)
    role = (fields.get("role") or Role.EMPLOYEE).lower().replace(" ", "_")
    if role not in Role.values:
        errors.append(_("“%(role)s” is not a role.") % {"role": fields.get("role", "")})
    teams: list[Team] = []
    for name in filter(None, (n.strip() for n in fields.get("teams", "").split(";"))):
        team = teams_by_name.get(name.lower())
        if team is None:
            errors.append(_("There is no team called “%(team)s”.") % {"team": name})
        else:
            teams.append(team)
    if not errors:
        errors.extend(_check_invitable(by, email, role, teams).values())
    return InvitationRow(
        line=line,
        email=email,
        full_name=fields.get("full_name", ""),
        role=role,
        teams=tuple(teams),
        errors=tuple(errors),
    )


def bulk_invite(*, by: Membership, data: bytes) -> BulkInvitationResult:
    """Invite everyone in the file, or, if any row has an error, nobody."""
    result = parse_invitation_csv(by=by, data=data)
    if result.has_errors:
        return result
    with transaction.atomic():
        invitations = tuple(
            _create_invitation(by, row.email, row.full_name, row.role, list(row.teams))
            for row in result.rows
        )
    return BulkInvitationResult(rows=result.rows, invitations=invitations)


def revoke_invitation(*, by: Membership, invitation: Invitation) -> Invitation:
    check_capability(by, Capability.MANAGE_PEOPLE)
    if invitation.organisation_id != by.organisation_id:
        raise ValidationError(_("This invitation is not from your organisation."))
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return invitation
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_member_action(
            by,
            AuditAction.INVITATION_REVOKED,
            invitation,
            before={"email": invitation.email, "role": invitation.role},
        )
    return invitation


def usable_invitation(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationUnusable(
            _("This invitation link is not valid. Check that you copied all of it.")
        )
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation has already been used. Log in to continue."))
    if invitation.revoked_at is not None:
        raise InvitationUnusable(
            _("This invitation was withdrawn. Ask %(organisation)s for a new one.")
            % {"organisation": invitation.organisation.name}
        )
    if invitation.is_expired:
        raise InvitationUnusable(
            _("This invitation has expired. Ask %(organisation)s for a new one.")
            % {"organisation": invitation.organisation.name}
        )
    return invitation


def accept_invitation(*, token: str, user: User) -> Membership:
    """Join the invitation's organisation as ``user``, who must own the invited address."""
    with transaction.atomic():
        invitation = usable_invitation(token=token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationUnusable(
                _("This invitation has already been used. Log in to continue.")
            )
        if user.email.lower() != invitation.email.lower():
            raise InvitationUnusable(
                _("This invitation is for %(email)s. Log out and open the link again.")
                % {"email": invitation.email}
            )
        membership, _created = Membership.objects.update_or_create(
            organisation=invitation.organisation,
            user=user,
            defaults={"role": invitation.role, "is_active": True, "deactivated_at": None},
        )
        membership.teams.set(invitation.teams.all())
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_event(
            organisation=invitation.organisation,
            actor=user,
            action=AuditAction.INVITATION_ACCEPTED,
            target=membership,
            after={
                "role": invitation.role,
                "teams": sorted(t.name for t in invitation.teams.all()),
            },
        )
    return membership


def accept_invitation_as_new_user(
    *, token: str, full_name: str, password: str, language: str, time_zone: str
) -> Membership:
    """Create the invited person's account and join; the invitation proves their address."""
    with transaction.atomic():
        invitation = usable_invitation(token=token)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable(
                _("An account for %(email)s exists already. Log in to accept the invitation.")
                % {"email": invitation.email}
            )
        password_validation.validate_password(password, User(email=invitation.email))
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=full_name.strip(),
            language=language,
            time_zone=time_zone,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return accept_invitation(token=token, user=user)


def account_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()
