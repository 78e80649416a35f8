from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.accounts.models import User
from chorus.conftest import make_member
from chorus.orgs import services
from chorus.orgs.models import Invitation, Membership, Team
from chorus.orgs.roles import Role


@pytest.fixture
def people_url(organisation):
    return f"/o/{organisation.slug}/people/"


def listed(response) -> list[str]:
    return [m.user.email for m in response.context["page_obj"]]


def test_lists_members_with_role_teams_and_status(admin, cast, teams, login, people_url):
    cast[Role.EMPLOYEE].teams.add(teams["Nordics"])
    services.deactivate_member(by=admin, member=cast[Role.REVIEWER])

    response = login(admin).get(people_url)

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(m.user.email for m in cast.values())
    # Active people first, the deactivated last.
    assert listed(response)[-1] == "rita.reviewer@acme.test"
    page = response.content.decode()
    assert "Content manager" in page
    assert '<span class="badge">Nordics</span>' in page
    assert "Deactivated" in page


def test_lists_nobody_from_another_organisation(admin, outsider, login, people_url):
    response = login(admin).get(people_url)

    assert outsider.user.email not in listed(response)
    assert "Otto Outsider" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "erin"}, {"erin.employee@acme.test"}),
        ({"q": "RITA REV"}, {"rita.reviewer@acme.test"}),
        ({"q": "@acme.test", "role": "admin"}, {"adam.admin@acme.test"}),
        ({"role": "reviewer"}, {"rita.reviewer@acme.test"}),
        ({"team": "SALES"}, {"erin.employee@acme.test", "carla.content@acme.test"}),
        ({"team": "SALES", "role": "employee"}, {"erin.employee@acme.test"}),
        ({"q": "nobody-by-this-name"}, set()),
    ],
)
def test_filters(query, expected, admin, cast, teams, login, people_url):
    for role in (Role.EMPLOYEE, Role.CONTENT_MANAGER):
        cast[role].teams.add(teams["Sales"])
    if "team" in query:
        query = {**query, "team": str(teams["Sales"].pk)}

    response = login(admin).get(people_url, query)

    assert set(listed(response)) == expected


def test_unknown_role_and_malformed_team_filters_are_ignored(admin, cast, login, people_url):
    response = login(admin).get(people_url, {"role": "emperor", "team": "1 OR 1=1"})

    assert len(listed(response)) == len(cast)


def test_team_of_another_organisation_matches_nobody(
    admin, cast, outsider, other_organisation, login, people_url
):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex spies")
    outsider.teams.add(foreign)

    response = login(admin).get(people_url, {"team": foreign.pk})

    assert listed(response) == []


def test_pagination_keeps_the_filters(admin, organisation, login, people_url):
    users = User.objects.bulk_create(
        User(email=f"person{n:02}@acme.test", full_name=f"Person {n:02}") for n in range(55)
    )
    Membership.objects.bulk_create(
        Membership(organisation=organisation, user=user, role=Role.EMPLOYEE) for user in users
    )
    client = login(admin)

    first = client.get(people_url, {"role": "employee"})
    second = client.get(people_url, {"role": "employee", "page": "2"})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 5
    assert set(listed(first)).isdisjoint(listed(second))
    assert 'href="?role=employee&amp;page=2"' in first.content.decode()
    assert 'href="?role=employee&amp;page=1"' in second.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_shows_only_pending_invitations(admin, organisation, login, people_url):
    pending = services.invite_member(by=admin, email="pending@example.com", role=Role.EMPLOYEE)
    revoked = services.invite_member(by=admin, email="revoked@example.com", role=Role.EMPLOYEE)
    services.revoke_invitation(by=admin, invitation=revoked)
    expired = services.invite_member(by=admin, email="expired@example.com", role=Role.EMPLOYEE)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    accepted = services.invite_member(by=admin, email="accepted@example.com", role=Role.EMPLOYEE)
    services.accept_invitation_as_new_user(
        token=services.invitation_token(accepted),
        full_name="Accepted",
        password="a long and unusual passphrase 42",
        language="en",
        time_zone="UTC",
    )

    response = login(admin).get(people_url)

    assert list(response.context["invitations"]) == [pending]
    page = response.content.decode()
    assert "pending@example.com" in page
    assert f"/o/acme/people/invitations/{pending.pk}/revoke/" in page
    for gone in ("revoked@example.com", "expired@example.com"):
        assert gone not in page


def test_invitations_of_another_organisation_are_not_shown(
    admin, outsider, other_organisation, login, people_url
):
    services.invite_member(by=outsider, email="globex-hire@example.com", role=Role.EMPLOYEE)

    page = login(admin).get(people_url).content.decode()

    assert "globex-hire@example.com" not in page


def test_member_in_two_organisations_appears_in_each_with_that_role(
    admin, outsider, organisation, other_organisation, login, people_url
):
    Membership.objects.create(organisation=organisation, user=outsider.user, role=Role.REVIEWER)
    make_member(other_organisation, Role.EMPLOYEE, "globex.only@globex.test")

    response = login(admin).get(people_url, {"q": "otto"})

    [membership] = response.context["page_obj"]
    assert membership.organisation == organisation
    assert membership.role == Role.REVIEWER
    assert "globex.only@globex.test" not in listed(login(admin).get(people_url))
