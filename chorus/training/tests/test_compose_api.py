"""The API's composer uses the same check: a locked activity type is refused there too."""

import pytest

from chorus.api.tests.conftest import api, make_account, make_live_activity  # noqa: F401
from chorus.campaigns.models import ActivityKind
from chorus.publishing.models import Post
from chorus.sharing import services as sharing_services
from chorus.training import services
from chorus.training.tests.helpers import make_module, pass_module

pytestmark = pytest.mark.django_db

OWN_WORDS = "I have had these tiles on my roof for a month now and our bill really halved."


def test_a_locked_kind_is_refused_until_the_module_is_passed(
    organisation,
    content_manager,
    employee,
    api,  # noqa: F811
):
    sharing_services.join_programme(member=employee)
    account = make_account(employee)
    activity = make_live_activity(organisation, kind=ActivityKind.OWN_POST)
    basics = make_module(content_manager, "Advocacy basics")
    services.set_unlock_requirements(
        by=content_manager, requirements={ActivityKind.OWN_POST: basics}
    )
    client = api(employee)

    refused = client.post(
        f"/compose/{activity.pk}/approve", {"account_id": account.pk, "text": OWN_WORDS}
    )
    assert refused.status_code == 422
    assert refused.json() == {
        "errors": {"__all__": ["Complete the module “Advocacy basics” to unlock this."]}
    }
    assert not Post.objects.exists()

    pass_module(employee, basics)
    assert client.get(f"/compose/{activity.pk}").status_code == 200
