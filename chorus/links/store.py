"""The redirect's lookups, run in its reader thread (never on the event loop).

The thread keeps its own Django connection and uses the ORM: lookups only happen when
a code is not cached, once a day for the salt, and for clicks that carry a session.
Clicks are written elsewhere (chorus/links/clicksink.py).
"""

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import import_module
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import IntegrityError, connection, transaction

from chorus.links.models import LinkCacheVersion, TrackedLink, VisitorSalt
from chorus.orgs.models import Membership


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the redirect needs to know about a code."""

    link_id: int
    location: bytes
    organisation_id: int
    organisation_name: str
    disabled: bool
    expires_at: float | None

    def redirects(self, now: float) -> bool:
        return not self.disabled and (self.expires_at is None or now < self.expires_at)


class ClickRow(NamedTuple):
    """A click on its way to the database (a tuple: made for every redirect)."""

    link_id: int
    time: datetime
    visitor_key: str
    referrer_host: str
    country: str
    device: str
    is_bot: bool
    is_member: bool
    network_key: str = ""
    clicker_member_id: int | None = None


def resolve(code: str) -> Resolved | None:
    row = (
        TrackedLink.objects.filter(code=code)
        .values_list(
            "pk", "target", "organisation_id", "organisation__name", "disabled_at", "expires_at"
        )
        .first()
    )
    if row is None:
        return None
    pk, target, organisation_id, organisation_name, disabled_at, expires_at = row
    return Resolved(
        link_id=pk,
        location=_location(target),
        organisation_id=organisation_id,
        organisation_name=organisation_name,
        disabled=disabled_at is not None,
        expires_at=expires_at.timestamp() if expires_at is not None else None,
    )


def _location(target: str) -> bytes:
    """The Location header: targets are stored as ASCII URIs; anything else never leaves."""
    if not target.isascii() or any(char in target for char in "\r\n\0"):
        raise ValueError("A link target is not a plain URI")
    return target.encode("ascii")


def cache_version() -> int:
    """The link cache version; on SQLite also a checkpoint of the WAL, now and then.

    The click writer does not checkpoint (a checkpoint syncs the database file, which
    would stall the event loop it writes from); this thread does it instead, while
    clicks go on being written.
    """
    version = LinkCacheVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    _checkpoint_if_due()
    return version or 0


CHECKPOINT_SECONDS = 1.0
# Pages in the write-ahead log from which a checkpoint starts it again (4 MB of 4 KiB).
RESTART_LOG_FRAMES = 1000
_last_checkpoint = float("-inf")


def _checkpoint_if_due() -> None:
    global _last_checkpoint
    if connection.vendor != "sqlite" or time.monotonic() - _last_checkpoint < CHECKPOINT_SECONDS:
        return
    _last_checkpoint = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        _busy, log_frames, _copied = cursor.fetchone()
        if log_frames >= RESTART_LOG_FRAMES:
            # A passive checkpoint never catches up with clicks that keep coming, and the
            # log only starts again from its beginning once one has: under a steady load
            # it grew by megabytes a second. This one holds the click writer off for the
            # few pages left (the writer retries off the event loop) and lets its next
            # batch start the log again.
            cursor.execute("PRAGMA wal_checkpoint(RESTART)")


def salt_for(day: date) -> bytes:
    """The day's salt, made by whichever process needs it first."""
    salt = VisitorSalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if salt is None:
        try:
            with transaction.atomic():
                salt = VisitorSalt.objects.create(day=day, salt=secrets.token_hex(32)).salt
        except IntegrityError:
            salt = VisitorSalt.objects.values_list("salt", flat=True).get(day=day)
    return bytes.fromhex(salt)


def today() -> date:
    return datetime.fromtimestamp(time.time(), UTC).date()


def member_of(session_key: str, organisation_id: int) -> int | None:
    """The active membership of the organisation a Chorus session belongs to, if any."""
    engine = import_module(settings.SESSION_ENGINE)
    user_id = engine.SessionStore(session_key=session_key).load().get(SESSION_KEY)
    if not user_id:
        return None
    return (
        Membership.objects.filter(organisation_id=organisation_id, user_id=user_id, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )


def close() -> None:
    connection.close()
