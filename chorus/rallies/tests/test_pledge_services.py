from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from chorus.campaigns.models import CampaignState
from chorus.networks.models import AccountStatus
from chorus.publishing.models import Post, PostSource, PostState, text_fingerprint
from chorus.publishing.services import cancel_pending_posts
from chorus.rallies import services
from chorus.rallies.models import Pledge
from chorus.rallies.tests.helpers import (
    SUGGESTION,
    connect,
    live_activity,
    now,
    offer,
    open_rally,
    own_words,
    participant,
    tracked_link_of,
)
from chorus.sharing.models import AdvocacySettings, DuplicateGuardMode
from chorus.sharing.similarity import signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return now()


@pytest.fixture
def people(organisation):
    return [participant(organisation, number) for number in range(3)]


@pytest.fixture
def rally(organisation, content_manager, people, start):
    activity = live_activity(organisation)
    offer(activity)
    return open_rally(by=content_manager, activity=activity, at=start)


def codes(error: ValidationError) -> dict[str, list[str | None]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_a_pledge_is_an_approved_post_with_disclosure_and_link_and_no_schedule(
    rally, people, start
):
    member, account = people[0]

    pledge = services.pledge(
        member=member, rally=rally, account=account, text="  My own words here.  ", now=start
    )

    post = Post.objects.get(pk=pledge.post_id)
    link = tracked_link_of(account, rally.activity)
    assert post.text == f"My own words here.\n{link}\n\n#employee"
    assert post.state == PostState.APPROVED
    assert post.source == PostSource.RALLY
    assert post.approved_text_sha256 == text_fingerprint(post.text)
    assert post.signature == signature(post.text, ignore="#employee")
    assert (post.member, post.account, post.network) == (member, account, "outbox")
    assert post.activity == rally.activity
    assert post.link_url == link
    assert post.organisation == rally.organisation
    assert post.scheduled_for is None and post.next_attempt_at is None
    assert (pledge.member, pledge.account, pledge.rally) == (member, account, rally)


def test_the_organisations_disclosure_is_used(rally, people, start, organisation):
    AdvocacySettings.objects.create(organisation=organisation, disclosure="I work at Acme.")
    member, account = people[0]

    pledge = services.pledge(member=member, rally=rally, account=account, text="Hi.", now=start)

    assert pledge.post.text.endswith("\n\nI work at Acme.")


def test_refused_when_not_in_the_programme(rally, people, start):
    member, account = people[0]
    member.consents.update(left_at=start)

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text="Mine.", now=start)

    assert error.value.code == "not_participant"
    assert not Pledge.objects.exists() and not Post.objects.exists()


def test_refused_for_an_account_that_does_not_take_part(rally, people, start):
    member, _account = people[0]
    idle = connect(member, takes_part=False)

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=idle, text="Mine.", now=start)

    assert codes(error.value) == {"account": ["cannot_post"]}
    assert not Post.objects.exists()


def test_refused_for_an_account_needing_reconnection(rally, people, start):
    member, _account = people[0]
    broken = connect(member, status=AccountStatus.NEEDS_RECONNECT)

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=broken, text="Mine.", now=start)

    assert codes(error.value) == {"account": ["cannot_post"]}


def test_refused_for_someone_elses_account(rally, people, start):
    member, _account = people[0]
    _other, others_account = people[1]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=others_account, text="Mine.", now=start)

    assert codes(error.value) == {"account": ["not_yours"]}


def test_refused_for_a_network_the_campaign_does_not_use(rally, people, start):
    rally.activity.campaign.networks = ["linkedin"]
    rally.activity.campaign.save()
    member, account = people[0]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text="Mine.", now=start)

    assert codes(error.value) == {"account": ["network"]}


def test_refused_at_and_after_the_deadline(rally, people):
    member, account = people[0]

    for moment in (rally.deadline, rally.deadline + timedelta(minutes=1)):
        with pytest.raises(ValidationError) as error:
            services.pledge(member=member, rally=rally, account=account, text="Mine.", now=moment)
        assert error.value.code == "deadline"

    services.pledge(
        member=member,
        rally=rally,
        account=account,
        text="Mine.",
        now=rally.deadline - timedelta(seconds=1),
    )


def test_refused_when_the_rally_is_no_longer_open(rally, people, start, content_manager):
    services.cancel_rally(by=content_manager, rally=rally, now=start)
    member, account = people[0]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text="Mine.", now=start)

    assert error.value.code == "closed"


def test_refused_when_the_campaign_is_no_longer_live(rally, people, start):
    rally.activity.campaign.state = CampaignState.ENDED
    rally.activity.campaign.save()
    member, account = people[0]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text="Mine.", now=start)

    assert error.value.code == "not_live"


def test_refused_when_the_activity_was_not_offered_to_the_member(rally, organisation, start):
    late_member, account = participant(organisation, 99)

    with pytest.raises(ValidationError) as error:
        services.pledge(member=late_member, rally=rally, account=account, text="Mine.", now=start)

    assert error.value.code == "not_offered"


def test_refused_when_too_long_for_the_network(rally, people, start):
    member, account = people[0]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text="a" * 480, now=start)

    assert codes(error.value) == {"text": ["too_long"]}
    assert "too long" in error.value.error_dict["text"][0].messages[0]
    assert not Post.objects.exists()


def test_an_empty_text_is_refused(rally, people, start):
    member, account = people[0]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text="   ", now=start)

    assert codes(error.value) == {"text": ["required"]}


def test_one_live_pledge_per_member_and_account(rally, people, start):
    member, account = people[0]
    services.pledge(member=member, rally=rally, account=account, text=own_words(1), now=start)

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text=own_words(2), now=start)

    assert codes(error.value) == {"account": ["pledged"]}
    assert Pledge.objects.count() == 1


def test_after_withdrawing_one_may_pledge_again(rally, people, start):
    member, account = people[0]
    first = services.pledge(
        member=member, rally=rally, account=account, text=own_words(1), now=start
    )
    services.withdraw(member=member, pledge=first, now=start)

    second = services.pledge(
        member=member, rally=rally, account=account, text=own_words(2), now=start
    )

    assert second.pk != first.pk


def test_a_pledge_whose_post_was_cancelled_elsewhere_no_longer_counts(rally, people, start):
    member, account = people[0]
    first = services.pledge(
        member=member, rally=rally, account=account, text=own_words(1), now=start
    )
    cancel_pending_posts(posts=Post.objects.filter(pk=first.post_id), reason="left")

    second = services.pledge(
        member=member, rally=rally, account=account, text=own_words(2), now=start
    )

    first.refresh_from_db()
    assert first.withdrawn_at == start
    assert second.withdrawn_at is None


# The near-duplicate guard.


def test_warn_mode_asks_for_acknowledgement_of_a_colleagues_near_copy(rally, people, start):
    (first, first_account), (second, second_account) = people[:2]
    services.pledge(member=first, rally=rally, account=first_account, text=own_words(1), now=start)

    with pytest.raises(ValidationError) as error:
        services.pledge(
            member=second, rally=rally, account=second_account, text=own_words(1), now=start
        )
    assert codes(error.value) == {"text": ["similar"]}
    assert "colleague" in error.value.error_dict["text"][0].messages[0]
    assert Pledge.objects.count() == 1

    services.pledge(
        member=second,
        rally=rally,
        account=second_account,
        text=own_words(1),
        acknowledge_similarity=True,
        now=start,
    )
    assert Pledge.objects.count() == 2


def test_warn_mode_also_compares_with_the_suggestion(rally, people, start):
    member, account = people[0]

    with pytest.raises(ValidationError) as error:
        services.pledge(member=member, rally=rally, account=account, text=SUGGESTION, now=start)

    assert codes(error.value) == {"text": ["similar"]}
    assert "suggested text" in error.value.error_dict["text"][0].messages[0]


def test_block_mode_refuses_even_when_acknowledged(rally, people, start, organisation):
    AdvocacySettings.objects.create(
        organisation=organisation, duplicate_guard=DuplicateGuardMode.BLOCK
    )
    (first, first_account), (second, second_account) = people[:2]
    services.pledge(member=first, rally=rally, account=first_account, text=own_words(1), now=start)

    with pytest.raises(ValidationError) as error:
        services.pledge(
            member=second,
            rally=rally,
            account=second_account,
            text=own_words(1),
            acknowledge_similarity=True,
            now=start,
        )

    assert codes(error.value) == {"text": ["duplicate"]}
    assert Pledge.objects.count() == 1


def test_x_always_refuses_near_duplicates_even_in_warn_mode(rally, people, start):
    (first, _a), (second, _b) = people[:2]
    first_x, second_x = connect(first, network="x"), connect(second, network="x")
    services.pledge(member=first, rally=rally, account=first_x, text=own_words(1), now=start)

    with pytest.raises(ValidationError) as error:
        services.pledge(
            member=second,
            rally=rally,
            account=second_x,
            text=own_words(1) + " Really.",
            acknowledge_similarity=True,
            now=start,
        )

    assert codes(error.value) == {"text": ["duplicate"]}
    assert not Post.objects.filter(account=second_x).exists()


def test_x_refuses_the_suggestion_copied(rally, people, start):
    member, _account = people[0]
    x = connect(member, network="x")

    with pytest.raises(ValidationError) as error:
        services.pledge(
            member=member,
            rally=rally,
            account=x,
            text=SUGGESTION,
            acknowledge_similarity=True,
            now=start,
        )

    assert codes(error.value) == {"text": ["duplicate"]}


def test_texts_of_their_own_pass_the_guard_on_x(rally, people, start):
    for number, (member, _account) in enumerate(people):
        x = connect(member, network="x")
        services.pledge(member=member, rally=rally, account=x, text=own_words(number), now=start)

    assert Pledge.objects.count() == len(people)


def test_withdrawn_pledges_are_not_compared(rally, people, start):
    (first, first_account), (second, second_account) = people[:2]
    pledge = services.pledge(
        member=first, rally=rally, account=first_account, text=own_words(1), now=start
    )
    services.withdraw(member=first, pledge=pledge, now=start)

    services.pledge(
        member=second, rally=rally, account=second_account, text=own_words(1), now=start
    )


def test_ones_own_text_on_two_networks_is_not_a_copy(rally, people, start):
    member, account = people[0]
    linkedin = connect(member, network="linkedin")
    services.pledge(member=member, rally=rally, account=account, text=own_words(1), now=start)

    services.pledge(member=member, rally=rally, account=linkedin, text=own_words(1), now=start)

    assert Pledge.objects.filter(member=member).count() == 2
