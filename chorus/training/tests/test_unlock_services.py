"""Unlocking activity types: one check, used by the feed, the composer and rally pledges."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns.models import ActivityKind
from chorus.rallies import services as rally_services
from chorus.rallies.tests.helpers import live_activity, now, offer, open_rally, participant
from chorus.sharing import selectors as sharing_selectors
from chorus.sharing import services as sharing_services
from chorus.sharing.models import FeedEntry
from chorus.sharing.tests.conftest import make_account, make_activity
from chorus.training import selectors, services
from chorus.training.models import UnlockRequirement
from chorus.training.tests.helpers import answers, make_module, pass_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def basics(content_manager):
    return make_module(content_manager, "Advocacy basics")


@pytest.fixture
def own_posts_need_basics(content_manager, basics):
    services.set_unlock_requirements(
        by=content_manager,
        requirements={ActivityKind.OWN_POST: basics, ActivityKind.COMMENT: basics},
    )


@pytest.fixture
def joined(employee):
    sharing_services.join_programme(member=employee)
    make_account(employee)
    return employee


def test_a_required_module_locks_its_kinds_until_passed(employee, basics, own_posts_need_basics):
    assert selectors.locked_kinds(member=employee) == {
        ActivityKind.OWN_POST: basics,
        ActivityKind.COMMENT: basics,
    }

    pass_module(employee, basics)

    assert selectors.locked_kinds(member=employee) == {}


def test_the_refusal_names_the_module(employee, own_posts_need_basics):
    with pytest.raises(ValidationError) as error:
        selectors.check_kind_unlocked(member=employee, kind=ActivityKind.OWN_POST)

    assert error.value.code == "locked"
    assert error.value.messages == ["Complete the module “Advocacy basics” to unlock this."]
    selectors.check_kind_unlocked(member=employee, kind=ActivityKind.SHARE_LINK)


def test_a_failed_attempt_unlocks_nothing(employee, basics, own_posts_need_basics):
    services.submit_quiz(member=employee, module=basics, answers={})

    assert ActivityKind.OWN_POST in selectors.locked_kinds(member=employee)


def test_passing_reports_what_it_unlocked(employee, basics, own_posts_need_basics):
    result = services.submit_quiz(member=employee, module=basics, answers=answers(basics, right=4))

    assert sorted(result.unlocked) == ["Comment on a post", "Write your own post"]


def test_setting_requirements_is_audited_and_none_removes_one(
    content_manager, basics, own_posts_need_basics, organisation
):
    services.set_unlock_requirements(by=content_manager, requirements={ActivityKind.COMMENT: None})

    assert dict(UnlockRequirement.objects.values_list("kind", "module")) == {
        ActivityKind.OWN_POST: basics.pk
    }
    events = AuditEvent.objects.filter(action=AuditAction.TRAINING_UNLOCKS_CHANGED)
    assert events.count() == 2
    assert events.order_by("-pk")[0].after == {ActivityKind.OWN_POST: basics.pk}


def test_another_organisations_module_cannot_be_required(content_manager, outsider):
    foreign = make_module(outsider, "Theirs")

    with pytest.raises(ValidationError) as error:
        services.set_unlock_requirements(
            by=content_manager, requirements={ActivityKind.OWN_POST: foreign}
        )

    assert list(error.value.error_dict) == [ActivityKind.OWN_POST]


def test_a_module_without_a_quiz_cannot_be_required(content_manager):
    empty = make_module(content_manager, "Empty", questions=0)

    with pytest.raises(ValidationError) as error:
        services.set_unlock_requirements(
            by=content_manager, requirements={ActivityKind.OWN_POST: empty}
        )

    assert [e.code for e in error.value.error_dict[ActivityKind.OWN_POST]] == ["no_quiz"]


def test_another_organisations_requirements_do_not_apply(outsider, own_posts_need_basics):
    assert selectors.locked_kinds(member=outsider) == {}


def test_only_content_managers_set_requirements(employee, basics):
    with pytest.raises(PermissionDenied):
        services.set_unlock_requirements(by=employee, requirements={ActivityKind.LIKE: basics})


def test_the_composer_service_refuses_a_locked_kind(
    joined, organisation, basics, own_posts_need_basics
):
    activity = make_activity(organisation, kind=ActivityKind.OWN_POST)
    entry = FeedEntry.objects.get(member=joined, activity=activity)

    with pytest.raises(ValidationError) as error:
        sharing_services.check_may_compose(member=joined, entry=entry)
    assert error.value.code == "locked"
    assert "Advocacy basics" in error.value.messages[0]

    with pytest.raises(ValidationError):
        sharing_services.approve_post(
            member=joined,
            activity=activity,
            account=joined.connected_accounts.get(),
            text="My very own words about the solar tiles and why they matter.",
        )

    pass_module(joined, basics)
    sharing_services.check_may_compose(member=joined, entry=entry)


def test_the_feed_marks_locked_cards_with_the_module(
    joined, organisation, basics, own_posts_need_basics
):
    make_activity(organisation, kind=ActivityKind.OWN_POST, title="Own")
    make_activity(organisation, kind=ActivityKind.SHARE_LINK, title="Share")
    entries = sharing_selectors.feed_for(member=joined, state="")

    cards = {
        card.entry.activity.title: card
        for card in sharing_selectors.feed_cards(member=joined, entries=entries)
    }

    assert cards["Own"].locked_by == basics
    assert cards["Share"].locked_by is None


def test_the_feed_checks_locks_once_not_per_card(joined, organisation, own_posts_need_basics):
    make_activity(organisation, kind=ActivityKind.OWN_POST, title="One")
    entries = list(sharing_selectors.feed_for(member=joined, state=""))

    with CaptureQueriesContext(connection) as one:
        sharing_selectors.feed_cards(member=joined, entries=entries)
    for number in range(4):
        make_activity(organisation, kind=ActivityKind.OWN_POST, title=f"More {number}")
    entries = list(sharing_selectors.feed_for(member=joined, state=""))
    with CaptureQueriesContext(connection) as five:
        sharing_selectors.feed_cards(member=joined, entries=entries)

    assert len(entries) == 5
    assert len(five) == len(one)


def test_a_rally_pledge_refuses_a_locked_kind(organisation, content_manager):
    start = now()
    member, account = participant(organisation, 1)
    basics = make_module(content_manager, "Advocacy basics")
    services.set_unlock_requirements(
        by=content_manager, requirements={ActivityKind.SHARE_LINK: basics}
    )
    activity = live_activity(organisation)
    offer(activity)
    rally = open_rally(by=content_manager, activity=activity, at=start)

    with pytest.raises(ValidationError) as error:
        rally_services.pledge(
            member=member, rally=rally, account=account, text="My own words.", now=start
        )
    assert error.value.code == "locked"

    pass_module(member, basics)
    pledge = rally_services.pledge(
        member=member, rally=rally, account=account, text="My own words.", now=start
    )
    assert pledge.member == member
