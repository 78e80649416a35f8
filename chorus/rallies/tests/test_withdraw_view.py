import pytest

from chorus.publishing.models import Post, PostState
from chorus.rallies import services
from chorus.rallies.models import Pledge, Rally
from chorus.rallies.tests.helpers import connect, join, pledge_own_words

pytestmark = pytest.mark.django_db


def url(pledge: Pledge, org: str = "acme") -> str:
    return f"/o/{org}/rallies/pledges/{pledge.pk}/withdraw/"


@pytest.fixture
def pledge(employee, rally, start):
    join(employee)
    return pledge_own_words(employee, connect(employee), rally, seed=1, at=start)


def test_withdraws_and_cancels_the_post(login, employee, pledge, rally):
    response = login(employee).post(url(pledge), follow=True)

    assert response.redirect_chain[-1][0] == f"/o/acme/rallies/{rally.pk}/"
    assert "Pledge withdrawn." in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is not None
    assert Post.objects.get(pk=pledge.post_id).state == PostState.CANCELLED


def test_after_firing_it_is_refused_with_a_message(login, employee, pledge, rally):
    Rally.objects.filter(pk=rally.pk).update(goal_pledges=1)
    services.resolve_due_rallies(now=rally.deadline)

    response = login(employee).post(url(pledge), follow=True)

    assert "can no longer be withdrawn" in response.content.decode()
    assert Post.objects.get(pk=pledge.post_id).state == PostState.SCHEDULED


def test_get_is_not_allowed(login, employee, pledge):
    assert login(employee).get(url(pledge)).status_code == 405


@pytest.mark.parametrize("role", ["owner", "admin", "content_manager", "reviewer"])
def test_nobody_else_can_withdraw_it(role, cast, login, pledge):
    assert login(cast[role]).post(url(pledge)).status_code == 404
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is None


def test_outsider_gets_404(login, outsider, pledge):
    assert login(outsider).post(url(pledge)).status_code == 404
    assert login(outsider).post(url(pledge, org="globex")).status_code == 404
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is None
