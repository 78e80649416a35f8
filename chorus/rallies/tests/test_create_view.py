from datetime import UTC, datetime

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import Activity, CampaignState
from chorus.rallies.models import Rally
from chorus.rallies.tests.helpers import live_activity

pytestmark = pytest.mark.django_db

URL = "/o/acme/rallies/manage/new/"


def form_data(activity: Activity, **changes: object) -> dict[str, object]:
    data = {
        "activity": activity.pk,
        "title": "Welcome Helsinki",
        "call_to_action": "Tell them why.",
        "goal_pledges": "5",
        "deadline": "2030-06-01T12:00",
        "window_starts_at": "2030-06-01T13:00",
        "window_ends_at": "2030-06-01T17:00",
    }
    return {**data, **changes}


@pytest.fixture
def helsinki_manager(content_manager):
    content_manager.user.time_zone = "Europe/Helsinki"
    content_manager.user.save()
    return content_manager


def test_form_offers_activities_of_live_campaigns_only(login, content_manager, organisation):
    live = live_activity(organisation)
    draft = live_activity(organisation)
    draft.title = "Draft activity"
    draft.save()
    draft.campaign.state = CampaignState.DRAFT
    draft.campaign.save()

    content = login(content_manager).get(URL).content.decode()

    assert f'<option value="{live.pk}"' in content
    assert f'<option value="{draft.pk}"' not in content
    assert 'type="datetime-local"' in content


def test_creates_the_rally_in_the_managers_time_zone(login, helsinki_manager, organisation):
    activity = live_activity(organisation)

    response = login(helsinki_manager).post(URL, form_data(activity))

    rally = Rally.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/rallies/manage/{rally.pk}/"
    assert rally.deadline == datetime(2030, 6, 1, 9, 0, tzinfo=UTC)
    assert rally.window_starts_at == datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    assert rally.window_ends_at == datetime(2030, 6, 1, 14, 0, tzinfo=UTC)
    assert (rally.goal_pledges, rally.activity) == (5, activity)
    assert AuditEvent.objects.filter(action=AuditAction.RALLY_CREATED).count() == 1


def test_service_errors_show_on_their_fields_and_keep_the_input(
    login, content_manager, organisation
):
    activity = live_activity(organisation)

    response = login(content_manager).post(
        URL, form_data(activity, window_ends_at="2030-06-01T13:30", title="Keep me")
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "at least an hour long" in content
    assert 'value="Keep me"' in content
    assert not Rally.objects.exists()


def test_a_past_deadline_is_refused(login, content_manager, organisation):
    activity = live_activity(organisation)

    response = login(content_manager).post(
        URL,
        form_data(
            activity,
            deadline="2020-01-01T10:00",
            window_starts_at="2020-01-01T11:00",
            window_ends_at="2020-01-01T15:00",
        ),
    )

    assert "The deadline must be in the future." in response.content.decode()
    assert not Rally.objects.exists()


def test_bad_input_is_a_form_error_not_a_crash(login, content_manager, organisation):
    activity = live_activity(organisation)

    response = login(content_manager).post(
        URL, form_data(activity, deadline="soon", goal_pledges="0")
    )

    assert response.status_code == 200
    assert not Rally.objects.exists()


def test_an_activity_of_another_organisation_cannot_be_chosen(
    login, content_manager, other_organisation
):
    foreign = live_activity(other_organisation)

    response = login(content_manager).post(URL, form_data(foreign))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Rally.objects.exists()


def test_empty_state_without_live_activities(login, content_manager):
    content = login(content_manager).get(URL).content.decode()

    assert "No activity can have a rally yet." in content


@pytest.mark.parametrize("role", ["employee", "reviewer", "responder"])
def test_other_roles_get_403(role, cast, login, organisation):
    activity = live_activity(organisation)
    client = login(cast[role])

    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(activity)).status_code == 403
    assert not Rally.objects.exists()


def test_outsider_gets_404(outsider, login, organisation):
    activity = live_activity(organisation)

    assert login(outsider).post(URL, form_data(activity)).status_code == 404
    assert not Rally.objects.exists()
