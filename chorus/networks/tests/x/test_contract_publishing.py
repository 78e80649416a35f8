"""Posting and acting as an X account through X API v2.

Payloads follow X's manage Posts, media upload, user Posts timeline, manage Likes,
manage Retweets, Post lookup and users/me documentation.
"""

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors.base import (
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.tests.x.conftest import ACCESS_TOKEN, API, USER_ID, USERNAME
from chorus.publishing.tests.factories import scheduled_post

TWEET_ID = "1445880548472328192"
TEXT = "Our release is out & I helped build it! Read more: https://acme.test/news?id=7"


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def created(tweet_id: str = TWEET_ID, text: str = "Hello world!") -> httpx.Response:
    return httpx.Response(
        201, json={"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}
    )


def tweet(tweet_id: str, text: str, *, urls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A post as the user Posts timeline lists it with created_at and entities."""
    found: dict[str, Any] = {
        "id": tweet_id,
        "text": text,
        "edit_history_tweet_ids": [tweet_id],
        "created_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    if urls:
        found["entities"] = {"urls": urls}
    return found


@pytest.mark.django_db
def test_contract_publish_sends_exactly_the_text(connector, account, x_api):
    route = x_api.post(f"{API}/2/tweets").mock(return_value=created())

    published = connector.publish(account, OutgoingPost(text=TEXT, idempotency_key="k-1"))

    assert sent_json(route) == {"text": TEXT}
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert published == PublishedPost(
        external_id=TWEET_ID, url=f"https://x.com/{USERNAME}/status/{TWEET_ID}"
    )


@pytest.mark.django_db
def test_contract_a_link_is_part_of_the_text_x_shortens(connector, account, x_api):
    route = x_api.post(f"{API}/2/tweets").mock(return_value=created())

    connector.publish(
        account,
        OutgoingPost(text="Read it", link_url="https://acme.test/news", idempotency_key="k-2"),
    )

    # X has no separate link field: the approved text carries the link, unchanged.
    assert sent_json(route) == {"text": "Read it"}


@pytest.mark.django_db
def test_contract_an_image_is_uploaded_described_and_attached(connector, account, x_api):
    upload = x_api.post(f"{API}/2/media/upload").respond(
        200,
        json={
            "data": {
                "id": "1146654567674912769",
                "media_key": "3_1146654567674912769",
                "size": 16,
                "expires_after_secs": 86400,
            }
        },
    )
    metadata = x_api.post(f"{API}/2/media/metadata").respond(
        200, json={"data": {"id": "1146654567674912769"}}
    )
    route = x_api.post(f"{API}/2/tweets").mock(return_value=created())
    outgoing = OutgoingPost(
        text="Our new logo",
        idempotency_key="k-3",
        image=b"\x89PNG fake bytes",
        image_content_type="image/png",
        image_alt="A teal square",
    )

    connector.publish(account, outgoing)

    form = upload.calls.last.request
    assert form.headers["content-type"].startswith("multipart/form-data")
    body = form.content
    assert b'name="media_category"\r\n\r\ntweet_image' in body
    assert b'name="media_type"\r\n\r\nimage/png' in body
    assert b'name="media"; filename="image"' in body
    assert b"\x89PNG fake bytes" in body
    assert sent_json(metadata) == {
        "id": "1146654567674912769",
        "metadata": {"alt_text": {"text": "A teal square"}},
    }
    assert sent_json(route) == {
        "text": "Our new logo",
        "media": {"media_ids": ["1146654567674912769"]},
    }


@pytest.mark.django_db
def test_contract_find_published_matches_the_text_with_links_expanded(connector, account, x_api):
    post = scheduled_post(account, text=TEXT)
    timeline = x_api.get(f"{API}/2/users/{USER_ID}/tweets").respond(
        200,
        json={
            "data": [
                tweet("1800000000000000001", "Something else entirely"),
                tweet(
                    "1800000000000000002",
                    "Our release is out &amp; I helped build it! Read more: https://t.co/AbC123",
                    urls=[
                        {
                            "start": 55,
                            "end": 78,
                            "url": "https://t.co/AbC123",
                            "expanded_url": "https://acme.test/news?id=7",
                            "display_url": "acme.test/news?id=7",
                        }
                    ],
                ),
            ],
            "meta": {
                "result_count": 2,
                "newest_id": "1800000000000000002",
                "oldest_id": "1800000000000000001",
            },
        },
    )

    found = connector.find_published(account, str(post.idempotency_key))

    assert found == PublishedPost(
        external_id="1800000000000000002",
        url=f"https://x.com/{USERNAME}/status/1800000000000000002",
    )
    params = timeline.calls.last.request.url.params
    assert params["start_time"] == (post.approved_at - timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert params["max_results"] == "20"
    assert params["exclude"] == "retweets,replies"
    assert params["tweet.fields"] == "created_at,entities"


@pytest.mark.django_db
def test_contract_find_published_recognises_a_link_written_without_scheme(
    connector, account, x_api
):
    post = scheduled_post(account, text="See acme.test/news for more")
    x_api.get(f"{API}/2/users/{USER_ID}/tweets").respond(
        200,
        json={
            "data": [
                tweet(
                    "1800000000000000003",
                    "See https://t.co/Xy9 for more",
                    urls=[
                        {
                            "start": 4,
                            "end": 23,
                            "url": "https://t.co/Xy9",
                            "expanded_url": "http://acme.test/news",
                            "display_url": "acme.test/news",
                        }
                    ],
                )
            ],
            "meta": {"result_count": 1},
        },
    )

    found = connector.find_published(account, str(post.idempotency_key))

    assert found is not None
    assert found.external_id == "1800000000000000003"


@pytest.mark.django_db
def test_contract_find_published_without_such_a_post_is_none(connector, account, x_api):
    post = scheduled_post(account, text="Never made it")
    # X answers an empty timeline window with no data at all.
    x_api.get(f"{API}/2/users/{USER_ID}/tweets").respond(200, json={"meta": {"result_count": 0}})

    assert connector.find_published(account, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_contract_a_retry_returns_the_post_the_first_attempt_made(connector, account, x_api):
    post = scheduled_post(account, text="Hello again")
    post.attempt_count = 2
    post.save()
    x_api.get(f"{API}/2/users/{USER_ID}/tweets").respond(
        200, json={"data": [tweet("1800000000000000004", "Hello again")]}
    )
    create = x_api.post(f"{API}/2/tweets")

    published = connector.publish(
        account, OutgoingPost(text="Hello again", idempotency_key=str(post.idempotency_key))
    )

    assert published.external_id == "1800000000000000004"
    assert not create.called


@pytest.mark.django_db
def test_contract_a_first_attempt_does_not_read_the_timeline(connector, account, x_api):
    post = scheduled_post(account, text="First go")
    post.attempt_count = 1
    post.save()
    timeline = x_api.get(f"{API}/2/users/{USER_ID}/tweets")
    x_api.post(f"{API}/2/tweets").mock(return_value=created())

    connector.publish(
        account, OutgoingPost(text="First go", idempotency_key=str(post.idempotency_key))
    )

    assert not timeline.called


@pytest.mark.django_db
def test_contract_delete_removes_the_post(connector, account, x_api):
    route = x_api.delete(f"{API}/2/tweets/{TWEET_ID}").respond(
        200, json={"data": {"deleted": True}}
    )

    connector.delete(account, TWEET_ID)

    assert route.calls.last.request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


@pytest.mark.django_db
def test_contract_deleting_a_post_that_is_gone_is_done(connector, account, x_api):
    x_api.delete(f"{API}/2/tweets/{TWEET_ID}").respond(
        404, json={"title": "Not Found Error", "detail": "Could not find tweet", "status": 404}
    )

    connector.delete(account, TWEET_ID)


@pytest.mark.django_db
def test_contract_a_delete_x_did_not_do_is_reported(connector, account, x_api):
    x_api.delete(f"{API}/2/tweets/{TWEET_ID}").respond(200, json={"data": {"deleted": False}})

    with pytest.raises(PermanentError, match="did not delete"):
        connector.delete(account, TWEET_ID)


@pytest.mark.django_db
def test_contract_like_is_sent_as_the_user(connector, account, x_api):
    route = x_api.post(f"{API}/2/users/{USER_ID}/likes").respond(
        200, json={"data": {"liked": True}}
    )

    connector.like(account, "1228393702244134912")

    assert sent_json(route) == {"tweet_id": "1228393702244134912"}
    assert route.calls.last.request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


@pytest.mark.django_db
def test_contract_repost_is_a_retweet_by_the_user(connector, account, x_api):
    route = x_api.post(f"{API}/2/users/{USER_ID}/retweets").respond(
        200, json={"data": {"retweeted": True}}
    )

    connector.repost(account, "1228393702244134912")

    assert sent_json(route) == {"tweet_id": "1228393702244134912"}


@pytest.mark.django_db
def test_contract_comment_is_a_reply(connector, account, x_api):
    route = x_api.post(f"{API}/2/tweets").mock(
        return_value=created("1445880548472328193", "Thanks, all!")
    )

    published = connector.comment(
        account, TWEET_ID, OutgoingPost(text="Thanks, all!", idempotency_key="c-1")
    )

    assert sent_json(route) == {
        "text": "Thanks, all!",
        "reply": {"in_reply_to_tweet_id": TWEET_ID},
    }
    assert published == PublishedPost(
        external_id="1445880548472328193",
        url=f"https://x.com/{USERNAME}/status/1445880548472328193",
    )


@pytest.mark.django_db
def test_contract_metrics_are_the_public_metrics(connector, account, x_api):
    route = x_api.get(f"{API}/2/tweets/{TWEET_ID}").respond(
        200,
        json={
            "data": {
                "id": TWEET_ID,
                "text": "Hello world!",
                "edit_history_tweet_ids": [TWEET_ID],
                "public_metrics": {
                    "retweet_count": 156,
                    "reply_count": 23,
                    "like_count": 892,
                    "quote_count": 12,
                    "bookmark_count": 34,
                    "impression_count": 15200,
                },
            }
        },
    )

    metrics = connector.post_metrics(account, TWEET_ID)

    assert metrics == PostMetrics(likes=892, reposts=156, replies=23, impressions=15200)
    assert route.calls.last.request.url.params["tweet.fields"] == "public_metrics"


@pytest.mark.django_db
def test_contract_metrics_of_a_deleted_post_are_a_permanent_failure(connector, account, x_api):
    x_api.get(f"{API}/2/tweets/{TWEET_ID}").respond(
        200,
        json={
            "errors": [
                {
                    "value": TWEET_ID,
                    "detail": f"Could not find tweet with id: [{TWEET_ID}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "id",
                    "resource_id": TWEET_ID,
                    "type": "https://api.x.com/2/problems/resource-not-found",
                }
            ]
        },
    )

    with pytest.raises(PermanentError, match="Could not find tweet"):
        connector.post_metrics(account, TWEET_ID)


@pytest.mark.django_db
def test_contract_follower_count_is_the_users_public_metrics(connector, account, x_api):
    route = x_api.get(f"{API}/2/users/me").respond(
        200,
        json={
            "data": {
                "id": USER_ID,
                "name": "Erin Employee",
                "username": USERNAME,
                "public_metrics": {
                    "followers_count": 513,
                    "following_count": 203,
                    "tweet_count": 3635,
                    "listed_count": 16,
                    "like_count": 40,
                },
            }
        },
    )

    assert connector.follower_count(account) == 513
    assert route.calls.last.request.url.params["user.fields"] == "public_metrics"
