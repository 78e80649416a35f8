"""Who a module is assigned to, and each member's progress on it."""

from collections.abc import Iterable

import pytest

from chorus.conftest import make_member
from chorus.orgs.models import Membership
from chorus.orgs.roles import Role
from chorus.training import selectors, services
from chorus.training.selectors import Status
from chorus.training.tests.helpers import answers, make_module, pass_module

pytestmark = pytest.mark.django_db


def names(members: Iterable[Membership]) -> list[str]:
    return [member.user.full_name for member in members]


def test_assignment_by_team(content_manager, employee, reviewer, teams):
    employee.teams.add(teams["Sales"])
    module = make_module(content_manager, teams=(teams["Sales"],))

    assert names(selectors.assigned_members(module=module)) == ["Erin Employee"]


def test_assignment_by_role(content_manager, employee, reviewer, responder):
    module = make_module(content_manager, roles=(Role.REVIEWER, Role.RESPONDER))

    assert names(selectors.assigned_members(module=module)) == ["Ravi Responder", "Rita Reviewer"]


def test_assignment_by_team_and_role_lists_each_member_once(content_manager, employee, teams):
    employee.teams.add(teams["Sales"], teams["Nordics"])
    module = make_module(
        content_manager, teams=(teams["Sales"], teams["Nordics"]), roles=(Role.EMPLOYEE,)
    )

    assert names(selectors.assigned_members(module=module)) == ["Erin Employee"]


def test_assignment_to_everyone_skips_deactivated_members(content_manager, employee, organisation):
    gone = make_member(organisation, Role.EMPLOYEE, "gone@acme.test", "Gone Person")
    gone.is_active = False
    gone.save()
    module = make_module(content_manager, everyone=True)

    assert names(selectors.assigned_members(module=module)) == ["Carla Content", "Erin Employee"]


def test_an_unassigned_module_has_nobody_assigned(content_manager, employee):
    module = make_module(content_manager)

    assert list(selectors.assigned_members(module=module)) == []


def test_each_members_status_and_the_counts(content_manager, employee, reviewer, responder):
    module = make_module(content_manager, roles=(Role.EMPLOYEE, Role.REVIEWER, Role.RESPONDER))
    pass_module(employee, module)
    services.mark_lesson_read(member=reviewer, lesson=module.lessons.all()[0])

    rows = {
        row.user.full_name: selectors.progress_status(row)
        for row in selectors.assigned_members(module=module)
    }

    assert rows == {
        "Erin Employee": Status.PASSED,
        "Rita Reviewer": Status.IN_PROGRESS,
        "Ravi Responder": Status.NOT_STARTED,
    }
    assert selectors.progress_counts(module=module) == {
        "assigned": 3,
        Status.PASSED: 1,
        Status.IN_PROGRESS: 1,
        Status.NOT_STARTED: 1,
    }


def test_the_team_filter_narrows_the_members(content_manager, employee, reviewer, teams):
    employee.teams.add(teams["Sales"])
    reviewer.teams.add(teams["Engineering"])
    module = make_module(content_manager, everyone=True)

    assert names(selectors.assigned_members(module=module, team=teams["Sales"])) == [
        "Erin Employee"
    ]
    assert selectors.progress_counts(module=module, team=teams["Engineering"])["assigned"] == 1


def test_a_members_training_lists_assigned_modules_first_with_progress(
    content_manager, employee, teams
):
    employee.teams.add(teams["Sales"])
    optional = make_module(content_manager, "Optional")
    assigned = make_module(content_manager, "Assigned", teams=(teams["Sales"],), pass_mark=75)
    services.submit_quiz(member=employee, module=assigned, answers=answers(assigned, right=1))
    services.submit_quiz(member=employee, module=assigned, answers=answers(assigned, right=3))
    services.mark_lesson_read(member=employee, lesson=optional.lessons.all()[0])

    first, second = selectors.member_training(member=employee)

    assert (first.module, first.assigned, first.status) == (assigned, True, Status.PASSED)
    assert first.passed_attempt is not None
    assert (first.passed_attempt.score, first.failed_attempts) == (75, 1)
    assert (second.module, second.assigned, second.status) == (optional, False, Status.IN_PROGRESS)
    assert (second.lessons_read, second.lessons_total) == (1, 2)


def test_another_organisations_modules_never_show(content_manager, employee, outsider):
    make_module(outsider, "Theirs", everyone=True)

    assert selectors.member_training(member=employee) == []
