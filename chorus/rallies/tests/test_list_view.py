from datetime import UTC, datetime, timedelta

import pytest

from chorus.rallies.models import Rally
from chorus.rallies.tests.helpers import (
    connect,
    join,
    live_activity,
    offer,
    open_rally,
    pledge_own_words,
)

pytestmark = pytest.mark.django_db

URL = "/o/acme/rallies/"


def test_shows_rallies_offered_to_the_member_with_progress(login, employee, rally, start):
    join(employee)
    pledge_own_words(employee, connect(employee), rally, seed=1, at=start)

    content = login(employee).get(URL).content.decode()

    assert "Welcome Helsinki" in content
    assert f"/o/acme/rallies/{rally.pk}/" in content
    assert '<progress max="3" value="1" aria-labelledby="rally-progress-' in content
    assert "1 of 3 pledges" in content
    assert "Manage rallies" not in content


def test_rallies_about_activities_not_in_the_feed_are_not_shown(
    login, employee, content_manager, organisation, start
):
    not_offered = live_activity(organisation)
    open_rally(by=content_manager, activity=not_offered, at=start)

    content = login(employee).get(URL).content.decode()

    assert "Welcome Helsinki" not in content
    assert "No rallies for you at the moment." in content


def test_times_are_in_the_members_time_zone(login, employee, rally):
    employee.user.time_zone = "Europe/Helsinki"
    employee.user.save()
    Rally.objects.filter(pk=rally.pk).update(
        deadline=datetime(2030, 1, 15, 10, 30, tzinfo=UTC),
        window_starts_at=datetime(2030, 1, 15, 11, 30, tzinfo=UTC),
        window_ends_at=datetime(2030, 1, 15, 16, 0, tzinfo=UTC),
    )

    content = login(employee).get(URL).content.decode()

    assert "Pledge by Jan. 15, 2030, 12:30 p.m." in content
    assert "Jan. 15, 2030, 1:30 p.m. to Jan. 15, 2030, 6 p.m." in content
    assert "Europe/Helsinki" in content


def test_managers_get_a_link_to_manage(login, content_manager, rally):
    content = login(content_manager).get(URL).content.decode()

    assert "/o/acme/rallies/manage/" in content


def test_paginated(login, employee, content_manager, organisation, start):
    for _ in range(26):
        activity = live_activity(organisation)
        offer(activity)
        open_rally(by=content_manager, activity=activity, at=start + timedelta(minutes=1))

    content = login(employee).get(URL).content.decode()

    assert content.count('class="card"') == 25
    assert "Page 1 of 2" in content


def test_outsider_gets_404(login, outsider, rally):
    assert login(outsider).get(URL).status_code == 404
