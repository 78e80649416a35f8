"""Rallies: pledge to post together if enough colleagues do; content managers create them."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from chorus.api.v1.auth import member_of
from chorus.api.v1.errors import renamed_fields
from chorus.api.v1.pagination import PageParams, page_of
from chorus.api.v1.schemas import ERRORS, Page, PostOut, Ref
from chorus.campaigns.access import access_activity_by_member
from chorus.networks.access import access_account_by_member
from chorus.rallies import selectors, services
from chorus.rallies.access import (
    access_managed_rally_by_member,
    access_pledge_by_member,
    access_rally_by_member,
)
from chorus.rallies.models import Pledge, Rally, RallyState

router = Router(tags=["Rallies"])


class RallyOut(Schema):
    id: int
    title: str
    call_to_action: str
    state: RallyState
    goal_pledges: int
    pledge_count: int
    deadline: datetime
    window_starts_at: datetime
    window_ends_at: datetime
    activity_id: int
    campaign: Ref
    accepting_pledges: bool
    created_at: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_pledge_count(obj: Rally) -> int:
        counted = getattr(obj, "pledge_count", None)
        return counted if counted is not None else selectors.live_pledges(rally=obj).count()

    @staticmethod
    def resolve_campaign(obj: Rally) -> Any:
        return obj.activity.campaign

    @staticmethod
    def resolve_accepting_pledges(obj: Rally) -> bool:
        return obj.state == RallyState.OPEN and timezone.now() < obj.deadline


class PledgeOut(Schema):
    id: int
    rally_id: int
    account_id: int
    created_at: datetime
    withdrawn_at: datetime | None
    post: PostOut


class RallyDetailOut(RallyOut):
    my_pledges: list[PledgeOut]

    @staticmethod
    def resolve_my_pledges(obj: Rally, context: dict[str, Any]) -> Any:
        return selectors.pledges_of(member=member_of(context["request"]), rally=obj)


class PledgeIn(Schema):
    account_id: int
    text: str = Field(description="Your own words; the disclosure and link are added.")
    acknowledge_similarity: bool = False


class RallyIn(Schema):
    activity_id: int = Field(description="A share-link or own-post activity of a live campaign.")
    title: str
    call_to_action: str = ""
    goal_pledges: int
    deadline: AwareDatetime
    window_starts_at: AwareDatetime
    window_ends_at: AwareDatetime


@router.get("/rallies", response={200: Page[RallyOut], **ERRORS})
def list_rallies(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Rallies about activities offered to you: open ones first."""
    return page_of(selectors.rallies_for_member(member=member_of(request)), page)


@router.post("/rallies", response={201: RallyOut, **ERRORS})
def create_rally(request: HttpRequest, payload: RallyIn) -> Status[Rally]:
    """Open a rally on an activity (content managers)."""
    member = member_of(request)
    activity = access_activity_by_member(member=member, activity_id=payload.activity_id)
    values = payload.model_dump(exclude={"activity_id"})
    with renamed_fields({"activity": "activity_id"}):
        rally = services.create_rally(by=member, activity=activity, **values)
    return Status(201, rally)


@router.get("/rallies/{int:rally_id}", response={200: RallyDetailOut, **ERRORS})
def get_rally(request: HttpRequest, rally_id: int) -> Rally:
    """A rally offered to you, with your pledges to it."""
    return access_rally_by_member(member=member_of(request), rally_id=rally_id)


@router.post("/rallies/{int:rally_id}/pledge", response={201: PledgeOut, **ERRORS})
def pledge(request: HttpRequest, rally_id: int, payload: PledgeIn) -> Status[Pledge]:
    """Approve your text for your account; it is posted only if the rally reaches its goal."""
    member = member_of(request)
    rally = access_rally_by_member(member=member, rally_id=rally_id)
    account = access_account_by_member(member=member, account_id=payload.account_id)
    with renamed_fields({"account": "account_id"}):
        made = services.pledge(
            member=member,
            rally=rally,
            account=account,
            text=payload.text,
            acknowledge_similarity=payload.acknowledge_similarity,
        )
    return Status(201, made)


@router.post("/rallies/{int:rally_id}/cancel", response={200: RallyOut, **ERRORS})
def cancel_rally(request: HttpRequest, rally_id: int) -> Rally:
    """Call an open rally off: every pledge's post is cancelled (content managers)."""
    member = member_of(request)
    rally = access_managed_rally_by_member(member=member, rally_id=rally_id)
    return services.cancel_rally(by=member, rally=rally)


@router.post("/pledges/{int:pledge_id}/withdraw", response={200: PledgeOut, **ERRORS})
def withdraw_pledge(request: HttpRequest, pledge_id: int) -> Pledge:
    """Take a pledge back and cancel its post; possible until the rally fires."""
    member = member_of(request)
    made = access_pledge_by_member(member=member, pledge_id=pledge_id)
    services.withdraw(member=member, pledge=made)
    made.post.refresh_from_db()
    return made
