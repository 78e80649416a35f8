import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.publishing.models import Post, PostState
from chorus.rallies.models import Rally, RallyState
from chorus.rallies.tests.helpers import connect, join, pledge_own_words

pytestmark = pytest.mark.django_db


def url(rally: Rally, org: str = "acme") -> str:
    return f"/o/{org}/rallies/manage/{rally.pk}/cancel/"


def test_cancels_the_rally_and_its_posts(login, content_manager, employee, rally, start):
    join(employee)
    pledge = pledge_own_words(employee, connect(employee), rally, seed=1, at=start)

    response = login(content_manager).post(url(rally), follow=True)

    assert response.redirect_chain[-1][0] == f"/o/acme/rallies/manage/{rally.pk}/"
    assert "Rally cancelled. Nothing will be posted." in response.content.decode()
    rally.refresh_from_db()
    assert rally.state == RallyState.CANCELLED
    assert Post.objects.get(pk=pledge.post_id).state == PostState.CANCELLED
    assert AuditEvent.objects.filter(action=AuditAction.RALLY_CANCELLED).count() == 1


def test_cancelling_twice_shows_an_error(login, content_manager, rally):
    client = login(content_manager)
    client.post(url(rally))

    response = client.post(url(rally), follow=True)

    assert "This cannot be done while it is cancelled." in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.RALLY_CANCELLED).count() == 1


def test_get_is_not_allowed(login, content_manager, rally):
    assert login(content_manager).get(url(rally)).status_code == 405


@pytest.mark.parametrize("role", ["employee", "reviewer", "responder"])
def test_other_roles_get_403(role, cast, login, rally):
    assert login(cast[role]).post(url(rally)).status_code == 403
    rally.refresh_from_db()
    assert rally.state == RallyState.OPEN


def test_outsider_gets_404(outsider, login, rally):
    assert login(outsider).post(url(rally)).status_code == 404
    assert login(outsider).post(url(rally, org="globex")).status_code == 404
    rally.refresh_from_db()
    assert rally.state == RallyState.OPEN
