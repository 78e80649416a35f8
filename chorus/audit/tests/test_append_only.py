"""Audit events can be written once and never changed or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction

from chorus.audit.actions import AuditAction
from chorus.audit.models import AppendOnlyError, AuditEvent
from chorus.audit.services import record_event


@pytest.fixture
def audit_event(admin, organisation) -> AuditEvent:
    return record_event(
        organisation=organisation,
        actor=admin.user,
        action=AuditAction.TEAM_CREATED,
        after={"name": "Sales"},
    )


def stored(audit_event: AuditEvent) -> tuple[object, ...]:
    return AuditEvent.objects.values_list("action", "actor_email", "after").get(pk=audit_event.pk)


def test_new_events_can_be_written(audit_event):
    assert stored(audit_event) == ("team.created", "adam.admin@acme.test", {"name": "Sales"})


def test_saving_an_existing_event_is_refused(audit_event):
    audit_event.action = AuditAction.TEAM_DELETED

    with pytest.raises(AppendOnlyError):
        audit_event.save()

    assert stored(audit_event)[0] == "team.created"


def test_deleting_an_event_is_refused(audit_event):
    with pytest.raises(AppendOnlyError):
        audit_event.delete()

    assert AuditEvent.objects.filter(pk=audit_event.pk).exists()


def test_queryset_update_is_refused(audit_event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=audit_event.pk).update(actor_email="someone@else.test")

    assert stored(audit_event)[1] == "adam.admin@acme.test"


def test_queryset_delete_is_refused(audit_event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=audit_event.pk).exists()


def test_bulk_update_is_refused(audit_event):
    audit_event.actor_email = "someone@else.test"

    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([audit_event], ["actor_email"])

    assert stored(audit_event)[1] == "adam.admin@acme.test"


@pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="triggers exist for these only"
)
def test_database_refuses_a_raw_update(audit_event):
    table = AuditEvent._meta.db_table

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET actor_email = %s WHERE id = %s",  # noqa: S608
            ["someone@else.test", audit_event.pk],
        )

    assert stored(audit_event)[1] == "adam.admin@acme.test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite refuses deletes in code only")
def test_database_refuses_a_raw_delete(audit_event):
    table = AuditEvent._meta.db_table

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [audit_event.pk])  # noqa: S608

    assert AuditEvent.objects.filter(pk=audit_event.pk).exists()


def test_removing_the_actors_account_keeps_the_event(audit_event, admin):
    admin.user.delete()

    audit_event = AuditEvent.objects.get(pk=audit_event.pk)
    assert audit_event.actor is None
    assert stored(audit_event) == ("team.created", "adam.admin@acme.test", {"name": "Sales"})


@pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="triggers exist for these only"
)
def test_unlinking_the_actor_cannot_smuggle_in_another_change(audit_event):
    table = AuditEvent._meta.db_table

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET actor_id = NULL, action = %s WHERE id = %s",  # noqa: S608
            ["team.deleted", audit_event.pk],
        )

    assert stored(audit_event)[0] == "team.created"
    assert AuditEvent.objects.get(pk=audit_event.pk).actor_id is not None
