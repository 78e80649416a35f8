import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.conftest import make_member
from chorus.orgs.models import Team
from chorus.orgs.roles import Role


def member_url(member) -> str:
    return f"/o/{member.organisation.slug}/people/{member.pk}/"


def test_page_shows_the_member_and_their_current_role_and_teams(admin, employee, teams, login):
    employee.teams.add(teams["Nordics"])

    response = login(admin).get(member_url(employee))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Erin Employee" in page
    assert "erin.employee@acme.test" in page
    form = response.context["form"]
    assert form.initial == {"role": Role.EMPLOYEE, "teams": [teams["Nordics"]]}


def test_admin_changes_role_and_teams(admin, employee, teams, login):
    employee.teams.add(teams["Nordics"])
    client = login(admin)

    response = client.post(
        member_url(employee),
        {"role": Role.REVIEWER, "teams": [teams["Sales"].pk, teams["Engineering"].pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/people/"
    employee.refresh_from_db()
    assert employee.role == Role.REVIEWER
    assert set(employee.teams.all()) == {teams["Sales"], teams["Engineering"]}
    assert "Changes to Erin Employee saved." in client.get(response["Location"]).content.decode()

    role_event = AuditEvent.objects.get(action=AuditAction.MEMBER_ROLE_CHANGED)
    assert (role_event.actor, role_event.before, role_event.after) == (
        admin.user,
        {"role": "employee"},
        {"role": "reviewer"},
    )
    teams_event = AuditEvent.objects.get(action=AuditAction.MEMBER_TEAMS_CHANGED)
    assert teams_event.object_id == str(employee.pk)
    assert teams_event.before == {"teams": ["Nordics"]}
    assert teams_event.after == {"teams": ["Engineering", "Sales"]}


def test_saving_without_changes_records_nothing(admin, employee, login):
    response = login(admin).post(member_url(employee), {"role": Role.EMPLOYEE})

    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_admin_cannot_make_an_owner(admin, employee, login, snapshot, organisation):
    before = snapshot(organisation)

    response = login(admin).post(member_url(employee), {"role": Role.OWNER})

    assert response.status_code == 200
    assert "Select a valid choice." in response.context["form"].errors["role"][0]
    assert snapshot(organisation) == before


def test_owner_can_make_an_owner(owner, admin, login):
    response = login(owner).post(member_url(admin), {"role": Role.OWNER})

    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.role == Role.OWNER


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.ADMIN])
def test_admin_cannot_change_an_owner(role, owner, admin, teams, login, snapshot, organisation):
    before = snapshot(organisation)

    response = login(admin).post(member_url(owner), {"role": role, "teams": [teams["Sales"].pk]})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Only an owner can change another owner."
    ]
    assert snapshot(organisation) == before


def test_owner_can_change_another_owner(owner, login, organisation):
    second = make_member(organisation, Role.OWNER, "second.owner@acme.test")

    response = login(owner).post(member_url(second), {"role": Role.ADMIN})

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.role == Role.ADMIN


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_nobody_can_change_themselves(role, cast, teams, login, snapshot, organisation):
    me = cast[role]
    before = snapshot(organisation)
    client = login(me)

    page = client.get(member_url(me))
    response = client.post(member_url(me), {"role": Role.EMPLOYEE, "teams": [teams["Sales"].pk]})

    assert "This is you." in page.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You cannot change your own role or access."
    ]
    assert snapshot(organisation) == before


def test_team_of_another_organisation_is_a_form_error(
    admin, employee, other_organisation, login, snapshot, organisation
):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex spies")
    before = snapshot(organisation)

    response = login(admin).post(
        member_url(employee), {"role": Role.REVIEWER, "teams": [foreign.pk]}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.context["form"].errors["teams"][0]
    assert snapshot(organisation) == before
    assert not foreign.members.exists()


def test_unknown_role_is_a_form_error(admin, employee, login, snapshot, organisation):
    before = snapshot(organisation)

    response = login(admin).post(member_url(employee), {"role": "superuser"})

    assert "role" in response.context["form"].errors
    assert snapshot(organisation) == before


def test_unknown_member_gives_404(admin, login, organisation):
    assert login(admin).get(f"/o/{organisation.slug}/people/999999/").status_code == 404
