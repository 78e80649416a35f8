"""The pages: my earnings with reasons, programme management, the hold queue, the payout file."""

from datetime import timedelta
from decimal import Decimal

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.incentives import services
from chorus.incentives.models import (
    CapPeriod,
    Entry,
    EntryStatus,
    Participation,
    PayoutBatch,
    Programme,
)
from chorus.incentives.tests.conftest import (
    T0,
    click_row,
    count_and_credit,
    make_programme,
    store_clicks,
)

pytestmark = pytest.mark.django_db(transaction=True)

CURL = "curl/8.5.0"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def clicks(employee, joined, link):
    """Erin's clicks: one credited, one by a program, one held by her own signed-in click."""
    store_clicks(
        click_row(link, at=T0, address="198.51.100.1"),
        click_row(link, at=T0 + timedelta(minutes=1), address="198.51.100.2", user_agent=CURL),
        click_row(link, at=T0 + timedelta(minutes=2), address="203.0.113.9", clicker=employee),
    )
    count_and_credit(now=T0 + timedelta(hours=1))


def test_my_earnings_show_totals_and_why_clicks_did_not_earn(login, employee, clicks):
    html = page(login(employee), "/o/acme/incentives/")

    assert "Spring clicks" in html
    assert "All time</dt><dd>1.00 USD" in html
    assert "Held for review</dt><dd>1.00 USD" in html
    assert "A link-preview fetcher or crawler, not a person" in html
    assert "Your own click on your link" in html
    assert "203.0.113" not in html


def test_a_rejected_clicks_reason_reaches_the_employee(login, admin, employee, clicks):
    entry = Entry.objects.get(status=EntryStatus.HELD)
    response = login(admin).post(
        f"/o/acme/incentives/holds/{entry.pk}/reject/", {"reason": "Clicking your own link"}
    )
    assert response.status_code == 302

    assert "Rejected after review: Clicking your own link" in page(
        login(employee), "/o/acme/incentives/"
    )


def test_the_hold_queue_shows_the_rule_and_its_evidence_and_releases(login, admin, clicks):
    client = login(admin)
    html = page(client, "/o/acme/incentives/holds/")

    assert "Your own click on your link" in html
    assert "Clicked by the employee while signed in to Chorus" in html
    entry = Entry.objects.get(status=EntryStatus.HELD)
    client.post(f"/o/acme/incentives/holds/{entry.pk}/release/")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CREDITED
    assert "No click waits for review." in page(client, "/o/acme/incentives/holds/")


def test_a_reject_without_a_reason_changes_nothing(login, admin, clicks):
    entry = Entry.objects.get(status=EntryStatus.HELD)

    login(admin).post(f"/o/acme/incentives/holds/{entry.pk}/reject/", {"reason": ""})

    entry.refresh_from_db()
    assert entry.status == EntryStatus.HELD


def test_members_join_and_leave_from_their_page(login, employee, programme):
    client = login(employee)
    assert "Join" in page(client, "/o/acme/incentives/")

    client.post(f"/o/acme/incentives/programmes/{programme.pk}/join/")
    assert Participation.objects.filter(member=employee, left_at__isnull=True).exists()
    client.post(f"/o/acme/incentives/programmes/{programme.pk}/leave/")
    assert not Participation.objects.filter(member=employee, left_at__isnull=True).exists()


def test_admins_create_a_programme_with_the_form_and_see_field_errors(login, admin):
    client = login(admin)
    fields = {
        "name": "Clicks pay",
        "unit": "money",
        "currency": "EUR",
        "amount_per_click": "0.50",
        "cap_amount": "20",
        "cap_period": "month",
        "starts_on": "2026-03-01",
        "all_campaigns": "on",
        "burst_clicks": "5",
        "burst_minutes": "10",
        "network_burst_clicks": "20",
        "network_burst_minutes": "10",
    }

    bad = client.post("/o/acme/incentives/programmes/new/", {**fields, "currency": "XYZ"})
    assert bad.status_code == 200
    assert "Give a currency code such as USD or EUR (ISO 4217)." in bad.content.decode()
    assert not Programme.objects.exists()
    good = client.post("/o/acme/incentives/programmes/new/", fields)
    programme = Programme.objects.get()
    assert good["Location"] == f"/o/acme/incentives/programmes/{programme.pk}/"
    assert "0.50 EUR" in page(client, good["Location"])


def test_the_payout_export_downloads_and_can_be_downloaded_again(login, admin, employee, clicks):
    client = login(admin)
    programme = Programme.objects.get()

    response = client.post(
        f"/o/acme/incentives/programmes/{programme.pk}/payouts/",
        {"period_start": "2026-03-01", "period_end": "2026-03-31"},
    )
    batch = PayoutBatch.objects.get()
    assert response["Location"] == f"/o/acme/incentives/payouts/{batch.pk}/"
    first = client.get(response["Location"])
    again = client.get(response["Location"])

    assert first["Content-Type"] == "text/csv; charset=utf-8"
    assert first.content == again.content
    assert b"erin.employee@acme.test,Erin Employee,Spring clicks,USD,1.00,1.00" in first.content
    assert AuditEvent.objects.filter(action=AuditAction.INCENTIVE_PAYOUT_DOWNLOADED).count() == 2
    ledger = page(client, f"/o/acme/incentives/programmes/{programme.pk}/members/{employee.pk}/")
    assert "Paid out" in ledger
    assert "Download again" in page(client, f"/o/acme/incentives/programmes/{programme.pk}/")


def test_pausing_resuming_and_ending_from_the_programme_page(login, admin, programme):
    client = login(admin)
    path = f"/o/acme/incentives/programmes/{programme.pk}/"

    client.post(path + "pause/")
    assert "Resume" in page(client, path)
    client.post(path + "resume/")
    client.post(path + "end/")

    programme.refresh_from_db()
    assert programme.state == "ended"
    assert path + "edit/" not in page(client, path)
    assert client.post(path + "end/")["Location"] == path


def test_employees_cannot_manage_and_see_no_other_organisations_programmes(
    login, employee, outsider, programme
):
    foreign = make_programme(outsider, name="Globex bonus")
    client = login(employee)

    assert client.get("/o/acme/incentives/programmes/").status_code == 403
    assert client.get("/o/acme/incentives/holds/").status_code == 403
    assert "Globex bonus" not in page(client, "/o/acme/incentives/")
    assert client.post(f"/o/acme/incentives/programmes/{foreign.pk}/join/").status_code == 404
    assert not Participation.objects.exists()


def test_the_nav_links_to_earnings(login, employee):
    assert 'href="/o/acme/incentives/"' in page(login(employee), "/o/acme/")


def test_an_ended_programme_is_offered_to_nobody(login, admin, employee, programme):
    services.end_programme(by=admin, programme=programme)

    assert "no incentive programme" in page(login(employee), "/o/acme/incentives/")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "at most 10.00 USD per week"), ("de", "höchstens 10,00 USD pro Woche")],
)
def test_the_cap_reads_as_a_sentence_in_the_members_language(
    login, admin, employee, language, expected
):
    make_programme(admin, cap_amount=Decimal("10.00"), cap_period=CapPeriod.WEEK)
    employee.user.language = language
    employee.user.save(update_fields=["language"])

    assert expected in page(login(employee), "/o/acme/incentives/")
