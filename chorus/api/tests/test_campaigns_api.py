"""Campaigns, activities, suggestions and the review workflow, through the API."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns import services
from chorus.campaigns.models import Activity, Campaign, CampaignState, PilotFeedback, Suggestion
from chorus.orgs.models import Team


@pytest.fixture(autouse=True)
def media_in_memory(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def campaign(content_manager):
    return services.create_campaign(
        by=content_manager, name="Spring", languages=["en", "de"], networks=["linkedin", "outbox"]
    )


@pytest.fixture
def activity(campaign, content_manager):
    return services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind="share_link",
        title="Share the launch",
        link_url="https://acme.test/spring",
    )


@pytest.fixture
def ready(campaign, activity, content_manager):
    services.add_suggestion(by=content_manager, activity=activity, language="en", text="Spring!")
    return campaign


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# Campaigns


def test_staff_list_campaigns_by_state_a_page_at_a_time(content_manager, reviewer, api):
    for name in ("One", "Two", "Three"):
        services.create_campaign(by=content_manager, name=name, languages=["en"], networks=["x"])
    Campaign.objects.filter(name="Two").update(state=CampaignState.LIVE)
    client = api(reviewer)

    first = client.get("/campaigns", limit=1, offset=0, state="draft").json()
    second = client.get("/campaigns", limit=1, offset=1, state="draft").json()

    assert first["total"] == 2
    assert (first["limit"], first["offset"]) == (1, 0)
    assert {first["items"][0]["name"], second["items"][0]["name"]} == {"One", "Three"}
    assert [c["name"] for c in client.get("/campaigns", state="live").json()["items"]] == ["Two"]
    assert client.get("/campaigns").json()["total"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "nope"}, "state"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_list_parameters_are_field_errors(content_manager, api, params, field):
    response = api(content_manager).get("/campaigns", **params)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("role", ["employee", "responder"])
def test_members_without_campaign_roles_cannot_see_campaigns(cast, role, api, campaign):
    client = api(cast[role])

    assert client.get("/campaigns").status_code == 403
    assert client.get(f"/campaigns/{campaign.pk}").status_code == 403


def test_a_content_manager_creates_a_campaign(content_manager, teams, api):
    response = api(content_manager).post(
        "/campaigns",
        {
            "name": "  Autumn ",
            "goal": "Reach new people",
            "languages": ["en"],
            "networks": ["linkedin"],
            "starts_at": "2030-09-01T09:00:00+02:00",
            "ends_at": "2030-10-01T09:00:00Z",
            "target_team_ids": [teams["Sales"].pk, teams["Nordics"].pk],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    campaign = Campaign.objects.get()
    assert body["id"] == campaign.pk
    assert campaign.name == "Autumn"
    assert campaign.starts_at == datetime(2030, 9, 1, 7, 0, tzinfo=UTC)
    assert sorted(t.name for t in campaign.target_teams.all()) == ["Nordics", "Sales"]
    assert sorted(t["name"] for t in body["target_teams"]) == ["Nordics", "Sales"]
    assert campaign.created_by == content_manager
    assert AuditEvent.objects.filter(action=AuditAction.CAMPAIGN_CREATED).count() == 1


def test_an_employee_cannot_create_a_campaign(employee, api):
    response = api(employee).post(
        "/campaigns", {"name": "Mine", "languages": ["en"], "networks": ["linkedin"]}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert not Campaign.objects.exists()


def test_invalid_campaigns_get_every_field_error_at_once(content_manager, api):
    response = api(content_manager).post(
        "/campaigns",
        {
            "name": " ",
            "languages": [],
            "networks": ["myspace"],
            "starts_at": "2030-09-02T09:00:00Z",
            "ends_at": "2030-09-01T09:00:00Z",
        },
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == ["Give the campaign a name."]
    assert errors["languages"] == ["Choose at least one language."]
    assert errors["networks"] == ["Choose networks Chorus knows."]
    assert errors["ends_at"] == ["The end must be after the start."]
    assert not Campaign.objects.exists()


def test_malformed_input_gets_field_errors_too(content_manager, api):
    response = api(content_manager).post(
        "/campaigns", {"languages": "en", "networks": ["x"], "starts_at": "2030-09-01T09:00"}
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "languages", "starts_at"}


def test_teams_must_be_the_organisations_own(content_manager, api, other_organisation):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex sales")

    response = api(content_manager).post(
        "/campaigns",
        {"name": "X", "languages": ["en"], "networks": ["x"], "target_team_ids": [foreign.pk]},
    )

    assert response.status_code == 422
    assert response.json() == {
        "errors": {"target_team_ids": ["Choose teams of this organisation."]}
    }


def test_a_campaign_comes_with_its_activities(ready, activity, reviewer, api):
    body = api(reviewer).get(f"/campaigns/{ready.pk}").json()

    assert body["name"] == "Spring"
    assert [a["title"] for a in body["activities"]] == ["Share the launch"]
    assert [s["text"] for s in body["activities"][0]["suggestions"]] == ["Spring!"]
    assert body["transitions"] == []


def test_updating_changes_only_the_fields_given(campaign, content_manager, teams, api):
    response = api(content_manager).patch(
        f"/campaigns/{campaign.pk}", {"goal": "New goal", "pilot_team_id": teams["Sales"].pk}
    )

    assert response.status_code == 200, response.content
    campaign.refresh_from_db()
    assert (campaign.name, campaign.goal, campaign.languages) == (
        "Spring",
        "New goal",
        ["en", "de"],
    )
    assert campaign.pilot_team == teams["Sales"]

    api(content_manager).patch(f"/campaigns/{campaign.pk}", {"pilot_team_id": None})
    campaign.refresh_from_db()
    assert campaign.pilot_team is None


def test_only_drafts_can_be_updated(ready, content_manager, api):
    Campaign.objects.filter(pk=ready.pk).update(state=CampaignState.LIVE)

    response = api(content_manager).patch(f"/campaigns/{ready.pk}", {"name": "Changed"})

    assert response.status_code == 422
    assert "Only a draft can be edited" in response.json()["errors"]["__all__"][0]
    assert Campaign.objects.get().name == "Spring"


def test_cloning_makes_a_new_draft(ready, content_manager, api):
    Campaign.objects.filter(pk=ready.pk).update(state=CampaignState.ENDED)

    response = api(content_manager).post(f"/campaigns/{ready.pk}/clone")

    assert response.status_code == 201
    clone = Campaign.objects.get(pk=response.json()["id"])
    assert clone.state == CampaignState.DRAFT
    assert clone.cloned_from == ready
    assert clone.activities.get().suggestions.get().text == "Spring!"


# The review workflow


def test_moves_that_do_not_fit_the_state_are_conflicts(campaign, content_manager, api):
    response = api(content_manager).post(f"/campaigns/{campaign.pk}/go-live")

    assert response.status_code == 409
    assert response.json()["errors"]["__all__"][0].startswith("This cannot be done while")
    assert Campaign.objects.get().state == CampaignState.DRAFT


def test_submitting_an_empty_campaign_says_why_not(campaign, content_manager, api):
    response = api(content_manager).post(f"/campaigns/{campaign.pk}/submit")

    assert response.status_code == 422
    assert response.json() == {
        "errors": {"__all__": ["Add at least one activity before submitting the campaign."]}
    }


def test_reviewers_cannot_submit_and_managers_cannot_approve(ready, content_manager, reviewer, api):
    assert api(reviewer).post(f"/campaigns/{ready.pk}/submit").status_code == 403
    api(content_manager).post(f"/campaigns/{ready.pk}/submit")

    assert api(content_manager).post(f"/campaigns/{ready.pk}/approve", {}).status_code == 403
    assert Campaign.objects.get().state == CampaignState.IN_REVIEW


def test_requesting_changes_needs_a_comment(ready, content_manager, reviewer, api):
    api(content_manager).post(f"/campaigns/{ready.pk}/submit")

    response = api(reviewer).post(f"/campaigns/{ready.pk}/request-changes", {"comment": " "})

    assert response.status_code == 422
    assert response.json() == {"errors": {"comment": ["Say what needs to change."]}}


def test_the_submitter_cannot_approve_their_own_campaign(ready, admin, api):
    client = api(admin)
    client.post(f"/campaigns/{ready.pk}/submit")

    response = client.post(f"/campaigns/{ready.pk}/approve", {"comment": "Mine is fine"})

    assert response.status_code == 422
    assert "someone else must approve it" in response.json()["errors"]["__all__"][0]


def test_the_whole_lifecycle_to_the_archive(ready, content_manager, reviewer, api):
    carla, rita = api(content_manager), api(reviewer)
    url = f"/campaigns/{ready.pk}"

    states = [
        carla.post(f"{url}/submit").json()["state"],
        rita.post(f"{url}/approve", {}).json()["state"],
        carla.post(f"{url}/revise").json()["state"],
        carla.post(f"{url}/submit").json()["state"],
        rita.post(f"{url}/approve", {}).json()["state"],
        carla.post(f"{url}/go-live").json()["state"],
        carla.post(f"{url}/end").json()["state"],
        carla.post(f"{url}/archive").json()["state"],
    ]

    assert states == [
        "in_review",
        "approved",
        "draft",
        "in_review",
        "approved",
        "live",
        "ended",
        "archived",
    ]
    assert len(carla.get(f"{url}/reviews").json()["items"]) == 2


def test_starting_a_pilot_needs_a_pilot_team(ready, content_manager, reviewer, api):
    api(content_manager).post(f"/campaigns/{ready.pk}/submit")
    api(reviewer).post(f"/campaigns/{ready.pk}/approve", {})

    response = api(content_manager).post(f"/campaigns/{ready.pk}/start-pilot")

    assert response.status_code == 422
    assert Campaign.objects.get().state == CampaignState.APPROVED


def test_only_the_pilot_team_gives_pilot_feedback(ready, employee, responder, teams, api):
    employee.teams.add(teams["Sales"])
    Campaign.objects.filter(pk=ready.pk).update(
        state=CampaignState.PILOT, pilot_team=teams["Sales"]
    )

    outside = api(responder).post(f"/campaigns/{ready.pk}/pilot-feedback", {"reaction": "positive"})
    bad = api(employee).post(f"/campaigns/{ready.pk}/pilot-feedback", {"reaction": "great"})
    good = api(employee).post(
        f"/campaigns/{ready.pk}/pilot-feedback", {"reaction": "mixed", "comment": "Some would"}
    )

    assert outside.status_code == 404
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["reaction"]
    assert good.status_code == 200
    assert good.json()["reaction"] == "mixed"
    assert PilotFeedback.objects.get().member == employee


# Activities


def test_adding_reading_changing_and_deleting_an_activity(campaign, content_manager, api):
    client = api(content_manager)

    response = client.post(
        f"/campaigns/{campaign.pk}/activities",
        {"kind": "own_post", "title": "Your spring", "topic": "What spring means to you"},
    )
    assert response.status_code == 201, response.content
    activity_id = response.json()["id"]
    assert client.get(f"/activities/{activity_id}").json()["topic"] == "What spring means to you"

    response = client.patch(f"/activities/{activity_id}", {"points": 25})
    assert response.status_code == 200, response.content
    activity = Activity.objects.get()
    assert (activity.title, activity.points) == ("Your spring", 25)

    assert client.get(f"/campaigns/{campaign.pk}/activities").json()["total"] == 1
    assert client.delete(f"/activities/{activity_id}").status_code == 204
    assert not Activity.objects.exists()


def test_activity_field_errors(campaign, content_manager, api):
    response = api(content_manager).post(
        f"/campaigns/{campaign.pk}/activities",
        {"kind": "share_link", "title": "", "link_url": "ftp://acme.test", "points": -1},
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"title", "link_url", "points"}
    assert not Activity.objects.exists()


def test_reordering_activities(campaign, activity, content_manager, api):
    second = services.add_activity(
        by=content_manager, campaign=campaign, kind="own_post", title="Second", topic="t"
    )

    response = api(content_manager).put(
        f"/campaigns/{campaign.pk}/activity-order", {"activity_ids": [second.pk, activity.pk]}
    )
    bad = api(content_manager).put(
        f"/campaigns/{campaign.pk}/activity-order", {"activity_ids": [second.pk]}
    )

    assert [a["id"] for a in response.json()["items"]] == [second.pk, activity.pk]
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["activity_ids"]


def test_uploading_and_removing_an_activity_image(activity, content_manager, api):
    client = api(content_manager)
    image = SimpleUploadedFile("spring.png", _png(), content_type="image/png")

    response = client.upload(
        f"/activities/{activity.pk}/image", {"image": image, "image_alt": "A red square"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["has_image"] is True
    activity.refresh_from_db()
    assert activity.image_alt == "A red square"
    assert activity.image.name.endswith(".png")

    response = client.delete(f"/activities/{activity.pk}/image")
    assert response.json()["has_image"] is False


def test_an_image_that_is_not_one_is_refused(activity, content_manager, api):
    fake = SimpleUploadedFile("spring.png", b"not an image", content_type="image/png")

    response = api(content_manager).upload(
        f"/activities/{activity.pk}/image", {"image": fake, "image_alt": "x"}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["image"]


# Suggestions


def test_adding_changing_and_deleting_suggestions(activity, content_manager, api):
    client = api(content_manager)

    response = client.post(
        f"/activities/{activity.pk}/suggestions",
        {"language": "de", "network": "linkedin", "text": "Frühling!"},
    )
    assert response.status_code == 201, response.content
    suggestion_id = response.json()["id"]
    duplicate = client.post(
        f"/activities/{activity.pk}/suggestions",
        {"language": "de", "network": "linkedin", "text": "Noch einmal"},
    )
    assert duplicate.status_code == 422
    assert list(duplicate.json()["errors"]) == ["network"]

    assert (
        client.patch(f"/suggestions/{suggestion_id}", {"text": "Frühling ist da!"}).json()["text"]
        == "Frühling ist da!"
    )
    assert client.get(f"/activities/{activity.pk}/suggestions").json()["total"] == 1
    assert client.get(f"/suggestions/{suggestion_id}").json()["language"] == "de"
    assert client.delete(f"/suggestions/{suggestion_id}").status_code == 204
    assert not Suggestion.objects.exists()


def test_suggestions_must_suit_the_campaign(activity, content_manager, api):
    response = api(content_manager).post(
        f"/activities/{activity.pk}/suggestions",
        {"language": "fi", "network": "x", "text": "Kevät"},
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"language", "network"}
