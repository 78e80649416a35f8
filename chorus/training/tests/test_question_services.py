"""Quiz questions: at least two choices, at least one correct; audited."""

import pytest
from django.core.exceptions import ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.training import services
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(content_manager):
    return make_module(content_manager, lessons=0, questions=0)


def choice_codes(error: pytest.ExceptionInfo[ValidationError]) -> list[str | None]:
    return [e.code for e in error.value.error_dict["choices"]]


def test_a_question_keeps_its_choices_in_order(content_manager, module):
    question = services.create_question(
        by=content_manager,
        module=module,
        text="Which are true?",
        choices=[("A", True), ("", False), ("B", False), ("C", True)],
    )

    assert list(question.choices.values_list("text", "is_correct")) == [
        ("A", True),
        ("B", False),
        ("C", True),
    ]
    created = AuditEvent.objects.get(action=AuditAction.TRAINING_QUESTION_CREATED)
    assert (created.after or {})["choices"] == [
        {"text": "A", "correct": True},
        {"text": "B", "correct": False},
        {"text": "C", "correct": True},
    ]


def test_a_question_needs_at_least_two_choices(content_manager, module):
    with pytest.raises(ValidationError) as error:
        services.create_question(
            by=content_manager, module=module, text="Q?", choices=[("Only", True), ("", False)]
        )

    assert choice_codes(error) == ["too_few_choices"]


def test_a_question_needs_a_correct_choice(content_manager, module):
    with pytest.raises(ValidationError) as error:
        services.create_question(
            by=content_manager, module=module, text="Q?", choices=[("A", False), ("B", False)]
        )

    assert choice_codes(error) == ["no_correct_choice"]


def test_a_correct_mark_on_an_empty_choice_is_refused(content_manager, module):
    with pytest.raises(ValidationError) as error:
        services.create_question(
            by=content_manager,
            module=module,
            text="Q?",
            choices=[("A", True), ("B", False), ("", True)],
        )

    assert choice_codes(error) == ["empty_correct"]


def test_the_question_text_is_required(content_manager, module):
    with pytest.raises(ValidationError) as error:
        services.create_question(
            by=content_manager, module=module, text="", choices=[("A", True), ("B", False)]
        )

    assert list(error.value.error_dict) == ["text"]


def test_editing_replaces_the_choices_and_deleting_removes_it(content_manager, module):
    question = services.create_question(
        by=content_manager, module=module, text="Q?", choices=[("A", True), ("B", False)]
    )

    services.update_question(
        by=content_manager, question=question, text="Q2?", choices=[("X", False), ("Y", True)]
    )
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("X", False),
        ("Y", True),
    ]
    updated = AuditEvent.objects.get(action=AuditAction.TRAINING_QUESTION_UPDATED)
    assert (updated.after or {})["text"] == "Q2?"

    services.move_question(by=content_manager, question=question, up=False)
    services.delete_question(by=content_manager, question=question)
    assert not module.questions.exists()
    assert AuditEvent.objects.get(action=AuditAction.TRAINING_QUESTION_DELETED)
