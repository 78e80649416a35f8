"""The Bluesky connector against a real PDS (the reference implementation, on loopback).

Nothing of the network is imitated here: accounts, app passwords, sessions and
records are the PDS's own, and every check reads back what the PDS stored.
"""

import io
import os
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from chorus.core.ids import milliseconds_of, time_ordered_uuid
from chorus.networks import services
from chorus.networks.connectors.base import (
    AuthError,
    ConnectorError,
    Credentials,
    OutgoingPost,
    PermanentError,
    PublishedPost,
)
from chorus.networks.connectors.bluesky.connector import MAX_IMAGE_BYTES, record_key
from chorus.networks.models import ConnectedAccount

pytestmark = pytest.mark.django_db

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
LINK = "https://acme.test/solar-tiles?from=chorus"


def outgoing(text: str = "Our solar tiles are out.", key: str = "post-1", **fields) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key=key, **fields)


def png(width: int, height: int, *, noise: bool = False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (250, 180, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def ref(record) -> dict[str, str]:
    """A strong reference (uri and cid) as written, without the ``$type`` the PDS may add."""
    return {"uri": record["uri"], "cid": record["cid"]}


def stored(account: ConnectedAccount) -> Credentials:
    return ConnectedAccount.objects.get(pk=account.pk).credentials


# Connecting.


def test_an_app_password_connects_the_account(account, erin_on_bluesky, pds):
    assert account.network == "bluesky"
    assert account.external_id == erin_on_bluesky.did
    assert account.handle == f"@{erin_on_bluesky.handle}"
    assert account.display_name == "Erin on Bluesky"
    assert account.server == pds.url
    credentials = stored(account)
    assert credentials.extra == {"did": erin_on_bluesky.did, "pds": pds.url}
    assert credentials.access_token and credentials.refresh_token
    # The access token's own expiry (two hours on the reference PDS), kept on the account.
    assert credentials.expires_at is not None
    assert timedelta(minutes=90) < credentials.expires_at - timezone.now() < timedelta(hours=3)
    assert account.token_expires_at == credentials.expires_at
    # The app password is used once, to sign in, and kept nowhere.
    assert erin_on_bluesky.app_password not in repr(credentials.to_json())


def test_the_email_address_signs_in_too(employee, pds, erin_on_bluesky):
    account = services.connect_with_password(
        by=employee,
        network="bluesky",
        server=pds.url,
        identifier=erin_on_bluesky.email,
        password=erin_on_bluesky.app_password,
    )

    assert account.external_id == erin_on_bluesky.did


def test_a_wrong_password_is_refused_with_the_networks_reason(employee, pds, erin_on_bluesky):
    with pytest.raises(ValidationError) as refused:
        services.connect_with_password(
            by=employee,
            network="bluesky",
            server=pds.url,
            identifier=erin_on_bluesky.handle,
            password="abcd-efgh-ijkl-mnop",
        )

    assert "Bluesky did not accept this sign-in" in refused.value.messages[0]
    assert "Invalid identifier or password" in refused.value.messages[0]
    assert not ConnectedAccount.objects.exists()


def test_the_accounts_own_password_is_refused(employee, pds, erin_on_bluesky):
    with pytest.raises(ValidationError) as refused:
        services.connect_with_password(
            by=employee,
            network="bluesky",
            server=pds.url,
            identifier=erin_on_bluesky.handle,
            password=erin_on_bluesky.password,
        )

    assert "app password" in refused.value.messages[0]
    assert not ConnectedAccount.objects.exists()


# Publishing.


def test_publish_posts_exactly_the_text(connector, account, pds):
    text = "Three winters of prototypes, and here they are.\n\n#employee"

    published = connector.publish(account, outgoing(text))

    record = pds.get_record(published.external_id)
    assert record is not None
    assert record["value"]["text"] == text
    assert record["value"]["$type"] == "app.bsky.feed.post"
    created_at = datetime.fromisoformat(record["value"]["createdAt"])
    assert abs(created_at - datetime.now(UTC)) < timedelta(minutes=1)
    rkey = published.external_id.rsplit("/", 1)[1]
    assert published.external_id == f"at://{account.external_id}/app.bsky.feed.post/{rkey}"
    assert published.url == f"https://bsky.app/profile/{account.external_id}/post/{rkey}"


def test_a_link_is_clickable_at_its_utf8_bytes_and_gets_a_card(connector, account, pds):
    # Non-ASCII before the link: byte offsets differ from character offsets.
    text = f"Päivä katolla 🌞 ja kahvia ☕ — katso {LINK}\n\n#employee"

    published = connector.publish(account, outgoing(text, link_url=LINK))

    value = pds.get_record(published.external_id)["value"]
    encoded = text.encode()
    links = [f for f in value["facets"] if f["features"][0]["$type"].endswith("#link")]
    assert len(links) == 1
    index = links[0]["index"]
    assert encoded[index["byteStart"] : index["byteEnd"]].decode() == LINK
    assert links[0]["features"][0]["uri"] == LINK
    assert index["byteStart"] != text.index(LINK)  # characters and bytes really differ here
    tags = [f for f in value["facets"] if f["features"][0]["$type"].endswith("#tag")]
    assert tags[0]["features"][0]["tag"] == "employee"
    assert encoded[tags[0]["index"]["byteStart"] : tags[0]["index"]["byteEnd"]] == b"#employee"
    card = value["embed"]
    assert card["$type"] == "app.bsky.embed.external"
    assert card["external"]["uri"] == LINK
    assert card["external"]["title"] == "acme.test"


def test_a_mention_of_a_handle_on_the_network_links_to_that_account(connector, account, pds):
    colleague = pds.create_account("colleague")
    text = f"Built with @{colleague.handle} and @nobody-here.test."

    published = connector.publish(account, outgoing(text))

    value = pds.get_record(published.external_id)["value"]
    mentions = [f for f in value["facets"] if f["features"][0]["$type"].endswith("#mention")]
    assert [m["features"][0]["did"] for m in mentions] == [colleague.did]
    index = mentions[0]["index"]
    assert text.encode()[index["byteStart"] : index["byteEnd"]] == f"@{colleague.handle}".encode()


def test_an_image_is_posted_with_its_alt_text(connector, account, pds):
    image = png(300, 200)
    post = outgoing(
        "The tiles on a test roof.",
        image=image,
        image_alt="Orange roof tiles in the sun",
        image_content_type="image/png",
        link_url=LINK,
    )

    published = connector.publish(account, post)

    embed = pds.get_record(published.external_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    [posted] = embed["images"]
    assert posted["alt"] == "Orange roof tiles in the sun"
    assert (posted["aspectRatio"]["width"], posted["aspectRatio"]["height"]) == (300, 200)
    assert posted["image"]["mimeType"] == "image/png"
    cid = posted["image"]["ref"]["$link"]
    assert pds.get_blob(account.external_id, cid) == image


def test_an_image_too_large_for_bluesky_is_made_smaller(connector, account, pds):
    image = png(1400, 1000, noise=True)
    assert len(image) > MAX_IMAGE_BYTES

    published = connector.publish(account, outgoing(image=image, image_alt="Noise"))

    [posted] = pds.get_record(published.external_id)["value"]["embed"]["images"]
    assert posted["image"]["mimeType"] == "image/jpeg"
    assert posted["image"]["size"] <= MAX_IMAGE_BYTES
    blob = pds.get_blob(account.external_id, posted["image"]["ref"]["$link"])
    with Image.open(io.BytesIO(blob)) as smaller:
        assert smaller.format == "JPEG"
        assert (posted["aspectRatio"]["width"], posted["aspectRatio"]["height"]) == smaller.size


def test_something_that_is_not_an_image_is_refused(connector, account, pds):
    with pytest.raises(PermanentError, match="not in a format"):
        connector.publish(account, outgoing(image=b"not an image at all", image_alt="?"))

    assert pds.list_records(account.external_id) == []


def test_the_same_idempotency_key_twice_makes_one_post(connector, account, pds):
    first = connector.publish(account, outgoing("Once only.", key="same-key"))
    again = connector.publish(account, outgoing("Once only.", key="same-key"))

    assert again == first
    records = pds.list_records(account.external_id)
    assert [r["uri"] for r in records] == [first.external_id]


def test_another_text_under_a_key_already_taken_is_refused_not_taken_for_it(
    connector, account, pds
):
    first = connector.publish(account, outgoing("The first post.", key="shared-key"))

    with pytest.raises(ConnectorError):
        connector.publish(account, outgoing("A different post.", key="shared-key"))

    records = pds.list_records(account.external_id)
    assert [r["uri"] for r in records] == [first.external_id]


def test_find_published_finds_the_post_after_the_fact(connector, account, pds):
    published = connector.publish(account, outgoing(key="sent-before-a-crash"))

    assert connector.find_published(account, "sent-before-a-crash") == published
    assert connector.find_published(account, "never-sent") is None


def test_record_keys_are_tids_derived_from_the_idempotency_key():
    keys = [record_key(f"key-{n}") for n in range(200)]

    assert all(TID.match(key) for key in keys)
    assert len(set(keys)) == 200
    assert record_key("key-7") == keys[7]
    # Posts made before keys were time-ordered keep the record key they were sent with.
    assert record_key("5b0c2a4e-8f1d-4c3b-9a6e-2d7f1e0c9b84") == "2af2aji2m5fhv"


def tid_microseconds(key: str) -> int:
    number = 0
    for character in key:
        number = number * 32 + "234567abcdefghijklmnopqrstuvwxyz".index(character)
    return number >> 10


def test_time_ordered_keys_give_record_keys_in_the_order_they_were_made():
    made = []
    for _ in range(50):
        made.append(time_ordered_uuid())
        time.sleep(0.002)

    keys = [record_key(str(key)) for key in made]

    assert all(TID.match(key) for key in keys)
    assert keys == sorted(keys)
    for key, idempotency_key in zip(keys, made, strict=True):
        # Within the millisecond the idempotency key was made in.
        assert tid_microseconds(key) // 1000 == milliseconds_of(str(idempotency_key))
    assert record_key(str(made[3])) == keys[3]


def test_a_text_bluesky_refuses_is_a_permanent_error_with_its_reason(connector, account, pds):
    with pytest.raises(PermanentError) as refused:
        connector.publish(account, outgoing("x" * 301))

    assert "maximum 300" in refused.value.reason
    assert pds.list_records(account.external_id) == []


# Other actions.


def test_delete_removes_the_post(connector, account, pds):
    published = connector.publish(account, outgoing(key="to-delete"))

    connector.delete(account, published.external_id)

    assert pds.get_record(published.external_id) is None
    assert connector.find_published(account, "to-delete") is None
    connector.delete(account, published.external_id)  # a retried delete succeeds


def test_only_the_accounts_own_posts_can_be_deleted(connector, account, pds):
    colleague = pds.create_account("colleague")
    theirs = pds.create_post(colleague, "Mine, not Erin's.")

    with pytest.raises(PermanentError):
        connector.delete(account, theirs["uri"])

    assert pds.get_record(theirs["uri"]) is not None


def test_like_and_repost_point_at_the_post_and_its_version(connector, account, pds):
    company = pds.create_account("acme")
    announcement = pds.create_post(company, "Solar tiles are here.")

    connector.like(account, announcement["uri"])
    connector.repost(account, announcement["uri"])

    [like] = pds.list_records(account.external_id, "app.bsky.feed.like")
    assert ref(like["value"]["subject"]) == ref(announcement)
    [repost] = pds.list_records(account.external_id, "app.bsky.feed.repost")
    assert ref(repost["value"]["subject"]) == ref(announcement)


def test_a_comment_is_a_reply_in_the_thread(connector, account, pds):
    company = pds.create_account("acme")
    announcement = pds.create_post(company, "Solar tiles are here.")
    root = {"uri": announcement["uri"], "cid": announcement["cid"]}
    answer = pds.create_post(company, "Ask us anything.", reply={"root": root, "parent": root})

    first = connector.comment(account, announcement["uri"], outgoing("Proud!", key="c-1"))
    second = connector.comment(account, answer["uri"], outgoing("How long?", key="c-2"))
    repeated = connector.comment(account, answer["uri"], outgoing("How long?", key="c-2"))

    assert repeated == second
    first_value = pds.get_record(first.external_id)["value"]
    assert first_value["text"] == "Proud!"
    assert ref(first_value["reply"]["root"]) == root
    assert ref(first_value["reply"]["parent"]) == root
    second_value = pds.get_record(second.external_id)["value"]
    assert ref(second_value["reply"]["root"]) == root
    assert ref(second_value["reply"]["parent"]) == ref(answer)
    assert len(pds.list_records(account.external_id)) == 2


def test_acting_on_a_post_that_is_gone_is_a_permanent_error(connector, account, pds):
    published = connector.publish(account, outgoing(key="gone"))
    connector.delete(account, published.external_id)

    with pytest.raises(PermanentError, match="no longer has this post"):
        connector.like(account, published.external_id)


@pytest.mark.parametrize(
    "address",
    [
        "https://bsky.app/profile/someone/post/3kabc",
        "at://did:plc:abc/app.bsky.feed.like/3kabc",
        "at://did:plc:abc/app.bsky.feed.post/not a key",
        "at://did:plc:abc/app.bsky.feed.post/..",
        "at://not a repo/app.bsky.feed.post/3kabc",
    ],
)
def test_an_address_that_is_no_post_is_a_permanent_error(connector, account, address):
    with pytest.raises(PermanentError, match="not the address of a Bluesky post"):
        connector.like(account, address)


# The session.


def test_an_expired_access_token_is_refreshed_and_the_post_goes_out(connector, account, pds):
    before = stored(account)
    # The PDS's clock says the token expired although Chorus's record says it has not.
    expired = pds.expired_access_token(account.external_id)
    account.credentials = Credentials(
        access_token=expired,
        refresh_token=before.refresh_token,
        expires_at=before.expires_at,
        extra=before.extra,
    )
    account.save(update_fields=["credentials"])

    published = connector.publish(account, outgoing("After a refresh.", key="after-refresh"))

    assert pds.get_record(published.external_id)["value"]["text"] == "After a refresh."
    after = stored(account)
    assert after.access_token != expired
    assert after.refresh_token != before.refresh_token
    assert after.extra == before.extra
    account.refresh_from_db()
    assert account.token_expires_at == after.expires_at


def test_a_session_about_to_expire_is_refreshed_before_the_call(connector, account, pds):
    before = stored(account)
    soon = timezone.now() + timedelta(minutes=2)
    account.credentials = Credentials(
        access_token=before.access_token,
        refresh_token=before.refresh_token,
        expires_at=soon,
        extra=before.extra,
    )
    account.token_expires_at = soon
    account.daily_cap = 3
    account.save(update_fields=["credentials", "token_expires_at", "daily_cap"])
    # Something else changes the account meanwhile; the refresh must not undo it.
    ConnectedAccount.objects.filter(pk=account.pk).update(daily_cap=4)

    connector.publish(account, outgoing(key="refreshed-first"))

    account.refresh_from_db()
    assert account.credentials.refresh_token != before.refresh_token
    assert account.token_expires_at is not None
    assert account.token_expires_at > soon + timedelta(minutes=30)
    assert account.daily_cap == 4


def test_refresh_returns_and_stores_new_credentials(connector, account):
    before = stored(account)

    refreshed = connector.refresh(account)

    assert refreshed is not None
    assert refreshed.refresh_token != before.refresh_token
    assert stored(account) == refreshed


def test_a_revoked_session_is_an_auth_error(connector, account, pds):
    connector.revoke(account)
    # The access token outlives its session by up to two hours; once it is spent,
    # the session's refresh token is refused.
    credentials = stored(account)
    account.credentials = Credentials(
        access_token=pds.expired_access_token(account.external_id),
        refresh_token=credentials.refresh_token,
        expires_at=timezone.now() - timedelta(minutes=1),
        extra=credentials.extra,
    )

    with pytest.raises(AuthError, match="revoked"):
        connector.publish(account, outgoing(key="after-revoke"))

    assert pds.list_records(account.external_id) == []
    connector.revoke(account)  # revoking again is no failure


def test_an_account_without_a_session_must_reconnect(connector, account):
    account.credentials = Credentials()

    with pytest.raises(AuthError):
        connector.publish(account, outgoing())


def test_a_published_post_is_what_the_pipeline_records(connector, account):
    published = connector.publish(account, outgoing(key="shape"))

    assert isinstance(published, PublishedPost)
    assert len(published.external_id) <= 255
    assert len(published.url) <= 1000
