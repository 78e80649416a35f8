"""Grading: a question counts only when exactly its correct choices are picked."""

import pytest
from django.core.exceptions import ValidationError

from chorus.training import services
from chorus.training.models import QuizAttempt
from chorus.training.tests.helpers import answers, make_module, right_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(content_manager):
    return make_module(content_manager, questions=4, pass_mark=75)


def test_all_right_passes_with_full_marks(employee, module):
    result = services.submit_quiz(member=employee, module=module, answers=answers(module, right=4))

    assert (result.attempt.score, result.attempt.passed, result.correct, result.total) == (
        100,
        True,
        4,
        4,
    )


def test_a_subset_of_the_correct_choices_is_wrong(employee, module):
    # Question 2 has two correct choices: picking only one of them is not enough.
    chosen = answers(module, right=4)
    second = module.questions.all()[1]
    chosen[second.pk] = right_choices(second)[:1]

    result = services.submit_quiz(member=employee, module=module, answers=chosen)

    assert result.correct == 3
    assert result.attempt.answers[str(second.pk)]["correct"] is False


def test_an_extra_wrong_choice_makes_the_question_wrong(employee, module):
    chosen = answers(module, right=4)
    first = module.questions.all()[0]
    chosen[first.pk] = [choice.pk for choice in first.choices.all()]

    result = services.submit_quiz(member=employee, module=module, answers=chosen)

    assert result.correct == 3


def test_the_pass_mark_itself_passes_and_just_below_fails(employee, module):
    at_mark = services.submit_quiz(member=employee, module=module, answers=answers(module, right=3))
    below = services.submit_quiz(member=employee, module=module, answers=answers(module, right=2))

    assert (at_mark.attempt.score, at_mark.attempt.passed) == (75, True)
    assert (below.attempt.score, below.attempt.passed) == (50, False)


def test_the_boundary_is_not_rounded_up(content_manager, employee):
    module = make_module(content_manager, "Thirds", questions=3, pass_mark=67)

    result = services.submit_quiz(member=employee, module=module, answers=answers(module, right=2))

    # 2 of 3 is 66.7%: shown as 67, but below a pass mark of 67.
    assert (result.attempt.score, result.attempt.passed) == (67, False)


def test_unanswered_questions_and_foreign_choice_ids_count_as_wrong(
    employee, module, content_manager
):
    other = make_module(content_manager, "Other")
    foreign = {q.pk: right_choices(q) for q in other.questions.all()}
    first = module.questions.all()[0]

    result = services.submit_quiz(
        member=employee, module=module, answers={first.pk: right_choices(first), **foreign}
    )

    assert result.correct == 1


def test_after_failing_the_member_may_try_again_and_pass(employee, module):
    failed = services.submit_quiz(member=employee, module=module, answers=answers(module, right=0))
    passed = services.submit_quiz(member=employee, module=module, answers=answers(module, right=4))

    assert (failed.attempt.passed, passed.attempt.passed) == (False, True)
    assert QuizAttempt.objects.filter(member=employee, module=module).count() == 2


def test_a_module_without_questions_has_no_quiz(content_manager, employee):
    module = make_module(content_manager, questions=0)

    with pytest.raises(ValidationError):
        services.submit_quiz(member=employee, module=module, answers={})


def test_another_organisations_module_cannot_be_answered(module, outsider):
    with pytest.raises(ValidationError):
        services.submit_quiz(member=outsider, module=module, answers=answers(module, right=4))

    assert not QuizAttempt.objects.exists()


def test_reading_a_lesson_is_recorded_once(employee, module, outsider):
    lesson = module.lessons.all()[0]

    services.mark_lesson_read(member=employee, lesson=lesson)
    services.mark_lesson_read(member=employee, lesson=lesson)

    assert lesson.reads.count() == 1
    with pytest.raises(ValidationError):
        services.mark_lesson_read(member=outsider, lesson=lesson)
