"""Schemas shared by several endpoint groups."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from ninja import Schema

from chorus.networks.models import AccountStatus
from chorus.publishing.models import PostSource, PostState


class Page[T](Schema):
    items: list[T]
    total: int
    limit: int
    offset: int


class Message(Schema):
    detail: str


class FieldErrors(Schema):
    errors: dict[str, list[str]]


class Ref(Schema):
    id: int
    name: str


class AccountOut(Schema):
    id: int
    network: str
    handle: str
    display_name: str
    status: AccountStatus
    status_reason: str
    takes_part: bool
    daily_cap: int | None
    effective_daily_cap: int
    can_post: bool
    connected_at: datetime


class PostOut(Schema):
    id: int
    state: PostState
    source: PostSource
    network: str
    account_id: int | None
    activity_id: int | None
    text: str
    link_url: str
    approved_at: datetime
    scheduled_for: datetime | None
    published_at: datetime | None
    external_url: str
    failure_reason: str
    cancelled_reason: str
    cancelled_at: datetime | None
    attempt_count: int
    created_at: datetime


def changes(payload: Schema, *, nullable: Collection[str] = ()) -> dict[str, Any]:
    """The fields a partial update gives; null only clears the fields that may be empty."""
    return {
        name: value
        for name, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or name in nullable
    }


# Responses every endpoint may give besides its own.
ERRORS: dict[int, type[Schema]] = {
    401: Message,
    403: Message,
    404: Message,
    409: FieldErrors,
    422: FieldErrors,
}
