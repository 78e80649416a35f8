"""Writes for tracked links: making them, switching them off, and the organisation's rules."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.campaigns.models import Activity, ActivityKind
from chorus.links import targets
from chorus.links.models import (
    AttributionRule,
    LinkCacheVersion,
    LinkSettings,
    TrackedLink,
    Visit,
    VisitorSalt,
)
from chorus.links.selectors import link_settings_for, short_url
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability

__all__ = ["short_url", "tracked_link_for"]

CODE_ATTEMPTS = 5
# Salts are deleted once no click can need them: today's stays until the day is over.
SALT_DAYS_KEPT = 1
# Visits are only looked up while their repeat window is open (at most a day).
VISIT_DAYS_KEPT = 2


def bump_cache_version() -> None:
    """Tell every redirect process to drop its cached targets (within its check interval)."""
    if not LinkCacheVersion.objects.filter(pk=1).update(version=F("version") + 1):
        LinkCacheVersion.objects.get_or_create(pk=1, defaults={"version": 1})


# Making links


def tracked_link_for(
    *, member: Membership, activity: Activity, network: str, now: datetime | None = None
) -> TrackedLink:
    """The member's own short link for sharing ``activity`` on ``network``: made once, reused."""
    existing = TrackedLink.objects.filter(member=member, activity=activity, network=network).first()
    if existing is not None:
        return existing
    if activity.kind != ActivityKind.SHARE_LINK or not activity.link_url:
        raise ValidationError(_("Only an activity that shares a link gets a tracked link."))
    if activity.campaign.organisation_id != member.organisation_id:
        raise ValidationError(_("This activity belongs to another organisation."))
    link_settings = link_settings_for(organisation=member.organisation)
    target = targets.target_for(
        activity=activity, network=network, templates=link_settings.utm_templates
    )
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    organisation_id=member.organisation_id,
                    member=member,
                    activity=activity,
                    campaign_id=activity.campaign_id,
                    network=network,
                    code=targets.new_code(),
                    target=target,
                    created_at=now or timezone.now(),
                )
        except IntegrityError:
            # Someone made this link at the same moment, or (rarely) the code was taken.
            existing = TrackedLink.objects.filter(
                member=member, activity=activity, network=network
            ).first()
            if existing is not None:
                return existing
    raise RuntimeError("No free short code after several attempts")


# Switching links off and on


def _link_state(link: TrackedLink) -> dict[str, Any]:
    return {
        "code": link.code,
        "disabled_at": link.disabled_at.isoformat() if link.disabled_at else None,
        "expires_at": link.expires_at.isoformat() if link.expires_at else None,
    }


def _change_link(by: Membership, link: TrackedLink, action: AuditAction, **changes: Any) -> None:
    check_capability(by, Capability.MANAGE_CONTENT)
    if link.organisation_id != by.organisation_id:
        raise ValidationError(_("This link belongs to another organisation."))
    before = _link_state(link)
    for field, value in changes.items():
        setattr(link, field, value)
    with transaction.atomic():
        link.save(update_fields=list(changes))
        bump_cache_version()
        record_member_action(by, action, link, before=before, after=_link_state(link))


def disable_link(*, by: Membership, link: TrackedLink, now: datetime | None = None) -> TrackedLink:
    """Stop the link redirecting: visitors get the not-found page instead."""
    if link.disabled_at is None:
        _change_link(by, link, AuditAction.LINK_DISABLED, disabled_at=now or timezone.now())
    return link


def enable_link(*, by: Membership, link: TrackedLink) -> TrackedLink:
    if link.disabled_at is not None:
        _change_link(by, link, AuditAction.LINK_ENABLED, disabled_at=None)
    return link


def set_link_expiry(
    *, by: Membership, link: TrackedLink, expires_at: datetime | None
) -> TrackedLink:
    """Let the link stop at ``expires_at`` (None: never)."""
    if expires_at != link.expires_at:
        _change_link(by, link, AuditAction.LINK_EXPIRY_CHANGED, expires_at=expires_at)
    return link


# The organisation's rules


def _settings_state(link_settings: LinkSettings) -> dict[str, Any]:
    return {
        "short_base_url": link_settings.short_base_url,
        **link_settings.utm_templates,
        "attribution": link_settings.attribution,
        "repeat_window_minutes": link_settings.repeat_window_minutes,
    }


def _check_base_url(url: str) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        raise ValidationError(
            {"short_base_url": _("Give an http or https address without ? or #.")}
        )
    served_at = urlsplit(settings.CHORUS_LINK_BASE_URL).path or "/"
    if (parts.path or "/").rstrip("/") + "/" != served_at.rstrip("/") + "/":
        raise ValidationError(
            {
                "short_base_url": _(
                    "Chorus serves short links under %(path)s: the address must end there."
                )
                % {"path": served_at}
            }
        )


def update_link_settings(
    *,
    by: Membership,
    short_base_url: str,
    utm_source: str,
    utm_medium: str,
    utm_campaign: str,
    utm_content: str,
    attribution: str,
    repeat_window_minutes: int,
    now: datetime | None = None,
) -> LinkSettings:
    """Change how new links are built and how clicks are counted from now on."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    link_settings = link_settings_for(organisation=by.organisation)
    before = _settings_state(link_settings)
    templates = {
        "utm_source": utm_source.strip(),
        "utm_medium": utm_medium.strip(),
        "utm_campaign": utm_campaign.strip(),
        "utm_content": utm_content.strip(),
    }
    errors: dict[str, list[ValidationError]] = {}
    for name, template in templates.items():
        try:
            targets.check_template(template)
        except ValidationError as error:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)
    if attribution not in AttributionRule.values:
        raise ValidationError({"attribution": _("Choose first touch or last touch.")})
    short_base_url = short_base_url.strip()
    _check_base_url(short_base_url)
    link_settings.short_base_url = short_base_url
    for name, template in templates.items():
        setattr(link_settings, name, template)
    link_settings.attribution = attribution
    link_settings.repeat_window_minutes = repeat_window_minutes
    link_settings.full_clean(exclude=["organisation"])
    after = _settings_state(link_settings)
    if after == before:
        return link_settings
    link_settings.updated_at = now or timezone.now()
    with transaction.atomic():
        link_settings.save()
        record_member_action(
            by, AuditAction.LINK_SETTINGS_UPDATED, link_settings, before=before, after=after
        )
    return link_settings


# Housekeeping


def prune_salts(*, now: datetime | None = None) -> int:
    """Forget old salts: yesterday's visitor keys can then never be linked to an address."""
    today = (now or timezone.now()).astimezone(UTC).date()
    deleted, _by_model = VisitorSalt.objects.filter(
        day__lt=today - timedelta(days=SALT_DAYS_KEPT - 1)
    ).delete()
    return deleted


def prune_visits(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=VISIT_DAYS_KEPT)
    deleted, _by_model = Visit.objects.filter(started_at__lt=cutoff).delete()
    return deleted
