"""``chorus_new_token_key`` and ``chorus_rotate_token_keys``: changing the encryption key."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chorus.networks.connectors.base import Credentials
from chorus.networks.models import ConnectedAccount, InstanceApp, NetworkApp
from chorus.publishing.tests.factories import connect

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def raw(model, field: str) -> dict[int, str]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {field} FROM {table} ORDER BY id")  # noqa: S608
        return dict(cursor.fetchall())


@pytest.fixture
def secrets_under_old_key(settings, employee, organisation):
    settings.CHORUS_TOKEN_KEYS = [OLD_KEY]
    for n in range(5):
        account = connect(employee, handle=f"@erin{n}", network="bluesky")
        account.credentials = Credentials(access_token=f"token-{n}", refresh_token=f"refresh-{n}")
        account.save()
    connect(employee, handle="@nothing-stored")
    NetworkApp.objects.create(
        organisation=organisation, network="linkedin", client_id="li", client_secret="li-secret"
    )
    NetworkApp.objects.create(organisation=organisation, network="bluesky", enabled=False)
    InstanceApp.objects.create(
        network="mastodon",
        server="https://social.example",
        redirect_uri="https://chorus.example/cb",
        client_id="m",
        client_secret="m-secret",
    )


def everything_reads() -> None:
    accounts = ConnectedAccount.objects.exclude(handle="@nothing-stored").order_by("pk")
    assert [a.credentials.access_token for a in accounts] == [f"token-{n}" for n in range(5)]
    assert [a.credentials.refresh_token for a in accounts] == [f"refresh-{n}" for n in range(5)]
    assert ConnectedAccount.objects.get(handle="@nothing-stored").credentials == Credentials()
    assert dict(NetworkApp.objects.values_list("network", "client_secret")) == {
        "linkedin": "li-secret",
        "bluesky": "",
    }
    assert InstanceApp.objects.get().client_secret == "m-secret"


def only_new_key_reads_the_database() -> None:
    new = Fernet(NEW_KEY.encode())
    for model, field in (
        (ConnectedAccount, "credentials"),
        (NetworkApp, "client_secret"),
        (InstanceApp, "client_secret"),
    ):
        for value in raw(model, field).values():
            if value:
                new.decrypt(value.encode())


@pytest.mark.django_db
def test_rotation_reencrypts_everything_so_the_old_key_can_go(settings, secrets_under_old_key):
    before = raw(ConnectedAccount, "credentials")
    settings.CHORUS_TOKEN_KEYS = [NEW_KEY, OLD_KEY]

    output = run("chorus_rotate_token_keys")

    assert "Connected accounts: 5 re-encrypted" in output
    assert "Network apps: 1 re-encrypted" in output
    assert "Instance apps: 1 re-encrypted" in output
    after = raw(ConnectedAccount, "credentials")
    assert all(after[pk] != value for pk, value in before.items() if value)
    settings.CHORUS_TOKEN_KEYS = [NEW_KEY]
    only_new_key_reads_the_database()
    everything_reads()


@pytest.mark.django_db
def test_rotation_works_in_batches_of_bulk_updates(settings, secrets_under_old_key):
    settings.CHORUS_TOKEN_KEYS = [NEW_KEY, OLD_KEY]

    with CaptureQueriesContext(connection) as queries:
        run("chorus_rotate_token_keys", "--batch-size", "2")

    updates = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "networks_connectedaccount"')
    ]
    assert len(updates) == 3  # five accounts with credentials, two a time
    settings.CHORUS_TOKEN_KEYS = [NEW_KEY]
    everything_reads()


@pytest.mark.django_db
def test_rotating_again_is_harmless(settings, secrets_under_old_key):
    settings.CHORUS_TOKEN_KEYS = [NEW_KEY, OLD_KEY]
    first = run("chorus_rotate_token_keys")

    settings.CHORUS_TOKEN_KEYS = [NEW_KEY]
    second = run("chorus_rotate_token_keys")

    assert first == second
    only_new_key_reads_the_database()
    everything_reads()


@pytest.mark.django_db
def test_rotation_without_the_old_key_stops_with_a_clear_message(settings, secrets_under_old_key):
    settings.CHORUS_TOKEN_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match="Put back the key they were encrypted with"):
        run("chorus_rotate_token_keys")

    settings.CHORUS_TOKEN_KEYS = [OLD_KEY]
    everything_reads()


def test_a_new_key_is_a_fresh_fernet_key():
    first, second = run("chorus_new_token_key").strip(), run("chorus_new_token_key").strip()

    assert first != second
    token = Fernet(first.encode()).encrypt(b"check")
    assert Fernet(first.encode()).decrypt(token) == b"check"
