"""Counting clicks honestly, and rolling them up per link and hour.

The redirect writes every click as it happens, undecided. This job, run every minute,
takes the clicks in time order and decides each one:

- link-preview fetchers and crawlers, and the organisation's own signed-in members,
  are kept but not counted;
- one visitor's clicks on one campaign's links within the repeat window are one
  visit, counted once: for the link clicked first (first touch) or, moving the
  credit with every click, for the link clicked last (last touch).

It then adds what it decided to the hourly rows and the totals of the links
concerned, including those a last-touch visit took its credit from, so the rollups
always equal what the clicks say.
"""

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from chorus.links.models import (
    MAX_REPEAT_WINDOW_MINUTES,
    AttributionRule,
    Click,
    ClickCounting,
    LinkHourlyStats,
    LinkSettings,
    LinkTotals,
    NotCounted,
    TrackedLink,
    Visit,
)

# Redirect processes commit within milliseconds; clicks younger than this may still be
# on their way from another process, so counting leaves them for the next run.
SETTLE = timedelta(seconds=5)
BATCH_SIZE = 5000
UPDATE_CHUNK = 2000
REASON_FIELDS = {
    NotCounted.BOT: "bots",
    NotCounted.MEMBER: "members",
    NotCounted.REPEAT: "repeats",
    NotCounted.COLLEAGUE: "colleagues",
}
STAT_FIELDS = ("clicks", "counted", "bots", "members", "repeats", "colleagues")


@dataclass(frozen=True)
class Rule:
    attribution: str = AttributionRule.FIRST_TOUCH
    window: timedelta = timedelta(minutes=MAX_REPEAT_WINDOW_MINUTES)


@dataclass(frozen=True)
class LinkFacts:
    campaign_id: int
    organisation_id: int
    member_id: int | None


@dataclass
class OpenVisit:
    """A visit as the job works on it (model instances cost more than the counting)."""

    campaign_id: int
    visitor_key: str
    started_at: datetime
    credited_click_id: int
    credited_link_id: int
    credited_at: datetime
    pk: int | None = None


@dataclass(frozen=True)
class PendingClick:
    pk: int
    link_id: int
    time: datetime
    visitor_key: str
    is_bot: bool
    is_member: bool


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def count_new_clicks(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Decide every settled click not decided yet; return how many."""
    before = (now or timezone.now()) - SETTLE
    total = 0
    while True:
        counted = _count_batch(before=before, batch_size=batch_size)
        total += counted
        if counted < batch_size:
            return total


class _Batch:
    def __init__(self, links: dict[int, LinkFacts], rules: dict[int, Rule]) -> None:
        self.links = links
        self.rules = rules
        self.decisions: dict[int, tuple[bool, str]] = {}
        self.deltas: defaultdict[tuple[int, datetime], Counter[str]] = defaultdict(Counter)
        self.new_visits: list[OpenVisit] = []
        self.moved_visits: dict[int, OpenVisit] = {}

    def decide(self, click: PendingClick, visits: dict[tuple[int, str], OpenVisit]) -> None:
        facts = self.links.get(click.link_id)
        if facts is None:
            # Its link was deleted while the click was on its way.
            self.decisions[click.pk] = (False, "")
            return
        delta = self.deltas[(click.link_id, hour_of(click.time))]
        delta["clicks"] += 1
        if click.is_bot or click.is_member:
            reason = NotCounted.BOT if click.is_bot else NotCounted.MEMBER
            self._not_counted(click.pk, reason, delta)
            return
        rule = self.rules.get(facts.organisation_id, Rule())
        key = (facts.campaign_id, click.visitor_key)
        visit = visits.get(key)
        if visit is None or click.time >= visit.started_at + rule.window:
            visits[key] = self._new_visit(click, facts)
            self._counted(click.pk, delta)
        elif rule.attribution == AttributionRule.LAST_TOUCH:
            self._move_credit(visit, click)
            self._counted(click.pk, delta)
        else:
            same_link = visit.credited_link_id == click.link_id
            self._not_counted(
                click.pk, NotCounted.REPEAT if same_link else NotCounted.COLLEAGUE, delta
            )

    def _counted(self, click_pk: int, delta: Counter[str]) -> None:
        self.decisions[click_pk] = (True, "")
        delta["counted"] += 1

    def _not_counted(self, click_pk: int, reason: str, delta: Counter[str]) -> None:
        self.decisions[click_pk] = (False, reason)
        delta[REASON_FIELDS[NotCounted(reason)]] += 1

    def _new_visit(self, click: PendingClick, facts: LinkFacts) -> OpenVisit:
        visit = OpenVisit(
            campaign_id=facts.campaign_id,
            visitor_key=click.visitor_key,
            started_at=click.time,
            credited_click_id=click.pk,
            credited_link_id=click.link_id,
            credited_at=click.time,
        )
        self.new_visits.append(visit)
        return visit

    def _move_credit(self, visit: OpenVisit, click: PendingClick) -> None:
        """Last touch: the visit now counts for this click; the one before loses it."""
        same_link = visit.credited_link_id == click.link_id
        reason = NotCounted.REPEAT if same_link else NotCounted.COLLEAGUE
        self.decisions[visit.credited_click_id] = (False, reason)
        before = self.deltas[(visit.credited_link_id, hour_of(visit.credited_at))]
        before["counted"] -= 1
        before[REASON_FIELDS[reason]] += 1
        visit.credited_click_id = click.pk
        visit.credited_link_id = click.link_id
        visit.credited_at = click.time
        if visit.pk is not None:
            self.moved_visits[visit.pk] = visit


def _count_batch(*, before: datetime, batch_size: int) -> int:
    with transaction.atomic():
        # Runs that overlap take turns here (SQLite's write lock does the same).
        ClickCounting.objects.select_for_update().get_or_create(pk=1)
        clicks = _pending(before=before, batch_size=batch_size)
        if not clicks:
            return 0
        links = _link_facts({click.link_id for click in clicks})
        batch = _Batch(links, _rules({facts.organisation_id for facts in links.values()}))
        visits = _open_visits(clicks, links)
        for click in clicks:
            batch.decide(click, visits)
        _save_decisions(batch.decisions)
        _insert_visits(batch.new_visits)
        _update_visits(batch.moved_visits.values())
        # A last-touch visit may take its credit from a link with no click in this batch.
        links.update(_link_facts({link_id for link_id, _hour in batch.deltas} - links.keys()))
        _add_to_rollups(batch.deltas, links)
        ClickCounting.objects.filter(pk=1).update(last_run_at=timezone.now())
        return len(clicks)


def _pending(*, before: datetime, batch_size: int) -> list[PendingClick]:
    rows = (
        Click.objects.filter(counted__isnull=True, time__lt=before)
        .order_by("time", "id")
        .values_list("id", "link_id", "time", "visitor_key", "is_bot", "is_member")[:batch_size]
    )
    return [PendingClick(*row) for row in rows]


def _link_facts(link_ids: set[int]) -> dict[int, LinkFacts]:
    rows = TrackedLink.objects.filter(pk__in=link_ids).values_list(
        "id", "campaign_id", "organisation_id", "member_id"
    )
    return {
        pk: LinkFacts(campaign, organisation, member) for pk, campaign, organisation, member in rows
    }


def _rules(organisation_ids: set[int]) -> dict[int, Rule]:
    rows = LinkSettings.objects.filter(organisation_id__in=organisation_ids).values_list(
        "organisation_id", "attribution", "repeat_window_minutes"
    )
    return {
        organisation: Rule(attribution=rule, window=timedelta(minutes=minutes))
        for organisation, rule, minutes in rows
    }


def _open_visits(
    clicks: Sequence[PendingClick], links: dict[int, LinkFacts]
) -> dict[tuple[int, str], OpenVisit]:
    """The latest visit of each visitor and campaign in this batch that may still be open."""
    humans = [c for c in clicks if not (c.is_bot or c.is_member) and c.link_id in links]
    if not humans:
        return {}
    since = humans[0].time - timedelta(minutes=MAX_REPEAT_WINDOW_MINUTES)
    campaigns = {links[c.link_id].campaign_id for c in humans}
    keys = {c.visitor_key for c in humans}
    visits: dict[tuple[int, str], OpenVisit] = {}
    for key_chunk in _chunks(sorted(keys), UPDATE_CHUNK):
        rows = (
            Visit.objects.filter(
                campaign_id__in=campaigns, visitor_key__in=key_chunk, started_at__gte=since
            )
            .order_by("started_at", "pk")
            .values_list(
                "campaign_id",
                "visitor_key",
                "started_at",
                "credited_click_id",
                "credited_link_id",
                "credited_at",
                "pk",
            )
        )
        for row in rows:
            visits[(row[0], row[1])] = OpenVisit(*row)
    return visits


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _save_decisions(decisions: dict[int, tuple[bool, str]]) -> None:
    groups: defaultdict[tuple[bool, str], list[int]] = defaultdict(list)
    for pk, decision in decisions.items():
        groups[decision].append(pk)
    with connection.cursor() as cursor:
        for (counted, reason), pks in groups.items():
            for chunk in _chunks(pks, UPDATE_CHUNK):
                cursor.execute(
                    f"UPDATE {_table(Click)} SET counted = %s, not_counted_reason = %s"  # noqa: S608
                    f" WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                    [counted, reason, *chunk],
                )


def _time_adapter() -> Callable[[datetime], Any]:
    """Datetimes as the database takes them (for SQLite, what Django would store)."""
    if connection.vendor == "sqlite":
        return lambda moment: str(moment.astimezone(UTC).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


def _execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, UPDATE_CHUNK):
                cursor.executemany(sql, chunk)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_visits(visits: Sequence[OpenVisit]) -> None:
    adapt = _time_adapter()
    _execute_many(
        f"INSERT INTO {_table(Visit)} (campaign_id, visitor_key, started_at,"  # noqa: S608
        " credited_click_id, credited_link_id, credited_at) VALUES (%s, %s, %s, %s, %s, %s)",
        [
            (
                visit.campaign_id,
                visit.visitor_key,
                adapt(visit.started_at),
                visit.credited_click_id,
                visit.credited_link_id,
                adapt(visit.credited_at),
            )
            for visit in visits
        ],
    )


def _update_visits(visits: Iterable[OpenVisit]) -> None:
    adapt = _time_adapter()
    _execute_many(
        f"UPDATE {_table(Visit)} SET credited_click_id = %s, credited_link_id = %s,"  # noqa: S608
        " credited_at = %s WHERE id = %s",
        [
            (visit.credited_click_id, visit.credited_link_id, adapt(visit.credited_at), visit.pk)
            for visit in visits
        ],
    )


def _upsert_sql(model: type[Model], key: tuple[str, ...]) -> str:
    """Insert a row of counts, or add the counts to the row that has ``key`` already."""
    table = _table(model)
    columns = ", ".join(("link_id", "campaign_id", "member_id", *key[1:], *STAT_FIELDS))
    values = ", ".join(["%s"] * (3 + len(key) - 1 + len(STAT_FIELDS)))
    additions = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in STAT_FIELDS)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 (names only)
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {additions}"
    )


def _add_to_rollups(
    deltas: dict[tuple[int, datetime], Counter[str]], links: dict[int, LinkFacts]
) -> None:
    """Add the batch's counts to the hourly rows and the links' totals."""
    adapt = functools.cache(_time_adapter())
    totals: defaultdict[int, Counter[str]] = defaultdict(Counter)
    hourly = []
    for (link_id, hour), delta in deltas.items():
        if link_id not in links:
            continue
        facts = links[link_id]
        totals[link_id].update(delta)
        hourly.append(
            (
                link_id,
                facts.campaign_id,
                facts.member_id,
                adapt(hour),
                *(delta[field] for field in STAT_FIELDS),
            )
        )
    _execute_many(_upsert_sql(LinkHourlyStats, ("link_id", "hour")), hourly)
    _execute_many(
        _upsert_sql(LinkTotals, ("link_id",)),
        [
            (
                link_id,
                links[link_id].campaign_id,
                links[link_id].member_id,
                *(delta[field] for field in STAT_FIELDS),
            )
            for link_id, delta in totals.items()
        ],
    )
