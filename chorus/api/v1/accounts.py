"""The member's own connected network accounts."""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from chorus.api.v1.auth import member_of
from chorus.api.v1.pagination import PageParams, page_of
from chorus.api.v1.schemas import ERRORS, AccountOut, Page, PostOut, changes
from chorus.networks import selectors, services
from chorus.networks.access import access_account_by_member
from chorus.networks.models import ConnectedAccount

router = Router(tags=["Accounts"])


class OutboxIn(Schema):
    handle: str
    takes_part: bool = True


class AccountSettingsIn(Schema):
    takes_part: bool | None = Field(None, description="Whether the account takes part.")
    daily_cap: int | None = Field(
        None, description="Posts per day at most; null for the network's default."
    )


class AccountChangeOut(Schema):
    account: AccountOut
    cancelled_posts: list[PostOut]


@router.get("/accounts", response={200: Page[AccountOut], **ERRORS})
def list_accounts(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Your connected accounts, and those waiting to be reconnected."""
    return page_of(selectors.live_accounts_of(member=member_of(request)), page)


@router.post("/accounts/outbox", response={201: AccountOut, **ERRORS})
def connect_outbox(request: HttpRequest, payload: OutboxIn) -> Status[ConnectedAccount]:
    """Connect a development outbox: its posts are recorded in Chorus, never sent.

    Only on servers with the outbox enabled (404 otherwise).
    """
    if not settings.CHORUS_OUTBOX_ENABLED:
        raise Http404("The development outbox is not enabled")
    account = services.connect_outbox_account(
        by=member_of(request), handle=payload.handle, takes_part=payload.takes_part
    )
    return Status(201, account)


@router.get("/accounts/{int:account_id}", response={200: AccountOut, **ERRORS})
def get_account(request: HttpRequest, account_id: int) -> ConnectedAccount:
    return access_account_by_member(member=member_of(request), account_id=account_id)


@router.patch("/accounts/{int:account_id}", response={200: AccountChangeOut, **ERRORS})
def update_account(
    request: HttpRequest, account_id: int, payload: AccountSettingsIn
) -> dict[str, Any]:
    """Whether the account takes part, and its daily cap; leaving cancels its waiting posts."""
    member = member_of(request)
    account = access_account_by_member(member=member, account_id=account_id)
    values = {
        "takes_part": account.takes_part,
        "daily_cap": account.daily_cap,
        **changes(payload, nullable={"daily_cap"}),
    }
    cancelled = services.update_account_settings(by=member, account=account, **values)
    return {"account": account, "cancelled_posts": cancelled}


@router.post("/accounts/{int:account_id}/disconnect", response={200: AccountChangeOut, **ERRORS})
def disconnect_account(request: HttpRequest, account_id: int) -> dict[str, Any]:
    """Disconnect and forget the credentials; the posts still waiting for it are cancelled."""
    member = member_of(request)
    account = access_account_by_member(member=member, account_id=account_id)
    cancelled = services.disconnect_account(by=member, account=account)
    return {"account": account, "cancelled_posts": cancelled}


@router.post("/accounts/{int:account_id}/reconnect", response={200: AccountOut, **ERRORS})
def reconnect_account(request: HttpRequest, account_id: int) -> ConnectedAccount:
    member = member_of(request)
    account = access_account_by_member(member=member, account_id=account_id)
    return services.reconnect_account(by=member, account=account)
