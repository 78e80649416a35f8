import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from chorus.accounts.models import User
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.conftest import PASSWORD
from chorus.orgs import services
from chorus.orgs.models import Invitation, Membership
from chorus.orgs.roles import Role

NEW_PASSWORD = "a long and unusual passphrase 42"


def link_for(invitation: Invitation) -> str:
    return f"/invitation/{services.invitation_token(invitation)}/"


@pytest.fixture
def invitation(admin, teams):
    return services.invite_member(
        by=admin,
        email="nora@example.com",
        full_name="Nora New",
        role=Role.REVIEWER,
        teams=[teams["Sales"], teams["Nordics"]],
    )


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Nora Newcomer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "fi",
        "time_zone": "Europe/Helsinki",
        **overrides,
    }


@pytest.mark.usefixtures("immediate_tasks")
def test_invited_person_follows_the_emailed_link_and_joins(
    admin, teams, organisation, login, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            f"/o/{organisation.slug}/people/invite/",
            {"email": "nora@example.com", "role": Role.REVIEWER, "teams": [teams["Sales"].pk]},
        )
    [message] = smtp.mailbox.to("nora@example.com")
    link = re.search(r"https?://\S+/invitation/\S+/", smtp.mailbox.body_of(message))
    assert link
    client = Client()

    response = client.post(urlsplit(link.group()).path, signup_data())

    assert response.status_code == 302
    assert response["Location"] == f"/o/{organisation.slug}/"
    user = User.objects.get(email="nora@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.organisation == organisation
    assert membership.role == Role.REVIEWER
    assert list(membership.teams.all()) == [teams["Sales"]]
    assert (user.full_name, user.language, user.time_zone) == (
        "Nora Newcomer",
        "fi",
        "Europe/Helsinki",
    )
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert '<html lang="fi">' in home.content.decode()


def test_form_is_prefilled_from_the_invitation(invitation, organisation, settings):
    organisation.default_time_zone = "Europe/Warsaw"
    organisation.save()

    response = Client().get(link_for(invitation))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["full_name"] == "Nora New"
    assert form.initial["time_zone"] == "Europe/Warsaw"
    page = response.content.decode()
    assert "Join Acme Ltd" in page
    assert "This invitation is for nora@example.com, as Reviewer." in page


def test_accepting_marks_the_invitation_used_and_is_audited(invitation, organisation):
    Client().post(link_for(invitation), signup_data())

    invitation.refresh_from_db()
    user = User.objects.get(email="nora@example.com")
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPTED)
    assert event.actor == user
    assert event.object_type == "membership"
    assert event.after == {"role": "reviewer", "teams": ["Nordics", "Sales"]}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "something else entirely"}, "password2", "The two passwords differ."),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"language": "xx"}, "language", "Select a valid choice."),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Select a valid choice."),
    ],
)
def test_invalid_account_details_create_nothing(
    overrides, field, message, invitation, organisation, snapshot
):
    before = snapshot(organisation)

    response = Client().post(link_for(invitation), signup_data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert snapshot(organisation) == before
    assert not User.objects.filter(email="nora@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def _expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


def _use(invitation: Invitation) -> None:
    Client().post(link_for(invitation), signup_data())


def _revoke(invitation: Invitation) -> None:
    services.revoke_invitation(
        by=Membership.objects.get(organisation=invitation.organisation, role=Role.ADMIN),
        invitation=invitation,
    )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_expire, "This invitation has expired. Ask Acme Ltd for a new one."),
        (_use, "This invitation has already been used. Log in to continue."),
        (_revoke, "This invitation was withdrawn. Ask Acme Ltd for a new one."),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unusable_links_explain_why_and_change_nothing(
    spoil, message, method, invitation, organisation, snapshot
):
    spoil(invitation)
    before = snapshot(organisation)
    client = Client()
    data = signup_data(full_name="Someone Else")

    response = (
        client.get(link_for(invitation))
        if method == "get"
        else client.post(link_for(invitation), data)
    )

    assert response.status_code == 410
    assert message in response.content.decode()
    assert "This invitation cannot be used" in response.content.decode()
    assert snapshot(organisation) == before
    assert not User.objects.filter(full_name="Someone Else").exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("damage", ["truncated", "made up"])
def test_unknown_token_explains_and_changes_nothing(
    method, damage, invitation, organisation, snapshot
):
    before = snapshot(organisation)
    real = services.invitation_token(invitation)
    token = real[:-3] if damage == "truncated" else "f" * len(real)
    assert token != real
    client = Client()

    response = getattr(client, method)(f"/invitation/{token}/", signup_data())

    assert response.status_code == 410
    assert "This invitation link is not valid. Check that you copied all of it." in (
        response.content.decode()
    )
    assert snapshot(organisation) == before


def test_a_link_works_only_once(invitation):
    first = Client().post(link_for(invitation), signup_data())
    second = Client().post(link_for(invitation), signup_data(full_name="Copycat"))

    assert first.status_code == 302
    assert second.status_code == 410
    assert User.objects.filter(email="nora@example.com").count() == 1
    assert User.objects.get(email="nora@example.com").full_name == "Nora Newcomer"


def test_existing_user_logged_in_with_the_invited_address_joins(
    admin, outsider, organisation, other_organisation, teams, login
):
    invitation = services.invite_member(
        by=admin, email=outsider.user.email.upper(), role=Role.RESPONDER, teams=[teams["Sales"]]
    )
    client = login(outsider)

    page = client.get(link_for(invitation))
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    assert page.context["form"] is None

    response = client.post(link_for(invitation))

    assert response.status_code == 302
    assert response["Location"] == f"/o/{organisation.slug}/"
    membership = Membership.objects.get(organisation=organisation, user=outsider.user)
    assert membership.role == Role.RESPONDER
    assert list(membership.teams.all()) == [teams["Sales"]]
    assert Membership.objects.get(organisation=other_organisation, user=outsider.user).role == (
        Role.OWNER
    )
    assert "Welcome to Acme Ltd." in client.get(response["Location"]).content.decode()


def test_logged_in_with_another_address_is_refused(
    invitation, outsider, organisation, other_organisation, login, snapshot
):
    before = snapshot(organisation)
    client = login(outsider)

    response = client.post(link_for(invitation))

    assert response.status_code == 410
    assert (
        "This invitation is for nora@example.com. Log out and open the link again."
        in response.content.decode()
    )
    assert snapshot(organisation) == before
    assert not Membership.objects.filter(organisation=organisation, user=outsider.user).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_existing_account_must_log_in_first(admin, outsider, organisation, snapshot):
    invitation = services.invite_member(by=admin, email=outsider.user.email, role=Role.EMPLOYEE)
    before = snapshot(organisation)
    client = Client()

    page = client.get(link_for(invitation))
    posted = client.post(link_for(invitation), signup_data())

    assert page.status_code == 200
    assert page.context["form"] is None
    assert "You already have a Chorus account. Log in with it" in page.content.decode()
    assert f"/accounts/login/?next={link_for(invitation)}" in page.content.decode()
    assert posted.status_code == 200
    assert snapshot(organisation) == before
    assert User.objects.get(email=outsider.user.email).check_password(PASSWORD)


def test_existing_account_logs_in_then_accepts(admin, outsider, organisation):
    invitation = services.invite_member(by=admin, email=outsider.user.email, role=Role.EMPLOYEE)
    client = Client()
    client.force_login(outsider.user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(link_for(invitation))

    assert response.status_code == 302
    assert client.get(f"/o/{organisation.slug}/").status_code == 200
