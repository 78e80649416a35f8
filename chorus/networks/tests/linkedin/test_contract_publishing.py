"""Posting and acting as a LinkedIn member through the versioned REST API.

Payloads follow LinkedIn's Posts API, Images API, Reactions API, Comments API and
Network Update Social Actions documentation.
"""

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors.base import (
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.networks.tests.linkedin.conftest import (
    ACCESS_TOKEN,
    PERSON,
    REST,
    SHARE,
    VERSION,
)
from chorus.publishing.tests.factories import scheduled_post

TEXT = "Our release is out, and I helped build it! #launch"
IMAGE = "urn:li:image:C4E10AQFoyyAjHPMQuQ"
COMMENT = "urn:li:comment:(urn:li:activity:7095684521727016961,7095684947448897536)"
UPLOAD_URL = (
    "https://www.linkedin.com/dms-uploads/C4E10AQFoyyAjHPMQuQ/uploaded-image/0"
    "?ca=vector_ads&cn=uploads&m=AQJbrN86Zm265gAAAYBN7ohv&app=1953784&sync=0&v=beta&ut=2Ug1rDr0"
)
ENVELOPE = {
    "author": PERSON,
    "visibility": "PUBLIC",
    "distribution": {
        "feedDistribution": "MAIN_FEED",
        "targetEntities": [],
        "thirdPartyDistributionChannels": [],
    },
    "lifecycleState": "PUBLISHED",
}


def created(urn: str = SHARE) -> httpx.Response:
    # LinkedIn answers a created post with 201, an empty body and its URN in a header.
    return httpx.Response(201, headers={"x-restli-id": urn})


def posted_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def assert_rest_headers(request: httpx.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.headers["linkedin-version"] == VERSION
    assert request.headers["x-restli-protocol-version"] == "2.0.0"


def element(*, urn: str, commentary: str, created_at: datetime) -> dict[str, Any]:
    """A post as LinkedIn's "find posts by authors" answer lists it."""
    millis = int(created_at.timestamp() * 1000)
    return {
        "isReshareDisabledByAuthor": False,
        "createdAt": millis,
        "lifecycleState": "PUBLISHED",
        "lastModifiedAt": millis,
        "visibility": "PUBLIC",
        "publishedAt": millis,
        "author": PERSON,
        "id": urn,
        "distribution": {"feedDistribution": "MAIN_FEED", "thirdPartyDistributionChannels": []},
        "commentary": commentary,
        "lifecycleStateInfo": {"isEditedByAuthor": False},
    }


@pytest.mark.django_db
def test_contract_publish_sends_the_post_as_documented(connector, account, linkedin):
    route = linkedin.post(f"{REST}/posts").mock(return_value=created())

    published = connector.publish(account, OutgoingPost(text=TEXT, idempotency_key="k-1"))

    assert posted_json(route) == {**ENVELOPE, "commentary": TEXT}
    request = route.calls.last.request
    assert_rest_headers(request)
    assert request.headers["content-type"] == "application/json"
    assert published == PublishedPost(
        external_id=SHARE, url=f"https://www.linkedin.com/feed/update/{SHARE}/"
    )


@pytest.mark.django_db
def test_contract_little_markup_in_the_text_is_escaped_so_it_reads_as_approved(
    connector, account, linkedin
):
    route = linkedin.post(f"{REST}/posts").mock(return_value=created())
    text = "Thanks @acme (and *you*) for [v2] <3 ~ 50% off_now | {x} \\o/ #1 # done"

    connector.publish(account, OutgoingPost(text=text, idempotency_key="k-2"))

    assert posted_json(route)["commentary"] == (
        "Thanks \\@acme \\(and \\*you\\*\\) for \\[v2\\] \\<3 \\~ 50% off\\_now \\| "
        "\\{x\\} \\\\o/ #1 \\# done"
    )


@pytest.mark.django_db
def test_contract_a_link_becomes_an_article(connector, account, linkedin):
    route = linkedin.post(f"{REST}/posts").mock(return_value=created())
    outgoing = OutgoingPost(
        text="Read about it", link_url="https://acme.test/news/release/", idempotency_key="k-3"
    )

    connector.publish(account, outgoing)

    assert posted_json(route) == {
        **ENVELOPE,
        "commentary": "Read about it",
        "content": {
            "article": {
                "source": "https://acme.test/news/release/",
                "title": "acme.test/news/release",
            }
        },
    }


@pytest.mark.django_db
def test_contract_an_image_is_uploaded_then_attached(connector, account, linkedin):
    initialize = linkedin.post(f"{REST}/images", params={"action": "initializeUpload"}).respond(
        200,
        json={
            "value": {
                "uploadUrlExpiresAt": 1650567510704,
                "uploadUrl": UPLOAD_URL,
                "image": IMAGE,
            }
        },
    )
    upload = linkedin.put(UPLOAD_URL).respond(201)
    route = linkedin.post(f"{REST}/posts").mock(return_value=created())
    outgoing = OutgoingPost(
        text="Our new logo",
        idempotency_key="k-4",
        image=b"\x89PNG fake bytes",
        image_content_type="image/png",
        image_alt="A teal square",
        link_url="https://acme.test/news",
    )

    connector.publish(account, outgoing)

    assert posted_json(initialize) == {"initializeUploadRequest": {"owner": PERSON}}
    assert_rest_headers(initialize.calls.last.request)
    assert upload.calls.last.request.content == b"\x89PNG fake bytes"
    assert upload.calls.last.request.headers["content-type"] == "image/png"
    assert upload.calls.last.request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert posted_json(route) == {
        **ENVELOPE,
        "commentary": "Our new logo",
        "content": {"media": {"id": IMAGE, "altText": "A teal square"}},
    }


@pytest.mark.django_db
def test_contract_the_token_only_goes_to_a_linkedin_upload_address(connector, account, linkedin):
    linkedin.post(f"{REST}/images").respond(
        200, json={"value": {"uploadUrl": "https://uploads.example.net/put", "image": IMAGE}}
    )
    posts = linkedin.post(f"{REST}/posts").mock(return_value=created())

    with pytest.raises(PermanentError, match="unexpected image upload address"):
        connector.publish(account, OutgoingPost(text="x", idempotency_key="k-5", image=b"img"))
    assert not posts.called


@pytest.mark.django_db
def test_contract_find_published_finds_the_post_with_the_same_commentary(
    connector, account, linkedin
):
    post = scheduled_post(account, text="Proud of the team (really)!")
    lookup = linkedin.get(f"{REST}/posts").respond(
        200,
        json={
            "paging": {"start": 0, "count": 20, "links": []},
            "elements": [
                element(
                    urn="urn:li:share:7001",
                    commentary="Something else",
                    created_at=timezone.now(),
                ),
                element(
                    urn="urn:li:share:7002",
                    commentary="Proud of the team \\(really\\)!",
                    created_at=timezone.now(),
                ),
            ],
        },
    )

    found = connector.find_published(account, str(post.idempotency_key))

    assert found == PublishedPost(
        external_id="urn:li:share:7002",
        url="https://www.linkedin.com/feed/update/urn:li:share:7002/",
    )
    request = lookup.calls.last.request
    assert request.url.query.decode() == (
        "author=urn%3Ali%3Aperson%3A782bbtaQ&q=author&count=20&sortBy=LAST_MODIFIED"
    )
    assert request.headers["x-restli-method"] == "FINDER"
    assert_rest_headers(request)


@pytest.mark.django_db
def test_contract_find_published_ignores_an_older_post_with_the_same_words(
    connector, account, linkedin
):
    post = scheduled_post(account, text="Same words as last year")
    linkedin.get(f"{REST}/posts").respond(
        200,
        json={
            "elements": [
                element(
                    urn="urn:li:share:6001",
                    commentary="Same words as last year",
                    created_at=post.approved_at - timedelta(days=365),
                )
            ]
        },
    )

    assert connector.find_published(account, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_contract_find_published_without_such_a_post_is_none(connector, account, linkedin):
    post = scheduled_post(account, text="Never made it")
    linkedin.get(f"{REST}/posts").respond(200, json={"elements": [], "paging": {"count": 20}})

    assert connector.find_published(account, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_contract_find_published_for_a_key_chorus_never_used_asks_nobody(
    connector, account, linkedin
):
    assert connector.find_published(account, "8e9f1d7e-0000-4000-8000-000000000000") is None
    assert not linkedin.calls


@pytest.mark.django_db
def test_contract_reading_posts_back_needs_a_permission_the_app_may_lack(
    connector, account, linkedin
):
    post = scheduled_post(account)
    linkedin.get(f"{REST}/posts").respond(
        403,
        json={
            "status": 403,
            "serviceErrorCode": 100,
            "code": "ACCESS_DENIED",
            "message": "Not enough permissions to access: partnerApiPostsExternal.FINDER-author",
        },
    )

    with pytest.raises(NotSupported, match="r_member_social"):
        connector.find_published(account, str(post.idempotency_key))


@pytest.mark.django_db
def test_contract_a_retry_returns_the_post_the_first_attempt_made(connector, account, linkedin):
    post = scheduled_post(account, text="Hello again")
    post.attempt_count = 2
    post.save()
    linkedin.get(f"{REST}/posts").respond(
        200,
        json={
            "elements": [
                element(
                    urn="urn:li:share:7003", commentary="Hello again", created_at=timezone.now()
                )
            ]
        },
    )
    create = linkedin.post(f"{REST}/posts")

    published = connector.publish(
        account, OutgoingPost(text="Hello again", idempotency_key=str(post.idempotency_key))
    )

    assert published.external_id == "urn:li:share:7003"
    assert not create.called


@pytest.mark.django_db
def test_contract_a_retry_without_read_access_relies_on_linkedins_duplicate_answer(
    connector, account, linkedin
):
    post = scheduled_post(account, text="Hello once more")
    post.attempt_count = 2
    post.save()
    linkedin.get(f"{REST}/posts").respond(
        403, json={"status": 403, "code": "ACCESS_DENIED", "message": "Not enough permissions"}
    )
    linkedin.post(f"{REST}/posts").respond(
        422,
        json={
            "errorDetailType": "com.linkedin.common.error.BadRequest",
            "message": "Content is a duplicate of urn:li:share:7162436563624898560",
            "errorDetails": {},
            "status": 422,
        },
    )

    published = connector.publish(
        account, OutgoingPost(text="Hello once more", idempotency_key=str(post.idempotency_key))
    )

    assert published.external_id == "urn:li:share:7162436563624898560"


@pytest.mark.django_db
def test_contract_a_first_attempt_refused_as_duplicate_fails(connector, account, linkedin):
    post = scheduled_post(account, text="Posted by hand already")
    post.attempt_count = 1
    post.save()
    linkedin.post(f"{REST}/posts").respond(
        422,
        json={
            "message": "Content is a duplicate of urn:li:share:7162436563624898560",
            "status": 422,
        },
    )

    with pytest.raises(PermanentError, match="Content is a duplicate"):
        connector.publish(
            account,
            OutgoingPost(text="Posted by hand already", idempotency_key=str(post.idempotency_key)),
        )


@pytest.mark.django_db
def test_contract_delete_removes_the_post(connector, account, linkedin):
    route = linkedin.delete(f"{REST}/posts/urn%3Ali%3Ashare%3A6844785523593134080").respond(204)

    connector.delete(account, SHARE)

    request = route.calls.last.request
    assert request.url.raw_path == b"/rest/posts/urn%3Ali%3Ashare%3A6844785523593134080"
    assert request.headers["x-restli-method"] == "DELETE"
    assert_rest_headers(request)


@pytest.mark.django_db
def test_contract_deleting_a_post_that_is_gone_is_done(connector, account, linkedin):
    linkedin.delete(url__regex=rf"{REST}/posts/.+").respond(
        404, json={"status": 404, "message": "Not Found"}
    )

    connector.delete(account, SHARE)


@pytest.mark.django_db
def test_contract_like_is_a_reaction_by_the_member(connector, account, linkedin):
    route = linkedin.post(f"{REST}/reactions").respond(201, json={})

    connector.like(account, SHARE)

    request = route.calls.last.request
    assert request.url.query.decode() == "actor=urn%3Ali%3Aperson%3A782bbtaQ"
    assert posted_json(route) == {"root": SHARE, "reactionType": "LIKE"}
    assert_rest_headers(request)


@pytest.mark.django_db
def test_contract_comment_is_posted_on_the_post(connector, account, linkedin):
    route = linkedin.post(
        f"{REST}/socialActions/urn%3Ali%3Ashare%3A6844785523593134080/comments"
    ).respond(
        201,
        headers={"x-restli-id": "7095684947448897536"},
        json={
            "actor": PERSON,
            "created": {"actor": PERSON, "time": 1691743122924},
            "id": "7095684947448897536",
            "commentUrn": COMMENT,
            "message": {"text": "Thanks (all) of you!"},
            "object": "urn:li:activity:7095684521727016961",
        },
    )

    published = connector.comment(
        account, SHARE, OutgoingPost(text="Thanks (all) of you!", idempotency_key="c-1")
    )

    # Comments take plain text with attributes, not the posts' "little" markup.
    assert posted_json(route) == {
        "actor": PERSON,
        "object": SHARE,
        "message": {"text": "Thanks (all) of you!"},
    }
    assert_rest_headers(route.calls.last.request)
    assert published.external_id == COMMENT
    assert published.url.startswith(f"https://www.linkedin.com/feed/update/{SHARE}/?commentUrn=")


@pytest.mark.django_db
def test_contract_repost_is_a_reshare_in_the_posts_api(connector, account, linkedin):
    route = linkedin.post(f"{REST}/posts").mock(return_value=created("urn:li:share:7200"))

    connector.repost(account, SHARE)

    assert posted_json(route) == {
        **ENVELOPE,
        "commentary": "",
        "isReshareDisabledByAuthor": False,
        "reshareContext": {"parent": SHARE},
    }
    assert_rest_headers(route.calls.last.request)


@pytest.mark.django_db
def test_contract_metrics_come_from_the_social_actions_summary(connector, account, linkedin):
    route = linkedin.get(f"{REST}/socialActions/urn%3Ali%3Ashare%3A6844785523593134080").respond(
        200,
        json={
            "commentsSummary": {"totalFirstLevelComments": 4, "aggregatedTotalComments": 9},
            "$URN": "urn:li:activity:6296748651834277888",
            "likesSummary": {"likedByCurrentUser": False, "totalLikes": 12},
            "target": "urn:li:activity:6296748651834277888",
        },
    )

    metrics = connector.post_metrics(account, SHARE)

    assert metrics == PostMetrics(likes=12, reposts=0, replies=9, impressions=None)
    assert_rest_headers(route.calls.last.request)


@pytest.mark.django_db
def test_contract_metrics_without_read_access_are_not_supported(connector, account, linkedin):
    linkedin.get(url__regex=rf"{REST}/socialActions/.+").respond(
        403, json={"status": 403, "code": "ACCESS_DENIED", "message": "Not enough permissions"}
    )

    with pytest.raises(NotSupported, match="r_member_social"):
        connector.post_metrics(account, SHARE)


@pytest.mark.django_db
def test_contract_follower_count_is_not_offered_to_posting_apps(connector, account, linkedin):
    with pytest.raises(NotSupported, match="r_member_profileAnalytics"):
        connector.follower_count(account)
    assert not linkedin.calls
