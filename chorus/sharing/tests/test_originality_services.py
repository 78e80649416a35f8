"""The near-duplicate guard: a draft against colleagues' posts and the suggestions."""

import pytest

from chorus.campaigns.models import Activity
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.models import PostState
from chorus.sharing.models import DuplicateGuardMode
from chorus.sharing.selectors import advocacy_settings_for
from chorus.sharing.services import SimilarTo, check_originality
from chorus.sharing.tests.conftest import SUGGESTION, make_account, make_post

pytestmark = pytest.mark.django_db

OWN_WORDS = (
    "Spent last week on a roof in Tampere watching these go up. Quiet, black, and they "
    "actually pay for themselves. I did not expect to get excited about tiles."
)
COLLEAGUE_WORDS = (
    "Three winters of prototypes and the tiles finally ship. Every one of them went through "
    "our hail test rig twice, and I still cannot believe how good they look."
)


@pytest.fixture
def account(participant: Membership) -> ConnectedAccount:
    return participant.connected_accounts.get()


def check(member: Membership, activity: Activity, account: ConnectedAccount, text: str):
    return check_originality(member=member, activity=activity, account=account, text=text)


def test_own_words_pass(participant: Membership, activity: Activity, account) -> None:
    result = check(participant, activity, account, OWN_WORDS)

    assert not result.is_copy
    assert result.message == ""


def test_the_unedited_suggestion_is_a_copy(participant, activity, account) -> None:
    result = check(participant, activity, account, SUGGESTION)

    assert result.is_copy
    assert result.similar_to == SimilarTo.SUGGESTION
    assert result.percent == 100
    assert "100% the same as the suggested text" in result.message


def test_a_lightly_edited_suggestion_is_still_a_copy(participant, activity, account) -> None:
    result = check(participant, activity, account, "Wow! " + SUGGESTION + " #solar")

    assert result.is_copy


def test_a_colleagues_post_is_found_but_not_named(
    participant, activity, account, content_manager: Membership
) -> None:
    make_post(content_manager, make_account(content_manager), activity, text=COLLEAGUE_WORDS)

    result = check(participant, activity, account, COLLEAGUE_WORDS + " #employee")

    assert result.is_copy
    assert result.similar_to == SimilarTo.COLLEAGUE
    assert "a colleague" in result.message
    assert content_manager.user.full_name not in result.message
    assert "Carla" not in result.message


def test_cancelled_posts_and_ones_own_posts_do_not_count(
    participant, activity, account, content_manager: Membership
) -> None:
    make_post(
        content_manager,
        make_account(content_manager),
        activity,
        text=COLLEAGUE_WORDS,
        state=PostState.CANCELLED,
    )
    make_post(participant, account, activity, text=COLLEAGUE_WORDS)

    assert not check(participant, activity, account, COLLEAGUE_WORDS).is_copy


def test_posts_for_other_activities_do_not_count(
    participant, activity, account, content_manager: Membership, organisation
) -> None:
    from chorus.sharing.tests.conftest import make_activity

    other = make_activity(organisation, title="Other", offer=False)
    make_post(content_manager, make_account(content_manager), other, text=COLLEAGUE_WORDS)

    assert not check(participant, activity, account, COLLEAGUE_WORDS).is_copy


def test_the_disclosure_is_ignored(participant, activity, account) -> None:
    advocacy = advocacy_settings_for(organisation=participant.organisation)
    advocacy.disclosure = "I work at Acme and I am proud of what we build here"
    advocacy.save()

    result = check(participant, activity, account, OWN_WORDS + " " + advocacy.disclosure)

    assert not result.is_copy


def test_warn_mode_asks_for_acknowledgement(participant, activity, account) -> None:
    result = check(participant, activity, account, SUGGESTION)

    assert result.needs_acknowledgement
    assert not result.blocks
    assert "Post it anyway" in result.message


def test_block_mode_blocks(participant, activity, account) -> None:
    advocacy = advocacy_settings_for(organisation=participant.organisation)
    advocacy.duplicate_guard = DuplicateGuardMode.BLOCK
    advocacy.save()

    result = check(participant, activity, account, SUGGESTION)

    assert result.blocks
    assert not result.needs_acknowledgement


def test_x_always_blocks_even_in_warn_mode(participant, activity) -> None:
    x_account = make_account(participant, network="x")

    result = check(participant, activity, x_account, SUGGESTION)

    assert result.blocks
    assert "X does not allow near-identical posts" in result.message


def test_the_threshold_decides(participant, activity, account) -> None:
    advocacy = advocacy_settings_for(organisation=participant.organisation)
    advocacy.duplicate_threshold = 1.0
    advocacy.save()
    almost = SUGGESTION.replace("three long winters", "four cold winters")

    assert check(participant, activity, account, SUGGESTION).is_copy
    assert not check(participant, activity, account, almost).is_copy
