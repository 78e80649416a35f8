import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs.models import Invitation, Team
from chorus.orgs.roles import Role

pytestmark = pytest.mark.usefixtures("immediate_tasks")

LINK = re.compile(r"https?://\S+/invitation/\S+/")


@pytest.fixture
def invite_url(organisation):
    return f"/o/{organisation.slug}/people/invite/"


def link_path(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return urlsplit(match.group()).path


def test_form_offers_only_the_roles_the_inviter_may_give(admin, owner, login, invite_url):
    admin_page = login(admin).get(invite_url).content.decode()
    owner_page = login(owner).get(invite_url).content.decode()

    assert 'value="admin"' in admin_page
    assert 'value="owner"' not in admin_page
    assert 'value="owner"' in owner_page


def test_invitation_is_emailed_over_smtp_with_a_working_link(
    admin, teams, organisation, login, smtp, invite_url, django_capture_on_commit_callbacks
):
    client = login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_url,
            {
                "email": " Nora.New@Example.COM ",
                "full_name": "Nora New",
                "role": Role.REVIEWER,
                "teams": [teams["Sales"].pk, teams["Nordics"].pk],
            },
        )

    assert response.status_code == 302
    assert response["Location"] == f"/o/{organisation.slug}/people/"
    invitation = Invitation.objects.get()
    assert invitation.email == "nora.new@example.com"
    assert invitation.full_name == "Nora New"
    assert invitation.role == Role.REVIEWER
    assert set(invitation.teams.all()) == {teams["Sales"], teams["Nordics"]}
    assert invitation.invited_by == admin.user

    [message] = smtp.mailbox.to("nora.new@example.com")
    assert "Acme Ltd" in message["Subject"]
    body = smtp.mailbox.body_of(message)
    assert "Adam Admin invites you to join Acme Ltd" in body

    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to nora.new@example.com." in page
    assert "nora.new@example.com" in page

    # The link from the email opens the invitation for a stranger.
    accept = Client().get(link_path(body))
    assert accept.status_code == 200
    assert "Join Acme Ltd" in accept.content.decode()
    assert "nora.new@example.com" in accept.content.decode()


def test_invitation_is_audited(admin, teams, login, invite_url):
    login(admin).post(
        invite_url,
        {"email": "nora@example.com", "role": Role.EMPLOYEE, "teams": [teams["Sales"].pk]},
    )

    event = AuditEvent.objects.get(action=AuditAction.INVITATION_SENT)
    invitation = Invitation.objects.get()
    assert event.actor == admin.user
    assert event.object_type == "invitation"
    assert event.object_id == str(invitation.pk)
    assert event.after == {"email": "nora@example.com", "role": "employee", "teams": ["Sales"]}


def test_second_invitation_supersedes_the_first(
    admin, organisation, login, smtp, invite_url, django_capture_on_commit_callbacks
):
    client = login(admin)
    for role in (Role.EMPLOYEE, Role.REVIEWER):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(invite_url, {"email": "nora@example.com", "role": role})

    first, second = (smtp.mailbox.body_of(m) for m in smtp.mailbox.to("nora@example.com"))
    old_link, new_link = link_path(first), link_path(second)
    assert old_link != new_link

    old = Client().get(old_link)
    assert old.status_code == 410
    assert "This invitation was withdrawn. Ask Acme Ltd for a new one." in old.content.decode()
    new = Client().get(new_link)
    assert new.status_code == 200
    assert "as Reviewer" in new.content.decode()
    assert Invitation.objects.filter(revoked_at=None).get().role == Role.REVIEWER


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-address", "role": "employee"}, "email", "Enter a valid email address."),
        ({"email": "", "role": "employee"}, "email", "This field is required."),
        ({"email": "nora@example.com", "role": "superuser"}, "role", "Select a valid choice."),
        ({"email": "nora@example.com", "role": "owner"}, "role", "Select a valid choice."),
        ({"email": "nora@example.com"}, "role", "This field is required."),
        (
            {"email": "nora@example.com", "role": "employee", "teams": ["999999"]},
            "teams",
            "Select a valid choice.",
        ),
        (
            {"email": "nora@example.com", "role": "employee", "teams": ["x"]},
            "teams",
            "is not a valid value",
        ),
    ],
)
def test_invalid_input_gives_form_errors_and_creates_nothing(
    data,
    field,
    message,
    admin,
    organisation,
    login,
    smtp,
    invite_url,
    snapshot,
    django_capture_on_commit_callbacks,
):
    before = snapshot(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(invite_url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert snapshot(organisation) == before
    assert smtp.mailbox.messages == []


def test_team_of_another_organisation_is_refused(
    admin, outsider, other_organisation, organisation, login, invite_url, snapshot
):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex spies")
    before = snapshot(organisation)

    response = login(admin).post(
        invite_url, {"email": "nora@example.com", "role": "employee", "teams": [foreign.pk]}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in " ".join(response.context["form"].errors["teams"])
    assert snapshot(organisation) == before
    assert not foreign.invitations.exists()


def test_inviting_an_existing_member_is_a_field_error(
    admin, employee, organisation, login, invite_url, snapshot
):
    before = snapshot(organisation)

    response = login(admin).post(
        invite_url, {"email": "ERIN.Employee@acme.test", "role": Role.REVIEWER}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["email"] == ["erin.employee@acme.test is already a member of this organisation."]
    assert snapshot(organisation) == before


def test_member_of_another_organisation_can_be_invited(admin, outsider, login, invite_url):
    response = login(admin).post(invite_url, {"email": outsider.user.email, "role": "employee"})

    assert response.status_code == 302
    assert Invitation.objects.get().email == outsider.user.email


def test_owner_may_invite_an_owner(owner, login, invite_url):
    response = login(owner).post(invite_url, {"email": "co-owner@example.com", "role": "owner"})

    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.OWNER
