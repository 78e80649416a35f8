from typing import Any

from django.http import HttpRequest

from chorus.orgs.roles import Capability, role_can
from chorus.orgs.selectors import memberships_for_user


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation shows: the current organisation, the others, and what the role may do."""
    member = getattr(request, "member", None)
    if member is None:
        return {}
    return {
        "member": member,
        "organisation": member.organisation,
        "other_memberships": [
            m for m in memberships_for_user(user=member.user) if m.pk != member.pk
        ],
        "can": {capability.value: role_can(member.role, capability) for capability in Capability},
    }
