"""Creating, changing, ordering and deleting modules: checked on the server and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.orgs.roles import Role
from chorus.training import services
from chorus.training.models import Module
from chorus.training.services import ModuleFields
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db


def codes(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str | None]]:
    return {field: [e.code for e in errors] for field, errors in error.value.error_dict.items()}


def test_a_content_manager_creates_a_module_with_its_assignment(content_manager, teams):
    module = services.create_module(
        by=content_manager,
        fields=ModuleFields(
            title="  Posting safely ",
            description="Why and how",
            pass_mark=75,
            teams=[teams["Sales"]],
            roles=[Role.EMPLOYEE],
        ),
    )

    assert (module.title, module.pass_mark, module.assigned_roles) == (
        "Posting safely",
        75,
        [Role.EMPLOYEE],
    )
    assert list(module.assigned_teams.all()) == [teams["Sales"]]
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_MODULE_CREATED)
    assert (event.after or {})["teams"] == ["Sales"]


@pytest.mark.parametrize("pass_mark", [0, 101, -5])
def test_the_pass_mark_is_a_percentage_from_1_to_100(content_manager, pass_mark):
    with pytest.raises(ValidationError) as error:
        services.create_module(
            by=content_manager, fields=ModuleFields(title="X", pass_mark=pass_mark)
        )

    assert codes(error) == {"pass_mark": ["range"]}


@pytest.mark.parametrize("pass_mark", [1, 100])
def test_the_pass_mark_boundaries_are_allowed(content_manager, pass_mark):
    module = services.create_module(
        by=content_manager, fields=ModuleFields(title="X", pass_mark=pass_mark)
    )

    assert module.pass_mark == pass_mark


def test_a_title_is_required(content_manager):
    with pytest.raises(ValidationError) as error:
        services.create_module(by=content_manager, fields=ModuleFields(title="   "))

    assert codes(error) == {"title": ["required"]}


def test_teams_of_another_organisation_are_refused(content_manager, other_organisation):
    from chorus.orgs.models import Team

    foreign = Team.objects.create(organisation=other_organisation, name="Spies")

    with pytest.raises(ValidationError) as error:
        services.create_module(by=content_manager, fields=ModuleFields(title="X", teams=[foreign]))

    assert codes(error) == {"teams": ["invalid"]}


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.REVIEWER, Role.RESPONDER])
def test_only_those_who_manage_content_may_create(cast, role):
    with pytest.raises(PermissionDenied):
        services.create_module(by=cast[role], fields=ModuleFields(title="X"))


def test_updating_records_before_and_after(content_manager):
    module = make_module(content_manager, lessons=0, questions=0)

    services.update_module(
        by=content_manager,
        module=module,
        fields=ModuleFields(title="Renamed", pass_mark=90, assigned_to_everyone=True),
    )

    module.refresh_from_db()
    assert (module.title, module.pass_mark, module.assigned_to_everyone) == ("Renamed", 90, True)
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_MODULE_UPDATED)
    assert (event.before or {})["title"] == "Posting safely"
    assert (event.after or {})["title"] == "Renamed"


def test_modules_are_ordered_by_moving_them(content_manager, organisation):
    first = make_module(content_manager, "First", lessons=0, questions=0)
    second = make_module(content_manager, "Second", lessons=0, questions=0)
    third = make_module(content_manager, "Third", lessons=0, questions=0)

    services.move_module(by=content_manager, module=third, up=True)
    services.move_module(by=content_manager, module=first, up=True)  # already first: no change

    titles = list(Module.objects.filter(organisation=organisation).values_list("title", flat=True))
    assert titles == ["First", "Third", "Second"]
    assert second.pk
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_ORDER_CHANGED).count() == 1


def test_deleting_a_module_removes_it_and_is_audited(content_manager):
    module = make_module(content_manager)

    services.delete_module(by=content_manager, module=module)

    assert not Module.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_MODULE_DELETED)
    assert (event.before or {})["title"] == "Posting safely"
