from typing import Any

from django.db import models

from chorus.accounts.models import User
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs.models import Membership, Organisation


def record_event(
    *,
    organisation: Organisation,
    actor: User | None,
    action: AuditAction,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        object_type=target._meta.model_name or "" if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        before=before,
        after=after,
    )


def record_member_action(
    by: Membership,
    action: AuditAction,
    target: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record what a member did in their organisation."""
    return record_event(
        organisation=by.organisation,
        actor=by.user,
        action=action,
        target=target,
        before=before,
        after=after,
    )
