"""A member's own posts: reading, spreading, moving, cancelling, sending now, retrying."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.api.tests.conftest import make_account, make_live_activity
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import AttemptOutcome, Post, PostState, PublishAttempt
from chorus.sharing import services as sharing_services


@pytest.fixture
def account(employee):
    sharing_services.join_programme(member=employee)
    return make_account(employee)


def _approve(
    employee: Membership,
    account: ConnectedAccount,
    organisation: Organisation,
    title: str = "Solar tiles launch",
) -> Post:
    activity = make_live_activity(organisation, title=title)
    return sharing_services.approve_post(
        member=employee,
        activity=activity,
        account=account,
        text=f"My own words about {title}, as I would say it.",
    )


def test_listing_ones_own_posts_by_state(employee, admin, account, organisation, api):
    first = _approve(employee, account, organisation, "One")
    second = _approve(employee, account, organisation, "Two")
    Post.objects.filter(pk=first.pk).update(state=PostState.PUBLISHED)
    sharing_services.join_programme(member=admin)
    _approve(admin, make_account(admin), organisation, "Admin's")
    client = api(employee)

    everything = client.get("/posts").json()
    approved = client.get("/posts", state="approved").json()

    assert everything["total"] == 2
    assert [p["id"] for p in everything["items"]] == [second.pk, first.pk]
    assert [p["id"] for p in approved["items"]] == [second.pk]


def test_a_post_comes_with_its_attempts(employee, account, organisation, api):
    post = _approve(employee, account, organisation)
    PublishAttempt.objects.create(post=post, outcome=AttemptOutcome.TRANSIENT, detail="Timeout")

    body = api(employee).get(f"/posts/{post.pk}").json()

    assert body["text"] == post.text
    assert [(a["outcome"], a["detail"]) for a in body["attempts"]] == [("transient", "Timeout")]
    assert body["can_retry"] is False


def test_a_colleagues_post_is_not_found(employee, admin, account, organisation, api):
    post = _approve(employee, account, organisation)

    assert api(admin).get(f"/posts/{post.pk}").status_code == 404
    assert api(admin).post(f"/posts/{post.pk}/cancel").status_code == 404
    assert Post.objects.get().state == PostState.APPROVED


def test_spreading_several_posts(employee, account, organisation, api):
    posts = [_approve(employee, account, organisation, title) for title in ("One", "Two")]

    response = api(employee).post(
        "/posts/spread",
        {
            "post_ids": [p.pk for p in posts],
            "days": 3,
            "day_starts": "08:00",
            "day_ends": "18:00",
            "min_gap_minutes": 60,
        },
    )

    assert response.status_code == 200, response.content
    assert sorted(p["id"] for p in response.json()) == sorted(p.pk for p in posts)
    times = []
    for post in Post.objects.all():
        assert post.state == PostState.SCHEDULED
        assert post.scheduled_for is not None
        assert 8 <= post.scheduled_for.hour < 18
        times.append(post.scheduled_for)
    assert abs(times[0] - times[1]) >= timedelta(minutes=60)


def test_spreading_errors_name_the_fields(employee, account, organisation, api):
    post = _approve(employee, account, organisation)
    client = api(employee)

    window = client.post("/posts/spread", {"post_ids": [post.pk], "days": 0})
    nothing = client.post("/posts/spread", {"post_ids": []})

    assert window.status_code == 422
    assert list(window.json()["errors"]) == ["days"]
    assert list(nothing.json()["errors"]) == ["post_ids"]
    assert Post.objects.get().state == PostState.APPROVED


def test_moving_a_scheduled_post(employee, account, organisation, api):
    post = _approve(employee, account, organisation)
    client = api(employee)
    client.post("/posts/spread", {"post_ids": [post.pk]})
    when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)

    response = client.post(f"/posts/{post.pk}/move", {"when": when.isoformat()})

    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.scheduled_for == when
    past = client.post(f"/posts/{post.pk}/move", {"when": "2001-01-01T10:00:00Z"})
    assert past.status_code == 422
    assert list(past.json()["errors"]) == ["when"]


def test_an_approved_post_cannot_be_moved(employee, account, organisation, api):
    post = _approve(employee, account, organisation)

    response = api(employee).post(f"/posts/{post.pk}/move", {"when": "2040-01-01T10:00:00Z"})

    assert response.status_code == 422


def test_cancelling_a_post(employee, account, organisation, api):
    post = _approve(employee, account, organisation)
    client = api(employee)

    response = client.post(f"/posts/{post.pk}/cancel")

    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["cancelled_reason"] == "You cancelled it."
    assert client.post(f"/posts/{post.pk}/cancel").status_code == 409


def test_posting_now_publishes_through_the_outbox(
    employee, account, organisation, api, django_capture_on_commit_callbacks
):
    post = _approve(employee, account, organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = api(employee).post(f"/posts/{post.pk}/post-now")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "scheduled"
    assert Post.objects.get().state == PostState.PUBLISHED
    assert OutboxPost.objects.get().text == post.text


def test_retrying_a_failed_post(employee, account, organisation, api):
    post = _approve(employee, account, organisation)
    Post.objects.filter(pk=post.pk).update(state=PostState.FAILED, failure_reason="Refused")
    client = api(employee)

    response = client.post(f"/posts/{post.pk}/retry")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "scheduled"
    assert response.json()["failure_reason"] == ""
    assert client.post(f"/posts/{post.pk}/retry").status_code == 422


def test_new_words_for_a_post_not_yet_out(employee, account, organisation, api):
    post = _approve(employee, account, organisation)

    response = api(employee).patch(
        f"/posts/{post.pk}", {"text": "Better words of mine about the tiles on our roof."}
    )

    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.text.startswith("Better words of mine")
    assert post.text_is_as_approved
