"""Thin calls to the Instagram API with Facebook Login, with the linked Page's token."""

from typing import Any

from chorus.networks.connectors import graph
from chorus.networks.connectors.instagram.errors import error_for

# What the account's admin grants Chorus: find the Pages and their Instagram business
# accounts, publish, comment, and read likes, comments and views.
SCOPES = (
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
)
ACCOUNT_FIELDS = "instagram_business_account{id,username,name}"
MEDIA_FIELDS = "id,caption,permalink,timestamp"
# Meta replaced impressions with views for media (v22.0, April 2025).
VIEWS_METRIC = "views"


def create_container(
    *, ig_user_id: str, token: str, image_url: str, caption: str, alt_text: str = ""
) -> str:
    """Step one: a media container Instagram fills by fetching ``image_url`` itself."""
    data = {"image_url": image_url, "caption": caption}
    if alt_text:
        data["alt_text"] = alt_text
    body = graph.call("POST", f"/{ig_user_id}/media", token=token, data=data, errors=error_for)
    return graph.created_id(body)


def publish_container(*, ig_user_id: str, token: str, creation_id: str) -> str:
    """Step two: the container becomes a post; the answer is the new media's id."""
    body = graph.call(
        "POST",
        f"/{ig_user_id}/media_publish",
        token=token,
        data={"creation_id": creation_id},
        errors=error_for,
    )
    return graph.created_id(body)


def permalink(*, media_id: str, token: str) -> str:
    body = graph.call(
        "GET", f"/{media_id}", token=token, params={"fields": "permalink"}, errors=error_for
    )
    return str(body.get("permalink") or "")


def recent_media(*, ig_user_id: str, token: str) -> list[dict[str, Any]]:
    body = graph.call(
        "GET",
        f"/{ig_user_id}/media",
        token=token,
        params={"fields": MEDIA_FIELDS, "limit": graph.RECENT_POSTS},
        errors=error_for,
    )
    return [media for media in body.get("data") or [] if isinstance(media, dict)]


def comment(*, media_id: str, token: str, message: str) -> str:
    body = graph.call(
        "POST", f"/{media_id}/comments", token=token, data={"message": message}, errors=error_for
    )
    return graph.created_id(body)


def media_counts(*, media_id: str, token: str) -> dict[str, Any]:
    return graph.call(
        "GET",
        f"/{media_id}",
        token=token,
        params={"fields": "like_count,comments_count"},
        errors=error_for,
    )


def media_views(*, media_id: str, token: str) -> int | None:
    body = graph.call(
        "GET",
        f"/{media_id}/insights",
        token=token,
        params={"metric": VIEWS_METRIC},
        errors=error_for,
    )
    return graph.metric_value(body, VIEWS_METRIC)


def followers(*, ig_user_id: str, token: str) -> int:
    body = graph.call(
        "GET",
        f"/{ig_user_id}",
        token=token,
        params={"fields": "followers_count"},
        errors=error_for,
    )
    return int(body.get("followers_count") or 0)
