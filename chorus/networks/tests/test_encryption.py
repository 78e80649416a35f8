"""Network credentials and app secrets are encrypted at rest and never shown."""

import json
import logging
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from chorus.audit.models import AuditEvent
from chorus.networks import services
from chorus.networks.connectors.base import AppCredentials, Connection, Credentials
from chorus.networks.models import ConnectedAccount, InstanceApp, NetworkApp
from chorus.notifications.models import Notification
from chorus.publishing.tests.factories import connect

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRETS = ("access-Zq81", "refresh-Pw44", "did:plc:extra-Kk20", "client-secret-Hs73")


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def credentials() -> Credentials:
    return Credentials(
        access_token="access-Zq81",
        refresh_token="refresh-Pw44",
        expires_at=datetime(2026, 8, 1, tzinfo=UTC),
        extra={"did": "did:plc:extra-Kk20"},
    )


@pytest.mark.django_db
def test_the_database_never_holds_a_token_or_secret_in_clear(employee, organisation):
    account = connect(employee, network="bluesky")
    account.credentials = credentials()
    account.save()
    app = NetworkApp.objects.create(
        organisation=organisation,
        network="linkedin",
        client_id="client-1",
        client_secret="client-secret-Hs73",
    )
    instance = InstanceApp.objects.create(
        network="mastodon",
        server="https://social.example",
        redirect_uri="https://chorus.example/cb",
        client_id="c",
        client_secret="client-secret-Hs73",
    )

    raw = [
        stored("networks_connectedaccount", "credentials", account.pk),
        stored("networks_networkapp", "client_secret", app.pk),
        stored("networks_instanceapp", "client_secret", instance.pk),
    ]

    for value in raw:
        assert value
        assert not any(secret in value for secret in SECRETS)
    account.refresh_from_db()
    assert account.credentials == credentials()
    assert NetworkApp.objects.get().credentials == AppCredentials(
        client_id="client-1", client_secret="client-secret-Hs73"
    )
    assert InstanceApp.objects.get().client_secret == "client-secret-Hs73"


@pytest.mark.django_db
def test_empty_credentials_are_stored_empty(employee):
    account = connect(employee)

    assert stored("networks_connectedaccount", "credentials", account.pk) == ""
    account.refresh_from_db()
    assert account.credentials == Credentials()


@pytest.mark.django_db
def test_a_value_made_with_an_older_key_reads_after_a_new_key_is_put_first(employee, settings):
    settings.CHORUS_TOKEN_KEYS = [OLD_KEY]
    account = connect(employee, network="bluesky")
    account.credentials = credentials()
    account.save()

    settings.CHORUS_TOKEN_KEYS = [NEW_KEY, OLD_KEY]
    account.refresh_from_db()
    assert account.credentials == credentials()

    account.credentials = Credentials(access_token="access-Zq81")
    account.save()
    raw = stored("networks_connectedaccount", "credentials", account.pk)
    assert json.loads(Fernet(NEW_KEY.encode()).decrypt(raw.encode()))["access_token"] == (
        "access-Zq81"
    )


@pytest.mark.django_db
def test_a_value_no_key_can_read_is_a_clear_configuration_error(employee, settings):
    settings.CHORUS_TOKEN_KEYS = [OLD_KEY]
    account = connect(employee, network="bluesky")
    account.credentials = credentials()
    account.save()

    settings.CHORUS_TOKEN_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted with any key in "):
        account.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["not-a-fernet-key"], "must be a Fernet key"),
        ([], "must hold at least one key"),
    ],
)
def test_a_wrong_key_set_is_a_clear_configuration_error(employee, settings, keys, message):
    settings.CHORUS_TOKEN_KEYS = keys
    account = connect(employee, network="bluesky")
    account.credentials = credentials()

    with pytest.raises(ImproperlyConfigured, match=message):
        account.save()


def test_credentials_never_show_their_tokens():
    shown = [
        repr(credentials()),
        str(credentials()),
        f"{credentials()!r}",
        repr(AppCredentials(client_id="client-1", client_secret="client-secret-Hs73")),
        repr(Connection(external_id="1", handle="@erin", credentials=credentials())),
    ]

    for text in shown:
        assert not any(secret in text for secret in SECRETS), text


@pytest.mark.django_db
def test_connecting_reconnecting_and_disconnecting_never_audit_notify_or_log_a_token(
    employee, owner, caplog
):
    with caplog.at_level(logging.DEBUG):
        account = services.connect_account(
            by=employee,
            network="bluesky",
            connection=Connection(
                external_id="did:plc:erin", handle="@erin", credentials=credentials()
            ),
        )
        services.mark_needs_reconnect(account=account, reason="Token expired")
        services.connect_account(
            by=employee,
            network="bluesky",
            connection=Connection(
                external_id="did:plc:erin",
                handle="@erin",
                credentials=Credentials(access_token="access-Zq81", refresh_token="refresh-Pw44"),
            ),
        )
        services.disconnect_account(by=employee, account=ConnectedAccount.objects.get())
        services.update_network_app(
            by=owner,
            network="linkedin",
            enabled=True,
            client_id="client-1",
            client_secret="client-secret-Hs73",
        )

    recorded = [
        json.dumps([event.before, event.after, event.object_repr])
        for event in AuditEvent.objects.all()
    ] + [json.dumps(notice.params) for notice in Notification.objects.all()]
    assert len(recorded) >= 4
    for text in [*recorded, caplog.text]:
        assert not any(secret in text for secret in SECRETS), text
    assert ConnectedAccount.objects.get().credentials == Credentials()
