"""Writing, checking and approving a post through the API."""

import pytest

from chorus.api.tests.conftest import make_account, make_live_activity
from chorus.campaigns.models import CampaignState
from chorus.links.services import short_url, tracked_link_for
from chorus.publishing.models import Post, PostState
from chorus.sharing import services as sharing_services

OWN_WORDS = "I have had these tiles on my roof for a month now and our bill really halved."
SUGGESTED = "Our new solar roof tiles cut a family's energy bill by a third."


@pytest.fixture
def activity(organisation, employee):
    return make_live_activity(organisation)


@pytest.fixture
def account(employee):
    sharing_services.join_programme(member=employee)
    return make_account(employee)


def test_the_composer_offers_accounts_and_suggestions(activity, account, employee, api):
    body = api(employee).get(f"/compose/{activity.pk}").json()

    assert [a["id"] for a in body["accounts"]] == [account.pk]
    assert [s["text"] for s in body["suggestions"]] == [SUGGESTED]
    assert body["link"]["url"] == "https://acme.test/solar"


def test_checking_gives_the_final_text_the_room_left_and_originality(
    activity, account, employee, api
):
    response = api(employee).post(
        f"/compose/{activity.pk}/check", {"account_id": account.pk, "text": OWN_WORDS}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    # The link in the post is the employee's own tracked short link to the campaign's page.
    link = short_url(tracked_link_for(member=employee, activity=activity, network="outbox"))
    assert body["final_text"] == f"{OWN_WORDS}\n{link}\n\n#employee"
    assert body["remaining"] == 500 - len(body["final_text"])
    assert body["fits"] is True
    assert body["originality"]["is_copy"] is False
    assert body["originality"]["message"] == ""
    assert not Post.objects.exists()


def test_checking_a_copy_of_the_suggestion(activity, account, employee, api):
    body = (
        api(employee)
        .post(f"/compose/{activity.pk}/check", {"account_id": account.pk, "text": SUGGESTED})
        .json()
    )

    assert body["originality"]["is_copy"] is True
    assert body["originality"]["similar_to"] == "suggestion"
    assert body["originality"]["needs_acknowledgement"] is True
    assert body["originality"]["percent"] == 100


def test_checking_a_text_too_long(activity, account, employee, api):
    body = (
        api(employee)
        .post(f"/compose/{activity.pk}/check", {"account_id": account.pk, "text": "word " * 120})
        .json()
    )

    assert body["fits"] is False
    assert body["remaining"] < 0


def test_approving_a_post(activity, account, employee, api):
    response = api(employee).post(
        f"/compose/{activity.pk}/approve", {"account_id": account.pk, "text": OWN_WORDS}
    )

    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert response.json()["id"] == post.pk
    assert post.state == PostState.APPROVED
    link = short_url(tracked_link_for(member=employee, activity=activity, network="outbox"))
    assert post.text == f"{OWN_WORDS}\n{link}\n\n#employee"
    assert (post.member, post.account) == (employee, account)


def test_a_copy_needs_acknowledging_before_it_is_approved(activity, account, employee, api):
    client = api(employee)
    url = f"/compose/{activity.pk}/approve"

    refused = client.post(url, {"account_id": account.pk, "text": SUGGESTED})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["acknowledge_similarity"]
    assert not Post.objects.exists()

    accepted = client.post(
        url, {"account_id": account.pk, "text": SUGGESTED, "acknowledge_similarity": True}
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("text", "field"), [("   ", "text"), ("word " * 120, "text")], ids=["empty", "too-long"]
)
def test_text_errors_are_field_errors(activity, account, employee, api, text, field):
    response = api(employee).post(
        f"/compose/{activity.pk}/approve", {"account_id": account.pk, "text": text}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_an_account_not_taking_part_is_refused(activity, account, employee, api):
    resting = make_account(employee, takes_part=False)
    client = api(employee)

    checked = client.post(f"/compose/{activity.pk}/check", {"account_id": resting.pk, "text": "x"})
    approved = client.post(
        f"/compose/{activity.pk}/approve", {"account_id": resting.pk, "text": OWN_WORDS}
    )

    assert checked.status_code == 422
    assert list(checked.json()["errors"]) == ["account_id"]
    assert approved.status_code == 422
    assert list(approved.json()["errors"]) == ["account_id"]
    assert not Post.objects.exists()


def test_a_colleagues_account_is_not_found(activity, account, employee, admin, api):
    colleagues = make_account(admin)

    response = api(employee).post(
        f"/compose/{activity.pk}/approve", {"account_id": colleagues.pk, "text": OWN_WORDS}
    )

    assert response.status_code == 404
    assert not Post.objects.exists()


def test_composing_needs_the_programme(activity, employee, api):
    response = api(employee).get(f"/compose/{activity.pk}")

    assert response.status_code == 422
    assert response.json() == {"errors": {"__all__": ["Join the programme to share posts."]}}


def test_a_pilot_asks_for_feedback_instead(organisation, account, employee, teams, api):
    employee.teams.add(teams["Sales"])
    activity = make_live_activity(
        organisation, state=CampaignState.PILOT, pilot_team=teams["Sales"]
    )

    response = api(employee).post(
        f"/compose/{activity.pk}/approve", {"account_id": account.pk, "text": OWN_WORDS}
    )

    assert response.status_code == 422
    assert "pilot" in response.json()["errors"]["__all__"][0]
    assert not Post.objects.exists()
