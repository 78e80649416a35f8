"""The programme page and "My posts" when the policy waits to be accepted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.policies import services
from chorus.policies.tests.helpers import publish
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post
from chorus.sharing.models import ProgrammeConsent

pytestmark = pytest.mark.django_db


def test_the_programme_page_points_to_the_policy_instead_of_a_failing_join_button(
    login, owner, employee
):
    publish(owner)

    html = login(employee).get("/o/acme/share/programme/").content.decode()

    assert "read and accept version 1.0 of your organisation's social media policy" in html
    assert 'href="/o/acme/policy/"' in html
    assert "I agree, and I want to take part" not in html


def test_once_accepted_the_join_button_is_back(login, owner, employee):
    services.acknowledge(member=employee, version=publish(owner))
    client = login(employee)

    assert (
        "I agree, and I want to take part"
        in client.get("/o/acme/share/programme/").content.decode()
    )
    client.post("/o/acme/share/programme/join/")
    assert ProgrammeConsent.objects.filter(member=employee, left_at__isnull=True).exists()


def test_joining_through_the_page_is_refused_with_the_reason(login, owner, employee):
    publish(owner)

    response = login(employee).post("/o/acme/share/programme/join/", follow=True)

    assert "First read and accept version 1.0" in response.content.decode()
    assert not ProgrammeConsent.objects.exists()


def test_without_a_policy_the_programme_page_is_as_before(login, employee):
    html = login(employee).get("/o/acme/share/programme/").content.decode()

    assert "I agree, and I want to take part" in html
    assert "social media policy" not in html


def test_my_posts_shows_paused_posts_with_a_banner_and_a_link_to_accept(login, owner, employee):
    join_programme(employee)
    post = scheduled_post(
        connect(employee), text="Paused words.", at=timezone.now() + timedelta(days=1)
    )
    publish(owner)

    html = login(employee).get("/o/acme/share/posts/").content.decode()

    assert 'id="policy-pause-banner"' in html
    assert "Paused until you accept the social media policy" in html
    assert "Until you read and accept it, your scheduled posts are paused" in html
    assert '<a href="/o/acme/policy/">Read and accept version 1.0</a>' in html
    assert f'id="post-{post.pk}"' in html
    assert "Paused words." in html


def test_my_posts_has_no_banner_once_accepted(login, owner, employee):
    services.acknowledge(member=employee, version=publish(owner))

    html = login(employee).get("/o/acme/share/posts/").content.decode()

    assert 'id="policy-pause-banner"' not in html
