from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.api import services
from chorus.api.models import ApiToken, hash_api_token
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs import services as org_services


def test_a_new_token_stores_only_the_hash_of_its_secret(employee):
    created = services.create_token(by=employee, name="  Intranet feed ")

    token = ApiToken.objects.get()
    assert created.secret.startswith("chorus_")
    assert len(created.secret) > 40
    assert token.name == "Intranet feed"
    assert token.member == employee
    assert token.token_hash == hash_api_token(created.secret)
    assert token.prefix == created.secret[: services.PREFIX_LENGTH]
    assert created.secret not in {token.name, token.prefix, token.token_hash}
    assert token.expires_at is None
    assert token.last_used_at is None


def test_each_token_has_its_own_secret(employee):
    first = services.create_token(by=employee, name="One")
    second = services.create_token(by=employee, name="Two")

    assert first.secret != second.secret
    assert first.token.token_hash != second.token.token_hash


def test_creating_a_token_is_audited_without_the_secret(employee):
    created = services.create_token(by=employee, name="Intranet feed")

    event = AuditEvent.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert event.actor == employee.user
    assert event.object_id == str(created.token.pk)
    assert event.after == {
        "name": "Intranet feed",
        "prefix": created.token.prefix,
        "expires_at": None,
    }
    assert created.secret not in str(event.after) + event.object_repr


@pytest.mark.parametrize(
    ("name", "expires_in", "field"),
    [
        ("", timedelta(days=1), "name"),
        ("x" * 101, None, "name"),
        ("Ok", timedelta(0), "expires_at"),
    ],
)
def test_a_token_needs_a_name_and_a_future_expiry(employee, name, expires_in, field):
    now = timezone.now()
    expires_at = now + expires_in if expires_in is not None else None

    with pytest.raises(ValidationError) as error:
        services.create_token(by=employee, name=name, expires_at=expires_at, now=now)

    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_is_audited_once(employee):
    created = services.create_token(by=employee, name="Script")

    services.revoke_token(by=employee, token=created.token)
    services.revoke_token(by=employee, token=created.token)

    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1
    assert services.member_for_secret(secret=created.secret) is None


def test_only_its_owner_revokes_a_token(employee, admin):
    created = services.create_token(by=employee, name="Script")

    with pytest.raises(ValidationError):
        services.revoke_token(by=admin, token=created.token)

    assert ApiToken.objects.get().revoked_at is None


def test_a_usable_token_gives_its_member(employee):
    created = services.create_token(by=employee, name="Script")

    assert services.member_for_secret(secret=created.secret) == employee


@pytest.mark.parametrize("secret", ["", "chorus_", "chorus_not-a-token", "Bearer x"])
def test_unknown_secrets_give_nobody(employee, secret):
    services.create_token(by=employee, name="Script")

    assert services.member_for_secret(secret=secret) is None


def test_an_expired_token_gives_nobody(employee):
    now = timezone.now()
    created = services.create_token(by=employee, name="Script", expires_at=now + timedelta(days=1))

    assert services.member_for_secret(secret=created.secret, now=now) == employee
    assert services.member_for_secret(secret=created.secret, now=now + timedelta(days=1)) is None


def test_tokens_of_deactivated_members_or_users_give_nobody(employee, owner):
    created = services.create_token(by=employee, name="Script")

    org_services.deactivate_member(by=owner, member=employee)
    assert services.member_for_secret(secret=created.secret) is None

    org_services.reactivate_member(by=owner, member=employee)
    employee.user.is_active = False
    employee.user.save()
    assert services.member_for_secret(secret=created.secret) is None


def test_last_use_is_written_at_most_once_a_minute(employee):
    created = services.create_token(by=employee, name="Script")
    start = timezone.now()

    services.member_for_secret(secret=created.secret, now=start)
    services.member_for_secret(secret=created.secret, now=start + timedelta(seconds=59))
    assert ApiToken.objects.get().last_used_at == start

    later = start + timedelta(seconds=61)
    services.member_for_secret(secret=created.secret, now=later)
    assert ApiToken.objects.get().last_used_at == later
