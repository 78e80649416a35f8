import pytest

from chorus.rallies import services
from chorus.rallies.models import Rally
from chorus.rallies.tests.helpers import connect, join, own_words, pledge_own_words

pytestmark = pytest.mark.django_db


def url(rally: Rally, org: str = "acme") -> str:
    return f"/o/{org}/rallies/manage/{rally.pk}/"


@pytest.fixture
def pledges(rally, cast, start):
    made = []
    for number, role in enumerate(["employee", "reviewer"]):
        member = cast[role]
        join(member)
        made.append(pledge_own_words(member, connect(member), rally, seed=number, at=start))
    return made


def test_shows_progress_and_counts_but_not_what_people_wrote(
    login, content_manager, rally, pledges, cast, start
):
    services.withdraw(member=cast["reviewer"], pledge=pledges[1], now=start)

    response = login(content_manager).get(url(rally))

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 of 3 pledges" in content
    assert "Withdrawn</dt><dd>1</dd>" in content
    assert "Development outbox: 1" in content
    assert own_words(0)[:30] not in content
    assert cast["employee"].user.full_name not in content
    assert f"/o/acme/rallies/manage/{rally.pk}/cancel/" in content


def test_after_firing_shows_post_states(login, content_manager, rally, pledges, cast, start):
    member = cast["responder"]
    join(member)
    pledge_own_words(member, connect(member), rally, seed=7, at=start)
    services.resolve_due_rallies(now=rally.deadline)

    content = login(content_manager).get(url(rally)).content.decode()

    assert "Goal reached" in content
    assert "Scheduled: 3" in content
    assert "/cancel/" not in content


@pytest.mark.parametrize("role", ["employee", "reviewer", "responder"])
def test_other_roles_get_403(role, cast, login, rally):
    assert login(cast[role]).get(url(rally)).status_code == 403


def test_outsider_gets_404(outsider, login, rally):
    assert login(outsider).get(url(rally)).status_code == 404
    assert login(outsider).get(url(rally, org="globex")).status_code == 404
