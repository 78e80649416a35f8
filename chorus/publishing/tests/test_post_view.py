"""A post's own page: only its owner sees it, with every attempt and the way to retry."""

from datetime import timedelta

import pytest
from django.test import Client

from chorus.audit.models import AuditEvent
from chorus.conftest import make_member
from chorus.orgs.roles import Role
from chorus.publishing.models import AttemptOutcome, Post, PostState, PublishAttempt
from chorus.publishing.tests.factories import T0, connect, join_programme, scheduled_post


@pytest.fixture
def post(employee):
    join_programme(employee)
    employee.user.time_zone = "Europe/Helsinki"
    employee.user.save()
    return scheduled_post(connect(employee), at=T0 + timedelta(minutes=5))


def page(client: Client, post: Post) -> str:
    response = client.get(f"/o/acme/posts/{post.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_owner_sees_text_account_state_time_and_attempts(post, employee, login):
    PublishAttempt.objects.create(
        post=post,
        started_at=T0,
        finished_at=T0,
        outcome=AttemptOutcome.TRANSIENT,
        detail="502 from the network",
        retry_at=T0 + timedelta(minutes=5),
    )

    html = page(login(employee), post)

    assert post.text in html
    assert "@erin" in html
    assert "Development outbox" in html
    assert "Scheduled" in html
    # In the member's time zone: 09:05 UTC is 12:05 in Helsinki.
    assert 'datetime="2026-05-04T12:05:00+03:00"' in html
    assert "Europe/Helsinki" in html
    assert "Temporary error, will retry" in html
    assert "502 from the network" in html
    assert "Try again now" not in html


@pytest.mark.django_db
def test_a_failed_post_shows_its_reason_and_a_retry(post, employee, login):
    post.state = PostState.FAILED
    post.failure_reason = "Text too long for the network"
    post.save()

    html = page(login(employee), post)

    assert "Text too long for the network" in html
    assert "Try again now" in html


@pytest.mark.django_db
def test_a_published_post_links_to_the_network(post, employee, login):
    post.state = PostState.PUBLISHED
    post.external_url = "https://bsky.app/profile/erin/post/3k"
    post.published_at = T0
    post.save()

    assert 'href="https://bsky.app/profile/erin/post/3k"' in page(login(employee), post)


@pytest.mark.django_db
def test_retry_sends_a_failed_post_again_now(post, employee, login):
    post.state = PostState.FAILED
    post.failure_reason = "Refused"
    post.save()

    response = login(employee).post(f"/o/acme/posts/{post.pk}/retry/")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.next_attempt_at is not None
    assert post.next_attempt_at > T0 + timedelta(days=30)  # the real now
    assert AuditEvent.objects.filter(action="post.retried", object_id=str(post.pk)).exists()


@pytest.mark.django_db
def test_retry_of_a_post_that_has_not_failed_changes_nothing(post, employee, login):
    client = login(employee)

    response = client.post(f"/o/acme/posts/{post.pk}/retry/", follow=True)

    assert "Only a failed post can be sent again." in response.content.decode()
    post.refresh_from_db()
    assert post.next_attempt_at == T0 + timedelta(minutes=5)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", ""), ("post", "retry/")])
def test_nobody_else_reaches_the_post(post, admin, outsider, login, method, path):
    post.state = PostState.FAILED
    post.save()
    colleague = make_member(post.organisation, Role.EMPLOYEE, "eve@acme.test")
    url = f"/o/acme/posts/{post.pk}/{path}"

    for intruder in (admin, colleague, outsider):
        response = getattr(login(intruder), method)(url)
        assert response.status_code == 404
    post.refresh_from_db()
    assert post.state == PostState.FAILED


@pytest.mark.django_db
def test_the_post_of_an_outsider_organisation_gives_404(outsider, login):
    join_programme(outsider)
    theirs = scheduled_post(connect(outsider, handle="@otto"))

    assert login(outsider).get(f"/o/globex/posts/{theirs.pk}/").status_code == 200
    assert login(outsider).get(f"/o/acme/posts/{theirs.pk}/").status_code == 404
