from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.campaigns.models import Activity
from chorus.networks.models import AccountStatus
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs.models import Membership
from chorus.publishing.models import PostState
from chorus.sharing import services
from chorus.sharing.models import FeedEntry, FeedState, ProgrammeConsent
from chorus.sharing.selectors import advocacy_settings_for
from chorus.sharing.tests.conftest import make_account, make_post

pytestmark = pytest.mark.django_db


def test_joining_records_the_terms_and_their_version(employee: Membership) -> None:
    advocacy = advocacy_settings_for(organisation=employee.organisation)
    advocacy.programme_terms = "Be kind. Leave whenever you like."
    advocacy.programme_terms_version = 3
    advocacy.save()

    consent = services.join_programme(member=employee)

    assert consent.terms_version == 3
    assert consent.terms_text == "Be kind. Leave whenever you like."
    assert consent.left_at is None
    assert ProgrammeConsent.objects.filter(member=employee).count() == 1


def test_default_terms_are_kept_word_for_word(employee: Membership) -> None:
    consent = services.join_programme(member=employee)

    assert consent.terms_text.startswith("I choose to take part")
    assert consent.terms_version == 1


def test_joining_twice_is_refused(employee: Membership) -> None:
    services.join_programme(member=employee)

    with pytest.raises(ValidationError, match="already taking part"):
        services.join_programme(member=employee)


def test_leaving_and_joining_again_keeps_the_history(employee: Membership) -> None:
    first = services.join_programme(member=employee)
    services.leave_programme(member=employee)
    advocacy = advocacy_settings_for(organisation=employee.organisation)
    advocacy.programme_terms, advocacy.programme_terms_version = "New terms", 2
    advocacy.save()

    second = services.join_programme(member=employee)

    first.refresh_from_db()
    assert first.left_at is not None
    assert (second.terms_version, second.terms_text, second.left_at) == (2, "New terms", None)
    assert ProgrammeConsent.objects.filter(member=employee).count() == 2


def test_leaving_when_not_taking_part_is_refused(employee: Membership) -> None:
    with pytest.raises(ValidationError, match="not taking part"):
        services.leave_programme(member=employee)


def test_leaving_cancels_every_pending_post_and_withdraws_accounts(
    participant: Membership, content_manager: Membership, activity: Activity
) -> None:
    account = participant.connected_accounts.get()
    other_account = make_account(participant, network="mastodon")
    pending = [
        make_post(participant, account, activity, state=PostState.APPROVED),
        make_post(
            participant,
            other_account,
            activity,
            state=PostState.SCHEDULED,
            scheduled_for=timezone.now() + timedelta(hours=3),
        ),
        make_post(participant, account, activity, state=PostState.FAILED),
    ]
    published = make_post(participant, account, activity, state=PostState.PUBLISHED)
    colleague_post = make_post(
        content_manager, make_account(content_manager), activity, state=PostState.SCHEDULED
    )
    FeedEntry.objects.filter(member=participant).update(state=FeedState.SCHEDULED)

    result = services.leave_programme(member=participant)

    assert {post.pk for post in result.cancelled} == {post.pk for post in pending}
    for post in pending:
        post.refresh_from_db()
        assert post.state == PostState.CANCELLED
        assert post.cancelled_reason == "You left the programme."
        assert post.next_attempt_at is None
    published.refresh_from_db()
    colleague_post.refresh_from_db()
    assert published.state == PostState.PUBLISHED
    assert colleague_post.state == PostState.SCHEDULED
    assert not participant.connected_accounts.filter(takes_part=True).exists()
    assert set(FeedEntry.objects.filter(member=participant).values_list("state", flat=True)) == {
        FeedState.NEW
    }
    notification = Notification.objects.get(
        member=participant, kind=NotificationKind.POSTS_CANCELLED
    )
    assert notification.params["count"] == 3
    assert notification.url.endswith("/o/acme/share/posts/")


def test_leaving_with_nothing_pending_sends_no_notification(participant: Membership) -> None:
    result = services.leave_programme(member=participant)

    assert result.cancelled == []
    assert not Notification.objects.filter(kind=NotificationKind.POSTS_CANCELLED).exists()


def test_choosing_accounts_needs_the_programme(employee: Membership) -> None:
    account = make_account(employee, takes_part=False)

    with pytest.raises(ValidationError) as error:
        services.choose_accounts(member=employee, account_ids=[account.pk])

    assert "accounts" in error.value.message_dict
    account.refresh_from_db()
    assert not account.takes_part


def test_choosing_and_unchoosing_accounts(participant: Membership, activity: Activity) -> None:
    linkedin = participant.connected_accounts.get()
    mastodon = make_account(participant, network="mastodon", takes_part=False)
    linkedin_post = make_post(participant, linkedin, activity, state=PostState.SCHEDULED)
    mastodon_published = make_post(participant, mastodon, activity, state=PostState.PUBLISHED)

    choice = services.choose_accounts(member=participant, account_ids=[mastodon.pk])

    linkedin.refresh_from_db()
    mastodon.refresh_from_db()
    linkedin_post.refresh_from_db()
    mastodon_published.refresh_from_db()
    assert (linkedin.takes_part, mastodon.takes_part) == (False, True)
    assert [p.pk for p in choice.cancelled] == [linkedin_post.pk]
    assert linkedin_post.state == PostState.CANCELLED
    assert mastodon_published.state == PostState.PUBLISHED


def test_unchoosing_leaves_other_accounts_posts_alone(
    participant: Membership, activity: Activity
) -> None:
    linkedin = participant.connected_accounts.get()
    mastodon = make_account(participant, network="mastodon")
    linkedin_post = make_post(participant, linkedin, activity, state=PostState.APPROVED)
    mastodon_post = make_post(participant, mastodon, activity, state=PostState.SCHEDULED)

    services.choose_accounts(member=participant, account_ids=[linkedin.pk])

    linkedin_post.refresh_from_db()
    mastodon_post.refresh_from_db()
    assert linkedin_post.state == PostState.APPROVED
    assert mastodon_post.state == PostState.CANCELLED


def test_someone_elses_account_cannot_be_chosen(
    participant: Membership, content_manager: Membership
) -> None:
    theirs = make_account(content_manager, takes_part=False)

    with pytest.raises(ValidationError):
        services.choose_accounts(member=participant, account_ids=[theirs.pk])

    theirs.refresh_from_db()
    assert not theirs.takes_part


def test_an_account_needing_reconnection_cannot_be_chosen(participant: Membership) -> None:
    broken = make_account(participant, takes_part=False, status=AccountStatus.NEEDS_RECONNECT)

    with pytest.raises(ValidationError, match="Reconnect"):
        services.choose_accounts(member=participant, account_ids=[broken.pk])
