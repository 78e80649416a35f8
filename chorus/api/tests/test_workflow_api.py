"""A campaign's whole life and an employee's whole part in it, through the API only."""

from chorus.campaigns.models import Campaign, CampaignState
from chorus.links.models import TrackedLink
from chorus.links.services import short_url
from chorus.publishing.models import Post, PostState
from chorus.sharing.models import FeedEntry


def test_from_a_new_campaign_to_an_employee_leaving_the_programme(
    content_manager, reviewer, employee, teams, api, settings, django_capture_on_commit_callbacks
):
    settings.CHORUS_OUTBOX_ENABLED = True
    employee.teams.add(teams["Sales"])
    carla, rita, erin = api(content_manager), api(reviewer), api(employee)

    # The content manager writes the campaign.
    response = carla.post(
        "/campaigns",
        {
            "name": "Solar tiles",
            "goal": "Tell people about the tiles",
            "languages": ["en"],
            "networks": ["outbox"],
            "pilot_team_id": teams["Sales"].pk,
        },
    )
    assert response.status_code == 201, response.content
    campaign = response.json()
    assert campaign["state"] == "draft"
    assert campaign["pilot_team"] == {"id": teams["Sales"].pk, "name": "Sales"}
    assert "submit" in campaign["transitions"]
    campaign_url = f"/campaigns/{campaign['id']}"

    response = carla.post(
        f"{campaign_url}/activities",
        {"kind": "share_link", "title": "Share the launch", "link_url": "https://acme.test/solar"},
    )
    assert response.status_code == 201, response.content
    activity = response.json()
    response = carla.post(
        f"/activities/{activity['id']}/suggestions",
        {"language": "en", "text": "Our solar tiles are out. They make power from your roof."},
    )
    assert response.status_code == 201, response.content
    assert carla.post(f"{campaign_url}/submit").json()["state"] == "in_review"

    # The reviewer sends it back once, then approves it.
    response = rita.post(f"{campaign_url}/request-changes", {"comment": "Name the price."})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "draft"
    response = carla.patch(f"{campaign_url}", {"goal": "Tell people about the tiles and price"})
    assert response.json()["goal"] == "Tell people about the tiles and price"
    assert carla.post(f"{campaign_url}/submit").json()["state"] == "in_review"
    response = rita.post(f"{campaign_url}/approve", {"comment": "Good to go"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    reviews = rita.get(f"{campaign_url}/reviews").json()
    assert [r["decision"] for r in reviews["items"]] == ["approved", "changes_requested"]
    assert reviews["items"][1]["reviewer"]["name"] == "Rita Reviewer"

    # The pilot team tries it, then it goes live for everyone.
    with django_capture_on_commit_callbacks(execute=True):
        assert carla.post(f"{campaign_url}/start-pilot").json()["state"] == "pilot"
    response = erin.post(
        f"{campaign_url}/pilot-feedback", {"reaction": "positive", "comment": "They would like it"}
    )
    assert response.status_code == 200, response.content
    with django_capture_on_commit_callbacks(execute=True):
        assert carla.post(f"{campaign_url}/go-live").json()["state"] == "live"
    assert Campaign.objects.get().state == CampaignState.LIVE

    # The employee takes part with an outbox account.
    assert erin.post("/programme/join").json()["participant"] is True
    response = erin.post("/accounts/outbox", {"handle": "@erin", "takes_part": False})
    assert response.status_code == 201, response.content
    account = response.json()
    assert account["takes_part"] is False
    response = erin.put("/programme/accounts", {"account_ids": [account["id"]]})
    assert response.status_code == 200, response.content
    assert [a["id"] for a in response.json()["chosen"]] == [account["id"]]

    feed = erin.get("/feed").json()
    assert [entry["activity"]["title"] for entry in feed["items"]] == ["Share the launch"]
    assert feed["items"][0]["link"]["url"] == "https://acme.test/solar"

    # Writes, checks and approves a post in their own words.
    mine = "I have had these tiles on my roof for a month. Our bill halved. Ask me anything."
    compose_url = f"/compose/{activity['id']}"
    response = erin.post(f"{compose_url}/check", {"account_id": account["id"], "text": mine})
    assert response.status_code == 200, response.content
    check = response.json()
    # The link is Erin's own tracked short link, which leads to the campaign's page.
    link = TrackedLink.objects.get(member=employee)
    assert link.target.startswith("https://acme.test/solar?utm_source=")
    assert check["final_text"] == f"{mine}\n{short_url(link)}\n\n#employee"
    assert check["fits"] is True
    assert check["remaining"] == 500 - len(check["final_text"])
    assert check["originality"]["is_copy"] is False
    response = erin.post(f"{compose_url}/approve", {"account_id": account["id"], "text": mine})
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["state"] == "approved"
    assert post["text"] == check["final_text"]

    # Spreads it, then calls it back.
    response = erin.post("/posts/spread", {"post_ids": [post["id"]]})
    assert response.status_code == 200, response.content
    assert response.json()[0]["state"] == "scheduled"
    assert FeedEntry.objects.get(member=employee).state == "scheduled"
    response = erin.post(f"/posts/{post['id']}/cancel")
    assert response.json()["state"] == "cancelled"

    # Approves it again and schedules it; leaving cancels it at once.
    second = erin.post(f"{compose_url}/approve", {"account_id": account["id"], "text": mine})
    assert second.status_code == 201, second.content
    erin.post("/posts/spread", {"post_ids": [second.json()["id"]]})
    assert Post.objects.get(pk=second.json()["id"]).state == PostState.SCHEDULED

    response = erin.post("/programme/leave")
    assert response.status_code == 200, response.content
    left = response.json()
    assert [p["id"] for p in left["cancelled_posts"]] == [second.json()["id"]]
    assert left["cancelled_posts"][0]["state"] == "cancelled"
    assert [a["id"] for a in left["withdrawn_accounts"]] == [account["id"]]
    assert Post.objects.get(pk=second.json()["id"]).state == PostState.CANCELLED
    assert erin.get("/programme").json()["participant"] is False
