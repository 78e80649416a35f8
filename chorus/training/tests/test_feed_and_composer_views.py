"""Locked activity types in the employee's feed and composer; passing unlocks them at once."""

import pytest

from chorus.campaigns.models import ActivityKind
from chorus.publishing.models import Post
from chorus.sharing import services as sharing_services
from chorus.sharing.tests.conftest import make_account, make_activity
from chorus.training import services
from chorus.training.models import Module
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def basics(content_manager):
    module = make_module(content_manager, "Advocacy basics", pass_mark=75)
    services.set_unlock_requirements(
        by=content_manager,
        requirements={ActivityKind.OWN_POST: module, ActivityKind.COMMENT: module},
    )
    return module


@pytest.fixture
def joined(employee):
    sharing_services.join_programme(member=employee)
    make_account(employee)
    return employee


def quiz_data(module: Module) -> dict[str, list[str]]:
    return {
        f"question_{question.pk}": [
            str(choice.pk) for choice in question.choices.all() if choice.is_correct
        ]
        for question in module.questions.all()
    }


def test_the_feed_shows_a_locked_card_with_a_link_to_the_module(
    joined, organisation, basics, login
):
    own = make_activity(organisation, kind=ActivityKind.OWN_POST, title="Tell your story")
    share = make_activity(organisation, kind=ActivityKind.SHARE_LINK, title="Share the news")
    client = login(joined)

    page = client.get("/o/acme/").content.decode()

    own_card = page.split(f'id="activity-{own.pk}"')[1].split("</li>")[0]
    share_card = page.split(f'id="activity-{share.pk}"')[1].split("</li>")[0]
    assert "Complete the module “Advocacy basics” to unlock" in own_card
    assert f'href="/o/acme/training/{basics.pk}/"' in own_card
    assert "Write your post" not in own_card
    assert "Write your post" in share_card

    client.post(f"/o/acme/training/{basics.pk}/quiz/", quiz_data(basics))

    unlocked = client.get("/o/acme/").content.decode()
    own_card = unlocked.split(f'id="activity-{own.pk}"')[1].split("</li>")[0]
    assert "to unlock" not in own_card
    assert "Write your post" in own_card


def test_the_composer_refuses_a_locked_kind_and_names_the_module(
    joined, organisation, basics, login
):
    own = make_activity(organisation, kind=ActivityKind.OWN_POST)
    client = login(joined)
    url = f"/o/acme/share/activities/{own.pk}/"

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "account": joined.connected_accounts.get().pk,
            "text": "My own words about the solar tiles and the people behind them.",
        },
    )

    assert "Complete the module “Advocacy basics” to unlock this." in page
    assert 'href="/o/acme/training/"' in page
    assert "Complete the module “Advocacy basics” to unlock this." in response.content.decode()
    assert not Post.objects.exists()


def test_passing_the_quiz_unlocks_the_composer_at_once(joined, organisation, basics, login):
    own = make_activity(organisation, kind=ActivityKind.OWN_POST)
    client = login(joined)

    result = client.post(f"/o/acme/training/{basics.pk}/quiz/", quiz_data(basics))
    page = client.get(f"/o/acme/share/activities/{own.pk}/").content.decode()

    assert "You passed" in result.content.decode()
    assert "to unlock" not in page
    assert 'name="text"' in page
