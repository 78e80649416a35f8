import csv
import io
from datetime import UTC, datetime

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.conftest import make_member
from chorus.orgs import services
from chorus.orgs.roles import Role

HEADER = ["time", "actor", "action", "object_type", "object_id", "object", "before", "after"]


@pytest.fixture
def export_url(organisation):
    return f"/o/{organisation.slug}/audit/export.csv"


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_export_has_a_header_and_every_event(admin, employee, organisation, login, export_url):
    services.change_member_role(by=admin, member=employee, role=Role.REVIEWER)
    role_event = AuditEvent.objects.get()

    response = login(admin).get(export_url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-acme-')
    header, *rows = rows_of(response)
    assert header == HEADER
    # The export records itself first, so it is the newest row.
    assert [row[2] for row in rows] == ["audit.exported", "member.role_changed"]
    assert rows[1] == [
        role_event.created_at.isoformat(),
        "adam.admin@acme.test",
        "member.role_changed",
        "membership",
        str(employee.pk),
        "Erin Employee @ Acme Ltd",
        '{"role": "employee"}',
        '{"role": "reviewer"}',
    ]


def test_export_applies_the_filters(admin, owner, organisation, login, export_url):
    march = datetime(2026, 3, 10, tzinfo=UTC)
    for actor, action, at in [
        (owner, AuditAction.TEAM_DELETED, march),
        (admin, AuditAction.TEAM_DELETED, march),
        (owner, AuditAction.TEAM_CREATED, march),
        (owner, AuditAction.TEAM_DELETED, march.replace(month=5)),
    ]:
        AuditEvent.objects.create(
            organisation=organisation,
            actor=actor.user,
            actor_email=actor.user.email,
            action=action,
            created_at=at,
            object_repr=f"{actor.role} {action} {at:%m}",
        )

    response = login(admin).get(
        export_url,
        {"actor": "olivia", "action": "team.deleted", "since": "2026-03-01", "until": "2026-03-31"},
    )

    _header, *rows = rows_of(response)
    assert [row[5] for row in rows] == ["owner team.deleted 03"]


def test_export_is_itself_audited(admin, organisation, login, export_url):
    rows_of(login(admin).get(export_url, {"action": "team.created", "actor": " adam "}))

    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_LOG_EXPORTED)
    assert exported.actor == admin.user
    assert exported.organisation == organisation
    assert exported.after == {"filters": {"actor": "adam", "action": "team.created"}}


def test_export_holds_only_this_organisations_events(admin, outsider, login, export_url):
    services.create_team(by=outsider, name="Globex secret team")

    _header, *rows = rows_of(login(admin).get(export_url))

    assert "Globex secret team" not in str(rows)
    assert [row[2] for row in rows] == ["audit.exported"]


@pytest.mark.parametrize("formula", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_spreadsheet_formulas_in_names_are_neutralised(
    formula, admin, organisation, login, export_url
):
    AuditEvent.objects.create(
        organisation=organisation,
        action=AuditAction.TEAM_CREATED,
        object_repr=formula,
        after={"name": formula},
    )

    _header, *rows = rows_of(login(admin).get(export_url))

    cell = next(row[5] for row in rows if row[2] == "team.created")
    assert cell == "'" + formula
    assert all(
        not value.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for value in row
    )


def test_spreadsheet_formulas_in_actor_addresses_are_neutralised(
    admin, organisation, login, export_url
):
    # Valid addresses can start with a formula character.
    sneaky = make_member(organisation, Role.ADMIN, "=cmd|'/Ccalc'!A0@evil.test")
    services.create_team(by=sneaky, name="Harmless")

    _header, *rows = rows_of(login(admin).get(export_url))

    actors = {row[1] for row in rows}
    assert "'=cmd|'/ccalc'!a0@evil.test" in actors
    assert not any(actor.startswith("=") for actor in actors)


def test_team_created_through_the_ui_with_a_formula_name_is_neutralised(
    admin, login, organisation, export_url
):
    client = login(admin)
    client.post(f"/o/{organisation.slug}/teams/", {"name": '=HYPERLINK("http://evil.example")'})

    _header, *rows = rows_of(client.get(export_url))

    created = next(row for row in rows if row[2] == "team.created")
    assert created[5] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    "role", [Role.CONTENT_MANAGER, Role.REVIEWER, Role.RESPONDER, Role.EMPLOYEE]
)
def test_other_roles_cannot_export(role, cast, login, export_url):
    response = login(cast[role]).get(export_url)

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_mistyped_filter_exports_nothing_and_says_why(admin, login):
    client = login(admin)
    before = AuditEvent.objects.count()

    response = client.get(
        "/o/acme/audit/export.csv", {"since": "2026-05-02", "until": "2026-05-01"}, follow=True
    )

    assert response.redirect_chain[-1][0].startswith("/o/acme/audit/?")
    assert "Correct the filter before exporting." in response.content.decode()
    assert AuditEvent.objects.count() == before
