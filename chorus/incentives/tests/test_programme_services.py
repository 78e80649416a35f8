"""Programmes: validated fields with clear errors, audited changes, pausing and ending."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.incentives import services
from chorus.incentives.forms import ProgrammeForm
from chorus.incentives.models import Pause, ProgrammeState, Unit
from chorus.incentives.tests.conftest import T0, make_programme, programme_data
from chorus.links.tests.conftest import make_share_activity

pytestmark = pytest.mark.django_db


def errors_of(admin, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        services.create_programme(by=admin, data=programme_data(**changes))
    return error.value.message_dict


def test_a_money_programme_keeps_exact_amounts_and_is_audited(admin):
    programme = make_programme(
        admin, currency="usd", cap_amount=Decimal("25.50"), cap_period="week"
    )

    programme.refresh_from_db()
    assert (programme.currency, programme.amount_per_click, programme.cap_amount) == (
        "USD",
        Decimal("1.00"),
        Decimal("25.50"),
    )
    event = AuditEvent.objects.get(action=AuditAction.INCENTIVE_PROGRAMME_CREATED)
    assert (event.after or {})["amount_per_click"] == "1.00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"amount_per_click": Decimal("0.00")}, "amount_per_click"),
        ({"amount_per_click": Decimal("0.005")}, "amount_per_click"),
        ({"cap_amount": Decimal("10.00")}, "cap_amount"),
        ({"cap_amount": Decimal("0.50"), "cap_period": "day"}, "cap_amount"),
        ({"cap_period": "day"}, "cap_amount"),
        ({"ends_at": T0 - timedelta(days=50)}, "ends_at"),
        ({"all_campaigns": False}, "campaigns"),
        ({"burst_clicks": 0}, "burst_clicks"),
        ({"network_burst_minutes": 61}, "network_burst_minutes"),
    ],
)
def test_bad_fields_get_errors_on_those_fields(admin, changes, field):
    assert field in errors_of(admin, **changes)


def test_points_need_no_currency(admin):
    programme = make_programme(admin, unit=Unit.POINTS, currency="EUR")

    assert (programme.unit, programme.currency, programme.unit_label) == ("points", "", "points")


def test_campaigns_of_another_organisation_are_refused(admin, other_organisation):
    foreign = make_share_activity(other_organisation).campaign

    assert "campaigns" in errors_of(admin, all_campaigns=False, campaigns=[foreign])


def test_the_form_turns_days_into_the_organisations_midnights(admin, organisation):
    organisation.default_time_zone = "Europe/Berlin"
    organisation.save()
    form = ProgrammeForm(
        {
            "name": "Points",
            "unit": "points",
            "amount_per_click": "2",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "all_campaigns": "on",
            "burst_clicks": "5",
            "burst_minutes": "10",
            "network_burst_clicks": "20",
            "network_burst_minutes": "10",
        },
        organisation=organisation,
    )

    assert form.is_valid(), form.errors
    data = form.to_data()
    assert data.starts_at.isoformat() == "2026-03-01T00:00:00+01:00"
    # The last day is included: the programme ends at the next midnight.
    assert data.ends_at is not None
    assert data.ends_at.isoformat() == "2026-04-01T00:00:00+02:00"


def test_the_form_refuses_an_end_before_the_start(organisation):
    form = ProgrammeForm(
        {"starts_on": date(2026, 3, 2), "ends_on": date(2026, 3, 1)}, organisation=organisation
    )

    assert not form.is_valid()
    assert "ends_on" in form.errors
    assert "amount_per_click" in form.errors


def test_only_owners_and_admins_run_programmes(content_manager, employee):
    for member in (content_manager, employee):
        with pytest.raises(PermissionDenied):
            services.create_programme(by=member, data=programme_data())


def test_changing_is_audited_and_the_unit_stays_once_clicks_were_credited(admin, programme):
    services.update_programme(
        by=admin, programme=programme, data=programme_data(name="Summer clicks")
    )

    event = AuditEvent.objects.get(action=AuditAction.INCENTIVE_PROGRAMME_UPDATED)
    assert ((event.before or {})["name"], (event.after or {})["name"]) == (
        "Spring clicks",
        "Summer clicks",
    )
    programme.entries.create(
        member=admin, click_id=1, click_time=T0, status="credited", amount=Decimal("1.00")
    )
    with pytest.raises(ValidationError) as error:
        services.update_programme(
            by=admin, programme=programme, data=programme_data(currency="EUR")
        )
    assert "currency" in error.value.message_dict


def test_pausing_resuming_and_ending(admin, programme):
    services.pause_programme(by=admin, programme=programme, now=T0)
    with pytest.raises(ValidationError):
        services.pause_programme(by=admin, programme=programme)
    services.resume_programme(by=admin, programme=programme, now=T0 + timedelta(hours=1))
    services.end_programme(by=admin, programme=programme, now=T0 + timedelta(hours=2))

    programme.refresh_from_db()
    assert programme.state == ProgrammeState.ENDED
    assert programme.ends_at == T0 + timedelta(hours=2)
    assert list(Pause.objects.values_list("started_at", "ended_at")) == [
        (T0, T0 + timedelta(hours=1))
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.INCENTIVE_PROGRAMME_PAUSED,
        AuditAction.INCENTIVE_PROGRAMME_RESUMED,
        AuditAction.INCENTIVE_PROGRAMME_ENDED,
    } <= actions
    with pytest.raises(ValidationError):
        services.join_programme(member=admin, programme=programme, now=T0 + timedelta(hours=3))
    with pytest.raises(ValidationError):
        services.update_programme(by=admin, programme=programme, data=programme_data())


def test_joining_and_leaving_are_the_members_own_audited_choice(employee, programme):
    first = services.join_programme(member=employee, programme=programme, now=T0)
    again = services.join_programme(member=employee, programme=programme, now=T0)
    services.leave_programme(member=employee, programme=programme, now=T0 + timedelta(days=1))

    assert first == again
    first.refresh_from_db()
    assert first.left_at == T0 + timedelta(days=1)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == [AuditAction.INCENTIVE_JOINED, AuditAction.INCENTIVE_LEFT]


def test_a_member_cannot_join_another_organisations_programme(outsider, programme):
    with pytest.raises(ValidationError):
        services.join_programme(member=outsider, programme=programme)
