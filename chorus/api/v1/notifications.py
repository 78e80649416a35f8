"""The member's notifications and how often the email digest comes."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from chorus.api.v1.auth import member_of
from chorus.api.v1.pagination import PageParams, page_of
from chorus.api.v1.schemas import ERRORS, Page
from chorus.notifications import selectors, services
from chorus.notifications.access import access_notification_by_member
from chorus.notifications.models import DigestFrequency, Notification, NotificationKind

router = Router(tags=["Notifications"])


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    message: str
    params: dict[str, Any]
    url: str
    created_at: datetime
    read_at: datetime | None


class ReadAllOut(Schema):
    marked_read: int


class DigestIn(Schema):
    frequency: DigestFrequency


class DigestOut(Schema):
    frequency: DigestFrequency


@router.get("/notifications", response={200: Page[NotificationOut], **ERRORS})
def list_notifications(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Your notifications: unread first, then newest first."""
    return page_of(selectors.notifications_for(member=member_of(request)), page)


@router.post("/notifications/read-all", response={200: ReadAllOut, **ERRORS})
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked_read": services.mark_all_read(member=member_of(request))}


@router.post("/notifications/{int:notification_id}/read", response={200: NotificationOut, **ERRORS})
def mark_read(request: HttpRequest, notification_id: int) -> Notification:
    member = member_of(request)
    notification = access_notification_by_member(member=member, notification_id=notification_id)
    return services.mark_read(member=member, notification=notification)


@router.get("/notifications/digest", response={200: DigestOut, **ERRORS})
def digest_preference(request: HttpRequest) -> dict[str, str]:
    """How often you get the email digest of new activities."""
    return {"frequency": selectors.digest_frequency_of(member=member_of(request))}


@router.put("/notifications/digest", response={200: DigestOut, **ERRORS})
def set_digest_preference(request: HttpRequest, payload: DigestIn) -> dict[str, str]:
    member = member_of(request)
    services.set_digest_frequency(member=member, frequency=payload.frequency)
    return {"frequency": selectors.digest_frequency_of(member=member)}
