"""Approving a post (and approving new words for it): every check runs on the server."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.campaigns.models import ActivityKind, CampaignState
from chorus.links.models import TrackedLink
from chorus.links.services import short_url, tracked_link_for
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.sharing import services
from chorus.sharing.models import DuplicateGuardMode
from chorus.sharing.selectors import advocacy_settings_for
from chorus.sharing.similarity import signature
from chorus.sharing.tests.conftest import SUGGESTION, make_account, make_activity, make_post
from chorus.sharing.tests.test_originality_services import OWN_WORDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(participant: Membership) -> ConnectedAccount:
    return participant.connected_accounts.get()


def approve(member, activity, account, text=OWN_WORDS, **kwargs) -> Post:
    return services.approve_post(
        member=member, activity=activity, account=account, text=text, **kwargs
    )


def errors_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def tracked_url(member, activity, network="linkedin") -> str:
    return short_url(tracked_link_for(member=member, activity=activity, network=network))


def test_the_post_holds_the_exact_final_text_with_disclosure_and_link(
    participant, activity, account
) -> None:
    post = approve(participant, activity, account)

    # The link is the member's own tracked short link, which leads to the campaign's page.
    link = TrackedLink.objects.get(member=participant, activity=activity, network="linkedin")
    assert link.target.startswith("https://acme.test/solar?utm_source=linkedin&")
    expected = f"{OWN_WORDS}\n{short_url(link)}\n\n#employee"
    assert post.text == expected
    assert post.approved_text_sha256 == text_fingerprint(expected)
    assert post.text_is_as_approved
    assert post.signature == signature(OWN_WORDS, ignore="#employee")
    assert (post.state, post.network, post.link_url) == (
        PostState.APPROVED,
        "linkedin",
        short_url(link),
    )
    assert (post.member, post.account, post.activity, post.organisation) == (
        participant,
        account,
        activity,
        participant.organisation,
    )


def test_a_disclosure_the_employee_wrote_is_not_added_twice(participant, activity, account) -> None:
    post = approve(participant, activity, account, text=OWN_WORDS + " #Employee")

    assert post.text.count("#") == 1


def test_too_long_for_the_network_is_refused(participant, activity) -> None:
    bluesky = make_account(participant, network="bluesky")
    long_text = "Tiles " + " ".join(f"word{n}" for n in range(60))

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, bluesky, text=long_text)

    assert "too long for Bluesky" in errors_of(error)["text"][0]
    assert not Post.objects.exists()


def test_the_disclosure_counts_towards_the_limit(participant, activity) -> None:
    bluesky = make_account(participant, network="bluesky")
    link = "\n" + tracked_url(participant, activity, "bluesky")
    # Fits on its own, but not once the link and "\n\n#employee" are added.
    text = "a" * (300 - len(link) - 5)

    with pytest.raises(ValidationError):
        approve(participant, activity, bluesky, text=text)


def test_empty_text_is_refused(participant, activity, account) -> None:
    with pytest.raises(ValidationError) as error:
        approve(participant, activity, account, text="   ")

    assert "text" in errors_of(error)


def test_warn_mode_refuses_a_copy_without_acknowledgement(participant, activity, account) -> None:
    with pytest.raises(ValidationError) as error:
        approve(participant, activity, account, text=SUGGESTION)

    assert "acknowledge_similarity" in errors_of(error)
    assert not Post.objects.exists()


def test_warn_mode_accepts_a_copy_with_acknowledgement(participant, activity, account) -> None:
    post = approve(participant, activity, account, text=SUGGESTION, acknowledge_similarity=True)

    assert post.state == PostState.APPROVED


def test_block_mode_refuses_a_copy_even_acknowledged(participant, activity, account) -> None:
    advocacy = advocacy_settings_for(organisation=participant.organisation)
    advocacy.duplicate_guard = DuplicateGuardMode.BLOCK
    advocacy.save()

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, account, text=SUGGESTION, acknowledge_similarity=True)

    assert "text" in errors_of(error)
    assert not Post.objects.exists()


def test_x_always_blocks_a_copy(participant, activity) -> None:
    x_account = make_account(participant, network="x")
    short = SUGGESTION[:150]
    advocacy_settings_for(organisation=participant.organisation)

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, x_account, text=short, acknowledge_similarity=True)

    assert "X does not allow" in errors_of(error)["text"][0]


def test_a_colleagues_words_are_a_copy(participant, activity, account, content_manager) -> None:
    services.join_programme(member=content_manager)
    theirs = make_account(content_manager)
    approve(content_manager, activity, theirs, text=OWN_WORDS)

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, account, text=OWN_WORDS)

    message = errors_of(error)["acknowledge_similarity"][0]
    assert "a colleague" in message
    assert "Carla" not in message


def test_not_in_the_programme_is_refused(employee, activity) -> None:
    account = make_account(employee)

    with pytest.raises(ValidationError, match="Join the programme"):
        approve(employee, activity, account)


def test_someone_elses_account_is_refused(participant, activity, content_manager) -> None:
    theirs = make_account(content_manager)

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, theirs)

    assert "account" in errors_of(error)


@pytest.mark.parametrize(
    "change",
    [
        {"takes_part": False},
        {"status": AccountStatus.NEEDS_RECONNECT},
    ],
)
def test_an_account_that_cannot_post_is_refused(participant, activity, change) -> None:
    make_account(participant, network="mastodon")  # one account still takes part
    account = participant.connected_accounts.get(network="linkedin")
    ConnectedAccount.objects.filter(pk=account.pk).update(**change)
    account.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, account)

    assert "account" in errors_of(error)


def test_a_network_the_campaign_is_not_for_is_refused(participant, organisation, cast) -> None:
    make_account(participant, network="mastodon")
    activity = make_activity(organisation, networks=["mastodon"])
    linkedin = participant.connected_accounts.get(network="linkedin")

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, linkedin)

    assert "not for LinkedIn" in errors_of(error)["account"][0]


def test_an_expired_activity_is_refused(participant, organisation, cast, account) -> None:
    activity = make_activity(organisation, expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ValidationError, match="expired"):
        approve(participant, activity, account)


@pytest.mark.parametrize("state", [CampaignState.PILOT, CampaignState.ENDED])
def test_only_live_campaigns_can_be_shared(participant, organisation, account, teams, state):
    participant.teams.add(teams["Nordics"])
    activity = make_activity(organisation, state=CampaignState.LIVE)
    activity.campaign.state = state
    activity.campaign.save()

    with pytest.raises(ValidationError):
        approve(participant, activity, account)


def test_an_activity_outside_ones_feed_is_refused(participant, organisation, account) -> None:
    activity = make_activity(organisation, offer=False)

    with pytest.raises(ValidationError, match="not in your feed"):
        approve(participant, activity, account)


def test_likes_are_not_posted(participant, organisation, cast, account) -> None:
    activity = make_activity(organisation, kind=ActivityKind.LIKE)

    with pytest.raises(ValidationError, match="on the network itself"):
        approve(participant, activity, account)


def test_one_post_per_activity_and_account(participant, activity, account) -> None:
    approve(participant, activity, account)

    with pytest.raises(ValidationError) as error:
        approve(participant, activity, account, text=OWN_WORDS + " Again.")

    assert "already have a post" in errors_of(error)["account"][0]


def test_editing_approves_the_new_text_again(participant, activity, account) -> None:
    post = approve(participant, activity, account)
    post.approved_at = timezone.now() - timedelta(hours=2)
    Post.objects.filter(pk=post.pk).update(approved_at=post.approved_at)
    later = timezone.now()

    services.edit_post(
        member=participant, post=post, text="Completely different words of mine.", now=later
    )

    post.refresh_from_db()
    link = tracked_url(participant, activity)
    assert post.text == f"Completely different words of mine.\n{link}\n\n#employee"
    assert post.approved_text_sha256 == text_fingerprint(post.text)
    assert post.approved_at == later
    assert post.state == PostState.APPROVED


def test_editing_keeps_a_scheduled_post_scheduled(participant, activity, account) -> None:
    when = timezone.now() + timedelta(hours=5)
    post = make_post(participant, account, activity, state=PostState.SCHEDULED, scheduled_for=when)

    services.edit_post(member=participant, post=post, text="New words, all mine, really.")

    post.refresh_from_db()
    assert (post.state, post.scheduled_for) == (PostState.SCHEDULED, when)
    assert post.text_is_as_approved


def test_editing_runs_the_guard_again(participant, activity, account) -> None:
    post = approve(participant, activity, account)

    with pytest.raises(ValidationError) as error:
        services.edit_post(member=participant, post=post, text=SUGGESTION)

    assert "acknowledge_similarity" in errors_of(error)
    post.refresh_from_db()
    assert post.text.startswith(OWN_WORDS)


@pytest.mark.parametrize("state", [PostState.PUBLISHED, PostState.PUBLISHING, PostState.CANCELLED])
def test_posts_that_went_out_or_were_cancelled_cannot_be_edited(
    participant, activity, account, state
) -> None:
    post = make_post(participant, account, activity, state=state)

    with pytest.raises(ValidationError):
        services.edit_post(member=participant, post=post, text="Other words entirely.")


def test_another_members_post_cannot_be_edited(participant, activity, content_manager) -> None:
    services.join_programme(member=content_manager)
    theirs = make_post(content_manager, make_account(content_manager), activity)

    with pytest.raises(ValidationError):
        services.edit_post(member=participant, post=theirs, text="Hijacked words here.")
