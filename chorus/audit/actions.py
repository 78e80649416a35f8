from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    ORGANISATION_UPDATED = "organisation.updated", _("Organisation settings changed")
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Member's role changed")
    MEMBER_TEAMS_CHANGED = "member.teams_changed", _("Member's teams changed")
    MEMBER_DEACTIVATED = "member.deactivated", _("Member deactivated")
    MEMBER_REACTIVATED = "member.reactivated", _("Member reactivated")
    TEAM_CREATED = "team.created", _("Team created")
    TEAM_UPDATED = "team.updated", _("Team changed")
    TEAM_DELETED = "team.deleted", _("Team deleted")
    AUDIT_LOG_EXPORTED = "audit.exported", _("Audit log exported")
