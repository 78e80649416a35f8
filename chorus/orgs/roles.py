"""Roles and what each may do, in one place."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    CONTENT_MANAGER = "content_manager", _("Content manager")
    REVIEWER = "reviewer", _("Reviewer")
    RESPONDER = "responder", _("Responder")
    EMPLOYEE = "employee", _("Employee")


class Capability(StrEnum):
    MANAGE_PEOPLE = "manage_people"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_CONTENT = "manage_content"
    REVIEW_CONTENT = "review_content"
    RESPOND_PUBLICLY = "respond_publicly"


CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(Capability),
    Role.ADMIN: frozenset(Capability),
    Role.CONTENT_MANAGER: frozenset({Capability.MANAGE_CONTENT}),
    Role.REVIEWER: frozenset({Capability.REVIEW_CONTENT}),
    Role.RESPONDER: frozenset({Capability.RESPOND_PUBLICLY}),
    Role.EMPLOYEE: frozenset(),
}

# Roles that must use two-factor authentication before they can act.
TWO_FACTOR_ROLES = frozenset({Role.OWNER, Role.ADMIN})


def role_can(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())


def assignable_roles(by_role: str) -> list[str]:
    """Roles a member of ``by_role`` may give to others: only owners make owners."""
    if by_role == Role.OWNER:
        return list(Role.values)
    if by_role == Role.ADMIN:
        return [role for role in Role.values if role != Role.OWNER]
    return []
