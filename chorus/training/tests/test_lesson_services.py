"""Lessons: required fields, ordering, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.training import services
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db


def test_lessons_are_added_in_order_and_can_be_moved(content_manager):
    module = make_module(content_manager, lessons=3, questions=0)
    third = module.lessons.get(title="Lesson 3")

    services.move_lesson(by=content_manager, lesson=third, up=True)

    assert list(module.lessons.values_list("title", flat=True)) == [
        "Lesson 1",
        "Lesson 3",
        "Lesson 2",
    ]
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_ORDER_CHANGED).exists()


def test_title_and_text_are_required(content_manager):
    module = make_module(content_manager, lessons=0, questions=0)

    with pytest.raises(ValidationError) as error:
        services.create_lesson(by=content_manager, module=module, title=" ", body="")

    assert set(error.value.message_dict) == {"title", "body"}


def test_editing_and_deleting_are_audited(content_manager):
    module = make_module(content_manager, lessons=1, questions=0)
    lesson = module.lessons.get()

    services.update_lesson(by=content_manager, lesson=lesson, title="New", body="New text")
    services.delete_lesson(by=content_manager, lesson=lesson)

    assert AuditEvent.objects.get(action=AuditAction.TRAINING_LESSON_CREATED)
    updated = AuditEvent.objects.get(action=AuditAction.TRAINING_LESSON_UPDATED)
    assert ((updated.before or {})["title"], (updated.after or {})["title"]) == ("Lesson 1", "New")
    assert AuditEvent.objects.get(action=AuditAction.TRAINING_LESSON_DELETED)
    assert not module.lessons.exists()


def test_an_employee_cannot_add_lessons(content_manager, employee):
    module = make_module(content_manager, lessons=0, questions=0)

    with pytest.raises(PermissionDenied):
        services.create_lesson(by=employee, module=module, title="Mine", body="Text")
