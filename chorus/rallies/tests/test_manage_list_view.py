import pytest

from chorus.rallies import services
from chorus.rallies.tests.helpers import connect, join, live_activity, open_rally, pledge_own_words

pytestmark = pytest.mark.django_db


def url(org: str = "acme") -> str:
    return f"/o/{org}/rallies/manage/"


def test_lists_rallies_with_state_and_progress(
    login, content_manager, employee, reviewer, rally, start
):
    join(employee)
    pledge_own_words(employee, connect(employee), rally, seed=1, at=start)
    join(reviewer)
    withdrawn = pledge_own_words(reviewer, connect(reviewer), rally, seed=2, at=start)
    services.withdraw(member=reviewer, pledge=withdrawn, now=start)

    response = login(content_manager).get(url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Welcome Helsinki" in content
    assert "Open for pledges" in content
    assert '<progress max="3" value="1"' in content
    assert "1 of 3 pledges" in content
    assert f"/o/acme/rallies/manage/{rally.pk}/" in content


def test_empty_state(login, content_manager):
    content = login(content_manager).get(url()).content.decode()

    assert "No rallies yet." in content
    assert "/o/acme/rallies/manage/new/" in content


def test_pagination(login, content_manager, organisation, start):
    for _ in range(26):
        open_rally(by=content_manager, activity=live_activity(organisation), at=start)

    first = login(content_manager).get(url()).content.decode()
    second = login(content_manager).get(url() + "?page=2").content.decode()

    assert first.count("<tr>") == 25 + 1
    assert "Page 1 of 2" in first
    assert second.count("<tr>") == 1 + 1


@pytest.mark.parametrize("role", ["employee", "reviewer", "responder"])
def test_other_roles_get_403(role, cast, login):
    assert login(cast[role]).get(url()).status_code == 403


def test_outsider_gets_404(outsider, login, rally):
    assert login(outsider).get(url()).status_code == 404


def test_only_own_organisations_rallies(outsider, login, rally):
    content = login(outsider).get(url("globex")).content.decode()

    assert "Welcome Helsinki" not in content
