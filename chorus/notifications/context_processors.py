from functools import cached_property
from typing import Any

from django.http import HttpRequest

from chorus.notifications.selectors import UNREAD_COUNT_LIMIT, unread_count
from chorus.orgs.models import Membership


class UnreadNotifications:
    """The navigation's unread count, queried only if a template shows it, and then once."""

    def __init__(self, member: Membership) -> None:
        self.member = member

    @cached_property
    def count(self) -> int:
        return unread_count(member=self.member)

    @property
    def shown(self) -> str:
        return f"{UNREAD_COUNT_LIMIT - 1}+" if self.count >= UNREAD_COUNT_LIMIT else str(self.count)


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    if member is None:
        return {}
    return {"unread_notifications": UnreadNotifications(member)}
