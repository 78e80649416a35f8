"""Taking part in the advocacy programme: joining, leaving, and which accounts take part."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from chorus.api.v1.auth import member_of
from chorus.api.v1.errors import renamed_fields
from chorus.api.v1.schemas import ERRORS, AccountOut, PostOut
from chorus.networks.access import access_account_by_member
from chorus.orgs.models import Membership
from chorus.sharing import selectors, services

router = Router(tags=["Programme"])


class ProgrammeOut(Schema):
    participant: bool
    joined_at: datetime | None
    agreed_terms_version: int | None
    terms_version: int = Field(description="The version of the terms in force now.")
    terms: str
    terms_changed: bool = Field(description="The terms changed since you agreed to them.")


class LeaveOut(Schema):
    left_at: datetime
    cancelled_posts: list[PostOut]
    withdrawn_accounts: list[AccountOut]


class AccountChoiceIn(Schema):
    account_ids: list[int] = Field(description="Your accounts that take part; the others do not.")


class AccountChoiceOut(Schema):
    chosen: list[AccountOut]
    unchosen: list[AccountOut]
    cancelled_posts: list[PostOut]


def _status(member: Membership) -> dict[str, Any]:
    advocacy = selectors.advocacy_settings_for(organisation=member.organisation)
    consent = selectors.open_consent(member=member)
    return {
        "participant": consent is not None,
        "joined_at": consent.joined_at if consent else None,
        "agreed_terms_version": consent.terms_version if consent else None,
        "terms_version": advocacy.programme_terms_version,
        "terms": advocacy.terms_text,
        "terms_changed": consent is not None
        and consent.terms_version != advocacy.programme_terms_version,
    }


@router.get("/programme", response={200: ProgrammeOut, **ERRORS})
def programme_status(request: HttpRequest) -> dict[str, Any]:
    """Whether you take part, and the programme's terms."""
    return _status(member_of(request))


@router.post("/programme/join", response={200: ProgrammeOut, **ERRORS})
def join_programme(request: HttpRequest) -> dict[str, Any]:
    """Take part, agreeing to the terms in force now."""
    member = member_of(request)
    services.join_programme(member=member)
    return _status(member)


@router.post("/programme/leave", response={200: LeaveOut, **ERRORS})
def leave_programme(request: HttpRequest) -> dict[str, Any]:
    """Stop taking part: every post not yet out is cancelled at once, and listed here."""
    result = services.leave_programme(member=member_of(request))
    return {
        "left_at": result.consent.left_at,
        "cancelled_posts": result.cancelled,
        "withdrawn_accounts": result.withdrawn_accounts,
    }


@router.put("/programme/accounts", response={200: AccountChoiceOut, **ERRORS})
def choose_accounts(request: HttpRequest, payload: AccountChoiceIn) -> dict[str, Any]:
    """Choose which of your accounts take part; posts waiting for the others are cancelled."""
    member = member_of(request)
    accounts = [
        access_account_by_member(member=member, account_id=pk) for pk in set(payload.account_ids)
    ]
    with renamed_fields({"accounts": "account_ids"}):
        choice = services.choose_accounts(
            member=member, account_ids=[account.pk for account in accounts]
        )
    return {
        "chosen": choice.chosen,
        "unchosen": choice.unchosen,
        "cancelled_posts": choice.cancelled,
    }
