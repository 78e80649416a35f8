"""Posting and acting as a company Page, with request and answer shapes from Meta's Pages API
documentation ("Page Content", Page Feed, Page Photos, Post, Object Likes, Insights)."""

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import respx

from chorus.networks.connectors.base import (
    NotSupported,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.models import ConnectedAccount
from chorus.networks.tests.facebook.conftest import PAGE_ID, PAGE_TOKEN
from chorus.publishing.models import Post, PostState, PublishAttempt
from chorus.publishing.tests.factories import T0, scheduled_post

TEXT = "Our spring release is out, and I helped build it.\nhttps://acme.test/news?id=7"
POST_ID = f"{PAGE_ID}_1116689038356556"


def form_of(route: respx.Route) -> dict[str, list[str]]:
    return parse_qs(route.calls.last.request.content.decode())


def sent_as_the_page(route: respx.Route) -> bool:
    request = route.calls.last.request
    return request.headers["Authorization"] == f"Bearer {PAGE_TOKEN}" and PAGE_TOKEN not in str(
        request.url
    )


@pytest.mark.django_db
def test_contract_publish_text_posts_the_message_to_the_page_feed(connector, graph_api, page):
    feed = graph_api.post(f"/{PAGE_ID}/feed").respond(200, json={"id": POST_ID})

    published = connector.publish(page, OutgoingPost(text=TEXT, idempotency_key="key-1"))

    assert form_of(feed) == {"message": [TEXT]}
    assert sent_as_the_page(feed)
    assert published == PublishedPost(
        external_id=POST_ID, url=f"https://www.facebook.com/{POST_ID}"
    )


@pytest.mark.django_db
def test_contract_publish_link_attaches_the_link(connector, graph_api, page):
    feed = graph_api.post(f"/{PAGE_ID}/feed").respond(200, json={"id": POST_ID})

    connector.publish(
        page,
        OutgoingPost(text=TEXT, link_url="https://acme.test/news?id=7", idempotency_key="k"),
    )

    assert form_of(feed) == {"message": [TEXT], "link": ["https://acme.test/news?id=7"]}


@pytest.mark.django_db
def test_contract_publish_image_uploads_it_as_a_photo_with_the_text_as_caption(
    connector, graph_api, page
):
    photos = graph_api.post(f"/{PAGE_ID}/photos").respond(
        200, json={"id": "1116692661689527", "post_id": POST_ID}
    )
    image = b"\x89PNG\r\n\x1a\n-the-picture-"

    published = connector.publish(
        page,
        OutgoingPost(text=TEXT, idempotency_key="k", image=image, image_content_type="image/png"),
    )

    request = photos.calls.last.request
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    body = request.content
    assert b'name="source"' in body and image in body and b"image/png" in body
    assert b'name="caption"' in body and TEXT.encode() in body
    assert sent_as_the_page(photos)
    # The post the photo appears in, not the photo: reactions and comments are on it.
    assert published.external_id == POST_ID


@pytest.mark.django_db
def test_contract_publish_image_from_a_public_address(connector, graph_api, page):
    photos = graph_api.post(f"/{PAGE_ID}/photos").respond(
        200, json={"id": "1116692661689527", "post_id": POST_ID}
    )

    connector.publish(
        page,
        OutgoingPost(text=TEXT, idempotency_key="k", image_url="https://acme.test/spring.jpg"),
    )

    assert form_of(photos) == {"caption": [TEXT], "url": ["https://acme.test/spring.jpg"]}


def published_posts(*posts: dict[str, str]) -> dict[str, object]:
    """Page Published Posts, as the Page Feed reference shows them."""
    return {
        "data": list(posts),
        "paging": {
            "cursors": {"before": "QVFIUkxNT", "after": "QVFIUmRtd"},
            "next": f"https://graph.facebook.com/v26.0/{PAGE_ID}/published_posts?after=QVFIUmRtd",
        },
    }


def page_post(message: str, created_time: str, post_id: str = POST_ID) -> dict[str, str]:
    return {
        "created_time": created_time,
        "message": message,
        "id": post_id,
        "permalink_url": f"https://www.facebook.com/{PAGE_ID}/posts/{post_id.split('_')[1]}",
    }


def tried_at(page: ConnectedAccount, *, attempts: int = 1) -> Post:
    """A post Chorus started sending at T0, as many times as given."""
    post = scheduled_post(page, text=TEXT, state=PostState.PUBLISHING)
    for number in range(attempts):
        PublishAttempt.objects.create(post=post, started_at=T0 + timedelta(minutes=number))
    post.attempt_count = attempts
    post.save(update_fields=["attempt_count"])
    return post


@pytest.mark.django_db
def test_contract_find_published_finds_the_post_by_its_text(connector, graph_api, page):
    post = tried_at(page)
    listing = graph_api.get(f"/{PAGE_ID}/published_posts").respond(
        200,
        json=published_posts(
            page_post("Something else entirely", "2026-05-04T09:30:00+0000", f"{PAGE_ID}_2"),
            page_post(TEXT, "2026-05-04T09:00:07+0000"),
        ),
    )

    found = connector.find_published(page, str(post.idempotency_key))

    assert found == PublishedPost(
        external_id=POST_ID,
        url=f"https://www.facebook.com/{PAGE_ID}/posts/1116689038356556",
    )
    params = listing.calls.last.request.url.params
    assert params["fields"] == "id,message,created_time,permalink_url"
    # From a little before the first attempt.
    assert int(params["since"]) == int((T0 - timedelta(minutes=5)).timestamp())
    assert sent_as_the_page(listing)


@pytest.mark.django_db
def test_contract_find_published_ignores_the_same_words_posted_before_chorus_tried(
    connector, graph_api, page
):
    post = tried_at(page)
    graph_api.get(f"/{PAGE_ID}/published_posts").respond(
        200, json=published_posts(page_post(TEXT, "2026-04-20T12:00:00+0000"))
    )

    assert connector.find_published(page, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_contract_find_published_finds_nothing_when_the_post_never_went_out(
    connector, graph_api, page
):
    post = tried_at(page)
    graph_api.get(f"/{PAGE_ID}/published_posts").respond(
        200, json={"data": [], "paging": {"cursors": {"before": "", "after": ""}}}
    )

    assert connector.find_published(page, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_find_published_for_a_key_chorus_does_not_know_asks_nothing(connector, graph_api, page):
    assert connector.find_published(page, "6b1f6a8e-0000-4000-8000-000000000000") is None
    assert not graph_api.calls


@pytest.mark.django_db
def test_contract_a_retry_returns_the_post_an_earlier_attempt_made(connector, graph_api, page):
    post = tried_at(page, attempts=2)
    graph_api.get(f"/{PAGE_ID}/published_posts").respond(
        200, json=published_posts(page_post(TEXT, "2026-05-04T09:00:03+0000"))
    )
    feed = graph_api.post(f"/{PAGE_ID}/feed").respond(200, json={"id": f"{PAGE_ID}_999"})

    published = connector.publish(
        page, OutgoingPost(text=TEXT, idempotency_key=str(post.idempotency_key))
    )

    assert published.external_id == POST_ID
    assert not feed.called


@pytest.mark.django_db
def test_contract_a_retry_posts_when_no_earlier_attempt_got_through(connector, graph_api, page):
    post = tried_at(page, attempts=2)
    graph_api.get(f"/{PAGE_ID}/published_posts").respond(200, json=published_posts())
    feed = graph_api.post(f"/{PAGE_ID}/feed").respond(200, json={"id": POST_ID})

    published = connector.publish(
        page, OutgoingPost(text=TEXT, idempotency_key=str(post.idempotency_key))
    )

    assert feed.call_count == 1
    assert published.external_id == POST_ID


@pytest.mark.django_db
def test_contract_a_first_attempt_posts_without_looking(connector, graph_api, page):
    post = tried_at(page, attempts=1)
    listing = graph_api.get(f"/{PAGE_ID}/published_posts").respond(200, json=published_posts())
    graph_api.post(f"/{PAGE_ID}/feed").respond(200, json={"id": POST_ID})

    connector.publish(page, OutgoingPost(text=TEXT, idempotency_key=str(post.idempotency_key)))

    assert not listing.called


@pytest.mark.django_db
def test_contract_delete_removes_the_post(connector, graph_api, page):
    deleted = graph_api.delete(f"/{POST_ID}").respond(200, json={"success": True})

    connector.delete(page, POST_ID)

    assert deleted.call_count == 1
    assert sent_as_the_page(deleted)


@pytest.mark.django_db
def test_contract_comment_answers_as_the_page(connector, graph_api, page):
    comments = graph_api.post(f"/{POST_ID}/comments").respond(
        200, json={"id": "1116689038356556_1116701188355341"}
    )

    comment = connector.comment(
        page, POST_ID, OutgoingPost(text="Thank you all!", idempotency_key="c-1")
    )

    assert form_of(comments) == {"message": ["Thank you all!"]}
    assert sent_as_the_page(comments)
    assert comment.external_id == "1116689038356556_1116701188355341"


@pytest.mark.django_db
def test_contract_like_likes_as_the_page(connector, graph_api, page):
    likes = graph_api.post(f"/{POST_ID}/likes").respond(200, json={"success": True})

    connector.like(page, POST_ID)

    assert likes.call_count == 1
    assert sent_as_the_page(likes)


@pytest.mark.django_db
def test_repost_is_not_offered(connector, graph_api, page):
    with pytest.raises(NotSupported):
        connector.repost(page, POST_ID)
    assert not graph_api.calls


POST_COUNTS = {
    "reactions": {"data": [], "summary": {"total_count": 42, "viewer_reaction": "NONE"}},
    "comments": {
        "data": [],
        "summary": {"order": "ranked", "total_count": 7, "can_comment": True},
    },
    "shares": {"count": 3},
    "id": POST_ID,
}


@pytest.mark.django_db
def test_contract_post_metrics_count_reactions_comments_shares_and_views(
    connector, graph_api, page
):
    counts = graph_api.get(f"/{POST_ID}").respond(200, json=POST_COUNTS)
    insights = graph_api.get(f"/{POST_ID}/insights").respond(
        200,
        json={
            "data": [
                {
                    "name": "post_media_view",
                    "period": "lifetime",
                    "values": [{"value": 1234}],
                    "title": "Lifetime Post Media Views",
                    "description": "Lifetime: The number of times your post was on screen.",
                    "id": f"{POST_ID}/insights/post_media_view/lifetime",
                }
            ],
            "paging": {"previous": "https://graph.facebook.com/...", "next": "https://..."},
        },
    )

    metrics = connector.post_metrics(page, POST_ID)

    assert metrics == PostMetrics(likes=42, replies=7, reposts=3, impressions=1234)
    assert counts.calls.last.request.url.params["fields"] == (
        "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"
    )
    assert insights.calls.last.request.url.params["metric"] == "post_media_view"


@pytest.mark.django_db
def test_contract_post_metrics_without_shares_or_views_permission(connector, graph_api, page):
    graph_api.get(f"/{POST_ID}").respond(
        200, json={key: value for key, value in POST_COUNTS.items() if key != "shares"}
    )
    graph_api.get(f"/{POST_ID}/insights").respond(
        403,
        json={
            "error": {
                "message": "(#10) Requires read_insights permission",
                "type": "OAuthException",
                "code": 10,
                "fbtrace_id": "AzQ1",
            }
        },
    )

    metrics = connector.post_metrics(page, POST_ID)

    assert metrics == PostMetrics(likes=42, replies=7, reposts=0, impressions=None)


@pytest.mark.django_db
def test_contract_follower_count_reads_the_page_followers(connector, graph_api, page):
    fields = graph_api.get(f"/{PAGE_ID}").respond(
        200, json={"followers_count": 15230, "fan_count": 14980, "id": PAGE_ID}
    )

    assert connector.follower_count(page) == 15230
    assert fields.calls.last.request.url.params["fields"] == "followers_count,fan_count"


@pytest.mark.django_db
def test_page_tokens_need_no_refresh_and_revoking_asks_nothing(connector, graph_api, page):
    assert connector.refresh(page) is None
    connector.revoke(page)
    assert not graph_api.calls
