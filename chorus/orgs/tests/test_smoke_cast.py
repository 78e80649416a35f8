from chorus.orgs.roles import Role


def test_every_role_reaches_its_home(cast, login, organisation):
    for role, member in cast.items():
        response = login(member).get(f"/o/{organisation.slug}/")
        assert response.status_code == 200, role
        assert member.user.get_short_name() in response.content.decode()
    assert set(cast) == set(Role.values)
