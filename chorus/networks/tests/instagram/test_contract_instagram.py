"""The Instagram API with Facebook Login, with requests and answers shaped as Meta's Instagram
Platform documentation shows them (Page, IG User Media, Media Publish, IG Media, Insights,
Error Codes)."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import (
    AppCredentials,
    AuthError,
    Credentials,
    NotSupported,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
    RateLimited,
    TransientError,
)
from chorus.networks.models import ConnectedAccount
from chorus.networks.tests.instagram.conftest import IG_USER_ID, PAGE_ID, PAGE_TOKEN
from chorus.publishing.models import Post, PostState, PublishAttempt
from chorus.publishing.tests.factories import T0, scheduled_post

CAPTION = "Spring is here, and so is our new range. #acme"
IMAGE_URL = "https://acme.test/media/spring.jpg"
CONTAINER_ID = "17889455560051444"
MEDIA_ID = "17920238422030506"
PERMALINK = "https://www.instagram.com/p/C1a2b3c4d5e/"
APP = AppCredentials(client_id="1234567890", client_secret="app-secret-abc")


def form_of(route: respx.Route) -> dict[str, list[str]]:
    return parse_qs(route.calls.last.request.content.decode())


def sent_with_the_page_token(route: respx.Route) -> bool:
    request = route.calls.last.request
    return request.headers["Authorization"] == f"Bearer {PAGE_TOKEN}" and PAGE_TOKEN not in str(
        request.url
    )


def graph_error(
    code: int, message: str, *, subcode: int | None = None, **extra: object
) -> dict[str, object]:
    error: dict[str, object] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A6LJ",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": {**error, **extra}}


def test_contract_authorization_url_asks_for_instagram_publishing(connector):
    url = connector.authorization_url(
        app=APP,
        server="",
        redirect_uri="https://chorus.example.org/cb/",
        state="s-1",
        code_challenge="unused",
    )

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.netloc == "www.facebook.com"
    assert parts.path == f"/{graph.api_version()}/dialog/oauth"
    scopes = set(query["scope"][0].split(","))
    assert {
        "instagram_basic",
        "instagram_content_publish",
        "pages_show_list",
        "business_management",
    } <= scopes


def test_contract_list_pages_offers_the_instagram_accounts_of_the_pages(connector, graph_api):
    accounts = graph_api.get("/me/accounts").respond(
        200,
        json={
            "data": [
                {
                    "access_token": PAGE_TOKEN,
                    "name": "Acme Ltd",
                    "id": PAGE_ID,
                    "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
                    "instagram_business_account": {
                        "id": IG_USER_ID,
                        "username": "acme",
                        "name": "Acme Ltd",
                    },
                },
                {
                    "access_token": "EAAPageWithoutInstagram",
                    "name": "Acme Robots",
                    "id": "1353269864728879",
                    "tasks": ["CREATE_CONTENT"],
                },
            ],
            "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}},
        },
    )

    [account] = connector.list_pages(Credentials(access_token="EAALongLivedUserToken"))

    request = accounts.calls.last.request
    assert request.headers["Authorization"] == "Bearer EAALongLivedUserToken"
    assert "instagram_business_account{id,username,name}" in request.url.params["fields"]
    assert (account.external_id, account.handle, account.display_name) == (
        IG_USER_ID,
        "@acme",
        "Acme Ltd",
    )
    assert account.credentials.access_token == PAGE_TOKEN
    assert account.credentials.extra["page_id"] == PAGE_ID


@pytest.mark.django_db
def test_contract_publish_creates_a_container_then_publishes_it(
    connector, graph_api, business_account
):
    container = graph_api.post(f"/{IG_USER_ID}/media").respond(200, json={"id": CONTAINER_ID})
    publish = graph_api.post(f"/{IG_USER_ID}/media_publish").respond(200, json={"id": MEDIA_ID})
    media = graph_api.get(f"/{MEDIA_ID}").respond(
        200, json={"permalink": PERMALINK, "id": MEDIA_ID}
    )

    published = connector.publish(
        business_account,
        OutgoingPost(
            text=CAPTION,
            idempotency_key="key-1",
            image_url=IMAGE_URL,
            image_alt="Three flowerpots in the sun",
        ),
    )

    assert form_of(container) == {
        "image_url": [IMAGE_URL],
        "caption": [CAPTION],
        "alt_text": ["Three flowerpots in the sun"],
    }
    assert form_of(publish) == {"creation_id": [CONTAINER_ID]}
    assert sent_with_the_page_token(container) and sent_with_the_page_token(publish)
    assert media.calls.last.request.url.params["fields"] == "permalink"
    assert published == PublishedPost(external_id=MEDIA_ID, url=PERMALINK)


@pytest.mark.django_db
def test_contract_a_published_post_stays_published_when_its_address_cannot_be_read(
    connector, graph_api, business_account
):
    graph_api.post(f"/{IG_USER_ID}/media").respond(200, json={"id": CONTAINER_ID})
    graph_api.post(f"/{IG_USER_ID}/media_publish").respond(200, json={"id": MEDIA_ID})
    graph_api.get(f"/{MEDIA_ID}").mock(side_effect=httpx.ReadTimeout("slow"))

    published = connector.publish(
        business_account, OutgoingPost(text=CAPTION, idempotency_key="k", image_url=IMAGE_URL)
    )

    assert published == PublishedPost(external_id=MEDIA_ID, url="")


@pytest.mark.django_db
def test_a_text_only_post_is_refused_for_good(connector, graph_api, business_account):
    with pytest.raises(PermanentError, match="only publishes posts with an image"):
        connector.publish(business_account, OutgoingPost(text=CAPTION, idempotency_key="k"))
    assert not graph_api.calls


@pytest.mark.django_db
def test_an_uploaded_image_without_a_public_address_is_refused(
    connector, graph_api, business_account
):
    with pytest.raises(PermanentError, match="public address"):
        connector.publish(
            business_account,
            OutgoingPost(text=CAPTION, idempotency_key="k", image=b"\xff\xd8jpeg"),
        )
    assert not graph_api.calls


def user_media(*media: dict[str, str]) -> dict[str, object]:
    return {
        "data": list(media),
        "paging": {"cursors": {"before": "QVFIUjRm", "after": "QVFIUkVr"}},
    }


def media_item(caption: str, timestamp: str, media_id: str = MEDIA_ID) -> dict[str, str]:
    return {"id": media_id, "caption": caption, "permalink": PERMALINK, "timestamp": timestamp}


def tried_at(account: ConnectedAccount, *, attempts: int = 1) -> Post:
    post = scheduled_post(account, text=CAPTION, state=PostState.PUBLISHING)
    for number in range(attempts):
        PublishAttempt.objects.create(post=post, started_at=T0 + timedelta(minutes=number))
    post.attempt_count = attempts
    post.save(update_fields=["attempt_count"])
    return post


@pytest.mark.django_db
def test_contract_find_published_finds_the_media_by_its_caption(
    connector, graph_api, business_account
):
    post = tried_at(business_account)
    listing = graph_api.get(f"/{IG_USER_ID}/media").respond(
        200,
        json=user_media(
            media_item("Another day at Acme", "2026-05-04T11:00:00+0000", "17999"),
            media_item(CAPTION, "2026-05-04T09:00:09+0000"),
        ),
    )

    found = connector.find_published(business_account, str(post.idempotency_key))

    assert found == PublishedPost(external_id=MEDIA_ID, url=PERMALINK)
    assert listing.calls.last.request.url.params["fields"] == "id,caption,permalink,timestamp"
    assert sent_with_the_page_token(listing)


@pytest.mark.django_db
def test_contract_find_published_finds_nothing_older_than_the_first_try(
    connector, graph_api, business_account
):
    post = tried_at(business_account)
    graph_api.get(f"/{IG_USER_ID}/media").respond(
        200, json=user_media(media_item(CAPTION, "2026-04-01T09:00:00+0000"))
    )

    assert connector.find_published(business_account, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_contract_a_retry_after_a_lost_answer_does_not_post_twice(
    connector, graph_api, business_account
):
    post = tried_at(business_account, attempts=2)
    graph_api.get(f"/{IG_USER_ID}/media").respond(
        200, json=user_media(media_item(CAPTION, "2026-05-04T09:00:30+0000"))
    )
    container = graph_api.post(f"/{IG_USER_ID}/media").respond(200, json={"id": "1788"})
    publish = graph_api.post(f"/{IG_USER_ID}/media_publish").respond(200, json={"id": "1792"})

    published = connector.publish(
        business_account,
        OutgoingPost(text=CAPTION, idempotency_key=str(post.idempotency_key), image_url=IMAGE_URL),
    )

    assert published == PublishedPost(external_id=MEDIA_ID, url=PERMALINK)
    assert not container.called and not publish.called


@pytest.mark.django_db
def test_contract_a_retry_after_an_unpublished_container_publishes_once(
    connector, graph_api, business_account
):
    post = tried_at(business_account, attempts=2)
    graph_api.get(f"/{IG_USER_ID}/media").respond(200, json=user_media())
    container = graph_api.post(f"/{IG_USER_ID}/media").respond(200, json={"id": CONTAINER_ID})
    publish = graph_api.post(f"/{IG_USER_ID}/media_publish").respond(200, json={"id": MEDIA_ID})
    graph_api.get(f"/{MEDIA_ID}").respond(200, json={"permalink": PERMALINK, "id": MEDIA_ID})

    connector.publish(
        business_account,
        OutgoingPost(text=CAPTION, idempotency_key=str(post.idempotency_key), image_url=IMAGE_URL),
    )

    assert container.call_count == 1 and publish.call_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["delete", "like", "repost"])
def test_what_instagrams_api_cannot_do_is_not_supported(
    connector, graph_api, business_account, action
):
    with pytest.raises(NotSupported):
        getattr(connector, action)(business_account, MEDIA_ID)
    assert not graph_api.calls


@pytest.mark.django_db
def test_contract_comment_on_media(connector, graph_api, business_account):
    comments = graph_api.post(f"/{MEDIA_ID}/comments").respond(
        200, json={"id": "17873440459141021"}
    )

    comment = connector.comment(
        business_account, MEDIA_ID, OutgoingPost(text="Thanks for the love!", idempotency_key="c")
    )

    assert form_of(comments) == {"message": ["Thanks for the love!"]}
    assert sent_with_the_page_token(comments)
    assert comment.external_id == "17873440459141021"


@pytest.mark.django_db
def test_contract_post_metrics_read_likes_comments_and_views(
    connector, graph_api, business_account
):
    fields = graph_api.get(f"/{MEDIA_ID}").respond(
        200, json={"like_count": 88, "comments_count": 9, "id": MEDIA_ID}
    )
    insights = graph_api.get(f"/{MEDIA_ID}/insights").respond(
        200,
        json={
            "data": [
                {
                    "name": "views",
                    "period": "lifetime",
                    "values": [{"value": 2410}],
                    "title": "Views",
                    "description": "The number of times your content was played or displayed.",
                    "id": f"{MEDIA_ID}/insights/views/lifetime",
                }
            ]
        },
    )

    metrics = connector.post_metrics(business_account, MEDIA_ID)

    assert metrics == PostMetrics(likes=88, replies=9, reposts=0, impressions=2410)
    assert fields.calls.last.request.url.params["fields"] == "like_count,comments_count"
    assert insights.calls.last.request.url.params["metric"] == "views"


@pytest.mark.django_db
def test_contract_views_of_media_with_too_few_viewers_are_unknown(
    connector, graph_api, business_account
):
    graph_api.get(f"/{MEDIA_ID}").respond(200, json={"like_count": 2, "comments_count": 0})
    graph_api.get(f"/{MEDIA_ID}/insights").respond(
        400, json=graph_error(10, "(#10) Not enough viewers for the media to show insights")
    )

    metrics = connector.post_metrics(business_account, MEDIA_ID)

    assert metrics == PostMetrics(likes=2, replies=0, impressions=None)


@pytest.mark.django_db
def test_contract_follower_count(connector, graph_api, business_account):
    graph_api.get(f"/{IG_USER_ID}").respond(200, json={"followers_count": 5231, "id": IG_USER_ID})

    assert connector.follower_count(business_account) == 5231


@pytest.mark.django_db
def test_linked_page_tokens_need_no_refresh(connector, graph_api, business_account):
    assert connector.refresh(business_account) is None
    connector.revoke(business_account)
    assert not graph_api.calls


def failing_container(
    graph_api: respx.MockRouter,
    status: int,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> None:
    graph_api.post(f"/{IG_USER_ID}/media").respond(status, json=body, headers=headers)


OUTGOING = OutgoingPost(text=CAPTION, idempotency_key="k", image_url=IMAGE_URL)


@pytest.mark.django_db
def test_contract_an_invalidated_token_asks_for_reconnecting(
    connector, graph_api, business_account
):
    failing_container(
        graph_api, 400, graph_error(190, "Error validating access token", subcode=460)
    )

    with pytest.raises(AuthError):
        connector.publish(business_account, OUTGOING)


@pytest.mark.django_db
def test_contract_the_daily_publishing_limit_waits(connector, graph_api, business_account):
    graph_api.post(f"/{IG_USER_ID}/media").respond(200, json={"id": CONTAINER_ID})
    graph_api.post(f"/{IG_USER_ID}/media_publish").respond(
        400,
        json=graph_error(
            9,
            "Application request limit reached",
            subcode=2207042,
            is_transient=False,
            error_user_msg="You reached maximum number of posts that is allowed to be published.",
        ),
    )

    with pytest.raises(RateLimited):
        connector.publish(business_account, OUTGOING)


@pytest.mark.django_db
def test_contract_instagram_throttling_waits_as_long_as_meta_says(
    connector, graph_api, business_account
):
    usage = {
        IG_USER_ID: [
            {
                "type": "instagram",
                "call_count": 100,
                "total_cputime": 12,
                "total_time": 14,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    failing_container(
        graph_api,
        400,
        graph_error(80002, "There have been too many calls to this Instagram account."),
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )

    before = timezone.now()

    with pytest.raises(RateLimited) as raised:
        connector.publish(business_account, OUTGOING)

    assert before + timedelta(minutes=7) <= raised.value.reset_at
    assert raised.value.reset_at <= timezone.now() + timedelta(minutes=7)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "subcode", "message"),
    [
        (-2, 2207003, "It takes too long to download the media."),
        (-1, 2207001, "Instagram server error. Try again."),
    ],
)
def test_contract_instagram_server_errors_are_retried(
    connector, graph_api, business_account, code, subcode, message
):
    failing_container(graph_api, 400, graph_error(code, message, subcode=subcode))

    with pytest.raises(TransientError, match=message):
        connector.publish(business_account, OUTGOING)


@pytest.mark.django_db
def test_contract_an_image_instagram_refuses_fails_for_good(connector, graph_api, business_account):
    failing_container(
        graph_api,
        400,
        graph_error(
            36000,
            "The image size is too large.",
            subcode=2207004,
            is_transient=False,
            error_user_title="Image size too large",
        ),
    )

    with pytest.raises(PermanentError) as raised:
        connector.publish(business_account, OUTGOING)

    assert raised.value.reason == "The image size is too large."
