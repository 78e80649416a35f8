"""The development outbox implements the whole connector protocol."""

import pytest

from chorus.conftest import make_member
from chorus.networks.connectors.base import NotSupported, OutgoingPost, PermanentError
from chorus.networks.connectors.outbox import OutboxConnector
from chorus.networks.models import OutboxPost
from chorus.orgs.roles import Role
from chorus.publishing.tests.factories import connect


@pytest.mark.django_db
def test_delete_removes_the_recorded_post_and_may_be_repeated(employee):
    account = connect(employee)
    connector = OutboxConnector()
    kept = connector.publish(account, OutgoingPost(text="Keep me", idempotency_key="k-1"))
    gone = connector.publish(account, OutgoingPost(text="Delete me", idempotency_key="k-2"))

    connector.delete(account, gone.external_id)
    connector.delete(account, gone.external_id)

    assert list(OutboxPost.objects.values_list("text", flat=True)) == ["Keep me"]
    assert connector.find_published(account, "k-2") is None
    assert connector.find_published(account, "k-1") == kept


@pytest.mark.django_db
def test_delete_leaves_other_accounts_posts_alone(employee):
    colleague = make_member(employee.organisation, Role.EMPLOYEE, "eve@acme.test")
    mine, theirs = connect(employee), connect(colleague, handle="@eve")
    connector = OutboxConnector()
    published = connector.publish(theirs, OutgoingPost(text="Eve's", idempotency_key="k-3"))

    connector.delete(mine, published.external_id)

    assert OutboxPost.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("external_id", ["12", "outbox-", "outbox-x", "at://did/post/1"])
def test_delete_refuses_ids_the_outbox_never_made(employee, external_id):
    with pytest.raises(PermanentError, match="not a post the development outbox made"):
        OutboxConnector().delete(connect(employee), external_id)


@pytest.mark.django_db
def test_what_a_pretend_network_cannot_do_is_not_supported_with_a_reason(employee):
    account = connect(employee)
    connector = OutboxConnector()
    reply = OutgoingPost(text="Nice", idempotency_key="k-4")

    for action in (
        lambda: connector.like(account, "outbox-1"),
        lambda: connector.repost(account, "outbox-1"),
        lambda: connector.comment(account, "outbox-1", reply),
        lambda: connector.post_metrics(account, "outbox-1"),
        lambda: connector.follower_count(account),
    ):
        with pytest.raises(NotSupported, match="The development outbox is not a social network"):
            action()


@pytest.mark.django_db
def test_its_tokens_never_expire_and_there_is_nothing_to_revoke(employee):
    account = connect(employee)
    connector = OutboxConnector()

    assert connector.refresh(account) is None
    connector.revoke(account)  # nothing to do, and no error
    assert connector.network == "outbox"
