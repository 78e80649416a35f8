"""The team list with its create form, the team edit page, and team deletion."""

import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs import services
from chorus.orgs.models import Team


@pytest.fixture
def teams_url(organisation):
    return f"/o/{organisation.slug}/teams/"


def team_url(team) -> str:
    return f"/o/{team.organisation.slug}/teams/{team.pk}/"


def test_list_shows_teams_with_their_active_member_count(
    admin, employee, reviewer, teams, login, teams_url
):
    for member in (employee, reviewer):
        member.teams.add(teams["Sales"])
    services.deactivate_member(by=admin, member=reviewer)

    response = login(admin).get(teams_url)

    assert response.status_code == 200
    counts = {team.name: team.member_count for team in response.context["teams"]}
    assert counts == {"Engineering": 0, "Nordics": 0, "Sales": 1}


def test_list_shows_only_this_organisations_teams(
    admin, teams, other_organisation, login, teams_url
):
    Team.objects.create(organisation=other_organisation, name="Globex spies")

    page = login(admin).get(teams_url).content.decode()

    assert "Sales" in page
    assert "Globex spies" not in page


def test_create_team(admin, organisation, login, teams_url):
    client = login(admin)

    response = client.post(teams_url, {"name": "  Marketing ", "description": "Brand and PR"})

    assert response.status_code == 302
    assert response["Location"] == teams_url
    team = Team.objects.get(organisation=organisation, name="Marketing")
    assert team.description == "Brand and PR"
    assert "Team Marketing created." in client.get(teams_url).content.decode()
    event = AuditEvent.objects.get(action=AuditAction.TEAM_CREATED)
    assert (event.actor, event.object_id, event.after) == (
        admin.user,
        str(team.pk),
        {"name": "Marketing", "description": "Brand and PR"},
    )


@pytest.mark.parametrize("name", ["Sales", "sales", "SALES", " sAlEs "])
def test_duplicate_name_is_refused_whatever_the_case(
    name, admin, teams, organisation, login, teams_url, snapshot
):
    before = snapshot(organisation)

    response = login(admin).post(teams_url, {"name": name})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A team with this name already exists."]
    assert snapshot(organisation) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required."), ("   ", "This field is required."), ("x" * 81, "at most 80")],
)
def test_invalid_name_is_refused(name, message, admin, organisation, login, teams_url, snapshot):
    before = snapshot(organisation)

    response = login(admin).post(teams_url, {"name": name})

    assert message in response.context["form"].errors["name"][0]
    assert snapshot(organisation) == before


def test_same_name_in_another_organisation_is_fine(
    admin, teams, outsider, other_organisation, login
):
    response = login(outsider).post(f"/o/{other_organisation.slug}/teams/", {"name": "Sales"})

    assert response.status_code == 302
    assert Team.objects.filter(name="Sales").count() == 2


def test_rename_team(admin, teams, login, teams_url):
    team = teams["Nordics"]
    client = login(admin)

    response = client.post(team_url(team), {"name": "Nordic countries", "description": "FI, SE"})

    assert response.status_code == 302
    assert response["Location"] == teams_url
    team.refresh_from_db()
    assert (team.name, team.description) == ("Nordic countries", "FI, SE")
    assert "Team Nordic countries saved." in client.get(teams_url).content.decode()
    event = AuditEvent.objects.get(action=AuditAction.TEAM_UPDATED)
    assert event.before == {"name": "Nordics", "description": ""}
    assert event.after == {"name": "Nordic countries", "description": "FI, SE"}


def test_edit_page_shows_the_current_values(admin, teams, login):
    team = teams["Sales"]
    team.description = "Closers"
    team.save()

    response = login(admin).get(team_url(team))

    assert response.status_code == 200
    assert response.context["form"].initial == {"name": "Sales", "description": "Closers"}


def test_rename_to_another_teams_name_is_refused(admin, teams, organisation, login, snapshot):
    before = snapshot(organisation)

    response = login(admin).post(team_url(teams["Nordics"]), {"name": "sALES"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A team with this name already exists."]
    assert snapshot(organisation) == before


def test_changing_only_the_case_of_a_name_is_allowed(admin, teams, login):
    response = login(admin).post(team_url(teams["Sales"]), {"name": "SALES"})

    assert response.status_code == 302
    teams["Sales"].refresh_from_db()
    assert teams["Sales"].name == "SALES"


def test_delete_team_keeps_its_members(admin, employee, teams, organisation, login, teams_url):
    team = teams["Sales"]
    employee.teams.add(team)
    client = login(admin)

    response = client.post(f"/o/{organisation.slug}/teams/{team.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == teams_url
    assert not Team.objects.filter(pk=team.pk).exists()
    employee.refresh_from_db()
    assert employee.is_active
    assert not employee.teams.exists()
    assert "Team Sales deleted." in client.get(teams_url).content.decode()
    event = AuditEvent.objects.get(action=AuditAction.TEAM_DELETED)
    assert (event.actor, event.object_id, event.object_repr, event.before) == (
        admin.user,
        str(team.pk),
        "Sales",
        {"name": "Sales", "members": 1},
    )


def test_unknown_team_gives_404(admin, organisation, login):
    client = login(admin)

    assert client.get(f"/o/{organisation.slug}/teams/999999/").status_code == 404
    assert client.post(f"/o/{organisation.slug}/teams/999999/delete/").status_code == 404
