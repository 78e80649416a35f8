"""Building blocks for training tests: a module with lessons and a quiz."""

from chorus.orgs.models import Membership, Team
from chorus.training import services
from chorus.training.models import Module, Question
from chorus.training.services import ModuleFields


def make_module(
    by: Membership,
    title: str = "Posting safely",
    *,
    lessons: int = 2,
    questions: int = 4,
    pass_mark: int = 80,
    everyone: bool = False,
    roles: tuple[str, ...] = (),
    teams: tuple[Team, ...] = (),
) -> Module:
    """A module whose question N has choices "Right N" (correct), "Also right N" (correct
    for even N) and "Wrong N"."""
    module = services.create_module(
        by=by,
        fields=ModuleFields(
            title=title,
            pass_mark=pass_mark,
            assigned_to_everyone=everyone,
            roles=roles,
            teams=teams,
        ),
    )
    for number in range(1, lessons + 1):
        services.create_lesson(
            by=by, module=module, title=f"Lesson {number}", body=f"Text of lesson {number}."
        )
    for number in range(1, questions + 1):
        services.create_question(
            by=by,
            module=module,
            text=f"Question {number}?",
            choices=[
                (f"Right {number}", True),
                (f"Also right {number}", number % 2 == 0),
                (f"Wrong {number}", False),
            ],
        )
    return module


def right_choices(question: Question) -> list[int]:
    return [choice.pk for choice in question.choices.all() if choice.is_correct]


def wrong_choices(question: Question) -> list[int]:
    return [choice.pk for choice in question.choices.all() if not choice.is_correct]


def answers(module: Module, *, right: int) -> dict[int, list[int]]:
    """Answers with the first ``right`` questions right and the rest wrong."""
    return {
        question.pk: right_choices(question) if index < right else wrong_choices(question)
        for index, question in enumerate(module.questions.all())
    }


def pass_module(member: Membership, module: Module) -> None:
    result = services.submit_quiz(
        member=member, module=module, answers=answers(module, right=module.questions.count())
    )
    assert result.attempt.passed
