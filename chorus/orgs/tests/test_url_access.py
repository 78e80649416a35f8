"""Who may reach each organisation URL, for every pattern in the URLconf.

The patterns are walked from the root URLconf, so a view added later is checked
here without anyone remembering to list it: outsiders get 404 and change nothing,
and a new pattern fails until its required capability is written down below.
"""

import re
from collections.abc import Iterator, Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from chorus.accounts.models import User
from chorus.orgs import services
from chorus.orgs.models import Membership
from chorus.orgs.roles import Role

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry.urlconf_module, "__name__", "").startswith("allauth."):
                continue  # allauth's account pages belong to no organisation
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, route, inner)
        else:
            name = entry.name or route
            yield (f"{namespace}:{name}" if namespace else name), route


ROUTES = dict(_walk(get_resolver().url_patterns))


def _parameters(name: str) -> list[str]:
    return PARAMETER.findall(ROUTES[name])


ORG_ROUTES = sorted(name for name in ROUTES if "org" in _parameters(name))
ID_ROUTES = [name for name in ORG_ROUTES if set(_parameters(name)) - {"org"}]

# Chorus URLs outside any organisation, and where their isolation is tested.
NOT_ORG_SCOPED = {
    "home": "test_root_view.py: only the person's own organisations are offered",
    "profile": "accounts/tests/test_profile_view.py: changes only the logged-in person",
    "set_language": "accounts/tests/test_set_language_view.py: changes only the caller",
    "invitation_accept": "test_invitation_accept_view.py: only the invited address can join",
}

OWNERS_AND_ADMINS = frozenset({Role.OWNER, Role.ADMIN})
EVERYONE = frozenset(Role.values)

# Who may use each organisation URL. A new pattern fails until it is added here.
ALLOWED_ROLES = {
    "orgs:home": EVERYONE,
    "orgs:people": OWNERS_AND_ADMINS,
    "orgs:member": OWNERS_AND_ADMINS,
    "orgs:member_active": OWNERS_AND_ADMINS,
    "orgs:invite": OWNERS_AND_ADMINS,
    "orgs:invite_bulk": OWNERS_AND_ADMINS,
    "orgs:invitation_revoke": OWNERS_AND_ADMINS,
    "orgs:teams": OWNERS_AND_ADMINS,
    "orgs:team": OWNERS_AND_ADMINS,
    "orgs:team_delete": OWNERS_AND_ADMINS,
    "orgs:settings": OWNERS_AND_ADMINS,
    "audit:log": OWNERS_AND_ADMINS,
    "audit:export": OWNERS_AND_ADMINS,
}
POST_ONLY = {"orgs:member_active", "orgs:invitation_revoke", "orgs:team_delete"}


def url(name: str, org: str, ids: dict[str, int]) -> str:
    path = ROUTES[name]
    for parameter in _parameters(name):
        if parameter == "org":
            value: object = org
        elif parameter in ids:
            value = ids[parameter]
        else:
            pytest.fail(f"{name} takes <{parameter}>: add an object for it to the ids fixture")
        path = re.sub(rf"<(?:\w+:)?{parameter}>", str(value), path, count=1)
    return "/" + path


def hostile_data() -> dict[str, object]:
    """A POST that would change something in most views, if it were let through."""
    return {
        "name": "Taken over",
        "description": "owned",
        "default_language": "de",
        "default_time_zone": "Europe/Helsinki",
        "email": "intruder@globex.test",
        "full_name": "Intruder",
        "role": Role.REVIEWER,
        "active": "0",
        "csv_file": SimpleUploadedFile(
            "people.csv", b"email,role\nmole@globex.test,employee\n", content_type="text/csv"
        ),
    }


@pytest.fixture
def ids(admin, employee, teams) -> dict[str, int]:
    """One object of each kind in organisation A, for the URLs that name one."""
    employee.teams.add(teams["Sales"])
    invitation = services.invite_member(by=admin, email="pending@acme.test", role=Role.EMPLOYEE)
    return {
        "membership_id": employee.pk,
        "team_id": teams["Sales"].pk,
        "invitation_id": invitation.pk,
    }


def test_the_walk_finds_every_chorus_url():
    assert {"orgs:home", "orgs:member", "audit:export"} <= set(ORG_ROUTES)
    assert not any(name.startswith("account_") for name in ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_chorus_url_is_org_scoped_or_accounted_for(name):
    assert name in ORG_ROUTES or name in NOT_ORG_SCOPED, (
        f"{name} ({ROUTES[name]}) is neither under /o/<org>/ nor listed in NOT_ORG_SCOPED"
    )


@pytest.mark.parametrize("name", ORG_ROUTES)
def test_every_org_url_says_who_may_use_it(name):
    assert name in ALLOWED_ROLES, f"add {name} to ALLOWED_ROLES"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_outsider_gets_404_and_changes_nothing(
    name, method, outsider, owner, organisation, ids, login, snapshot
):
    before = snapshot(organisation)
    client = login(outsider)
    path = url(name, organisation.slug, ids)

    response = client.get(path) if method == "get" else client.post(path, hostile_data())

    assert response.status_code == 404
    assert snapshot(organisation) == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ID_ROUTES)
def test_ids_of_another_organisation_under_ones_own_slug_give_404(
    name, method, outsider, owner, organisation, other_organisation, ids, login, snapshot
):
    before = snapshot(organisation)
    client = login(outsider)
    path = url(name, other_organisation.slug, ids)

    response = client.get(path) if method == "get" else client.post(path, hostile_data())

    # A POST-only URL refuses a GET before it looks anything up, whatever the id.
    assert response.status_code == (405 if method == "get" and name in POST_ONLY else 404)
    assert snapshot(organisation) == before


@pytest.mark.parametrize("name", ORG_ROUTES)
def test_unknown_organisation_gives_404(name, outsider, ids, login):
    response = login(outsider).get(url(name, "no-such-organisation", ids))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ORG_ROUTES)
def test_deactivated_member_gets_404_everywhere(
    name, owner, admin, organisation, ids, login, snapshot
):
    services.deactivate_member(by=owner, member=admin)
    before = snapshot(organisation)
    client = login(admin)
    path = url(name, organisation.slug, ids)

    assert client.get(path).status_code == 404
    assert client.post(path, hostile_data()).status_code == 404
    assert snapshot(organisation) == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_anonymous_visitor_is_sent_to_log_in(name, method, organisation, ids, client, snapshot):
    before = snapshot(organisation)
    path = url(name, organisation.slug, ids)

    response = client.get(path) if method == "get" else client.post(path, hostile_data())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(organisation) == before


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_role_gating(name, role, cast, organisation, ids, login, snapshot):
    client = login(cast[role])
    path = url(name, organisation.slug, ids)

    if role in ALLOWED_ROLES[name]:
        expected = 405 if name in POST_ONLY else 200
        assert client.get(path).status_code == expected
    else:
        before = snapshot(organisation)
        assert client.get(path).status_code == 403
        assert client.post(path, hostile_data()).status_code == 403
        assert snapshot(organisation) == before


def _without_totp(organisation, role: str, email: str) -> Membership:
    user = User.objects.create_user(email, "x-unused-password-1")
    return Membership.objects.create(organisation=organisation, user=user, role=role)


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
@pytest.mark.parametrize("name", ORG_ROUTES)
def test_owners_and_admins_without_totp_are_sent_to_set_it_up(
    name, role, organisation, ids, login, snapshot
):
    member = _without_totp(organisation, role, f"new-{role}@acme.test")
    before = snapshot(organisation)
    client = login(member)
    path = url(name, organisation.slug, ids)

    for response in (client.get(path), client.post(path, hostile_data())):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/totp/activate/?next=")
    assert snapshot(organisation) == before


def test_totp_redirect_brings_the_person_back(organisation, ids, login):
    member = _without_totp(organisation, Role.ADMIN, "new-admin@acme.test")

    response = login(member).get(f"/o/{organisation.slug}/people/?q=erin")

    assert (
        response["Location"]
        == "/accounts/2fa/totp/activate/?next=%2Fo%2Facme%2Fpeople%2F%3Fq%3Derin"
    )


@pytest.mark.parametrize("role", [Role.CONTENT_MANAGER, Role.REVIEWER, Role.EMPLOYEE])
def test_other_roles_need_no_totp(role, organisation, login):
    member = _without_totp(organisation, role, f"new-{role}@acme.test")

    assert login(member).get(f"/o/{organisation.slug}/").status_code == 200


READ_ONLY = {"orgs:home", "orgs:people", "audit:log"}


@pytest.mark.parametrize("name", [name for name in ORG_ROUTES if name not in READ_ONLY])
def test_the_hostile_post_does_change_something_when_an_admin_sends_it(
    name, admin, organisation, ids, login, snapshot
):
    """Shows that the 'nothing changed' checks above would notice a change."""
    before = snapshot(organisation)

    login(admin).post(url(name, organisation.slug, ids), hostile_data())

    assert snapshot(organisation) != before
