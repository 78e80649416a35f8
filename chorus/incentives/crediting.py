"""Crediting clicks to the members who joined a programme (a job, every minute).

The job follows the click table by id, behind the counting job: it takes the clicks
the counting job has decided, up to the first one it has not (so a click decided late
is never skipped), and writes one ledger entry per click and programme the link's
member had joined when the click happened:

1. before the programme started, or while it was paused: not credited;
2. not counted by the links app (a bot, a repeat, a colleague's visit): not credited,
   with the links app's reason;
3. the link's own member clicked it (signed in, or signed out from the browser and
   network of such a click that day): held for review;
4. a colleague's click (signed in): not credited;
5. a counted click in a burst from one visitor or one network block across the
   member's links: held for review;
6. a counted click on a link whose post was not yet published: held for review (the
   member may have shared the link some other way; a reviewer decides);
7. otherwise credited, unless it would take the member over the cap of its period.

Bursts are judged on every click of their window, before and after: a click is
decided once its window has closed (the programmes' longest window, at most an
hour). The windows read ``RecentClick``, the last two days' clicks on joined
members' links, indexed by member and visitor (the click table has no such index).
Each run first records the newly decided clicks there (a cursor of its own), then
decides the clicks whose windows are recorded whole, so a window holding more clicks
than a batch never stalls the job.

Each click gets at most one entry per programme (a unique constraint), and a batch's
entries and the cursor are committed together, so a crash only repeats a batch.
"""

import bisect
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import takewhile
from typing import Any

from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from chorus.incentives.models import (
    DEFAULT_BURST_MINUTES,
    DEFAULT_NETWORK_BURST_MINUTES,
    MAX_BURST_MINUTES,
    CreditingCursor,
    Entry,
    EntryStatus,
    Participation,
    Programme,
    ProgrammeState,
    Reason,
    RecentClick,
)
from chorus.incentives.periods import period_bounds
from chorus.links.models import Click, NotCounted, TrackedLink
from chorus.orgs.models import Organisation
from chorus.publishing.models import Post

BATCH_SIZE = 2000
KEY_CHUNK = 500
RECENT_CLICKS_KEPT = timedelta(days=2)
# Visitor keys change with the daily salt: a key's own clicks all lie within a day.
SAME_KEY_SPAN = timedelta(days=1)


@dataclass(frozen=True)
class DecidedClick:
    pk: int
    link_id: int
    time: datetime
    visitor_key: str
    network_key: str
    is_bot: bool
    counted: bool | None
    not_counted_reason: str
    clicker_member_id: int | None


@dataclass(frozen=True)
class LinkInfo:
    member_id: int
    organisation_id: int
    campaign_id: int
    activity_id: int
    network: str


@dataclass
class Context:
    """What a batch's decisions read, loaded once per batch."""

    links: dict[int, LinkInfo]
    participations: dict[int, list[Participation]]
    visitor_clicks: dict[tuple[int, str], list[tuple[datetime, bool]]]
    network_clicks: dict[tuple[int, str], list[datetime]]
    published: dict[tuple[int, int, str], datetime]
    zones: dict[int, zoneinfo.ZoneInfo]
    credited: dict[tuple[int, int, datetime], Decimal] = field(default_factory=dict)


def credit_new_clicks(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Write the entries of every click that is ready; return how many clicks were done."""
    moment = now or timezone.now()
    total = 0
    while True:
        done, more = _credit_batch(now=moment, batch_size=batch_size)
        total += done
        if not more:
            return total


def longest_window() -> timedelta:
    """The longest burst window of the programmes still running."""
    open_programmes = Programme.objects.exclude(state=ProgrammeState.ENDED)
    longest = max(
        [DEFAULT_BURST_MINUTES, DEFAULT_NETWORK_BURST_MINUTES]
        + [
            max(visitor, network)
            for visitor, network in open_programmes.values_list(
                "burst_minutes", "network_burst_minutes"
            )
        ]
    )
    return timedelta(minutes=min(longest, MAX_BURST_MINUTES))


def _credit_batch(*, now: datetime, batch_size: int) -> tuple[int, bool]:
    with transaction.atomic():
        cursor, _created = CreditingCursor.objects.select_for_update().get_or_create(pk=1)
        window = longest_window()
        recorded, caught_up = _record_new_clicks(cursor, batch_size)
        horizon = now - window
        if not caught_up:
            # Later clicks of these windows are not recorded yet.
            if cursor.recorded_until is None:
                return 0, recorded == batch_size
            horizon = min(horizon, cursor.recorded_until - window)
        clicks = _clicks_after(cursor.last_click_id, batch_size, up_to=cursor.recorded_click_id)
        ready = list(takewhile(lambda click: click.time <= horizon, clicks))
        context = _context(ready, window)
        entries = [entry for click in ready for entry in _decide(click, context)]
        Entry.objects.bulk_create(entries, ignore_conflicts=True)
        if ready:
            cursor.last_click_id = ready[-1].pk
        cursor.last_run_at = timezone.now()
        cursor.save()
        RecentClick.objects.filter(time__lt=now - RECENT_CLICKS_KEPT).delete()
        return len(ready), recorded == batch_size or len(ready) == batch_size


def _record_new_clicks(cursor: CreditingCursor, batch_size: int) -> tuple[int, bool]:
    """Record the decided clicks after the cursor for the windows; whether all are in."""
    fetched = _clicks_after(cursor.recorded_click_id, batch_size)
    decided = list(takewhile(lambda click: click.counted is not None, fetched))
    if decided:
        links = _link_infos({click.link_id for click in decided})
        _remember(decided, links, _participations(decided, links))
        cursor.recorded_click_id = decided[-1].pk
        cursor.recorded_until = decided[-1].time
    return len(decided), len(decided) == len(fetched) < batch_size


def _clicks_after(last_id: int, batch_size: int, *, up_to: int | None = None) -> list[DecidedClick]:
    clicks = Click.objects.filter(pk__gt=last_id)
    if up_to is not None:
        clicks = clicks.filter(pk__lte=up_to)
    rows = clicks.order_by("pk").values_list(
        "pk",
        "link_id",
        "time",
        "visitor_key",
        "network_key",
        "is_bot",
        "counted",
        "not_counted_reason",
        "clicker_member_id",
    )[:batch_size]
    return [DecidedClick(*row) for row in rows]


def _chunks[T](items: Sequence[T], size: int = KEY_CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _context(ready: list[DecidedClick], window: timedelta) -> Context:
    links = _link_infos({click.link_id for click in ready})
    participations = _participations(ready, links)
    context = Context(
        links=links,
        participations=participations,
        visitor_clicks={},
        network_clicks={},
        published={},
        zones={},
    )
    candidates = [
        click
        for click in ready
        if click.link_id in links and _joined_at_all(participations, links[click.link_id], click)
    ]
    if not candidates:
        return context
    first = min(click.time for click in candidates)
    last = max(click.time for click in candidates)
    members = sorted({links[click.link_id].member_id for click in candidates})
    context.visitor_clicks = _visitor_clicks(
        members,
        sorted({click.visitor_key for click in candidates}),
        since=first - SAME_KEY_SPAN,
        until=last + window,
    )
    context.network_clicks = _network_clicks(
        members,
        sorted({click.network_key for click in candidates if click.network_key}),
        since=first - window,
        until=last + window,
    )
    context.published = _first_publications([links[click.link_id] for click in candidates])
    context.zones = {
        pk: zoneinfo.ZoneInfo(zone)
        for pk, zone in Organisation.objects.filter(
            pk__in={links[click.link_id].organisation_id for click in candidates}
        ).values_list("pk", "default_time_zone")
    }
    return context


def _link_infos(link_ids: set[int]) -> dict[int, LinkInfo]:
    # Deactivated members (offboarded, for instance) earn nothing more.
    rows = TrackedLink.objects.filter(pk__in=link_ids, member__is_active=True).values_list(
        "pk", "member_id", "organisation_id", "campaign_id", "activity_id", "network"
    )
    return {
        pk: LinkInfo(member, organisation, campaign, activity, network)
        for pk, member, organisation, campaign, activity, network in rows
    }


def _participations(
    clicks: list[DecidedClick], links: dict[int, LinkInfo]
) -> dict[int, list[Participation]]:
    members = {info.member_id for info in links.values()}
    if not clicks or not members:
        return {}
    times = [click.time for click in clicks]
    rows = (
        Participation.objects.filter(member_id__in=members, joined_at__lte=max(times))
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=min(times)))
        .select_related("programme")
        .prefetch_related("programme__campaigns", "programme__pauses")
    )
    by_member: dict[int, list[Participation]] = defaultdict(list)
    for participation in rows:
        by_member[participation.member_id].append(participation)
    return by_member


def _covers(participation: Participation, moment: datetime) -> bool:
    if participation.joined_at > moment:
        return False
    return participation.left_at is None or moment < participation.left_at


def _joined_at_all(
    participations: dict[int, list[Participation]], info: LinkInfo, click: DecidedClick
) -> bool:
    return any(_covers(p, click.time) for p in participations.get(info.member_id, []))


def _remember(
    decided: list[DecidedClick],
    links: dict[int, LinkInfo],
    participations: dict[int, list[Participation]],
) -> None:
    """Keep the joined members' clicks where the burst and self-click rules can find them."""
    rows = []
    for click in decided:
        info = links.get(click.link_id)
        # Preview fetchers are no visitors: their fetches after a post goes out are no burst.
        if click.is_bot or info is None:
            continue
        if not _joined_at_all(participations, info, click):
            continue
        rows.append(
            RecentClick(
                member_id=info.member_id,
                click_id=click.pk,
                time=click.time,
                visitor_key=click.visitor_key,
                network_key=click.network_key,
                own_click=click.clicker_member_id == info.member_id,
            )
        )
    RecentClick.objects.bulk_create(rows, ignore_conflicts=True)


def _visitor_clicks(
    members: list[int], keys: list[str], *, since: datetime, until: datetime
) -> dict[tuple[int, str], list[tuple[datetime, bool]]]:
    found: dict[tuple[int, str], list[tuple[datetime, bool]]] = defaultdict(list)
    for chunk in _chunks(keys):
        rows = RecentClick.objects.filter(
            member_id__in=members, visitor_key__in=chunk, time__gte=since, time__lte=until
        ).values_list("member_id", "visitor_key", "time", "own_click")
        for member_id, key, moment, own in rows:
            found[(member_id, key)].append((moment, own))
    return {key: sorted(values) for key, values in found.items()}


def _network_clicks(
    members: list[int], keys: list[str], *, since: datetime, until: datetime
) -> dict[tuple[int, str], list[datetime]]:
    found: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for chunk in _chunks(keys):
        rows = RecentClick.objects.filter(
            member_id__in=members, network_key__in=chunk, time__gte=since, time__lte=until
        ).values_list("member_id", "network_key", "time")
        for member_id, key, moment in rows:
            found[(member_id, key)].append(moment)
    return {key: sorted(values) for key, values in found.items()}


def _first_publications(infos: list[LinkInfo]) -> dict[tuple[int, int, str], datetime]:
    """When each link's post was first published (the post carrying it: same member,
    activity and network)."""
    rows = (
        Post.objects.filter(
            member_id__in={info.member_id for info in infos},
            activity_id__in={info.activity_id for info in infos},
            published_at__isnull=False,
        )
        .values("member_id", "activity_id", "network")
        .annotate(first=Min("published_at"))
        .values_list("member_id", "activity_id", "network", "first")
    )
    return {(member, activity, network): first for member, activity, network, first in rows}


# Deciding


@dataclass(frozen=True)
class Burst:
    clicks: int
    first: datetime
    last: datetime


def burst(times: Sequence[datetime], moment: datetime, *, limit: int, minutes: int) -> Burst | None:
    """The busiest window of ``minutes`` that holds ``moment``, if it has over ``limit`` clicks."""
    span = timedelta(minutes=minutes)
    busiest: Burst | None = None
    low = bisect.bisect_right(times, moment - span)
    high = bisect.bisect_right(times, moment)
    for start in times[low:high]:
        first = bisect.bisect_left(times, start)
        end = bisect.bisect_left(times, start + span)
        if busiest is None or end - first > busiest.clicks:
            busiest = Burst(clicks=end - first, first=times[first], last=times[end - 1])
    return busiest if busiest is not None and busiest.clicks > limit else None


def _programme_applies(programme: Programme, info: LinkInfo, click: DecidedClick) -> bool:
    if programme.organisation_id != info.organisation_id:
        return False
    if programme.ends_at is not None and click.time >= programme.ends_at:
        return False
    if programme.all_campaigns:
        return True
    return any(campaign.pk == info.campaign_id for campaign in programme.campaigns.all())


def _decide(click: DecidedClick, context: Context) -> list[Entry]:
    info = context.links.get(click.link_id)
    if info is None or (not click.counted and not click.not_counted_reason):
        return []
    entries = []
    seen: set[int] = set()
    for participation in context.participations.get(info.member_id, []):
        programme = participation.programme
        if programme.pk in seen or not _covers(participation, click.time):
            continue
        if not _programme_applies(programme, info, click):
            continue
        seen.add(programme.pk)
        entries.append(_entry(programme, info, click, context))
    return entries


def _entry(programme: Programme, info: LinkInfo, click: DecidedClick, context: Context) -> Entry:
    status, reason, evidence = _judge(programme, info, click, context)
    amount = programme.amount_per_click
    if status == EntryStatus.CREDITED and not _fits_cap(programme, info, click, context):
        status, reason = EntryStatus.NOT_CREDITED, Reason.OVER_CAP
    if status == EntryStatus.NOT_CREDITED:
        amount = Decimal("0.00")
    return Entry(
        programme=programme,
        member_id=info.member_id,
        click_id=click.pk,
        link_id=click.link_id,
        campaign_id=info.campaign_id,
        click_time=click.time,
        amount=amount,
        status=status,
        reason=reason,
        evidence=evidence,
    )


def _judge(
    programme: Programme, info: LinkInfo, click: DecidedClick, context: Context
) -> tuple[str, str, dict[str, Any]]:
    if click.time < programme.starts_at:
        return EntryStatus.NOT_CREDITED, Reason.OUTSIDE_DATES, {}
    if _paused(programme, click.time):
        return EntryStatus.NOT_CREDITED, Reason.PAUSED, {}
    if click.not_counted_reason in (NotCounted.BOT, NotCounted.REPEAT, NotCounted.COLLEAGUE):
        return EntryStatus.NOT_CREDITED, click.not_counted_reason, {}
    own = _own_click(info, click, context)
    if own is not None:
        return EntryStatus.HELD, Reason.SELF_CLICK, own
    if not click.counted:
        return EntryStatus.NOT_CREDITED, click.not_counted_reason or Reason.MEMBER, {}
    visits = context.visitor_clicks.get((info.member_id, click.visitor_key), [])
    found = burst(
        [moment for moment, _own in visits],
        click.time,
        limit=programme.burst_clicks,
        minutes=programme.burst_minutes,
    )
    if found is not None:
        return EntryStatus.HELD, Reason.VISITOR_BURST, _burst_evidence(found, programme, False)
    if click.network_key:
        found = burst(
            context.network_clicks.get((info.member_id, click.network_key), []),
            click.time,
            limit=programme.network_burst_clicks,
            minutes=programme.network_burst_minutes,
        )
        if found is not None:
            return EntryStatus.HELD, Reason.NETWORK_BURST, _burst_evidence(found, programme, True)
    published = context.published.get((info.member_id, info.activity_id, info.network))
    if published is None or click.time < published:
        return (
            EntryStatus.HELD,
            Reason.BEFORE_PUBLICATION,
            {"published_at": published.isoformat() if published else None},
        )
    return EntryStatus.CREDITED, "", {}


def _paused(programme: Programme, moment: datetime) -> bool:
    return any(
        pause.started_at <= moment and (pause.ended_at is None or moment < pause.ended_at)
        for pause in programme.pauses.all()
    )


def _own_click(info: LinkInfo, click: DecidedClick, context: Context) -> dict[str, Any] | None:
    if click.clicker_member_id is not None and click.clicker_member_id == info.member_id:
        return {"signed_in": True}
    if click.is_bot:
        return None
    for moment, own in context.visitor_clicks.get((info.member_id, click.visitor_key), []):
        if own:
            # Same browser and address as the member's own signed-in click that day.
            return {"signed_in": False, "own_click_at": moment.isoformat()}
    return None


def _burst_evidence(found: Burst, programme: Programme, network: bool) -> dict[str, Any]:
    return {
        "clicks": found.clicks,
        "minutes": programme.network_burst_minutes if network else programme.burst_minutes,
        "limit": programme.network_burst_clicks if network else programme.burst_clicks,
        "first": found.first.isoformat(),
        "last": found.last.isoformat(),
    }


def _fits_cap(programme: Programme, info: LinkInfo, click: DecidedClick, context: Context) -> bool:
    if programme.cap_amount is None or not programme.cap_period:
        return True
    zone = context.zones.get(info.organisation_id, zoneinfo.ZoneInfo("UTC"))
    start, end = period_bounds(click.time, period=programme.cap_period, zone=zone)
    key = (programme.pk, info.member_id, start)
    if key not in context.credited:
        context.credited[key] = credited_between(
            programme=programme, member_id=info.member_id, start=start, end=end
        )
    if context.credited[key] + programme.amount_per_click > programme.cap_amount:
        return False
    context.credited[key] += programme.amount_per_click
    return True


def credited_between(
    *, programme: Programme, member_id: int, start: datetime, end: datetime
) -> Decimal:
    total = Entry.objects.filter(
        programme=programme,
        member_id=member_id,
        status=EntryStatus.CREDITED,
        click_time__gte=start,
        click_time__lt=end,
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")
