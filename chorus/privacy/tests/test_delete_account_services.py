"""Deleting an account: personal data goes, anonymous post records stay, owners are not orphaned."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from chorus.accounts.models import User
from chorus.api.models import ApiToken
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import PilotFeedback
from chorus.conftest import PASSWORD, make_member
from chorus.networks.models import ConnectedAccount
from chorus.notifications.models import DigestPreference, Notification
from chorus.orgs import services as org_services
from chorus.orgs.models import Invitation, Membership
from chorus.orgs.roles import Role
from chorus.privacy.models import FailedPasswordCheck
from chorus.privacy.services import (
    ACCOUNT_DELETED_REASON,
    FAILED_PASSWORD_WINDOW,
    MAX_FAILED_PASSWORD_CHECKS,
    delete_account,
)
from chorus.privacy.tests.conftest import MARCH
from chorus.publishing.models import Post, PostState, PublishAttempt
from chorus.rallies.models import Pledge
from chorus.sharing.models import FeedEntry, ProgrammeConsent


def personal_rows(member_id: int) -> dict[str, int]:
    return {
        "accounts": ConnectedAccount.objects.filter(member_id=member_id).count(),
        "consents": ProgrammeConsent.objects.filter(member_id=member_id).count(),
        "feed": FeedEntry.objects.filter(member_id=member_id).count(),
        "notifications": Notification.objects.filter(member_id=member_id).count(),
        "digest": DigestPreference.objects.filter(member_id=member_id).count(),
        "pilot_feedback": PilotFeedback.objects.filter(member_id=member_id).count(),
        "pledges": Pledge.objects.filter(member_id=member_id).count(),
        "posts": Post.objects.filter(member_id=member_id).count(),
        "api_tokens": ApiToken.objects.filter(member_id=member_id).count(),
    }


NOTHING = dict.fromkeys(
    [
        "accounts",
        "consents",
        "feed",
        "notifications",
        "digest",
        "pilot_feedback",
        "pledges",
        "posts",
        "api_tokens",
    ],
    0,
)


def test_removes_the_person_and_their_personal_data(erin_data, admin):
    member = erin_data.member
    user_id = member.user_id
    invitation = Invitation.objects.create(
        organisation=member.organisation,
        email="Erin.Employee@acme.test",
        full_name="Erin Employee",
        token_hash="accepted-long-ago",
        expires_at=MARCH,
        accepted_at=MARCH,
        accepted_by=member.user,
    )
    assert personal_rows(member.pk) != NOTHING

    left = delete_account(user=member.user, password=PASSWORD)

    assert left == ["Acme Ltd"]
    assert not User.objects.filter(pk=user_id).exists()
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert personal_rows(member.pk) == NOTHING
    assert not ConnectedAccount.objects.filter(external_id="li-erin").exists()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_posts_stay_as_anonymous_records(erin_data):
    erin_posts = list(
        Post.objects.filter(member=erin_data.member).values_list("pk", "network", "activity_id")
    )
    per_activity_before = sorted(Post.objects.values_list("activity_id", flat=True))

    delete_account(user=erin_data.member.user, password=PASSWORD)

    posts = Post.objects.filter(pk__in=[pk for pk, _network, _activity in erin_posts])
    assert sorted(posts.values_list("pk", "network", "activity_id")) == sorted(erin_posts)
    for post in posts:
        assert (post.member_id, post.account_id) == (None, None)
        assert (post.text, post.link_url, post.signature) == ("", "", [])
        assert (post.external_id, post.external_url, post.failure_reason) == ("", "", "")
        assert post.approved_text_sha256 == ""
    assert sorted(Post.objects.values_list("activity_id", flat=True)) == per_activity_before
    published = Post.objects.get(pk=erin_data.published.pk)
    assert published.state == PostState.PUBLISHED
    assert published.published_at is not None
    assert published.attempt_count == 1
    assert PublishAttempt.objects.get(post=published).detail == ""


def test_pending_posts_are_cancelled(erin_data):
    pending = [erin_data.scheduled, erin_data.failed, erin_data.rally_post]

    delete_account(user=erin_data.member.user, password=PASSWORD)

    for post in pending:
        post.refresh_from_db()
        assert post.state == PostState.CANCELLED
        assert post.cancelled_reason == ACCOUNT_DELETED_REASON
        assert post.cancelled_at is not None
        assert post.next_attempt_at is None


def test_colleagues_data_is_untouched(erin_data, adam_data):
    before = personal_rows(adam_data.member.pk)
    adam_texts = sorted(Post.objects.filter(member=adam_data.member).values_list("text", flat=True))

    delete_account(user=erin_data.member.user, password=PASSWORD)

    assert personal_rows(adam_data.member.pk) == before
    assert (
        sorted(Post.objects.filter(member=adam_data.member).values_list("text", flat=True))
        == adam_texts
    )
    adam_data.account.refresh_from_db()
    assert adam_data.account.credentials.access_token == "SECRET-TOKEN-adam"


def test_one_audit_event_per_organisation_without_personal_data(
    erin_data, admin, other_organisation, teams
):
    erin = erin_data.member
    elsewhere = Membership.objects.create(
        organisation=other_organisation, user=erin.user, role=Role.EMPLOYEE
    )

    delete_account(user=erin.user, password=PASSWORD)

    events = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DELETED)
    assert sorted((e.organisation_id, (e.before or {})["membership_id"]) for e in events) == sorted(
        [(erin.organisation_id, erin.pk), (other_organisation.pk, elsewhere.pk)]
    )
    for event in events:
        assert event.actor is None
        assert event.actor_email == ""
        assert "erin" not in f"{event.object_repr} {event.before} {event.after}".lower()


def test_works_when_the_person_appears_in_the_audit_log(owner, admin, teams):
    """The append-only log lets exactly the actor link be unset; the event itself stays."""
    org_services.create_team(by=admin, name="Marketing")
    event = AuditEvent.objects.get(action=AuditAction.TEAM_CREATED)
    admin_user_id = admin.user_id

    delete_account(user=admin.user, password=PASSWORD)

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id is None
    assert event.actor_email == "adam.admin@acme.test"
    assert event.after == {"name": "Marketing", "description": ""}
    assert not User.objects.filter(pk=admin_user_id).exists()


def test_the_only_owner_is_refused(owner, erin_data):
    user_id = owner.user_id

    with pytest.raises(ValidationError, match="only owner of Acme Ltd"):
        delete_account(user=owner.user, password=PASSWORD)

    assert User.objects.filter(pk=user_id).exists()
    assert Membership.objects.filter(pk=owner.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DELETED).exists()


def test_a_deactivated_second_owner_does_not_count(owner, organisation):
    second = make_member(organisation, Role.OWNER, "second.owner@acme.test")
    org_services.deactivate_member(by=owner, member=second)

    with pytest.raises(ValidationError, match="only owner"):
        delete_account(user=owner.user, password=PASSWORD)


def test_an_owner_with_a_fellow_owner_may_leave(owner, organisation):
    make_member(organisation, Role.OWNER, "second.owner@acme.test")

    delete_account(user=owner.user, password=PASSWORD)

    assert not Membership.objects.filter(pk=owner.pk).exists()
    assert Membership.objects.filter(organisation=organisation, role=Role.OWNER).count() == 1


def test_sole_owner_of_another_organisation_is_refused_here_too(erin_data, other_organisation):
    Membership.objects.create(
        organisation=other_organisation, user=erin_data.member.user, role=Role.OWNER
    )

    with pytest.raises(ValidationError, match="only owner of Globex"):
        delete_account(user=erin_data.member.user, password=PASSWORD)

    assert personal_rows(erin_data.member.pk) != NOTHING


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_a_wrong_password_is_refused(erin_data, password):
    before = personal_rows(erin_data.member.pk)

    with pytest.raises(ValidationError) as error:
        delete_account(user=erin_data.member.user, password=password)

    assert error.value.message_dict == {"password": ["This is not your password."]}
    assert personal_rows(erin_data.member.pk) == before
    assert User.objects.filter(pk=erin_data.member.user_id).exists()


def _wrong_passwords(user: User, count: int, *, now) -> None:
    for _attempt in range(count):
        with pytest.raises(ValidationError):
            delete_account(user=user, password="a guess", now=now)


def test_too_many_wrong_passwords_pause_even_the_right_one(erin_data):
    user = erin_data.member.user
    _wrong_passwords(user, MAX_FAILED_PASSWORD_CHECKS, now=MARCH)

    with pytest.raises(ValidationError) as error:
        delete_account(user=user, password=PASSWORD, now=MARCH + timedelta(minutes=1))

    assert error.value.message_dict == {
        "password": ["Too many wrong passwords. Wait 15 minutes, then try again."]
    }
    assert User.objects.filter(pk=user.pk).exists()


def test_the_pause_ends_after_the_window(erin_data):
    user = erin_data.member.user
    _wrong_passwords(user, MAX_FAILED_PASSWORD_CHECKS, now=MARCH)

    delete_account(user=user, password=PASSWORD, now=MARCH + FAILED_PASSWORD_WINDOW)

    assert not User.objects.filter(pk=user.pk).exists()
    assert not FailedPasswordCheck.objects.exists()


def test_fewer_wrong_passwords_than_the_limit_do_not_pause(erin_data):
    user = erin_data.member.user
    _wrong_passwords(user, MAX_FAILED_PASSWORD_CHECKS - 1, now=MARCH)

    delete_account(user=user, password=PASSWORD, now=MARCH)

    assert not User.objects.filter(pk=user.pk).exists()


def test_wrong_passwords_of_someone_else_do_not_pause_anyone(erin_data, adam_data):
    _wrong_passwords(adam_data.member.user, MAX_FAILED_PASSWORD_CHECKS, now=MARCH)

    delete_account(user=erin_data.member.user, password=PASSWORD, now=MARCH)

    assert not User.objects.filter(pk=erin_data.member.user.pk).exists()
