"""Telling members things: in the app, by email at once, and in a periodic digest."""

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.notifications import selectors
from chorus.notifications.digest import digest_period_start, zone_named
from chorus.notifications.messages import action_for, message_for, subject_for
from chorus.notifications.models import (
    DEFAULT_DIGEST_FREQUENCY,
    DigestFrequency,
    DigestPreference,
    Notification,
    NotificationKind,
)
from chorus.orgs.models import Membership

logger = logging.getLogger(__name__)

# Due members are found and handed to tasks this many at a time.
DIGEST_BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to make: what ``notify`` takes, for ``notify_all``."""

    member: Membership
    kind: NotificationKind
    params: dict[str, Any]
    url: str = ""


def notify(
    *,
    member: Membership,
    kind: NotificationKind,
    params: dict[str, Any] | None = None,
    url: str = "",
    email_now: bool = False,
) -> Notification:
    """Tell a member something in the app; ``email_now`` also mails it at once (needs action)."""
    [notification] = notify_all(
        notices=[Notice(member=member, kind=kind, params=params or {}, url=url)]
    )
    if email_now:
        from chorus.notifications.tasks import send_notification_email

        transaction.on_commit(
            lambda: send_notification_email.enqueue(notification_id=notification.pk)
        )
    return notification


def notify_all(*, notices: Sequence[Notice]) -> list[Notification]:
    """Tell each member their notice in the app, in one statement; none is mailed at once."""
    return Notification.objects.bulk_create(
        Notification(member=notice.member, kind=notice.kind, params=notice.params, url=notice.url)
        for notice in notices
    )


# Reading


def mark_read(
    *, member: Membership, notification: Notification, now: datetime | None = None
) -> Notification:
    if notification.member_id != member.pk:
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        now = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, member: Membership, now: datetime | None = None) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def set_digest_frequency(*, member: Membership, frequency: str) -> DigestPreference:
    if frequency not in DigestFrequency.values:
        raise ValidationError({"frequency": _("Choose how often to get the digest.")})
    preference, _created = DigestPreference.objects.update_or_create(
        member=member, defaults={"frequency": frequency}
    )
    return preference


# Email


def absolute_url(path: str) -> str:
    """A link that works from an email: paths are put under CHORUS_SITE_URL."""
    if path.startswith("/") and not path.startswith("//"):
        return settings.SITE_URL + path
    if path.startswith(("https://", "http://")):
        return path
    return ""


def _language_of(member: Membership) -> str:
    return member.user.language or member.organisation.default_language


def _footer_context(member: Membership) -> dict[str, str]:
    slug = member.organisation.slug
    return {
        "notifications_url": absolute_url(reverse("notifications:list", kwargs={"org": slug})),
        "preferences_url": absolute_url(reverse("notifications:preferences", kwargs={"org": slug})),
    }


def _mailable(member: Membership) -> bool:
    return member.is_active and member.user.is_active and bool(member.user.email)


def send_notification_email(*, notification_id: int) -> bool:
    """Mail one notification that needs action. False if it is gone or was mailed already."""
    notification = (
        Notification.objects.select_related("member__user", "member__organisation")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not _mailable(notification.member):
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        _send_notification(notification)
    except Exception:
        # Unclaim, so that a retry of the task can send it.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


def _send_notification(notification: Notification) -> None:
    member = notification.member
    with translation.override(_language_of(member)), timezone.override(member.time_zone):
        params = notification.params if isinstance(notification.params, dict) else {}
        context = {
            "name": member.user.get_short_name(),
            "organisation": member.organisation.name,
            "message": message_for(kind=notification.kind, params=params),
            "reason": params.get("reason") if isinstance(params.get("reason"), str) else "",
            "kind": notification.kind,
            "action": action_for(kind=notification.kind),
            "url": absolute_url(notification.url),
            **_footer_context(member),
        }
        subject = subject_for(kind=notification.kind, params=params)
        body = render_to_string("notifications/email/notification.txt", context)
    send_mail(subject, body, None, [member.user.email])


# Digest


def _with_digest_fields(members: QuerySet[Membership]) -> QuerySet[Membership]:
    return members.annotate(
        zone=Coalesce(
            NullIf(F("user__time_zone"), Value("")), F("organisation__default_time_zone")
        ),
        frequency=Coalesce(F("digest_preference__frequency"), Value(DEFAULT_DIGEST_FREQUENCY)),
        last_sent=F("digest_preference__last_sent_at"),
    )


def _digest_members() -> QuerySet[Membership]:
    """Active members who want a digest, with their time zone, frequency and last digest."""
    members = Membership.objects.filter(is_active=True, user__is_active=True)
    return _with_digest_fields(members).exclude(Q(frequency=DigestFrequency.OFF))


def _due_condition(*, zones: list[str], now: datetime) -> Q:
    """Matches members whose digest period has begun in their zone and was not yet served."""
    groups: dict[tuple[str, datetime], list[str]] = {}
    for name in zones:
        for choice in (DigestFrequency.DAILY, DigestFrequency.WEEKLY):
            start = digest_period_start(frequency=choice, zone=zone_named(name), now=now)
            if start is not None:
                groups.setdefault((choice, start), []).append(name)
    condition = Q(pk__in=[])
    for (frequency, start), names in groups.items():
        condition |= Q(frequency=frequency, zone__in=names) & (
            Q(last_sent__isnull=True) | Q(last_sent__lt=start)
        )
    return condition


def due_digest_members(*, now: datetime) -> QuerySet[Membership]:
    """Members whose digest is due now and who have something new to hear about."""
    members = _digest_members()
    zones = [str(zone) for zone in members.order_by().values_list(F("zone"), flat=True).distinct()]
    pending = Notification.objects.filter(
        member=OuterRef("pk"),
        kind=NotificationKind.NEW_ACTIVITIES,
        emailed_at__isnull=True,
        read_at__isnull=True,
    )
    return members.filter(_due_condition(zones=zones, now=now)).filter(Exists(pending))


def _in_batches(members: QuerySet[Membership], size: int) -> Iterator[list[int]]:
    """The members' ids, a batch at a time, without holding them all in memory."""
    last_pk = 0
    while True:
        ids = list(
            members.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not ids:
            return
        yield ids
        last_pk = ids[-1]


def send_due_digests(*, now: datetime | None = None, batch_size: int = DIGEST_BATCH_SIZE) -> int:
    """Hand every member whose digest is due to a task of their own; return how many."""
    from chorus.notifications.tasks import send_digest

    now = now or timezone.now()
    handed_over = 0
    for ids in _in_batches(due_digest_members(now=now), batch_size):
        for member_id in ids:
            send_digest.enqueue(member_id=member_id, now=now.isoformat())
        handed_over += len(ids)
    if handed_over:
        logger.info("Handed %d email digests over to tasks", handed_over)
    return handed_over


@dataclass(frozen=True)
class DigestLine:
    name: str
    count: int
    url: str


def _digest_lines(notifications: list[Notification], fallback_url: str) -> list[DigestLine]:
    """One line per campaign. Each offer counts all the campaign's activities: the largest wins."""
    by_campaign: dict[str, DigestLine] = {}
    for notification in notifications:
        params = notification.params if isinstance(notification.params, dict) else {}
        key = str(params.get("campaign") or params.get("name") or f"#{notification.pk}")
        name = params.get("name") if isinstance(params.get("name"), str) else ""
        try:
            count = int(params.get("count") or 0)
        except (TypeError, ValueError):
            count = 0
        earlier = by_campaign.get(key)
        by_campaign[key] = DigestLine(
            name=name or (earlier.name if earlier else ""),
            count=max(count, earlier.count if earlier else 0),
            url=absolute_url(notification.url) or fallback_url,
        )
    return list(by_campaign.values())


def send_digest(*, member_id: int, now: datetime | None = None) -> bool:
    """Email one member their digest if it is still due; mark what it carried as emailed."""
    now = now or timezone.now()
    member = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=member_id, is_active=True, user__is_active=True)
        .first()
    )
    if member is None or not member.user.email:
        return False
    preference, _created = DigestPreference.objects.get_or_create(member=member)
    zone = zone_named(member.user.time_zone or member.organisation.default_time_zone)
    start = digest_period_start(frequency=preference.frequency, zone=zone, now=now)
    if start is None or (preference.last_sent_at is not None and preference.last_sent_at >= start):
        return False
    notifications = list(selectors.pending_digest_notifications(member=member))
    if not notifications:
        return False
    # Claim the period first: of two tasks for the same member, only one sends.
    claimed = (
        DigestPreference.objects.filter(pk=preference.pk)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=start))
        .update(last_sent_at=now)
    )
    if not claimed:
        return False
    try:
        _send_digest_email(member, preference, notifications, now=now, zone=zone)
    except Exception:
        DigestPreference.objects.filter(pk=preference.pk, last_sent_at=now).update(
            last_sent_at=preference.last_sent_at
        )
        raise
    Notification.objects.filter(
        pk__in=[notification.pk for notification in notifications], emailed_at__isnull=True
    ).update(emailed_at=now)
    return True


def _send_digest_email(
    member: Membership,
    preference: DigestPreference,
    notifications: list[Notification],
    *,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    home_url = absolute_url(reverse("orgs:home", kwargs={"org": member.organisation.slug}))
    lines = _digest_lines(notifications, home_url)
    total = sum(line.count for line in lines)
    with translation.override(_language_of(member)), timezone.override(zone):
        organisation = member.organisation.name
        if total:
            subject = ngettext(
                "%(count)d new activity for you in %(organisation)s",
                "%(count)d new activities for you in %(organisation)s",
                total,
            ) % {"count": total, "organisation": organisation}
        else:
            subject = _("New activities for you in %(organisation)s") % {
                "organisation": organisation
            }
        context = {
            "name": member.user.get_short_name(),
            "organisation": organisation,
            "date": formats.date_format(now.astimezone(zone).date(), "DATE_FORMAT"),
            "lines": [_digest_line_text(line) for line in lines],
            "home_url": home_url,
            "frequency": preference.frequency,
            **_footer_context(member),
        }
        body = render_to_string("notifications/email/digest.txt", context)
    send_mail(subject, body, None, [member.user.email])


def _digest_line_text(line: DigestLine) -> dict[str, str]:
    if line.count:
        counted = ngettext("%(count)d new activity", "%(count)d new activities", line.count) % {
            "count": line.count
        }
    else:
        counted = _("new activities")
    return {"name": line.name or _("A campaign"), "count": counted, "url": line.url}
