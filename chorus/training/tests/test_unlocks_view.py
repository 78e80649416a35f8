"""The unlock settings page: the module each activity type needs."""

import pytest

from chorus.campaigns.models import ActivityKind
from chorus.training.models import UnlockRequirement
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db

URL = "/o/acme/training/manage/unlocks/"


def test_saving_requirements(content_manager, login):
    module = make_module(content_manager, "Advocacy basics")
    client = login(content_manager)

    page = client.get(URL).content.decode()
    assert "Write your own post" in page and "Advocacy basics" in page

    response = client.post(
        URL, {ActivityKind.OWN_POST: str(module.pk), ActivityKind.COMMENT: str(module.pk)}
    )

    assert response["Location"] == URL
    assert dict(UnlockRequirement.objects.values_list("kind", "module")) == {
        ActivityKind.OWN_POST: module.pk,
        ActivityKind.COMMENT: module.pk,
    }
    assert client.get(URL).context["form"].initial == {
        ActivityKind.COMMENT: str(module.pk),
        ActivityKind.OWN_POST: str(module.pk),
    }


def test_another_organisations_module_is_not_a_choice(content_manager, outsider, login):
    foreign = make_module(outsider, "Theirs")

    response = login(content_manager).post(URL, {ActivityKind.OWN_POST: str(foreign.pk)})

    assert ActivityKind.OWN_POST in response.context["form"].errors
    assert not UnlockRequirement.objects.exists()


def test_employees_may_not_change_requirements(content_manager, employee, login):
    module = make_module(content_manager)

    assert login(employee).post(URL, {ActivityKind.OWN_POST: str(module.pk)}).status_code == 403
    assert not UnlockRequirement.objects.exists()
