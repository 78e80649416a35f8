"""The managers' progress table: counts, each assigned member, a team filter and pages."""

import pytest

from chorus.conftest import make_member
from chorus.orgs.roles import Role
from chorus.training import services
from chorus.training.tests.helpers import make_module, pass_module

pytestmark = pytest.mark.django_db


def progress_url(module, query="") -> str:
    return f"/o/acme/training/manage/{module.pk}/progress/{query}"


def test_the_table_shows_each_assigned_member_and_the_counts(
    content_manager, employee, reviewer, responder, login
):
    module = make_module(content_manager, roles=(Role.EMPLOYEE, Role.REVIEWER, Role.RESPONDER))
    pass_module(employee, module)
    services.mark_lesson_read(member=reviewer, lesson=module.lessons.all()[0])

    response = login(content_manager).get(progress_url(module))

    page = response.content.decode()
    assert response.context["counts"] == {
        "assigned": 3,
        "passed": 1,
        "in_progress": 1,
        "not_started": 1,
    }
    rows = {row.user.full_name: status for row, status in response.context["rows"]}
    assert rows == {
        "Erin Employee": "passed",
        "Rita Reviewer": "in_progress",
        "Ravi Responder": "not_started",
    }
    assert "100%" in page
    assert "1 / 2" in page


def test_the_team_filter(content_manager, employee, reviewer, teams, login):
    employee.teams.add(teams["Sales"])
    reviewer.teams.add(teams["Engineering"])
    module = make_module(content_manager, everyone=True)

    response = login(content_manager).get(progress_url(module, f"?team={teams['Sales'].pk}"))

    assert [row.user.full_name for row, _status in response.context["rows"]] == ["Erin Employee"]
    assert response.context["counts"]["assigned"] == 1
    assert f'<option value="{teams["Sales"].pk}" selected>' in response.content.decode()


def test_the_table_is_paginated_and_keeps_the_filter(content_manager, organisation, teams, login):
    for number in range(30):
        member = make_member(organisation, Role.EMPLOYEE, f"person{number:02}@acme.test")
        member.teams.add(teams["Nordics"])
    module = make_module(content_manager, everyone=True)
    client = login(content_manager)

    first = client.get(progress_url(module, f"?team={teams['Nordics'].pk}"))
    second = client.get(progress_url(module, f"?team={teams['Nordics'].pk}&page=2"))

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert f"?team={teams['Nordics'].pk}&amp;page=2" in first.content.decode()
    assert first.context["counts"]["assigned"] == 30


def test_only_content_managers_see_progress(content_manager, employee, outsider, login):
    module = make_module(content_manager, everyone=True)

    assert login(employee).get(progress_url(module)).status_code == 403
    assert (
        login(outsider).get(f"/o/globex/training/manage/{module.pk}/progress/").status_code == 404
    )
