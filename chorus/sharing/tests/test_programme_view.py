from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.networks.models import ConnectedAccount
from chorus.notifications.models import Notification, NotificationKind
from chorus.publishing.models import Post, PostState
from chorus.sharing import services
from chorus.sharing.models import FeedEntry, FeedState, ProgrammeConsent
from chorus.sharing.selectors import advocacy_settings_for
from chorus.sharing.tests.conftest import make_account, make_activity, make_post

pytestmark = pytest.mark.django_db

PROGRAMME = "/o/acme/share/programme/"
JOIN = "/o/acme/share/programme/join/"
LEAVE = "/o/acme/share/programme/leave/"
ACCOUNTS = "/o/acme/share/programme/accounts/"


def test_the_page_shows_the_terms_and_asks_without_pressure(employee, login) -> None:
    advocacy = advocacy_settings_for(organisation=employee.organisation)
    advocacy.programme_terms, advocacy.programme_terms_version = "Share only what you like.", 4
    advocacy.save()

    page = login(employee).get(PROGRAMME).content.decode()

    assert "Share only what you like." in page
    assert "The terms (version 4)" in page
    assert "Not taking part has no consequences" in page
    assert 'action="/o/acme/share/programme/join/"' in page


def test_joining_records_consent_with_the_terms(employee, login) -> None:
    client = login(employee)

    response = client.post(JOIN)

    assert response.status_code == 302
    consent = ProgrammeConsent.objects.get(member=employee)
    assert consent.terms_version == 1
    assert consent.left_at is None
    page = client.get(PROGRAMME).content.decode()
    assert "You are taking part" in page
    assert "Leave the programme" in page


def test_joining_needs_a_post(employee, login) -> None:
    assert login(employee).get(JOIN).status_code == 405
    assert not ProgrammeConsent.objects.exists()


def test_leaving_cancels_every_pending_post_in_the_same_request(
    participant, content_manager, organisation, cast, login
) -> None:
    """THE OPT-OUT TEST: leaving cancels what has not gone out, at once, and says what."""
    activity = make_activity(organisation, title="Solar tiles launch")
    second = make_activity(organisation, title="Factory open day")
    linkedin = participant.connected_accounts.get()
    mastodon = make_account(participant, network="mastodon")
    approved = make_post(
        participant, linkedin, activity, state=PostState.APPROVED, text="Approved words of mine"
    )
    scheduled = make_post(
        participant,
        mastodon,
        second,
        state=PostState.SCHEDULED,
        text="Scheduled words of mine",
        scheduled_for=timezone.now() + timedelta(hours=4),
    )
    failed = make_post(
        participant, mastodon, activity, state=PostState.FAILED, text="Failed words of mine"
    )
    published = make_post(
        participant, linkedin, second, state=PostState.PUBLISHED, text="Published words"
    )
    services.join_programme(member=content_manager)
    colleague = make_post(
        content_manager,
        make_account(content_manager),
        activity,
        state=PostState.SCHEDULED,
        text="A colleague's post",
        scheduled_for=timezone.now() + timedelta(hours=2),
    )
    FeedEntry.objects.filter(member=participant, activity=second).update(state=FeedState.SCHEDULED)

    response = login(participant).post(LEAVE)

    # The database, right after the response.
    assert response.status_code == 200
    states = dict(Post.objects.values_list("pk", "state"))
    assert states[approved.pk] == PostState.CANCELLED
    assert states[scheduled.pk] == PostState.CANCELLED
    assert states[failed.pk] == PostState.CANCELLED
    assert states[published.pk] == PostState.PUBLISHED
    assert states[colleague.pk] == PostState.SCHEDULED
    assert Post.objects.get(pk=scheduled.pk).next_attempt_at is None
    assert ProgrammeConsent.objects.get(member=participant).left_at is not None
    assert not ConnectedAccount.objects.filter(member=participant, takes_part=True).exists()
    assert ConnectedAccount.objects.get(member=content_manager).takes_part
    assert FeedEntry.objects.get(member=participant, activity=second).state == FeedState.NEW
    assert Notification.objects.filter(
        member=participant, kind=NotificationKind.POSTS_CANCELLED
    ).exists()
    # The response lists what was cancelled, and nothing else.
    page = response.content.decode()
    assert "You left the programme" in page
    assert "These 3 posts had not gone out yet" in page
    for text in ("Approved words of mine", "Scheduled words of mine", "Failed words of mine"):
        assert text in page
    assert "Published words" not in page
    assert "A colleague&#x27;s post" not in page
    assert "@erin-mastodon" in page


def test_leaving_when_not_in_the_programme_says_so(employee, login) -> None:
    response = login(employee).post(LEAVE, follow=True)

    assert "You are not taking part in the programme." in response.content.decode()


def test_history_shows_every_consent_and_the_terms_agreed_to(participant, admin, login) -> None:
    services.leave_programme(member=participant)
    services.update_advocacy_settings(
        by=admin,
        disclosure="#employee",
        duplicate_guard="warn",
        duplicate_threshold=0.6,
        programme_terms="Second terms.",
    )
    services.join_programme(member=participant)

    page = login(participant).get(PROGRAMME).content.decode()

    assert page.count("<tr>") == 3  # heading row and two records
    assert "Second terms." in page
    assert "I choose to take part" in page


def test_new_terms_are_shown_to_participants_who_stay_in(participant, admin, login) -> None:
    services.update_advocacy_settings(
        by=admin,
        disclosure="#employee",
        duplicate_guard="warn",
        duplicate_threshold=0.6,
        programme_terms="Revised terms.",
    )

    page = login(participant).get(PROGRAMME).content.decode()

    assert "The terms have changed since you joined. This is version 2" in page
    assert "Revised terms." in page
    assert "You are still taking part" in page
    assert ProgrammeConsent.objects.get(member=participant).left_at is None


def test_unchoosing_an_account_cancels_only_its_posts_and_shows_them(
    participant, activity, login
) -> None:
    linkedin = participant.connected_accounts.get()
    mastodon = make_account(participant, network="mastodon")
    linkedin_post = make_post(participant, linkedin, activity, text="LinkedIn words of mine")
    mastodon_post = make_post(participant, mastodon, activity, text="Mastodon words of mine")

    response = login(participant).post(ACCOUNTS, {"accounts": [mastodon.pk]})

    assert response.status_code == 200
    linkedin_post.refresh_from_db()
    mastodon_post.refresh_from_db()
    assert linkedin_post.state == PostState.CANCELLED
    assert mastodon_post.state == PostState.APPROVED
    assert not ConnectedAccount.objects.get(pk=linkedin.pk).takes_part
    page = response.content.decode()
    assert "Cancelled posts" in page
    assert "LinkedIn words of mine" in page
    assert "Mastodon words of mine" not in page


def test_choosing_an_account(participant, login) -> None:
    mastodon = make_account(participant, network="mastodon", takes_part=False)
    linkedin = participant.connected_accounts.get(network="linkedin")

    response = login(participant).post(ACCOUNTS, {"accounts": [linkedin.pk, mastodon.pk]})

    assert response.status_code == 302
    assert ConnectedAccount.objects.get(pk=mastodon.pk).takes_part


def test_choosing_accounts_outside_the_programme_shows_an_error(employee, login) -> None:
    account = make_account(employee, takes_part=False)

    response = login(employee).post(ACCOUNTS, {"accounts": [account.pk]})

    assert response.status_code == 200
    assert "Join the programme first" in response.content.decode()
    assert not ConnectedAccount.objects.get(pk=account.pk).takes_part


def test_someone_elses_account_is_not_a_choice(participant, content_manager, login) -> None:
    theirs = make_account(content_manager, takes_part=False)

    response = login(participant).post(ACCOUNTS, {"accounts": [theirs.pk]})

    assert response.status_code == 200
    assert not ConnectedAccount.objects.get(pk=theirs.pk).takes_part


def test_outsiders_get_404(outsider, login) -> None:
    client = login(outsider)

    assert client.get(PROGRAMME).status_code == 404
    assert client.post(JOIN).status_code == 404
    assert not ProgrammeConsent.objects.exists()
