"""Thin calls to the Pages API, each with the Page's own token."""

from datetime import datetime
from typing import Any

from chorus.networks.connectors import graph
from chorus.networks.connectors.facebook.errors import error_for

# What the Page's admin grants Chorus: list their Pages, post and delete as the Page,
# comment and like as the Page, read reactions and comments, and read post views.
SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "read_insights",
)
POST_FIELDS = "id,message,created_time,permalink_url"
# Reactions include likes; ``limit(0)`` asks for the totals without the people.
COUNT_FIELDS = (
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"
)
# Meta replaced post impressions with views (Page Insights, November 2025).
VIEWS_METRIC = "post_media_view"


def post_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


def publish_text(*, page_id: str, token: str, message: str, link: str = "") -> str:
    data = {"message": message}
    if link:
        data["link"] = link
    body = graph.call("POST", f"/{page_id}/feed", token=token, data=data, errors=error_for)
    return graph.created_id(body)


def publish_photo(
    *,
    page_id: str,
    token: str,
    caption: str,
    image: bytes | None = None,
    content_type: str = "",
    url: str = "",
) -> str:
    """A photo post, uploaded or fetched by Facebook from ``url``: the Page post's id."""
    data = {"caption": caption}
    files = None
    if image is not None:
        files = {"source": ("image", image, content_type or "application/octet-stream")}
    else:
        data["url"] = url
    body = graph.call(
        "POST", f"/{page_id}/photos", token=token, data=data, files=files, errors=error_for
    )
    # ``id`` is the photo; ``post_id`` the post it appears in, which gets the reactions.
    return str(body.get("post_id") or graph.created_id(body))


def recent_posts(*, page_id: str, token: str, since: datetime) -> list[dict[str, Any]]:
    body = graph.call(
        "GET",
        f"/{page_id}/published_posts",
        token=token,
        params={
            "fields": POST_FIELDS,
            "since": int(since.timestamp()),
            "limit": graph.RECENT_POSTS,
        },
        errors=error_for,
    )
    return [post for post in body.get("data") or [] if isinstance(post, dict)]


def delete(*, object_id: str, token: str) -> None:
    graph.call("DELETE", f"/{object_id}", token=token, errors=error_for)


def comment(*, object_id: str, token: str, message: str) -> str:
    body = graph.call(
        "POST", f"/{object_id}/comments", token=token, data={"message": message}, errors=error_for
    )
    return graph.created_id(body)


def like(*, object_id: str, token: str) -> None:
    graph.call("POST", f"/{object_id}/likes", token=token, errors=error_for)


def post_counts(*, post_id: str, token: str) -> dict[str, Any]:
    return graph.call(
        "GET", f"/{post_id}", token=token, params={"fields": COUNT_FIELDS}, errors=error_for
    )


def post_views(*, post_id: str, token: str) -> int | None:
    """Lifetime views of the post; None when Meta has no figure for it."""
    body = graph.call(
        "GET",
        f"/{post_id}/insights",
        token=token,
        params={"metric": VIEWS_METRIC, "period": "lifetime"},
        errors=error_for,
    )
    return graph.metric_value(body, VIEWS_METRIC)


def followers(*, page_id: str, token: str) -> int:
    body = graph.call(
        "GET",
        f"/{page_id}",
        token=token,
        params={"fields": "followers_count,fan_count"},
        errors=error_for,
    )
    return int(body.get("followers_count") or body.get("fan_count") or 0)
