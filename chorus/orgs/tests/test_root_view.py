"""``/`` and the organisation switcher: a person reaches only their own organisations."""

import pytest
from django.test import Client

from chorus.accounts.models import User
from chorus.orgs import services
from chorus.orgs.models import Membership
from chorus.orgs.roles import Role


@pytest.fixture
def in_both(outsider, organisation):
    """Otto: owner of Globex, and a reviewer at Acme too."""
    Membership.objects.create(organisation=organisation, user=outsider.user, role=Role.REVIEWER)
    return outsider


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_one_organisation_goes_straight_to_its_home(employee, organisation, login):
    response = login(employee).get("/")

    assert response.status_code == 302
    assert response["Location"] == f"/o/{organisation.slug}/"


def test_outsider_is_sent_to_their_own_organisation(outsider, organisation, owner, login):
    response = login(outsider).get("/")

    assert response["Location"] == "/o/globex/"


def test_two_organisations_are_offered_to_choose(in_both, login):
    response = login(in_both).get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="/o/acme/">Acme Ltd</a>' in page
    assert '<a href="/o/globex/">Globex</a>' in page
    assert [m.organisation.slug for m in response.context["memberships"]] == ["acme", "globex"]


def test_two_organisations_go_to_the_one_used_last(in_both, login):
    client = login(in_both)

    assert client.get("/o/globex/").status_code == 200
    assert client.get("/")["Location"] == "/o/globex/"
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/")["Location"] == "/o/acme/"


def test_person_in_two_organisations_opens_both_and_sees_the_other_in_the_switcher(in_both, login):
    client = login(in_both)

    acme = client.get("/o/acme/")
    globex = client.get("/o/globex/")

    assert acme.status_code == globex.status_code == 200
    assert "You are in Acme Ltd as Reviewer." in acme.content.decode()
    assert "You are in Globex as Owner." in globex.content.decode()
    assert [m.organisation.slug for m in acme.context["other_memberships"]] == ["globex"]
    assert [m.organisation.slug for m in globex.context["other_memberships"]] == ["acme"]
    assert '<li><a href="/o/globex/">Globex</a></li>' in acme.content.decode()
    assert '<li><a href="/o/acme/">Acme Ltd</a></li>' in globex.content.decode()
    # As a reviewer at Acme Otto has no people pages there, though he does at Globex.
    assert client.get("/o/acme/people/").status_code == 403
    assert client.get("/o/globex/people/").status_code == 200


def test_switcher_leaves_out_organisations_where_the_person_is_deactivated(
    in_both, owner, organisation, login
):
    acme_membership = Membership.objects.get(organisation=organisation, user=in_both.user)
    services.deactivate_member(by=owner, member=acme_membership)

    client = login(in_both)
    globex = client.get("/o/globex/")

    assert list(globex.context["other_memberships"]) == []
    assert client.get("/")["Location"] == "/o/globex/"


def test_session_pointing_at_a_lost_organisation_falls_back(in_both, owner, organisation, login):
    client = login(in_both)
    client.get("/o/acme/")
    services.deactivate_member(
        by=owner, member=Membership.objects.get(organisation=organisation, user=in_both.user)
    )

    assert client.get("/")["Location"] == "/o/globex/"


def test_person_without_organisation_is_told_so(db):
    user = User.objects.create_user("lonely@example.com", "a long and unusual passphrase 42")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/")

    assert response.status_code == 200
    assert "You are not a member of any organisation yet." in response.content.decode()
