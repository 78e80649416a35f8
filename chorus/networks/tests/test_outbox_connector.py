"""The development outbox records a post once per idempotency key, and finds it again."""

import pytest

from chorus.networks.connectors import get_connector
from chorus.networks.connectors.base import OutgoingPost
from chorus.networks.connectors.outbox import OutboxConnector
from chorus.networks.models import OutboxPost
from chorus.publishing.tests.factories import connect


@pytest.mark.django_db
def test_publishing_twice_with_one_key_records_one_post(employee, settings):
    settings.SITE_URL = "https://chorus.example.org"
    account = connect(employee)
    outgoing = OutgoingPost(
        text="Hello from the outbox", link_url="https://acme.test/news", idempotency_key="k-1"
    )
    connector = OutboxConnector()

    first = connector.publish(account, outgoing)
    second = connector.publish(account, outgoing)

    record = OutboxPost.objects.get()
    assert (record.account, record.text, record.link_url) == (
        account,
        "Hello from the outbox",
        "https://acme.test/news",
    )
    assert first == second
    assert first.external_id == f"outbox-{record.pk}"
    assert (
        first.url == f"https://chorus.example.org/o/acme/accounts/outbox/#outbox-post-{record.pk}"
    )


@pytest.mark.django_db
def test_find_published_looks_the_key_up(employee):
    account = connect(employee)
    connector = OutboxConnector()
    assert connector.find_published(account, "k-2") is None

    published = connector.publish(account, OutgoingPost(text="Hi", idempotency_key="k-2"))

    assert connector.find_published(account, "k-2") == published
    assert connector.find_published(account, "k-3") is None


def test_settings_map_the_outbox_network_to_it():
    assert isinstance(get_connector("outbox"), OutboxConnector)
