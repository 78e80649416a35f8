"""Posting and acting as a connected Mastodon account, against a running Mastodon-shaped
server: what the instance holds afterwards is read back over its own API."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from chorus.networks.connectors.base import (
    OutgoingPost,
    PermanentError,
    PostMetrics,
    PublishedPost,
)
from chorus.publishing.models import PublishAttempt
from chorus.publishing.tests.factories import scheduled_post

TEXT = "Our release is out & I helped build it <3\n\nRead more: https://acme.test/news?id=7"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_contract_publish_posts_the_text_exactly_as_given(connector, instance, alice):
    published = connector.publish(alice, OutgoingPost(text=TEXT, idempotency_key="key-1"))

    status = instance.status(published.external_id)
    assert instance.source_text(published.external_id) == TEXT
    assert status["account"]["username"] == "alice"
    assert status["media_attachments"] == []
    assert published == PublishedPost(external_id=status["id"], url=status["url"])


@pytest.mark.django_db
def test_contract_publish_uploads_the_image_with_its_alt_text(connector, instance, alice):
    outgoing = OutgoingPost(
        text="With a picture",
        idempotency_key="key-2",
        image=png(),
        image_content_type="image/png",
        image_alt="A teal square, our new logo",
    )

    published = connector.publish(alice, outgoing)

    [media] = instance.status(published.external_id)["media_attachments"]
    assert media["type"] == "image"
    assert media["description"] == "A teal square, our new logo"


@pytest.mark.django_db
def test_contract_an_image_without_a_content_type_is_sent_as_what_it_is(connector, instance, alice):
    outgoing = OutgoingPost(text="Logo", idempotency_key="key-3", image=png(), image_alt="Logo")

    published = connector.publish(alice, outgoing)

    [media] = instance.status(published.external_id)["media_attachments"]
    assert media["type"] == "image"
    assert media["url"].endswith(".png")


@pytest.mark.django_db
def test_contract_an_image_still_processing_is_waited_for(connector, instance, alice):
    # Mastodon answers 202 without a URL for media it is still processing.
    uploaded = instance.upload(png(), content_type="image/png", description="Logo")
    instance.fault(
        path="/api/v2/media",
        methods=["POST"],
        status=202,
        body={**uploaded, "url": None, "preview_url": None},
    )
    # Asked again, it says 206 Partial Content until the processing is done.
    instance.fault(
        path=f"/api/v1/media/{uploaded['id']}",
        methods=["GET"],
        status=206,
        body={**uploaded, "url": None, "preview_url": None},
    )

    published = connector.publish(
        alice,
        OutgoingPost(text="Processing", idempotency_key="key-4", image=png(), image_alt="Logo"),
    )

    [media] = instance.status(published.external_id)["media_attachments"]
    assert media["id"] == uploaded["id"]


@pytest.mark.django_db
def test_contract_an_image_the_instance_cannot_process_is_not_posted(connector, instance, alice):
    uploaded = instance.upload(png(), content_type="image/png", description="Logo")
    instance.fault(
        path="/api/v2/media",
        methods=["POST"],
        status=202,
        body={**uploaded, "url": None, "preview_url": None},
    )
    instance.fault(
        path=f"/api/v1/media/{uploaded['id']}",
        methods=["GET"],
        status=422,
        body={"error": "There was an error processing the media attachment"},
    )

    with pytest.raises(PermanentError, match="error processing the media"):
        connector.publish(
            alice,
            OutgoingPost(text="Broken", idempotency_key="key-8", image=png(), image_alt="Logo"),
        )
    assert instance.statuses_of("alice") == []


@pytest.mark.django_db
def test_contract_one_idempotency_key_makes_one_status(connector, instance, alice):
    outgoing = OutgoingPost(text="Only once, please", idempotency_key="key-5")

    first = connector.publish(alice, outgoing)
    second = connector.publish(alice, outgoing)

    assert first == second
    assert [status["id"] for status in instance.statuses_of("alice")] == [first.external_id]


@pytest.mark.django_db
def test_contract_find_published_finds_the_status_by_its_text(connector, instance, alice):
    post = scheduled_post(alice, text=TEXT)
    key = str(post.idempotency_key)
    assert connector.find_published(alice, key) is None

    published = connector.publish(alice, OutgoingPost(text=TEXT, idempotency_key=key))
    connector.publish(alice, OutgoingPost(text="Something else later", idempotency_key="other"))

    assert connector.find_published(alice, key) == published


@pytest.mark.django_db
def test_contract_find_published_looks_past_the_first_page(connector, instance, alice):
    post = scheduled_post(alice, text="The one we look for")
    key = str(post.idempotency_key)
    published = connector.publish(alice, OutgoingPost(text=post.text, idempotency_key=key))
    # One more than Mastodon's page of 40 pushes it onto the second page.
    for number in range(41):
        instance.post("/api/v1/statuses", status=f"Later status {number}")

    assert connector.find_published(alice, key) == published


@pytest.mark.django_db
def test_contract_find_published_ignores_statuses_older_than_the_post(connector, instance, alice):
    # The member once posted the same words by hand, long before this post was tried.
    instance.post("/api/v1/statuses", status="Same words as before")
    post = scheduled_post(alice, text="Same words as before")
    PublishAttempt.objects.create(post=post, started_at=timezone.now() + timedelta(minutes=30))

    assert connector.find_published(alice, str(post.idempotency_key)) is None


@pytest.mark.django_db
def test_contract_find_published_reads_mastodon_rendered_html(connector, instance, alice):
    # A status as mastodon.social renders it: mentions shortened, links split in spans.
    text = "Thanks @Gargron@mastodon.social!\nSee https://acme.test/a/very/long/path & more"
    post = scheduled_post(alice, text=text)
    content = (
        '<p>Thanks <span class="h-card" translate="no"><a href="https://mastodon.social/@Gargron"'
        ' class="u-url mention">@<span>Gargron</span></a></span>!<br />See '
        '<a href="https://acme.test/a/very/long/path" target="_blank" rel="nofollow noopener"'
        ' translate="no"><span class="invisible">https://</span><span class="ellipsis">'
        'acme.test/a/very/long</span><span class="invisible">/path</span></a> &amp; more</p>'
    )
    status = instance.post("/api/v1/statuses", status="placeholder").json()
    status.update(
        content=content, created_at=timezone.now().isoformat(), url="https://mock.local/@a/1"
    )
    instance.fault(path=f"/api/v1/accounts/{alice.external_id}/statuses", status=200, body=[status])

    found = connector.find_published(alice, str(post.idempotency_key))

    assert found == PublishedPost(external_id=status["id"], url="https://mock.local/@a/1")


@pytest.mark.django_db
def test_find_published_for_an_unknown_key_finds_nothing(connector, instance, alice):
    assert connector.find_published(alice, "not-a-post-key") is None


@pytest.mark.django_db
def test_contract_delete_removes_the_status_and_tolerates_it_being_gone(connector, instance, alice):
    published = connector.publish(alice, OutgoingPost(text="Oops", idempotency_key="key-6"))

    connector.delete(alice, published.external_id)

    assert instance.get(f"/api/v1/statuses/{published.external_id}").status_code == 404
    connector.delete(alice, published.external_id)


@pytest.mark.django_db
def test_contract_like_and_repost_act_as_the_account(connector, instance, alice):
    bobs = instance.post("/api/v1/statuses", as_user="bob", status="Bob's news").json()

    connector.like(alice, bobs["id"])
    connector.repost(alice, bobs["id"])

    seen_by_alice = instance.status(bobs["id"])
    assert seen_by_alice["favourited"] is True
    assert seen_by_alice["reblogged"] is True
    assert (seen_by_alice["favourites_count"], seen_by_alice["reblogs_count"]) == (1, 1)


@pytest.mark.django_db
def test_contract_comment_replies_once_per_key(connector, instance, alice):
    bobs = instance.post("/api/v1/statuses", as_user="bob", status="Bob's news").json()
    reply = OutgoingPost(text="Congratulations!", idempotency_key="reply-1")

    first = connector.comment(alice, bobs["id"], reply)
    second = connector.comment(alice, bobs["id"], reply)

    assert first == second
    status = instance.status(first.external_id)
    assert status["in_reply_to_id"] == bobs["id"]
    assert instance.source_text(first.external_id) == "Congratulations!"
    assert instance.status(bobs["id"])["replies_count"] == 1


@pytest.mark.django_db
def test_contract_post_metrics_count_likes_reposts_and_replies(connector, instance, alice):
    published = connector.publish(alice, OutgoingPost(text="Measure me", idempotency_key="k-7"))
    status_id = published.external_id
    for user in ("bob", "carol"):
        instance.post(f"/api/v1/statuses/{status_id}/favourite", as_user=user)
    instance.post(f"/api/v1/statuses/{status_id}/reblog", as_user="bob")
    instance.post("/api/v1/statuses", as_user="carol", status="Nice", in_reply_to_id=status_id)

    assert connector.post_metrics(alice, status_id) == PostMetrics(
        likes=2, reposts=1, replies=1, impressions=None
    )


@pytest.mark.django_db
def test_contract_follower_count_is_the_accounts_followers(connector, instance, account_on):
    bob = account_on("bob")
    assert connector.follower_count(bob) == 1  # alice follows bob in the seed

    instance.post(f"/api/v1/accounts/{bob.external_id}/follow", as_user="carol")

    assert connector.follower_count(bob) == 2
