import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone, translation

from chorus.accounts.models import User
from chorus.orgs import services
from chorus.orgs.models import Invitation, Membership, Team, hash_invitation_token
from chorus.orgs.roles import Role

PASSPHRASE = "a long and unusual passphrase 42"


def test_invite_normalises_the_address_and_sets_the_expiry(admin, settings):
    settings.INVITATION_VALID_DAYS = 3
    before = timezone.now()

    invitation = services.invite_member(
        by=admin, email="  Nora@Example.COM ", role=Role.EMPLOYEE, full_name=" Nora "
    )

    assert invitation.email == "nora@example.com"
    assert invitation.full_name == "Nora"
    assert before + timedelta(days=3) <= invitation.expires_at <= timezone.now() + timedelta(days=3)
    assert invitation.is_pending


def test_only_the_hash_of_the_token_is_stored(admin):
    invitation = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)
    token = services.invitation_token(invitation)

    stored = Invitation.objects.values().get(pk=invitation.pk)

    assert token not in {str(value) for value in stored.values()}
    assert stored["token_hash"] == hash_invitation_token(token)
    assert services.usable_invitation(token=token) == invitation


def test_tokens_differ_between_invitations(admin):
    first = services.invite_member(by=admin, email="a@example.com", role=Role.EMPLOYEE)
    second = services.invite_member(by=admin, email="b@example.com", role=Role.EMPLOYEE)

    assert services.invitation_token(first) != services.invitation_token(second)


def test_a_new_invitation_revokes_the_pending_one(admin):
    first = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)
    second = services.invite_member(by=admin, email="NORA@example.com", role=Role.REVIEWER)

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending
    with pytest.raises(services.InvitationUnusable, match="withdrawn"):
        services.usable_invitation(token=services.invitation_token(first))


def test_invitations_in_another_organisation_are_not_revoked(admin, outsider):
    theirs = services.invite_member(by=outsider, email="nora@example.com", role=Role.EMPLOYEE)

    services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)

    theirs.refresh_from_db()
    assert theirs.is_pending


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "erin.employee@acme.test"}, "email"),
        ({"email": "not an address"}, "email"),
        ({"role": Role.OWNER}, "role"),
        ({"role": "emperor"}, "role"),
    ],
)
def test_invalid_invitations_are_refused(kwargs, field, admin, employee):
    arguments = {"email": "nora@example.com", "role": Role.EMPLOYEE, **kwargs}

    with pytest.raises(ValidationError) as error:
        services.invite_member(by=admin, **arguments)

    assert field in error.value.message_dict
    assert not Invitation.objects.exists()


def test_teams_of_another_organisation_are_refused(admin, other_organisation):
    foreign = Team.objects.create(organisation=other_organisation, name="Globex spies")

    with pytest.raises(ValidationError) as error:
        services.invite_member(by=admin, email="n@example.com", role=Role.EMPLOYEE, teams=[foreign])

    assert error.value.message_dict == {"teams": ["Teams must belong to your organisation."]}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.CONTENT_MANAGER, Role.REVIEWER, Role.RESPONDER, Role.EMPLOYEE]
)
def test_members_without_people_rights_cannot_invite(role, cast):
    with pytest.raises(PermissionDenied):
        services.invite_member(by=cast[role], email="nora@example.com", role=Role.EMPLOYEE)
    assert not Invitation.objects.exists()


def test_email_is_sent_for_a_pending_invitation_only(admin, smtp):
    pending = services.invite_member(by=admin, email="pending@example.com", role=Role.EMPLOYEE)
    revoked = services.invite_member(by=admin, email="revoked@example.com", role=Role.EMPLOYEE)
    services.revoke_invitation(by=admin, invitation=revoked)
    expired = services.invite_member(by=admin, email="expired@example.com", role=Role.EMPLOYEE)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))

    sent = {
        invitation.email: services.send_invitation_email(invitation_id=invitation.pk)
        for invitation in (pending, revoked, expired)
    }

    assert sent == {
        "pending@example.com": True,
        "revoked@example.com": False,
        "expired@example.com": False,
    }
    assert [str(m["To"]) for m in smtp.mailbox.messages] == ["pending@example.com"]
    assert services.send_invitation_email(invitation_id=999999) is False


def test_email_holds_the_link_and_the_expiry_in_utc(admin, smtp, settings):
    settings.SITE_URL = "https://chorus.example.org"
    invitation = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.make_aware(datetime(2030, 1, 15, 23, 30), UTC)
    )

    # The sender's own time zone (here, the inviter's) must not leak into the email.
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
        services.send_invitation_email(invitation_id=invitation.pk)

    body = smtp.mailbox.body_of(smtp.mailbox.messages[0])
    assert f"https://chorus.example.org/invitation/{services.invitation_token(invitation)}/" in body
    with translation.override("en"):
        expected = formats.date_format(datetime(2030, 1, 15, 23, 30), "DATETIME_FORMAT")
    assert f"expires on {expected} (UTC)" in body


def test_email_is_in_the_organisations_language(admin, organisation, smtp):
    organisation.default_language = "de"
    organisation.save()
    invitation = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.make_aware(datetime(2030, 3, 15, 12, 0), UTC)
    )

    services.send_invitation_email(invitation_id=invitation.pk)

    # Django's own German formats apply even before Chorus has German texts.
    assert "15. März 2030" in smtp.mailbox.body_of(smtp.mailbox.messages[0])


def test_accept_with_a_matching_address_in_any_case(admin, outsider, organisation, teams):
    invitation = services.invite_member(
        by=admin, email=outsider.user.email.upper(), role=Role.REVIEWER, teams=[teams["Sales"]]
    )

    membership = services.accept_invitation(
        token=services.invitation_token(invitation), user=outsider.user
    )

    assert (membership.organisation, membership.role) == (organisation, Role.REVIEWER)
    assert list(membership.teams.all()) == [teams["Sales"]]


def test_accept_with_another_address_is_refused(admin, outsider, organisation):
    invitation = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)

    with pytest.raises(
        services.InvitationUnusable, match=r"This invitation is for nora@example\.com"
    ):
        services.accept_invitation(token=services.invitation_token(invitation), user=outsider.user)

    assert not Membership.objects.filter(organisation=organisation, user=outsider.user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accept_twice_is_refused(admin, outsider):
    invitation = services.invite_member(by=admin, email=outsider.user.email, role=Role.EMPLOYEE)
    token = services.invitation_token(invitation)
    services.accept_invitation(token=token, user=outsider.user)

    with pytest.raises(services.InvitationUnusable, match="already been used"):
        services.accept_invitation(token=token, user=outsider.user)


def test_new_user_cannot_take_over_an_existing_account(admin, outsider, organisation):
    invitation = services.invite_member(by=admin, email=outsider.user.email, role=Role.EMPLOYEE)

    with pytest.raises(services.InvitationUnusable, match="exists already"):
        services.accept_invitation_as_new_user(
            token=services.invitation_token(invitation),
            full_name="Impostor",
            password=PASSPHRASE,
            language="en",
            time_zone="UTC",
        )

    outsider.user.refresh_from_db()
    assert outsider.user.full_name == "Otto Outsider"
    assert not Membership.objects.filter(organisation=organisation, user=outsider.user).exists()


def test_weak_password_creates_nothing(admin):
    invitation = services.invite_member(by=admin, email="nora@example.com", role=Role.EMPLOYEE)

    with pytest.raises(ValidationError):
        services.accept_invitation_as_new_user(
            token=services.invitation_token(invitation),
            full_name="Nora",
            password="nora@example.com",
            language="en",
            time_zone="UTC",
        )

    assert not User.objects.filter(email="nora@example.com").exists()


def test_revoke_of_another_organisations_invitation_is_refused(admin, outsider):
    theirs = services.invite_member(by=outsider, email="nora@example.com", role=Role.EMPLOYEE)

    with pytest.raises(ValidationError):
        services.revoke_invitation(by=admin, invitation=theirs)

    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_parse_reports_physical_line_numbers(admin, teams):
    data = (
        b"email,full_name,role,teams\n"
        b"\n"
        b'ok@example.com,"Two\nlines",employee,Sales\n'
        b"bad,Bad,employee,\n"
    )

    result = services.parse_invitation_csv(by=admin, data=data)

    assert [(row.line, row.errors) for row in result.rows] == [
        (4, ()),
        (5, ("“bad” is not a valid email address.",)),
    ]
    assert result.has_errors


def test_parse_changes_nothing(admin, organisation, snapshot):
    before = snapshot(organisation)

    result = services.parse_invitation_csv(by=admin, data=b"email\nnora@example.com\n")

    assert not result.has_errors
    assert snapshot(organisation) == before


def test_bulk_invite_is_all_or_nothing(admin, employee):
    data = b"email\nnew@example.com\nerin.employee@acme.test\n"

    result = services.bulk_invite(by=admin, data=data)

    assert result.has_errors
    assert result.invitations == ()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EMPLOYEE])
def test_bulk_needs_people_rights(role, cast):
    with pytest.raises(PermissionDenied):
        services.bulk_invite(by=cast[role], data=b"email\nnew@example.com\n")
