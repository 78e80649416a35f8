"""The policy page every member sees, the button to accept it, and the versions' history."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chorus.policies import services
from chorus.policies.models import Acknowledgment
from chorus.policies.tests.helpers import publish
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post

pytestmark = pytest.mark.django_db


def page(client: Client, path: str = "/o/acme/policy/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_policy_the_page_says_so(login, employee):
    html = page(login(employee))

    assert "has not published a social media policy yet" in html
    assert "I have read and accept" not in html


def test_a_member_reads_the_current_version_and_the_button_to_accept_it(login, owner, employee):
    publish(owner, text="## Be yourself\n\nSpeak <b>for yourself</b>.")

    html = page(login(employee))

    assert "<h2>Be yourself</h2>" in html
    assert "Speak &lt;b&gt;for yourself&lt;/b&gt;." in html
    assert "I have read and accept version 1.0" in html


def test_accepting_records_the_acknowledgment(login, owner, employee):
    version = publish(owner)
    client = login(employee)

    response = client.post("/o/acme/policy/accept/", {"version": version.pk})

    assert response.status_code == 200
    assert "You accepted version 1.0" in response.content.decode()
    acknowledgment = Acknowledgment.objects.get()
    assert (acknowledgment.member, acknowledgment.version) == (employee, version)
    html = page(client)
    assert "I have read and accept" not in html
    assert "You accepted version 1.0" in html


def test_after_accepting_the_member_is_told_the_new_times(login, owner, employee):
    join_programme(employee)
    account = connect(employee)
    now = timezone.now()
    passed = scheduled_post(account, text="Its time passed.", at=now - timedelta(hours=1))
    ahead = scheduled_post(account, text="Still ahead.", at=now + timedelta(days=3))
    version = publish(owner, now=now - timedelta(hours=2))

    response = login(employee).post("/o/acme/policy/accept/", {"version": version.pk})

    html = response.content.decode()
    moved = Post.objects.get(pk=passed.pk)
    assert moved.state == PostState.SCHEDULED
    assert "Posts with a new time" in html
    assert moved.scheduled_for is not None
    assert f'datetime="{moved.scheduled_for.isoformat()}"' in html
    assert "Posts back on schedule" in html
    assert f'id="post-{ahead.pk}"' in html


def test_a_minor_version_asks_nothing_of_those_who_accepted(login, owner, employee):
    services.acknowledge(member=employee, version=publish(owner))
    publish(owner, major=False, summary="Typo")

    html = page(login(employee))

    assert "You accepted version 1.0" in html
    assert "only fix wording" in html
    assert "I have read and accept" not in html


def test_accepting_an_outdated_version_is_refused(login, owner, employee):
    old = publish(owner)
    publish(owner, major=True)

    response = login(employee).post("/o/acme/policy/accept/", {"version": old.pk}, follow=True)

    assert "A newer version of the policy has been published" in response.content.decode()
    assert not Acknowledgment.objects.exists()


def test_the_history_lists_every_version_with_its_summary_author_and_time(
    login, owner, admin, employee
):
    publish(owner, summary="First version")
    publish(admin, major=False, summary="Fixed a typo")

    html = page(login(employee), "/o/acme/policy/versions/")

    assert "First version" in html and "Fixed a typo" in html
    assert "Olivia Owner" in html and "Adam Admin" in html
    assert html.index("1.1") < html.index("1.0")


def test_an_old_version_stays_readable(login, owner, employee):
    old = publish(owner, text="## The old rules")
    publish(owner, text="## The new rules")

    html = page(login(employee), f"/o/acme/policy/versions/{old.pk}/")

    assert "<h2>The old rules</h2>" in html
    assert "This is an earlier version." in html


def test_another_organisations_policy_is_never_shown(login, outsider, employee):
    theirs = publish(outsider, text="## Globex secrets")
    client = login(employee)

    assert "Globex secrets" not in page(client)
    assert "Globex secrets" not in page(client, "/o/acme/policy/versions/")
    assert client.get(f"/o/acme/policy/versions/{theirs.pk}/").status_code == 404
    assert client.post("/o/acme/policy/accept/", {"version": theirs.pk}).status_code == 404
    assert not Acknowledgment.objects.exists()


def test_owners_and_admins_find_the_management_pages_from_the_policy(login, owner, employee):
    assert "/o/acme/policy/edit/" in page(login(owner))
    assert "/o/acme/policy/acknowledgments/" in page(login(owner))
    assert "/o/acme/policy/edit/" not in page(login(employee))


def test_the_navigation_links_to_the_policy(login, employee):
    html = page(login(employee), "/o/acme/")

    assert 'href="/o/acme/policy/"' in html
