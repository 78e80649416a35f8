"""The member's training page: assigned modules first, with their progress."""

import pytest

from chorus.campaigns.models import ActivityKind
from chorus.training import services
from chorus.training.tests.helpers import answers, make_module

pytestmark = pytest.mark.django_db

URL = "/o/acme/training/"


def test_assigned_and_other_modules_with_their_status(content_manager, employee, login):
    assigned = make_module(content_manager, "Assigned", everyone=True, pass_mark=75)
    make_module(content_manager, "Optional")
    services.submit_quiz(member=employee, module=assigned, answers=answers(assigned, right=0))
    services.submit_quiz(member=employee, module=assigned, answers=answers(assigned, right=3))

    page = login(employee).get(URL).content.decode()

    assigned_part, other_part = page.split("More modules you may take")
    assert "Assigned" in assigned_part and "Passed" in assigned_part and "75%" in assigned_part
    assert "Optional" in other_part and "Not started" in other_part


def test_failed_attempts_say_the_member_may_try_again(content_manager, employee, login):
    module = make_module(content_manager, "Assigned", everyone=True)
    services.submit_quiz(member=employee, module=module, answers={})

    page = login(employee).get(URL).content.decode()

    assert "1 failed attempt, you may try again" in page
    assert "In progress" in page


def test_the_nav_links_to_training_for_everyone(employee, login):
    page = login(employee).get("/o/acme/").content.decode()

    assert 'href="/o/acme/training/"' in page


def test_locked_activity_types_are_listed(content_manager, employee, login):
    module = make_module(content_manager, "Advocacy basics")
    services.set_unlock_requirements(
        by=content_manager, requirements={ActivityKind.COMMENT: module}
    )

    page = login(employee).get(URL).content.decode()

    assert "Complete the module “Advocacy basics” to unlock this." in page


def test_managers_see_the_link_to_manage_training(content_manager, employee, login):
    assert "/o/acme/training/manage/" in login(content_manager).get(URL).content.decode()
    assert "/o/acme/training/manage/" not in login(employee).get(URL).content.decode()


def test_another_organisations_modules_are_not_listed(employee, outsider, login):
    make_module(outsider, "Globex secrets", everyone=True)

    assert "Globex secrets" not in login(employee).get(URL).content.decode()
