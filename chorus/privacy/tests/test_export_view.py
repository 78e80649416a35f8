"""The JSON download of everything stored about the member."""

import json
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def export_url(organisation):
    return f"/o/{organisation.slug}/my-data/export.json"


def download(client: Client, url: str) -> tuple[Any, Any]:
    response = client.get(url)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_is_an_attachment(erin_data, login, export_url):
    response, _data = download(login(erin_data.member), export_url)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="chorus-acme-my-data-')
    assert disposition.endswith('.json"')
    assert response["Cache-Control"] == "no-store"


def test_holds_the_same_sections_as_the_page(erin_data, login, export_url):
    client = login(erin_data.member)

    _response, data = download(client, export_url)
    page_sections = [s.key for s in client.get("/o/acme/my-data/").context["sections"]]

    assert list(data) == ["exported_at", "organisation", *page_sections]
    assert data["organisation"] == {"name": "Acme Ltd", "slug": "acme"}


def test_content(erin_data, login, export_url, teams):
    erin_data.member.teams.add(teams["Sales"])

    _response, data = download(login(erin_data.member), export_url)

    assert data["profile"]["email"] == "erin.employee@acme.test"
    assert data["profile"]["full_name"] == "Erin Employee"
    assert data["profile"]["time_zone"] == "UTC"
    assert data["membership"]["role"] == "employee"
    assert data["membership"]["teams"] == ["Sales"]
    assert [c["terms_version"] for c in data["programme_consents"]] == [1, 2]
    assert data["programme_consents"][1]["left_at"] is None
    assert data["connected_accounts"] == [
        {
            "network": "linkedin",
            "handle": "@erin",
            "display_name": "erin on LinkedIn",
            "status": "active",
            "takes_part": True,
            "daily_cap": None,
            "connected_at": data["connected_accounts"][0]["connected_at"],
        }
    ]
    published = next(p for p in data["posts"] if p["text"].startswith("erin shares"))
    assert published["state"] == "published"
    assert published["published_at"] == "2026-03-02T09:00:00Z"
    assert published["attempts"] == 1
    assert published["campaign"] == "Spring launch"
    assert published["activity"] == "Share our news"
    assert len(data["posts"]) == 5
    assert data["points"] == {"points": 15, "published_posts": 2}
    assert sorted(f["state"] for f in data["feed"]) == ["done", "skipped"]
    assert data["notifications"][0]["kind"] == "new_activities"
    assert data["notifications"][0]["message"] == "2 new activities in Campaign for erin"
    assert data["email_digest"] == {"frequency": "daily", "last_sent_at": "2026-03-02T09:00:00Z"}
    assert data["pilot_feedback"][0]["reaction"] == "mixed"
    assert data["rally_pledges"][0]["rally"] == "Hiring week rally"
    assert data["api_tokens"][0]["name"] == "erin script"
    assert data["policy_acknowledgments"] == [
        {"version": "1.0", "accepted_at": "2026-03-02T09:00:00Z"}
    ]
    assert data["training_quiz_attempts"] == [
        {
            "module": "Basics for erin",
            "score": 75,
            "passed": False,
            "taken_at": "2026-03-02T09:00:00Z",
        }
    ]
    [link] = data["tracked_links"]
    assert link["short_url"].endswith("/codeerin")
    assert (link["target"], link["network"], link["visits"]) == (
        "https://acme.test/spring?utm_content=erin",
        "linkedin",
        7,
    )
    assert [p["programme"] for p in data["incentive_programmes"]] == ["Spring clicks"]
    assert [(e["amount"], e["status"]) for e in data["incentive_earnings"]] == [
        ("1.00", "credited")
    ]


def test_never_holds_credentials_or_other_members(erin_data, adam_data, login, export_url):
    response, _data = download(login(erin_data.member), export_url)

    text = response.content.decode()
    assert "SECRET-TOKEN" not in text
    assert "HASH-" not in text
    assert "adam" not in text.lower()


def test_outsider_gets_404(erin_data, outsider, login, export_url):
    response = login(outsider).get(export_url)

    assert response.status_code == 404
    assert b"erin" not in response.content
