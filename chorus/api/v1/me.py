"""Who the token acts as, and everything Chorus holds about them."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from chorus.api.v1.auth import member_of
from chorus.api.v1.schemas import ERRORS
from chorus.orgs.roles import Role
from chorus.privacy import selectors

router = Router(tags=["Me"])


class OrganisationOut(Schema):
    slug: str
    name: str


class MeOut(Schema):
    member_id: int
    name: str
    email: str
    role: Role
    language: str
    time_zone: str
    organisation: OrganisationOut


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> dict[str, Any]:
    """The member your token acts as, in its organisation, with their role."""
    member = member_of(request)
    return {
        "member_id": member.pk,
        "name": member.user.display_name,
        "email": member.user.email,
        "role": member.role,
        "language": member.user.language or member.organisation.default_language,
        "time_zone": member.time_zone.key,
        "organisation": member.organisation,
    }


@router.get("/me/data", response={200: dict[str, Any], **ERRORS})
def my_data(request: HttpRequest) -> dict[str, Any]:
    """Everything Chorus holds about you in this organisation (the same as My data's export)."""
    return selectors.member_data_export(member=member_of(request))
