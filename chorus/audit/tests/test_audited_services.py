"""Every administrative service leaves an audit event saying who did what to what."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs import services
from chorus.orgs.models import Invitation, Membership
from chorus.orgs.roles import Role


@dataclass(frozen=True)
class Case:
    action: AuditAction
    run: Callable[[dict[str, Any]], Any]
    actor: str
    target: Callable[[dict[str, Any]], Any]
    before: Any
    after: Any


def _invite(w: dict[str, Any]) -> Invitation:
    return services.invite_member(
        by=w["admin"], email="nora@example.com", role=Role.REVIEWER, teams=[w["teams"]["Sales"]]
    )


def _accept(w: dict[str, Any]) -> Membership:
    invitation = _invite(w)
    return services.accept_invitation_as_new_user(
        token=services.invitation_token(invitation),
        full_name="Nora",
        password="a long and unusual passphrase 42",
        language="en",
        time_zone="UTC",
    )


def _deactivated(w: dict[str, Any]) -> Membership:
    services.deactivate_member(by=w["admin"], member=w["employee"])
    return services.reactivate_member(by=w["admin"], member=w["employee"])


CASES = [
    Case(
        AuditAction.ORGANISATION_UPDATED,
        lambda w: services.update_organisation(
            by=w["owner"], name="Acme Europe", default_language="de", default_time_zone="UTC"
        ),
        "owner",
        lambda w: w["organisation"],
        {"name": "Acme Ltd", "default_language": "en", "default_time_zone": "UTC"},
        {"name": "Acme Europe", "default_language": "de", "default_time_zone": "UTC"},
    ),
    Case(
        AuditAction.INVITATION_SENT,
        _invite,
        "admin",
        lambda w: Invitation.objects.get(),
        None,
        {"email": "nora@example.com", "role": "reviewer", "teams": ["Sales"]},
    ),
    Case(
        AuditAction.INVITATION_REVOKED,
        lambda w: services.revoke_invitation(by=w["admin"], invitation=_invite(w)),
        "admin",
        lambda w: Invitation.objects.get(),
        {"email": "nora@example.com", "role": "reviewer"},
        None,
    ),
    Case(
        AuditAction.INVITATION_ACCEPTED,
        _accept,
        "newcomer",
        lambda w: Membership.objects.get(user__email="nora@example.com"),
        None,
        {"role": "reviewer", "teams": ["Sales"]},
    ),
    Case(
        AuditAction.MEMBER_ROLE_CHANGED,
        lambda w: services.change_member_role(by=w["admin"], member=w["employee"], role="reviewer"),
        "admin",
        lambda w: w["employee"],
        {"role": "employee"},
        {"role": "reviewer"},
    ),
    Case(
        AuditAction.MEMBER_TEAMS_CHANGED,
        lambda w: services.set_member_teams(
            by=w["admin"], member=w["employee"], teams=[w["teams"]["Sales"], w["teams"]["Nordics"]]
        ),
        "admin",
        lambda w: w["employee"],
        {"teams": []},
        {"teams": ["Nordics", "Sales"]},
    ),
    Case(
        AuditAction.MEMBER_DEACTIVATED,
        lambda w: services.deactivate_member(by=w["owner"], member=w["employee"]),
        "owner",
        lambda w: w["employee"],
        {"active": True},
        {"active": False},
    ),
    Case(
        AuditAction.MEMBER_REACTIVATED,
        _deactivated,
        "admin",
        lambda w: w["employee"],
        {"active": False},
        {"active": True},
    ),
    Case(
        AuditAction.TEAM_CREATED,
        lambda w: services.create_team(by=w["admin"], name="Marketing", description="Brand"),
        "admin",
        lambda w: w["organisation"].teams.get(name="Marketing"),
        None,
        {"name": "Marketing", "description": "Brand"},
    ),
    Case(
        AuditAction.TEAM_UPDATED,
        lambda w: services.update_team(
            by=w["admin"], team=w["teams"]["Sales"], name="Sales EMEA", description="Closers"
        ),
        "admin",
        lambda w: w["teams"]["Sales"],
        {"name": "Sales", "description": ""},
        {"name": "Sales EMEA", "description": "Closers"},
    ),
    Case(
        AuditAction.TEAM_DELETED,
        lambda w: services.delete_team(by=w["admin"], team=w["teams"]["Sales"]),
        "admin",
        lambda w: w["teams"]["Sales"],
        {"name": "Sales", "members": 0},
        None,
    ),
]


ORGANISATION_ACTIONS = ("organisation.", "invitation.", "member.", "team.")


def test_every_organisation_action_has_a_case():
    # The export is recorded by its view; see test_audit_export_view.py.
    covered = {case.action for case in CASES} | {AuditAction.AUDIT_LOG_EXPORTED}
    expected = {a for a in AuditAction if a.value.startswith(ORGANISATION_ACTIONS)}
    assert covered == expected | {AuditAction.AUDIT_LOG_EXPORTED}


def test_every_other_action_is_tested_where_it_is_recorded():
    """Each app tests its own audited services; every action must appear in some test."""
    tests = "\n".join(
        path.read_text() for path in Path(__file__).parents[2].glob("*/tests/test_*.py")
    )
    untested = [
        action.name
        for action in AuditAction
        if not action.value.startswith(ORGANISATION_ACTIONS)
        and f"AuditAction.{action.name}" not in tests
        and f'"{action.value}"' not in tests
    ]
    assert untested == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.action.value)
def test_service_records_actor_action_object_before_and_after(
    case, owner, admin, employee, teams, organisation
):
    world = {
        "owner": owner,
        "admin": admin,
        "employee": employee,
        "teams": teams,
        "organisation": organisation,
    }
    target = case.target(world) if case.action == AuditAction.TEAM_DELETED else None
    target_pk, target_repr = (target.pk, str(target)) if target is not None else (None, None)

    case.run(world)

    event = AuditEvent.objects.filter(action=case.action).get()
    if target is None:
        target = case.target(world)
        target_pk, target_repr = target.pk, str(target)
    actor = (
        Membership.objects.get(user__email="nora@example.com").user
        if case.actor == "newcomer"
        else world[case.actor].user
    )
    assert event.organisation == organisation
    assert event.actor == actor
    assert event.actor_email == actor.email
    assert event.object_type == type(target)._meta.model_name
    assert event.object_id == str(target_pk)
    assert event.object_repr == target_repr
    assert event.before == case.before
    assert event.after == case.after
