from django.test import Client

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.conftest import PASSWORD
from chorus.orgs import services
from chorus.orgs.roles import Role


def active_url(member) -> str:
    return f"/o/{member.organisation.slug}/people/{member.pk}/active/"


def logged_in_for_real(email: str, password: str = PASSWORD) -> Client:
    """Log in through the login form, as a browser does."""
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client


def test_deactivating_ends_the_persons_sessions_at_once(admin, employee, organisation, login):
    laptop = logged_in_for_real(employee.user.email)
    phone = logged_in_for_real(employee.user.email)
    assert laptop.get(f"/o/{organisation.slug}/").status_code == 200
    assert phone.get("/profile/").status_code == 200

    response = login(admin).post(active_url(employee), {"active": "0"})

    assert response.status_code == 302
    for client in (laptop, phone):
        profile = client.get("/profile/")
        assert profile.status_code == 302
        assert profile["Location"].startswith("/accounts/login/")
        assert client.get(f"/o/{organisation.slug}/").status_code == 302


def test_deactivation_is_saved_shown_and_audited(admin, employee, login):
    client = login(admin)

    response = client.post(active_url(employee), {"active": "0"})

    assert response["Location"] == f"/o/acme/people/{employee.pk}/"
    employee.refresh_from_db()
    assert not employee.is_active
    assert employee.deactivated_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Erin Employee is deactivated and has been logged out everywhere." in page
    assert "Reactivate" in page
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_DEACTIVATED)
    assert (event.actor, event.object_id, event.before, event.after) == (
        admin.user,
        str(employee.pk),
        {"active": True},
        {"active": False},
    )


def test_deactivated_member_who_logs_in_again_reaches_nothing(admin, employee, organisation):
    services.deactivate_member(by=admin, member=employee)
    client = logged_in_for_real(employee.user.email)

    assert client.get(f"/o/{organisation.slug}/").status_code == 404
    choose = client.get("/")
    assert choose.status_code == 200
    assert "You are not a member of any organisation yet." in choose.content.decode()


def test_person_who_joined_through_an_invitation_is_logged_out_too(admin, organisation, login):
    invitation = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)
    newcomer = Client()
    newcomer.post(
        f"/invitation/{services.invitation_token(invitation)}/",
        {
            "full_name": "Nora New",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
            "language": "en",
            "time_zone": "UTC",
        },
    )
    assert newcomer.get("/profile/").status_code == 200
    membership = organisation.memberships.get(user__email="nora@example.com")

    login(admin).post(active_url(membership), {"active": "0"})

    assert newcomer.get("/profile/").status_code == 302


def test_reactivating_restores_access(admin, employee, organisation, login):
    services.deactivate_member(by=admin, member=employee)
    client = login(admin)

    response = client.post(active_url(employee), {"active": "1"})

    employee.refresh_from_db()
    assert employee.is_active
    assert employee.deactivated_at is None
    assert (
        "Erin Employee can use Chorus again." in client.get(response["Location"]).content.decode()
    )
    assert login(employee).get(f"/o/{organisation.slug}/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_REACTIVATED)
    assert (event.before, event.after) == ({"active": False}, {"active": True})


def test_nobody_can_deactivate_themselves(admin, login, snapshot, organisation):
    before = snapshot(organisation)
    client = login(admin)

    response = client.post(active_url(admin), {"active": "0"})

    assert response.status_code == 302
    assert snapshot(organisation) == before
    page = client.get(response["Location"]).content.decode()
    assert "You cannot change your own role or access." in page


def test_admin_cannot_deactivate_an_owner(owner, admin, login, snapshot, organisation):
    before = snapshot(organisation)
    client = login(admin)

    response = client.post(active_url(owner), {"active": "0"})

    assert snapshot(organisation) == before
    assert (
        "Only an owner can change another owner."
        in client.get(response["Location"]).content.decode()
    )


def test_owner_can_deactivate_an_admin(owner, admin, login, organisation):
    login(owner).post(active_url(admin), {"active": "0"})

    admin.refresh_from_db()
    assert not admin.is_active
    assert login(admin).get(f"/o/{organisation.slug}/").status_code == 404


def test_deactivating_twice_records_one_event(admin, employee, login):
    client = login(admin)

    client.post(active_url(employee), {"active": "0"})
    client.post(active_url(employee), {"active": "0"})

    assert AuditEvent.objects.filter(action=AuditAction.MEMBER_DEACTIVATED).count() == 1


def test_get_is_not_allowed(admin, employee, login):
    response = login(admin).get(active_url(employee))

    assert response.status_code == 405
    employee.refresh_from_db()
    assert employee.is_active
