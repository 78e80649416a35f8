"""A rally pledge for a locked activity type is refused on the rally page, naming the module."""

import pytest

from chorus.campaigns.models import ActivityKind
from chorus.rallies.models import Pledge
from chorus.rallies.tests.helpers import (
    live_activity,
    now,
    offer,
    open_rally,
    own_words,
    participant,
)
from chorus.training import services
from chorus.training.tests.helpers import make_module, pass_module

pytestmark = pytest.mark.django_db


def test_the_pledge_is_refused_until_the_module_is_passed(organisation, content_manager, login):
    member, account = participant(organisation, 1)
    basics = make_module(content_manager, "Advocacy basics")
    services.set_unlock_requirements(
        by=content_manager, requirements={ActivityKind.SHARE_LINK: basics}
    )
    activity = live_activity(organisation)
    offer(activity)
    rally = open_rally(by=content_manager, activity=activity, at=now())
    client = login(member)
    url = f"/o/acme/rallies/{rally.pk}/"

    refused = client.post(url, {"account": account.pk, "text": own_words(1)})

    assert "Complete the module “Advocacy basics” to unlock this." in refused.content.decode()
    assert not Pledge.objects.exists()

    pass_module(member, basics)
    client.post(url, {"account": account.pk, "text": own_words(1)})
    assert Pledge.objects.filter(member=member).count() == 1
