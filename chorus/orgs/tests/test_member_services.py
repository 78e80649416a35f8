"""Organisation, member and team services: the rules hold whichever view calls them."""

import pytest
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from chorus.audit.models import AuditEvent
from chorus.conftest import PASSWORD, make_member
from chorus.orgs import services
from chorus.orgs.models import Membership, Organisation, Team
from chorus.orgs.roles import Role


def test_create_organisation_makes_the_creator_its_owner(employee):
    organisation = services.create_organisation(name="Initech", owner=employee.user)

    assert organisation.slug == "initech"
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (employee.user, Role.OWNER)


def test_organisation_slugs_are_unique(employee, organisation):
    first = services.create_organisation(name="Acme", owner=employee.user)
    second = services.create_organisation(name="ACME", owner=employee.user)
    unnamed = services.create_organisation(name="!!!", owner=employee.user)

    assert (first.slug, second.slug, unnamed.slug) == ("acme-2", "acme-3", "organisation")


def test_update_organisation_refuses_an_unknown_time_zone(admin, organisation):
    with pytest.raises(ValidationError):
        services.update_organisation(
            by=admin, name="Acme", default_language="en", default_time_zone="Mars/Base"
        )

    organisation.refresh_from_db()
    assert organisation.default_time_zone == "UTC"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.CONTENT_MANAGER, Role.EMPLOYEE])
def test_update_organisation_needs_settings_rights(role, cast, organisation):
    with pytest.raises(PermissionDenied):
        services.update_organisation(
            by=cast[role], name="Mine now", default_language="en", default_time_zone="UTC"
        )

    organisation.refresh_from_db()
    assert organisation.name == "Acme Ltd"


def test_only_owners_give_the_owner_role(owner, admin, employee):
    with pytest.raises(ValidationError):
        services.change_member_role(by=admin, member=employee, role=Role.OWNER)
    services.change_member_role(by=owner, member=employee, role=Role.OWNER)

    employee.refresh_from_db()
    assert employee.role == Role.OWNER


def test_only_owners_change_owners(owner, admin, organisation):
    other_owner = make_member(organisation, Role.OWNER, "second.owner@acme.test")

    with pytest.raises(ValidationError, match="Only an owner"):
        services.change_member_role(by=admin, member=other_owner, role=Role.EMPLOYEE)
    services.change_member_role(by=owner, member=other_owner, role=Role.EMPLOYEE)

    other_owner.refresh_from_db()
    assert other_owner.role == Role.EMPLOYEE


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_nobody_changes_their_own_role(role, cast):
    me = cast[role]

    with pytest.raises(ValidationError, match="your own"):
        services.change_member_role(by=me, member=me, role=Role.EMPLOYEE)

    me.refresh_from_db()
    assert me.role == role


def test_members_of_another_organisation_cannot_be_changed(admin, outsider):
    with pytest.raises(ValidationError):
        services.change_member_role(by=admin, member=outsider, role=Role.EMPLOYEE)
    with pytest.raises(ValidationError):
        services.deactivate_member(by=admin, member=outsider)

    outsider.refresh_from_db()
    assert (outsider.role, outsider.is_active) == (Role.OWNER, True)


def test_unchanged_role_records_nothing(admin, employee):
    services.change_member_role(by=admin, member=employee, role=Role.EMPLOYEE)

    assert not AuditEvent.objects.exists()


def test_set_teams_refuses_teams_of_another_organisation(admin, employee, other_organisation):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex spies")

    with pytest.raises(ValidationError):
        services.set_member_teams(by=admin, member=employee, teams=[foreign])

    assert not employee.teams.exists()


def test_set_teams_refuses_a_member_of_another_organisation(admin, outsider, teams):
    with pytest.raises(ValidationError):
        services.set_member_teams(by=admin, member=outsider, teams=[teams["Sales"]])

    assert not outsider.teams.exists()
    assert not AuditEvent.objects.exists()


def test_set_teams_follows_the_same_rules_as_roles(owner, admin, teams):
    with pytest.raises(ValidationError, match="your own"):
        services.set_member_teams(by=admin, member=admin, teams=[teams["Sales"]])
    with pytest.raises(ValidationError, match="Only an owner"):
        services.set_member_teams(by=admin, member=owner, teams=[teams["Sales"]])

    assert not teams["Sales"].members.exists()


def test_unchanged_teams_record_nothing(admin, employee, teams):
    employee.teams.add(teams["Sales"])

    services.set_member_teams(by=admin, member=employee, teams=[teams["Sales"]])

    assert not AuditEvent.objects.exists()


def test_end_all_sessions_ends_only_that_persons_sessions(employee, reviewer):
    def logged_in(user) -> Client:
        client = Client()
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert client.get("/profile/").status_code == 200
        return client

    mine = [logged_in(employee.user), logged_in(employee.user)]
    theirs = logged_in(reviewer.user)

    assert services.end_all_sessions(user=employee.user) == 2

    assert [client.get("/profile/").status_code for client in mine] == [302, 302]
    assert theirs.get("/profile/").status_code == 200
    assert not UserSession.objects.filter(user=employee.user).exists()


def test_deactivate_and_reactivate_are_idempotent(admin, employee):
    services.deactivate_member(by=admin, member=employee)
    services.deactivate_member(by=admin, member=employee)
    services.reactivate_member(by=admin, member=employee)
    services.reactivate_member(by=admin, member=employee)

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["member.deactivated", "member.reactivated"]


def test_team_names_are_unique_per_organisation_whatever_the_case(admin, outsider, teams):
    with pytest.raises(ValidationError):
        services.create_team(by=admin, name=" sales ")
    with pytest.raises(ValidationError):
        services.update_team(by=admin, team=teams["Nordics"], name="ENGINEERING", description="")

    services.create_team(by=outsider, name="Sales")
    assert Team.objects.filter(name__iexact="sales").count() == 2


def test_team_services_refuse_another_organisations_team(admin, other_organisation):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex spies")

    with pytest.raises(ValidationError):
        services.update_team(by=admin, team=foreign, name="Ours now", description="")
    with pytest.raises(ValidationError):
        services.delete_team(by=admin, team=foreign)

    foreign.refresh_from_db()
    assert foreign.name == "Globex spies"


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EMPLOYEE])
def test_team_services_need_people_rights(role, cast, teams, organisation):
    with pytest.raises(PermissionDenied):
        services.create_team(by=cast[role], name="Mine")
    with pytest.raises(PermissionDenied):
        services.delete_team(by=cast[role], team=teams["Sales"])

    assert Team.objects.filter(organisation=organisation).count() == 3


def test_organisation_is_kept_while_it_has_audit_events(admin, organisation):
    services.create_team(by=admin, name="Marketing")

    with pytest.raises(Exception, match="protected"):
        organisation.delete()

    assert Organisation.objects.filter(pk=organisation.pk).exists()
