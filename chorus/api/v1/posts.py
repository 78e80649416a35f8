"""The member's own posts: read them, spread them over the week, move, cancel, send now."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime

from chorus.api import selectors as api_selectors
from chorus.api.v1.auth import member_of
from chorus.api.v1.errors import renamed_fields
from chorus.api.v1.pagination import PageParams, page_of
from chorus.api.v1.schemas import ERRORS, Page, PostOut
from chorus.publishing import selectors as publishing_selectors
from chorus.publishing import services as publishing_services
from chorus.publishing.access import access_post_by_member
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.sharing import selectors, services

router = Router(tags=["Posts"])

# Far beyond any gap the service accepts, but small enough to be a time span at all.
MIN_GAP_LIMIT = 24 * 60 * 365


class AttemptOut(Schema):
    started_at: datetime
    finished_at: datetime | None
    outcome: AttemptOutcome
    detail: str
    retry_at: datetime | None


class PostDetailOut(PostOut):
    attempts: list[AttemptOut]
    can_retry: bool

    @staticmethod
    def resolve_attempts(obj: Post) -> Any:
        return publishing_selectors.attempts_of(post=obj)

    @staticmethod
    def resolve_can_retry(obj: Post) -> bool:
        return publishing_services.may_retry(obj)


class PostFilters(PageParams):
    state: PostState | None = None


class SpreadIn(Schema):
    post_ids: list[int] = Field(description="Approved posts without a time yet.")
    start_date: date | None = Field(None, description="First day; default today (or tomorrow).")
    days: int = 5
    day_starts: time = selectors.DEFAULT_DAY_STARTS
    day_ends: time = selectors.DEFAULT_DAY_ENDS
    min_gap_minutes: int = Field(
        int(selectors.DEFAULT_MIN_GAP.total_seconds() // 60), ge=0, le=MIN_GAP_LIMIT
    )


class MoveIn(Schema):
    when: AwareDatetime


class EditIn(Schema):
    text: str
    acknowledge_similarity: bool = False


@router.get("/posts", response={200: Page[PostOut], **ERRORS})
def list_posts(request: HttpRequest, filters: Query[PostFilters]) -> dict[str, Any]:
    """Your posts, newest first."""
    state = filters.state.value if filters.state else ""
    return page_of(api_selectors.posts_of(member=member_of(request), state=state), filters)


@router.get("/posts/{int:post_id}", response={200: PostDetailOut, **ERRORS})
def get_post(request: HttpRequest, post_id: int) -> Post:
    """A post with every attempt at publishing it."""
    return access_post_by_member(member=member_of(request), post_id=post_id)


@router.patch("/posts/{int:post_id}", response={200: PostOut, **ERRORS})
def edit_post(request: HttpRequest, post_id: int, payload: EditIn) -> Post:
    """New words for a post not yet out, checked and approved again in full."""
    member = member_of(request)
    post = access_post_by_member(member=member, post_id=post_id)
    return services.edit_post(
        member=member,
        post=post,
        text=payload.text,
        acknowledge_similarity=payload.acknowledge_similarity,
    )


@router.post("/posts/spread", response={200: list[PostOut], **ERRORS})
def spread_posts(request: HttpRequest, payload: SpreadIn) -> list[Post]:
    """Schedule approved posts at random working-hour times over a few days, or none at all."""
    member = member_of(request)
    posts = [
        access_post_by_member(member=member, post_id=pk) for pk in dict.fromkeys(payload.post_ids)
    ]
    with renamed_fields({"posts": "post_ids", "min_gap": "min_gap_minutes"}):
        return services.spread_posts(
            member=member,
            posts=posts,
            start_date=payload.start_date or selectors.default_start_date(member=member),
            days=payload.days,
            day_starts=payload.day_starts,
            day_ends=payload.day_ends,
            min_gap=timedelta(minutes=payload.min_gap_minutes),
        )


@router.post("/posts/{int:post_id}/move", response={200: PostOut, **ERRORS})
def move_post(request: HttpRequest, post_id: int, payload: MoveIn) -> Post:
    """Move a scheduled (or failed) post to another time that keeps the gap and the cap."""
    member = member_of(request)
    post = access_post_by_member(member=member, post_id=post_id)
    return services.reschedule_post(member=member, post=post, when=payload.when)


@router.post("/posts/{int:post_id}/cancel", response={200: PostOut, **ERRORS})
def cancel_post(request: HttpRequest, post_id: int) -> Post:
    """Call a post back before it goes out."""
    member = member_of(request)
    post = access_post_by_member(member=member, post_id=post_id)
    return services.cancel_post(member=member, post=post)


@router.post("/posts/{int:post_id}/post-now", response={200: PostOut, **ERRORS})
def post_now(request: HttpRequest, post_id: int) -> Post:
    """Send an approved, scheduled or failed post at once, within the account's daily cap."""
    member = member_of(request)
    post = access_post_by_member(member=member, post_id=post_id)
    services.post_now(member=member, post=post)
    # Publishing may already have happened (or begun) by the time the response is written.
    post.refresh_from_db()
    return post


@router.post("/posts/{int:post_id}/retry", response={200: PostOut, **ERRORS})
def retry_post(request: HttpRequest, post_id: int) -> Post:
    """Send a failed post again, at once, with a fresh set of tries."""
    member = member_of(request)
    post = access_post_by_member(member=member, post_id=post_id)
    publishing_services.retry_failed_post(by=member, post=post)
    post.refresh_from_db()
    return post
