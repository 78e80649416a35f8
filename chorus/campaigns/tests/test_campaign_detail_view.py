"""The campaign page: settings, previews, review history, pilot feedback and the buttons."""

import re

import pytest

from chorus.campaigns import services
from chorus.campaigns.models import Campaign, PilotReaction
from chorus.campaigns.tests.conftest import add_share_link, upload


def detail_url(campaign) -> str:
    return f"/o/{campaign.organisation.slug}/campaigns/{campaign.pk}/"


def buttons(page: str) -> set[str]:
    return set(re.findall(r'name="transition" value="(\w+)"', page))


def test_shows_settings_and_previews_per_network_and_language(campaign, content_manager, login):
    activity = add_share_link(campaign, content_manager)
    services.add_suggestion(
        by=content_manager, activity=activity, language="en", network="x", text="é" * 260
    )

    response = login(content_manager).get(detail_url(campaign))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tell people about the spring release" in page
    assert "LinkedIn" in page and "German" in page
    assert "Spring is here" in page and "acme.test" in page
    previews = response.context["previews"]
    captions = {(c.network, c.language): c for c in previews[0].captions}
    assert set(captions) == {("linkedin", "en"), ("linkedin", "de"), ("x", "en"), ("x", "de")}
    # 260 + newline + link (23 on X) + blank line + "#employee"
    assert captions["x", "en"].length == 260 + 1 + 23 + 2 + 9
    assert "15 characters too long" in page
    assert "Too long somewhere" in page
    assert "No suggestion: employees write their own." in page


def test_editable_draft_shows_editing_controls_to_content_managers(
    campaign, content_manager, login
):
    add_share_link(campaign, content_manager)

    page = login(content_manager).get(detail_url(campaign)).content.decode()

    assert "Edit settings" in page
    assert "Add an activity" in page
    assert "Add a suggestion" in page
    assert "Delete activity" in page
    assert buttons(page) == {"submit", "archive"}
    assert "Clone" in page


def test_reviewers_read_without_editing_controls(in_review, reviewer, login):
    page = login(reviewer).get(detail_url(in_review)).content.decode()

    assert "Share the launch post" in page
    assert "Edit settings" not in page
    assert "Add an activity" not in page
    assert buttons(page) == set()
    assert f'href="/o/acme/campaigns/{in_review.pk}/review/"' in page
    assert "Pilot feedback" not in page


def test_the_submitter_is_not_offered_the_review(ready_campaign, admin, login):
    services.submit_campaign(by=admin, campaign=ready_campaign)

    page = login(admin).get(detail_url(ready_campaign)).content.decode()

    assert "/review/" not in page
    assert "another reviewer must approve it" in page


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("ready_campaign", {"submit", "archive"}),
        ("in_review", set()),
        ("approved", {"start_pilot", "revise", "go_live"}),
        ("in_pilot", {"revise", "go_live"}),
        ("live", {"end"}),
    ],
)
def test_buttons_follow_the_state(fixture, expected, request, content_manager, login):
    campaign = request.getfixturevalue(fixture)

    page = login(content_manager).get(detail_url(campaign)).content.decode()

    assert buttons(page) == expected
    assert ("Edit settings" in page) is (fixture == "ready_campaign")


def test_review_history_with_comments(ready_campaign, content_manager, reviewer, login):
    services.submit_campaign(by=content_manager, campaign=ready_campaign)
    services.request_changes(by=reviewer, campaign=ready_campaign, comment="Tone it down")
    services.submit_campaign(by=content_manager, campaign=ready_campaign)
    services.approve_campaign(by=reviewer, campaign=ready_campaign, comment="Much better")

    page = login(content_manager).get(detail_url(ready_campaign)).content.decode()

    assert "Changes requested" in page and "Tone it down" in page
    assert "Much better" in page
    assert page.index("Much better") < page.index("Tone it down")
    assert "by Rita Reviewer" in page


def test_pilot_feedback_summary_for_content_managers(
    in_pilot, content_manager, reviewer, employee, responder, login
):
    services.record_pilot_feedback(
        by=employee, campaign=in_pilot, reaction=PilotReaction.POSITIVE, comment="Love it"
    )
    services.record_pilot_feedback(by=responder, campaign=in_pilot, reaction=PilotReaction.MIXED)

    response = login(content_manager).get(detail_url(in_pilot))
    page = response.content.decode()

    counts = {c.reaction: c.count for c in response.context["pilot"].counts}
    assert counts == {"positive": 1, "mixed": 1, "negative": 0}
    assert "Love it" in page
    assert "Erin Employee" in page
    assert "Pilot feedback" not in login(reviewer).get(detail_url(in_pilot)).content.decode()


def test_images_are_shown_through_the_protected_url(campaign, content_manager, login):
    activity = services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind="own_post",
        title="Picture",
        topic="t",
        image=upload(),
        image_alt="A red square",
    )

    page = login(content_manager).get(detail_url(campaign)).content.decode()

    assert f'src="/o/acme/campaigns/activities/{activity.pk}/image/" alt="A red square"' in page
    assert "/media/" not in page


def test_empty_campaign(campaign, content_manager, login):
    page = login(content_manager).get(detail_url(campaign)).content.decode()

    assert "No activities yet." in page
    assert "Not reviewed yet." in page


@pytest.mark.parametrize("role", ["employee", "responder"])
def test_other_roles_get_403(role, cast, campaign, login):
    assert login(cast[role]).get(detail_url(campaign)).status_code == 403


def test_outsider_and_other_organisations_ids_get_404(
    outsider, campaign, login, other_organisation
):
    client = login(outsider)
    foreign = Campaign.objects.create(organisation=other_organisation, name="Theirs")

    assert client.get(detail_url(campaign)).status_code == 404
    assert client.get(f"/o/globex/campaigns/{campaign.pk}/").status_code == 404
    assert client.get(detail_url(foreign)).status_code == 200
