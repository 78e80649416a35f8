"""Rallies through the API: pledging and withdrawing; content managers create and cancel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.api.tests.conftest import make_account, make_live_activity
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.publishing.models import Post, PostState
from chorus.rallies import services as rally_services
from chorus.rallies.models import Pledge, Rally, RallyState
from chorus.sharing import services as sharing_services

MY_WORDS = "Why I care about our Helsinki office opening, in my own words."


def _times(hours_from_now: int = 24) -> dict[str, str]:
    deadline = (timezone.now() + timedelta(hours=hours_from_now)).replace(microsecond=0)
    return {
        "deadline": deadline.isoformat(),
        "window_starts_at": deadline.isoformat(),
        "window_ends_at": (deadline + timedelta(hours=2)).isoformat(),
    }


@pytest.fixture
def activity(organisation, employee):
    return make_live_activity(organisation, kind="own_post", title="Helsinki office")


@pytest.fixture
def rally(activity, content_manager):
    deadline = timezone.now() + timedelta(hours=24)
    return rally_services.create_rally(
        by=content_manager,
        activity=activity,
        title="Welcome Helsinki",
        goal_pledges=2,
        deadline=deadline,
        window_starts_at=deadline,
        window_ends_at=deadline + timedelta(hours=2),
    )


@pytest.fixture
def account(employee):
    sharing_services.join_programme(member=employee)
    return make_account(employee)


def test_a_content_manager_creates_a_rally(activity, content_manager, api):
    response = api(content_manager).post(
        "/rallies",
        {
            "activity_id": activity.pk,
            "title": "Welcome Helsinki",
            "call_to_action": "Say hello",
            "goal_pledges": 5,
            **_times(),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    rally = Rally.objects.get()
    assert body["id"] == rally.pk
    assert (body["state"], body["pledge_count"], body["accepting_pledges"]) == ("open", 0, True)
    assert rally.created_by == content_manager
    assert AuditEvent.objects.filter(action=AuditAction.RALLY_CREATED).count() == 1


def test_employees_cannot_create_rallies(activity, employee, api):
    response = api(employee).post(
        "/rallies", {"activity_id": activity.pk, "title": "Mine", "goal_pledges": 1, **_times()}
    )

    assert response.status_code == 403
    assert not Rally.objects.exists()


def test_rally_field_errors(activity, content_manager, api):
    times = _times()
    times["window_starts_at"] = (timezone.now() + timedelta(hours=1)).isoformat()

    response = api(content_manager).post(
        "/rallies", {"activity_id": activity.pk, "title": " ", "goal_pledges": 0, **times}
    )

    assert response.status_code == 422
    assert {"title", "goal_pledges", "window_starts_at"} <= set(response.json()["errors"])


def test_listing_and_reading_rallies_offered(rally, employee, account, api):
    client = api(employee)

    listed = client.get("/rallies").json()
    detail = client.get(f"/rallies/{rally.pk}").json()

    assert [r["id"] for r in listed["items"]] == [rally.pk]
    assert listed["items"][0]["campaign"]["id"] == rally.activity.campaign_id
    assert detail["title"] == "Welcome Helsinki"
    assert detail["my_pledges"] == []


def test_pledging_and_withdrawing(rally, employee, account, api):
    client = api(employee)

    response = client.post(
        f"/rallies/{rally.pk}/pledge", {"account_id": account.pk, "text": MY_WORDS}
    )

    assert response.status_code == 201, response.content
    pledge = Pledge.objects.get()
    assert response.json()["post"]["state"] == "approved"
    assert client.get(f"/rallies/{rally.pk}").json()["pledge_count"] == 1
    assert [p["id"] for p in client.get(f"/rallies/{rally.pk}").json()["my_pledges"]] == [pledge.pk]
    again = client.post(
        f"/rallies/{rally.pk}/pledge",
        {"account_id": account.pk, "text": MY_WORDS, "acknowledge_similarity": True},
    )
    assert again.status_code == 422
    assert list(again.json()["errors"]) == ["account_id"]

    withdrawn = client.post(f"/pledges/{pledge.pk}/withdraw")

    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert withdrawn.json()["post"]["state"] == "cancelled"
    assert Post.objects.get().state == PostState.CANCELLED


def test_pledging_needs_the_programme(rally, employee, api):
    account = make_account(employee)

    response = api(employee).post(
        f"/rallies/{rally.pk}/pledge", {"account_id": account.pk, "text": MY_WORDS}
    )

    assert response.status_code == 422
    assert "Join the advocacy programme" in response.json()["errors"]["__all__"][0]


def test_only_the_pledger_withdraws(rally, employee, admin, account, api):
    pledge = rally_services.pledge(member=employee, rally=rally, account=account, text=MY_WORDS)

    assert api(admin).post(f"/pledges/{pledge.pk}/withdraw").status_code == 404
    assert Pledge.objects.get().withdrawn_at is None


def test_cancelling_a_rally(rally, employee, account, content_manager, api):
    rally_services.pledge(member=employee, rally=rally, account=account, text=MY_WORDS)

    refused = api(employee).post(f"/rallies/{rally.pk}/cancel")
    response = api(content_manager).post(f"/rallies/{rally.pk}/cancel")

    assert refused.status_code == 403
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert Rally.objects.get().state == RallyState.CANCELLED
    assert Post.objects.get().state == PostState.CANCELLED
    assert api(content_manager).post(f"/rallies/{rally.pk}/cancel").status_code == 409
