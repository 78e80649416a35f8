import pytest
from django.test import Client

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs import services
from chorus.orgs.roles import Role


@pytest.fixture
def invitation(admin):
    return services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)


def revoke_url(invitation) -> str:
    return f"/o/{invitation.organisation.slug}/people/invitations/{invitation.pk}/revoke/"


def test_revoking_withdraws_the_link(owner, invitation, login):
    client = login(owner)

    response = client.post(revoke_url(invitation))

    assert response.status_code == 302
    assert response["Location"] == "/o/acme/people/"
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    link = Client().get(f"/invitation/{services.invitation_token(invitation)}/")
    assert link.status_code == 410
    people = client.get(response["Location"]).content.decode()
    assert "The invitation to nora@example.com was withdrawn." in people
    assert "No invitations are waiting for an answer." in people


def test_revoking_is_audited(owner, invitation, login):
    login(owner).post(revoke_url(invitation))

    event = AuditEvent.objects.get(action=AuditAction.INVITATION_REVOKED)
    assert event.actor == owner.user
    assert event.object_id == str(invitation.pk)
    assert event.before == {"email": "nora@example.com", "role": "employee"}


def test_revoking_an_accepted_invitation_changes_nothing(owner, invitation, login, snapshot):
    token = services.invitation_token(invitation)
    services.accept_invitation_as_new_user(
        token=token,
        full_name="Nora",
        password="a long and unusual passphrase 42",
        language="en",
        time_zone="UTC",
    )
    before = snapshot(invitation.organisation)

    login(owner).post(revoke_url(invitation))

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert snapshot(invitation.organisation) == before


def test_unknown_invitation_gives_404(owner, login, organisation):
    response = login(owner).post(f"/o/{organisation.slug}/people/invitations/999999/revoke/")

    assert response.status_code == 404


def test_get_is_not_allowed(owner, invitation, login):
    response = login(owner).get(revoke_url(invitation))

    assert response.status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
