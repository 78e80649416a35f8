"""The OpenAPI document, and the documentation page served from Chorus's own files."""

import json
import re

from django.contrib.staticfiles import finders

EXPECTED_PATHS = {
    "/api/v1/me",
    "/api/v1/me/data",
    "/api/v1/campaigns",
    "/api/v1/campaigns/{campaign_id}",
    "/api/v1/campaigns/{campaign_id}/clone",
    "/api/v1/campaigns/{campaign_id}/submit",
    "/api/v1/campaigns/{campaign_id}/approve",
    "/api/v1/campaigns/{campaign_id}/request-changes",
    "/api/v1/campaigns/{campaign_id}/start-pilot",
    "/api/v1/campaigns/{campaign_id}/revise",
    "/api/v1/campaigns/{campaign_id}/go-live",
    "/api/v1/campaigns/{campaign_id}/end",
    "/api/v1/campaigns/{campaign_id}/archive",
    "/api/v1/campaigns/{campaign_id}/reviews",
    "/api/v1/campaigns/{campaign_id}/pilot-feedback",
    "/api/v1/campaigns/{campaign_id}/activities",
    "/api/v1/activities/{activity_id}",
    "/api/v1/activities/{activity_id}/suggestions",
    "/api/v1/suggestions/{suggestion_id}",
    "/api/v1/programme",
    "/api/v1/programme/join",
    "/api/v1/programme/leave",
    "/api/v1/programme/accounts",
    "/api/v1/accounts",
    "/api/v1/accounts/outbox",
    "/api/v1/accounts/{account_id}",
    "/api/v1/accounts/{account_id}/disconnect",
    "/api/v1/accounts/{account_id}/reconnect",
    "/api/v1/feed",
    "/api/v1/feed/{activity_id}/skip",
    "/api/v1/compose/{activity_id}/check",
    "/api/v1/compose/{activity_id}/approve",
    "/api/v1/posts",
    "/api/v1/posts/{post_id}",
    "/api/v1/posts/spread",
    "/api/v1/posts/{post_id}/move",
    "/api/v1/posts/{post_id}/cancel",
    "/api/v1/posts/{post_id}/post-now",
    "/api/v1/posts/{post_id}/retry",
    "/api/v1/rallies",
    "/api/v1/rallies/{rally_id}",
    "/api/v1/rallies/{rally_id}/pledge",
    "/api/v1/pledges/{pledge_id}/withdraw",
    "/api/v1/notifications",
    "/api/v1/notifications/{notification_id}/read",
    "/api/v1/notifications/digest",
}


def test_the_openapi_document_is_json_listing_every_path(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Chorus API"
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) >= EXPECTED_PATHS
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_every_operation_needs_the_token_and_has_a_unique_id(client, db):
    document = client.get("/api/v1/openapi.json").json()
    operations = [op for path in document["paths"].values() for op in path.values()]

    assert all(op["security"] == [{"TokenAuth": []}] for op in operations)
    assert len({op["operationId"] for op in operations}) == len(operations)


def test_the_docs_page_uses_only_chorus_own_files(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"https?://", html)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/static/ninja/"), source
        assert finders.find(source.removeprefix("/static/")), source
    # The only script block is data, which the browser never runs.
    assert re.findall(r"<script(?![^>]*src=)[^>]*>", html) == [
        '<script type="application/json" id="swagger-settings">'
    ]
    assert '"validatorUrl": null' in html
