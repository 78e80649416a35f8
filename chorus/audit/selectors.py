from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from chorus.audit.models import AuditEvent
from chorus.orgs.models import Organisation


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_of(*, organisation: Organisation, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The organisation's audit events, newest first; dates are days in the active time zone."""
    events = AuditEvent.objects.filter(organisation=organisation)
    if filters.actor:
        events = events.filter(actor_email__icontains=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.since:
        events = events.filter(created_at__gte=_start_of(filters.since))
    if filters.until:
        events = events.filter(created_at__lt=_start_of(filters.until + timedelta(days=1)))
    return events.order_by("-created_at", "-id")
