"""Reads for incentives: programmes, members' earnings, holds and payout files."""

import zoneinfo
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chorus.incentives.models import (
    CapPeriod,
    Entry,
    EntryStatus,
    Participation,
    PayoutBatch,
    Programme,
    ProgrammeState,
)
from chorus.incentives.periods import period_bounds
from chorus.orgs.models import Membership, Organisation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
RECENT_ENTRIES = 50
LEDGER_ENTRIES = 500
# Cells a spreadsheet would read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def programmes_of(*, organisation: Organisation) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation=organisation).annotate(
        joined=Count("participations", filter=Q(participations__left_at__isnull=True)),
        held=Count("entries", filter=Q(entries__status=EntryStatus.HELD)),
    )


def open_programmes(*, organisation: Organisation, now: datetime | None = None) -> list[Programme]:
    moment = now or timezone.now()
    return [
        programme
        for programme in Programme.objects.filter(organisation=organisation).exclude(
            state=ProgrammeState.ENDED
        )
        if programme.is_open(now=moment)
    ]


def joined_programme_ids(*, member: Membership) -> set[int]:
    return set(
        Participation.objects.filter(member=member, left_at__isnull=True).values_list(
            "programme_id", flat=True
        )
    )


def _zone(organisation: Organisation) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(organisation.default_time_zone)


def cents(value: Decimal | None) -> Decimal:
    """A sum as money is written: two places (databases may drop trailing zeros)."""
    return (value or ZERO).quantize(CENT)


def _sum(entries: QuerySet[Entry]) -> Decimal:
    return cents(entries.aggregate(total=Sum("amount"))["total"])


def _credited(entries: QuerySet[Entry]) -> Decimal:
    return _sum(entries.filter(status=EntryStatus.CREDITED))


@dataclass(frozen=True)
class Earnings:
    programme: Programme
    joined: bool
    period: str
    period_start: datetime
    period_end: datetime
    this_period: Decimal
    all_time: Decimal
    held: Decimal
    cap: Decimal | None

    @property
    def cap_percent(self) -> int:
        if not self.cap:
            return 0
        return min(100, int(self.this_period * 100 / self.cap))


def earnings_of(*, member: Membership, now: datetime | None = None) -> list[Earnings]:
    """The member's earnings in each programme they joined or earned in."""
    moment = now or timezone.now()
    joined = joined_programme_ids(member=member)
    earned_in = set(Entry.objects.filter(member=member).values_list("programme_id", flat=True))
    programmes = Programme.objects.filter(
        organisation=member.organisation, pk__in=joined | earned_in
    ).order_by("-created_at", "-pk")
    zone = _zone(member.organisation)
    result = []
    for programme in programmes:
        period = programme.cap_period or CapPeriod.MONTH
        start, end = period_bounds(moment, period=period, zone=zone)
        entries = Entry.objects.filter(programme=programme, member=member)
        result.append(
            Earnings(
                programme=programme,
                joined=programme.pk in joined,
                period=period,
                period_start=start,
                period_end=end,
                this_period=_credited(entries.filter(click_time__gte=start, click_time__lt=end)),
                all_time=_credited(entries),
                held=_sum(entries.filter(status=EntryStatus.HELD)),
                cap=programme.cap_amount,
            )
        )
    return result


def uncredited_of(*, member: Membership, limit: int = RECENT_ENTRIES) -> list[Entry]:
    """The member's recent clicks that earned nothing or wait for review, with reasons."""
    return list(
        Entry.objects.filter(member=member)
        .exclude(status=EntryStatus.CREDITED)
        .select_related("programme", "link__activity", "campaign")[:limit]
    )


@dataclass(frozen=True)
class PeriodTotal:
    start: datetime
    credited: Decimal
    held: Decimal


def ledger_of(
    *, member: Membership, programme: Programme, limit: int = LEDGER_ENTRIES
) -> tuple[list[Entry], list[PeriodTotal]]:
    """A member's entries in a programme, newest first, and the totals of each period."""
    entries = Entry.objects.filter(member=member, programme=programme)
    period = programme.cap_period or CapPeriod.MONTH
    zone = _zone(programme.organisation)
    totals: OrderedDict[datetime, list[Decimal]] = OrderedDict()
    rows = (
        entries.filter(status__in=[EntryStatus.CREDITED, EntryStatus.HELD])
        .order_by("-click_time")
        .values_list("click_time", "status", "amount")
    )
    for moment, status, amount in rows:
        start, _end = period_bounds(moment, period=period, zone=zone)
        sums = totals.setdefault(start, [ZERO, ZERO])
        sums[0 if status == EntryStatus.CREDITED else 1] += amount
    return (
        list(entries.select_related("link__activity", "campaign")[:limit]),
        [
            PeriodTotal(start, cents(credited), cents(held))
            for start, (credited, held) in totals.items()
        ],
    )


def holds_of(*, organisation: Organisation) -> QuerySet[Entry]:
    """Held clicks waiting for review, oldest first."""
    return (
        Entry.objects.filter(programme__organisation=organisation, status=EntryStatus.HELD)
        .select_related("programme", "member__user", "link__activity", "campaign")
        .order_by("click_time", "pk")
    )


@dataclass(frozen=True)
class MemberEarnings:
    member: Membership
    credited: Decimal
    unpaid: Decimal
    held: Decimal
    joined: bool


def members_of(*, programme: Programme) -> list[MemberEarnings]:
    """Everyone who joined or earned in the programme, with their totals."""
    sums: dict[int, tuple[Decimal, Decimal, Decimal]] = {
        member_id: (cents(credited), cents(unpaid), cents(held))
        for member_id, credited, unpaid, held in Entry.objects.filter(programme=programme)
        .values("member_id")
        .annotate(
            credited=Coalesce(Sum("amount", filter=Q(status=EntryStatus.CREDITED)), ZERO),
            unpaid=Coalesce(
                Sum("amount", filter=Q(status=EntryStatus.CREDITED, payout__isnull=True)), ZERO
            ),
            held=Coalesce(Sum("amount", filter=Q(status=EntryStatus.HELD)), ZERO),
        )
        .values_list("member_id", "credited", "unpaid", "held")
    }
    joined = set(
        programme.participations.filter(left_at__isnull=True).values_list("member_id", flat=True)
    )
    members = Membership.objects.filter(pk__in=set(sums) | joined).select_related("user")
    result = [
        MemberEarnings(
            member=member,
            credited=sums.get(member.pk, (ZERO, ZERO, ZERO))[0],
            unpaid=sums.get(member.pk, (ZERO, ZERO, ZERO))[1],
            held=sums.get(member.pk, (ZERO, ZERO, ZERO))[2],
            joined=member.pk in joined,
        )
        for member in members
    ]
    return sorted(result, key=lambda row: (-row.credited, row.member.user.email))


def payouts_of(*, programme: Programme) -> QuerySet[PayoutBatch]:
    return programme.payouts.annotate(
        total=Coalesce(Sum("lines__credited"), ZERO), members=Count("lines")
    ).select_related("created_by__user")


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


PAYOUT_HEADER = ["email", "full_name", "programme", "currency", "credited", "held"]


def payout_rows(*, batch: PayoutBatch) -> list[list[str]]:
    name = batch.programme.name
    return [PAYOUT_HEADER] + [
        [
            safe_cell(line.email),
            safe_cell(line.full_name),
            safe_cell(name),
            safe_cell(line.currency),
            f"{line.credited:.2f}",
            f"{line.held:.2f}",
        ]
        for line in batch.lines.all()
    ]
