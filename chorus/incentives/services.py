"""Writes for incentives: programmes, joining and leaving, reviewing holds, payouts."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.campaigns.models import Campaign
from chorus.incentives.crediting import credited_between
from chorus.incentives.models import (
    MAX_BURST_MINUTES,
    CapPeriod,
    Entry,
    EntryStatus,
    Participation,
    Pause,
    PayoutBatch,
    PayoutLine,
    Programme,
    ProgrammeState,
    Reason,
    Unit,
)
from chorus.incentives.periods import day_bounds, period_bounds
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership
from chorus.orgs.roles import Capability

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000.00")
MAX_BURST_CLICKS = 10_000
ID_CHUNK = 500
# ISO 4217 codes in use (active currencies), so a typo is caught on the form.
_CURRENCY_CODES = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY "
    "KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP "
    "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR "
    "RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
    "TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW "
    "ZWL"
)
CURRENCIES = frozenset(_CURRENCY_CODES.split(" "))


@dataclass(frozen=True, kw_only=True)
class ProgrammeData:
    """What an owner or admin sets for a programme (the form's cleaned data)."""

    name: str
    unit: str
    currency: str
    amount_per_click: Decimal
    cap_amount: Decimal | None
    cap_period: str
    starts_at: datetime
    ends_at: datetime | None
    all_campaigns: bool
    campaigns: list[Campaign]
    burst_clicks: int
    burst_minutes: int
    network_burst_clicks: int
    network_burst_minutes: int


def _state(programme: Programme) -> dict[str, Any]:
    return {
        "name": programme.name,
        "unit": programme.unit,
        "currency": programme.currency,
        "amount_per_click": str(programme.amount_per_click),
        "cap_amount": str(programme.cap_amount) if programme.cap_amount is not None else None,
        "cap_period": programme.cap_period,
        "starts_at": programme.starts_at.isoformat(),
        "ends_at": programme.ends_at.isoformat() if programme.ends_at else None,
        "all_campaigns": programme.all_campaigns,
        "campaigns": sorted(programme.campaigns.values_list("pk", flat=True))
        if programme.pk
        else [],
        "burst": [programme.burst_clicks, programme.burst_minutes],
        "network_burst": [programme.network_burst_clicks, programme.network_burst_minutes],
        "state": programme.state,
    }


def _money(value: Decimal | None, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None:
        return None
    if value != value.quantize(CENT):
        errors.setdefault(field, []).append(_("Use at most two decimal places."))
    elif value <= 0:
        errors.setdefault(field, []).append(_("Give an amount above zero."))
    elif value >= MAX_AMOUNT:
        errors.setdefault(field, []).append(_("Give an amount below one million."))
    return value.quantize(CENT)


def _check(data: ProgrammeData, *, by: Membership) -> dict[str, Any]:
    """The programme's fields, checked; a ValidationError names every field in error."""
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = [_("Give the programme a name.")]
    if data.unit not in Unit.values:
        errors["unit"] = [_("Choose points or money.")]
    currency = data.currency.strip().upper()
    if data.unit == Unit.MONEY and currency not in CURRENCIES:
        errors["currency"] = [_("Give a currency code such as USD or EUR (ISO 4217).")]
    if data.unit == Unit.POINTS:
        currency = ""
    amount = _money(data.amount_per_click, "amount_per_click", errors)
    cap = _money(data.cap_amount, "cap_amount", errors)
    if (cap is None) != (not data.cap_period):
        errors.setdefault("cap_amount", []).append(_("Give both a cap and its period, or neither."))
    elif data.cap_period and data.cap_period not in CapPeriod.values:
        errors["cap_period"] = [_("Choose day, week or month.")]
    elif cap is not None and amount is not None and cap < amount and "cap_amount" not in errors:
        errors["cap_amount"] = [_("The cap must be at least the amount per click.")]
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    campaigns = list(data.campaigns)
    if not data.all_campaigns and not campaigns:
        errors["campaigns"] = [_("Choose at least one campaign, or all campaigns.")]
    if any(campaign.organisation_id != by.organisation_id for campaign in campaigns):
        errors["campaigns"] = [_("Choose campaigns of your organisation.")]
    for field, value, top in (
        ("burst_clicks", data.burst_clicks, MAX_BURST_CLICKS),
        ("burst_minutes", data.burst_minutes, MAX_BURST_MINUTES),
        ("network_burst_clicks", data.network_burst_clicks, MAX_BURST_CLICKS),
        ("network_burst_minutes", data.network_burst_minutes, MAX_BURST_MINUTES),
    ):
        if not 1 <= value <= top:
            errors[field] = [_("Give a number from 1 to %(top)d.") % {"top": top}]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "unit": data.unit,
        "currency": currency,
        "amount_per_click": amount,
        "cap_amount": cap,
        "cap_period": data.cap_period,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "all_campaigns": data.all_campaigns,
        "burst_clicks": data.burst_clicks,
        "burst_minutes": data.burst_minutes,
        "network_burst_clicks": data.network_burst_clicks,
        "network_burst_minutes": data.network_burst_minutes,
    }


def create_programme(
    *, by: Membership, data: ProgrammeData, now: datetime | None = None
) -> Programme:
    check_capability(by, Capability.MANAGE_SETTINGS)
    fields = _check(data, by=by)
    moment = now or timezone.now()
    with transaction.atomic():
        programme = Programme.objects.create(
            organisation=by.organisation,
            created_by=by,
            created_at=moment,
            updated_at=moment,
            **fields,
        )
        programme.campaigns.set([] if data.all_campaigns else data.campaigns)
        record_member_action(
            by, AuditAction.INCENTIVE_PROGRAMME_CREATED, programme, after=_state(programme)
        )
    return programme


def update_programme(
    *, by: Membership, programme: Programme, data: ProgrammeData, now: datetime | None = None
) -> Programme:
    """Change a programme; its unit and currency stay once anything was earned in it."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    _check_own(by, programme)
    fields = _check(data, by=by)
    if programme.state == ProgrammeState.ENDED:
        raise ValidationError(_("This programme has ended and can no longer be changed."))
    if programme.entries.exists():
        if fields["unit"] != programme.unit:
            raise ValidationError({"unit": _("Clicks were credited already: the unit stays.")})
        if fields["currency"] != programme.currency:
            raise ValidationError(
                {"currency": _("Clicks were credited already: the currency stays.")}
            )
    before = _state(programme)
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.updated_at = now or timezone.now()
    with transaction.atomic():
        programme.save()
        programme.campaigns.set([] if data.all_campaigns else data.campaigns)
        after = _state(programme)
        if after != before:
            record_member_action(
                by, AuditAction.INCENTIVE_PROGRAMME_UPDATED, programme, before=before, after=after
            )
    return programme


def _check_own(by: Membership, programme: Programme) -> None:
    if programme.organisation_id != by.organisation_id:
        raise ValidationError(_("This programme belongs to another organisation."))


def pause_programme(
    *, by: Membership, programme: Programme, now: datetime | None = None
) -> Programme:
    """Clicks from now until it resumes earn nothing."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    _check_own(by, programme)
    if programme.state != ProgrammeState.ACTIVE:
        raise ValidationError(_("Only a running programme can be paused."))
    moment = now or timezone.now()
    with transaction.atomic():
        Pause.objects.create(programme=programme, started_at=moment)
        programme.state = ProgrammeState.PAUSED
        programme.updated_at = moment
        programme.save(update_fields=["state", "updated_at"])
        record_member_action(
            by, AuditAction.INCENTIVE_PROGRAMME_PAUSED, programme, after={"at": moment.isoformat()}
        )
    return programme


def resume_programme(
    *, by: Membership, programme: Programme, now: datetime | None = None
) -> Programme:
    check_capability(by, Capability.MANAGE_SETTINGS)
    _check_own(by, programme)
    if programme.state != ProgrammeState.PAUSED:
        raise ValidationError(_("Only a paused programme can be resumed."))
    moment = now or timezone.now()
    with transaction.atomic():
        programme.pauses.filter(ended_at__isnull=True).update(ended_at=moment)
        programme.state = ProgrammeState.ACTIVE
        programme.updated_at = moment
        programme.save(update_fields=["state", "updated_at"])
        record_member_action(
            by,
            AuditAction.INCENTIVE_PROGRAMME_RESUMED,
            programme,
            after={"at": moment.isoformat()},
        )
    return programme


def end_programme(
    *, by: Membership, programme: Programme, now: datetime | None = None
) -> Programme:
    """Clicks from now on earn nothing; what was earned stays, held clicks can be reviewed."""
    check_capability(by, Capability.MANAGE_SETTINGS)
    _check_own(by, programme)
    if programme.state == ProgrammeState.ENDED:
        raise ValidationError(_("This programme has ended already."))
    moment = now or timezone.now()
    before = _state(programme)
    with transaction.atomic():
        programme.pauses.filter(ended_at__isnull=True).update(ended_at=moment)
        programme.state = ProgrammeState.ENDED
        if programme.ends_at is None or programme.ends_at > moment:
            programme.ends_at = moment
        programme.updated_at = moment
        programme.save(update_fields=["state", "ends_at", "updated_at"])
        record_member_action(
            by,
            AuditAction.INCENTIVE_PROGRAMME_ENDED,
            programme,
            before=before,
            after=_state(programme),
        )
    return programme


# Joining and leaving


def join_programme(
    *, member: Membership, programme: Programme, now: datetime | None = None
) -> Participation:
    """The member's explicit choice to earn for their clicks from now on."""
    _check_own(member, programme)
    moment = now or timezone.now()
    if not programme.is_open(now=moment):
        raise ValidationError(_("This programme has ended."))
    existing = Participation.objects.filter(
        programme=programme, member=member, left_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                programme=programme, member=member, joined_at=moment
            )
            record_member_action(
                member,
                AuditAction.INCENTIVE_JOINED,
                programme,
                after={"member": member.pk, "at": moment.isoformat()},
            )
    except IntegrityError:
        # Joined in another request at the same moment.
        return Participation.objects.get(programme=programme, member=member, left_at__isnull=True)
    return participation


def leave_programme(
    *, member: Membership, programme: Programme, now: datetime | None = None
) -> None:
    """Clicks from now on earn nothing; what was earned stays."""
    _check_own(member, programme)
    moment = now or timezone.now()
    with transaction.atomic():
        left = Participation.objects.filter(
            programme=programme, member=member, left_at__isnull=True
        ).update(left_at=moment)
        if left:
            record_member_action(
                member,
                AuditAction.INCENTIVE_LEFT,
                programme,
                after={"member": member.pk, "at": moment.isoformat()},
            )


# Reviewing holds


def _held(by: Membership, entry: Entry) -> None:
    check_capability(by, Capability.MANAGE_SETTINGS)
    if entry.programme.organisation_id != by.organisation_id:
        raise ValidationError(_("This click belongs to another organisation."))
    if entry.status != EntryStatus.HELD:
        raise ValidationError(_("This click was reviewed already."))


def _entry_state(entry: Entry) -> dict[str, Any]:
    return {
        "click": entry.click_id,
        "member": entry.member_id,
        "status": entry.status,
        "reason": entry.reason,
        "amount": str(entry.amount),
        "note": entry.review_note,
    }


def release_hold(*, by: Membership, entry: Entry, now: datetime | None = None) -> Entry:
    """Credit a held click, if it still fits the member's cap of the click's period."""
    _held(by, entry)
    programme = entry.programme
    with transaction.atomic():
        # Locks the entry: two reviewers releasing at once cannot both credit.
        entry = Entry.objects.select_for_update().select_related("programme").get(pk=entry.pk)
        if entry.status != EntryStatus.HELD:
            raise ValidationError(_("This click was reviewed already."))
        before = _entry_state(entry)
        if _fits_cap(programme, entry):
            entry.status = EntryStatus.CREDITED
        else:
            entry.status = EntryStatus.NOT_CREDITED
            entry.amount = Decimal("0.00")
            entry.review_note = str(Reason.OVER_CAP.label)
        entry.reviewed_by = by
        entry.reviewed_at = now or timezone.now()
        entry.save()
        record_member_action(
            by, AuditAction.INCENTIVE_HOLD_RELEASED, entry, before=before, after=_entry_state(entry)
        )
    return entry


def _fits_cap(programme: Programme, entry: Entry) -> bool:
    if programme.cap_amount is None or not programme.cap_period:
        return True
    zone = zoneinfo.ZoneInfo(programme.organisation.default_time_zone)
    start, end = period_bounds(entry.click_time, period=programme.cap_period, zone=zone)
    credited = credited_between(
        programme=programme, member_id=entry.member_id, start=start, end=end
    )
    return credited + entry.amount <= programme.cap_amount


def reject_hold(*, by: Membership, entry: Entry, reason: str, now: datetime | None = None) -> Entry:
    """Refuse a held click; the member sees ``reason``."""
    _held(by, entry)
    note = reason.strip()
    if not note:
        raise ValidationError({"reason": _("Say why, in words the employee will see.")})
    if len(note) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != EntryStatus.HELD:
            raise ValidationError(_("This click was reviewed already."))
        before = _entry_state(entry)
        entry.status = EntryStatus.REJECTED
        entry.amount = Decimal("0.00")
        entry.review_note = note
        entry.reviewed_by = by
        entry.reviewed_at = now or timezone.now()
        entry.save()
        record_member_action(
            by, AuditAction.INCENTIVE_HOLD_REJECTED, entry, before=before, after=_entry_state(entry)
        )
    return entry


# Payouts


def export_payout(
    *,
    by: Membership,
    programme: Programme,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
) -> PayoutBatch:
    """Pay out every credited click up to the end of the period not paid before.

    Clicks released after an earlier export of their period are paid with this one.
    Held clicks are listed (not paid) so payroll sees what may follow.
    """
    check_capability(by, Capability.MANAGE_SETTINGS)
    _check_own(by, programme)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period must end on or after its start.")})
    zone = zoneinfo.ZoneInfo(programme.organisation.default_time_zone)
    _start, end = day_bounds(period_start, period_end, zone=zone)
    with transaction.atomic():
        # Locks the programme: two exports at once cannot both take the same entries.
        Programme.objects.select_for_update().get(pk=programme.pk)
        # Read once and marked by id: entries credited or released meanwhile wait for the
        # next export instead of being marked paid without being in this file.
        payable = list(
            Entry.objects.select_for_update()
            .filter(
                programme=programme,
                status=EntryStatus.CREDITED,
                payout__isnull=True,
                click_time__lt=end,
            )
            .values_list("pk", "member_id", "amount")
        )
        credited_by_member: dict[int, Decimal] = defaultdict(Decimal)
        for _pk, member_id, amount in payable:
            credited_by_member[member_id] += amount
        held = Entry.objects.filter(
            programme=programme, status=EntryStatus.HELD, click_time__lt=end
        )
        held_by_member = dict(
            held.values("member_id").annotate(total=Sum("amount")).values_list("member_id", "total")
        )
        if not credited_by_member and not held_by_member:
            raise ValidationError(_("Nothing to pay out for this period."))
        batch = PayoutBatch.objects.create(
            programme=programme,
            period_start=period_start,
            period_end=period_end,
            created_by=by,
            created_at=now or timezone.now(),
        )
        ids = [pk for pk, _member_id, _amount in payable]
        for start in range(0, len(ids), ID_CHUNK):
            Entry.objects.filter(pk__in=ids[start : start + ID_CHUNK]).update(payout=batch)
        members = Membership.objects.filter(
            pk__in=set(credited_by_member) | set(held_by_member)
        ).select_related("user")
        PayoutLine.objects.bulk_create(
            PayoutLine(
                batch=batch,
                member=member,
                email=member.user.email,
                full_name=member.user.full_name,
                currency=programme.currency or "points",
                credited=credited_by_member.get(member.pk) or Decimal("0.00"),
                held=held_by_member.get(member.pk) or Decimal("0.00"),
            )
            for member in members
        )
        record_member_action(
            by,
            AuditAction.INCENTIVE_PAYOUT_EXPORTED,
            batch,
            after={
                "period": [period_start.isoformat(), period_end.isoformat()],
                "members": len(credited_by_member),
                "credited": str(sum(credited_by_member.values(), Decimal("0.00"))),
            },
        )
    return batch


def record_payout_download(*, by: Membership, batch: PayoutBatch) -> None:
    check_capability(by, Capability.MANAGE_SETTINGS)
    record_member_action(by, AuditAction.INCENTIVE_PAYOUT_DOWNLOADED, batch)
