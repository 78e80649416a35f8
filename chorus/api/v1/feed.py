"""The member's feed: activities offered to them, and what they made of each."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from chorus.api.v1.auth import member_of
from chorus.api.v1.pagination import PageParams, page_of
from chorus.api.v1.schemas import ERRORS, Page, Ref
from chorus.campaigns.models import ActivityKind
from chorus.orgs.models import Membership
from chorus.sharing import selectors, services
from chorus.sharing.access import access_feed_entry_by_member
from chorus.sharing.models import FeedEntry, FeedState

router = Router(tags=["Feed"])


class FeedActivityOut(Schema):
    id: int
    kind: ActivityKind
    title: str
    topic: str
    talking_points: str
    post_url: str
    expires_at: datetime | None
    points: int
    has_image: bool


class FeedSuggestionOut(Schema):
    id: int
    network: str
    language: str
    text: str


class LinkCardOut(Schema):
    url: str
    title: str
    description: str
    domain: str


class FeedEntryOut(Schema):
    activity_id: int
    state: FeedState
    created_at: datetime
    is_pilot: bool
    composable: bool
    campaign: Ref
    activity: FeedActivityOut
    suggestion: FeedSuggestionOut | None
    link: LinkCardOut | None


class FeedFilters(PageParams):
    state: FeedState | None = None


def _cards(member: Membership, entries: list[FeedEntry]) -> list[dict[str, Any]]:
    return [
        {
            "activity_id": card.entry.activity_id,
            "state": card.entry.state,
            "created_at": card.entry.created_at,
            "is_pilot": card.is_pilot,
            "composable": card.composable,
            "campaign": card.entry.campaign,
            "activity": {
                "id": card.entry.activity.pk,
                "kind": card.entry.activity.kind,
                "title": card.entry.activity.title,
                "topic": card.entry.activity.topic,
                "talking_points": card.entry.activity.talking_points,
                "post_url": card.entry.activity.post_url,
                "expires_at": card.entry.activity.expires_at,
                "points": card.entry.activity.points,
                "has_image": bool(card.entry.activity.image),
            },
            "suggestion": card.suggestion,
            "link": card.link,
        }
        for card in selectors.feed_cards(member=member, entries=entries)
    ]


@router.get("/feed", response={200: Page[FeedEntryOut], **ERRORS})
def list_feed(request: HttpRequest, filters: Query[FeedFilters]) -> dict[str, Any]:
    """Activities offered to you: new first, then those most relevant to you.

    Only for members who take part in the programme (join it first).
    """
    member = member_of(request)
    if not selectors.is_participant(member=member):
        raise ValidationError(_("Join the programme to see your feed."), code="not_participant")
    state = filters.state.value if filters.state else ""
    page = page_of(selectors.feed_for(member=member, state=state), filters)
    page["items"] = _cards(member, page["items"])
    return page


def _change(
    request: HttpRequest, activity_id: int, change: Callable[..., FeedEntry]
) -> dict[str, Any]:
    member = member_of(request)
    entry = access_feed_entry_by_member(member=member, activity_id=activity_id)
    change(member=member, entry=entry)
    return _cards(member, [entry])[0]


@router.post("/feed/{int:activity_id}/skip", response={200: FeedEntryOut, **ERRORS})
def skip_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """Not for me: the activity moves out of the way."""
    return _change(request, activity_id, services.skip_activity)


@router.post("/feed/{int:activity_id}/unskip", response={200: FeedEntryOut, **ERRORS})
def unskip_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """Bring a skipped activity back."""
    return _change(request, activity_id, services.unskip_activity)


@router.post("/feed/{int:activity_id}/done", response={200: FeedEntryOut, **ERRORS})
def mark_activity_done(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """Say a like or comment, done on the network itself, is done."""
    return _change(request, activity_id, services.mark_activity_done)
