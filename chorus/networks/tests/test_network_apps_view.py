from typing import Any

import pytest
from django.db import connection
from django.test import Client

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.networks.models import NetworkApp

APPS = "/o/acme/accounts/networks/"
ACCOUNTS = "/o/acme/accounts/"


def save(client: Client, network: str, **fields: str) -> Any:
    return client.post(APPS, {"network": network, **fields})


@pytest.mark.django_db
def test_lists_every_network_with_its_callback_address(admin, login):
    html = login(admin).get(APPS).content.decode()

    for name in ("Bluesky", "Mastodon", "LinkedIn", "X", "Facebook", "Instagram"):
        assert f'<h2 id="heading-{name.lower()}">{name}</h2>' in html
    assert "/o/acme/accounts/connect/linkedin/callback/" in html
    assert "Development outbox" not in html


@pytest.mark.django_db
def test_configuring_linkedin_shows_it_to_members_and_keeps_the_secret_hidden(
    admin, employee, login
):
    response = save(
        login(admin),
        "linkedin",
        enabled="on",
        client_id="86abc",
        client_secret="very-secret-value",
    )

    assert response.status_code == 302
    app = NetworkApp.objects.get(organisation=admin.organisation, network="linkedin")
    assert (app.enabled, app.client_id, app.client_secret) == (True, "86abc", "very-secret-value")
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM networks_networkapp WHERE id = %s", [app.pk])
        (stored,) = cursor.fetchone()
    assert "very-secret-value" not in stored
    assert "very-secret-value" not in login(admin).get(APPS).content.decode()
    event = AuditEvent.objects.get(action=AuditAction.NETWORK_APP_CHANGED)
    assert event.after == {"enabled": True, "client_id": "86abc", "has_secret": True}
    assert "very-secret-value" not in str(event.before) + str(event.after)
    assert 'action="/o/acme/accounts/connect/linkedin/start/"' in (
        login(employee).get(ACCOUNTS).content.decode()
    )


@pytest.mark.django_db
def test_an_empty_secret_keeps_the_stored_one(admin, login):
    client = login(admin)
    save(client, "x", enabled="on", client_id="id-1", client_secret="first-secret")

    save(client, "x", enabled="on", client_id="id-2", client_secret="")

    app = NetworkApp.objects.get(network="x")
    assert (app.client_id, app.client_secret) == ("id-2", "first-secret")


@pytest.mark.django_db
def test_enabling_a_network_without_its_app_says_what_is_missing(admin, login):
    response = save(login(admin), "linkedin", enabled="on", client_id="", client_secret="")

    assert response.status_code == 200
    assert "needs your app&#x27;s client ID and secret" in response.content.decode()
    assert not NetworkApp.objects.exists()


@pytest.mark.django_db
def test_switching_mastodon_off_hides_it_from_members(admin, employee, login):
    assert "/connect/mastodon/start/" in login(employee).get(ACCOUNTS).content.decode()

    save(login(admin), "mastodon", client_id="")

    assert not NetworkApp.objects.get(network="mastodon").enabled
    assert "/connect/mastodon/start/" not in login(employee).get(ACCOUNTS).content.decode()


@pytest.mark.django_db
def test_company_pages_are_offered_only_to_those_who_manage_the_organisation(
    admin, employee, login
):
    save(login(admin), "facebook", enabled="on", client_id="app", client_secret="s")

    assert "/connect/facebook/start/" in login(admin).get(ACCOUNTS).content.decode()
    assert "/connect/facebook/start/" not in login(employee).get(ACCOUNTS).content.decode()
