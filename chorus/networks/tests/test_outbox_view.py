"""The development outbox page: what the member's outbox accounts recorded, clearly labelled."""

import pytest

from chorus.conftest import make_member
from chorus.networks.models import OutboxPost
from chorus.orgs.roles import Role
from chorus.publishing.tests.factories import connect


@pytest.mark.django_db
def test_lists_the_members_recorded_posts_only(employee, login):
    mine = OutboxPost.objects.create(
        account=connect(employee), idempotency_key="a", text="Mine", link_url="https://acme.test/"
    )
    colleague = make_member(employee.organisation, Role.EMPLOYEE, "eve@acme.test")
    OutboxPost.objects.create(
        account=connect(colleague, handle="@eve"), idempotency_key="b", text="Eve's"
    )

    response = login(employee).get("/o/acme/accounts/outbox/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="outbox-post-{mine.pk}"' in html
    assert "Mine" in html
    assert "https://acme.test/" in html
    assert "Eve&#x27;s" not in html
    assert "They were not sent to any social network." in html


@pytest.mark.django_db
def test_an_empty_outbox_says_so(employee, login):
    html = login(employee).get("/o/acme/accounts/outbox/").content.decode()

    assert "Your outbox has recorded nothing yet." in html


@pytest.mark.django_db
def test_an_outsider_gets_404(outsider, login):
    assert login(outsider).get("/o/acme/accounts/outbox/").status_code == 404
