"""API tokens: made and revoked by their member (audited), and checked on every API request."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.api.models import ApiToken, hash_api_token
from chorus.audit.actions import AuditAction
from chorus.audit.services import record_event
from chorus.orgs.models import Membership

# Marks a Chorus API token, so secret scanners and people recognise one.
SECRET_PREFIX = "chorus_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(SECRET_PREFIX) + 8
# Recording every request would write to the database on each call; once a minute is enough.
LAST_USED_PRECISION = timedelta(minutes=1)
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    # Shown to its member once, right after creation; never stored.
    secret: str


def _token_record(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
    }


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def create_token(
    *,
    by: Membership,
    name: str,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> CreatedToken:
    """A new token acting as ``by``; the result carries the secret, which is shown once."""
    now = now or timezone.now()
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the token after the tool that will use it.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("Keep the name under %(n)d characters.") % {"n": NAME_MAX_LENGTH}]
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = [_("The expiry must be in the future.")]
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            member=by,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            token_hash=hash_api_token(secret),
            created_at=now,
            expires_at=expires_at,
        )
        record_event(
            organisation=by.organisation,
            actor=by.user,
            action=AuditAction.API_TOKEN_CREATED,
            target=token,
            after=_token_record(token),
        )
    return CreatedToken(token=token, secret=secret)


def revoke_token(*, by: Membership, token: ApiToken, now: datetime | None = None) -> ApiToken:
    """The token stops working at once. Revoking it again changes nothing."""
    if token.member_id != by.pk:
        raise ValidationError(_("Only the token's owner can revoke it."))
    if token.revoked_at is not None:
        return token
    now = now or timezone.now()
    with transaction.atomic():
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            token.refresh_from_db(fields=["revoked_at"])
            return token
        token.revoked_at = now
        record_event(
            organisation=by.organisation,
            actor=by.user,
            action=AuditAction.API_TOKEN_REVOKED,
            target=token,
            before=_token_record(token),
        )
    return token


def member_for_secret(*, secret: str, now: datetime | None = None) -> Membership | None:
    """The active member a usable token acts as, or None for any token that is not usable.

    Revoked or expired tokens, and tokens of deactivated members or users, are not.
    """
    now = now or timezone.now()
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("member__organisation", "member__user")
        .filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            token_hash=hash_api_token(secret),
            revoked_at__isnull=True,
            member__is_active=True,
            member__user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    _note_use(token, now)
    return token.member


def _note_use(token: ApiToken, now: datetime) -> None:
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION),
        pk=token.pk,
    ).update(last_used_at=now)
