"""Writes for training: managing modules, lessons and questions; reading and quizzes."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.audit.actions import AuditAction
from chorus.audit.services import record_member_action
from chorus.campaigns.models import ActivityKind
from chorus.orgs.access import check_capability
from chorus.orgs.models import Membership, Team
from chorus.orgs.roles import Capability, Role
from chorus.training import selectors
from chorus.training.models import (
    Choice,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuizAttempt,
    UnlockRequirement,
)
from chorus.training.starter import STARTER_MODULES, StarterModule

TITLE_LENGTH = 200
QUESTION_LENGTH = 500
CHOICE_LENGTH = 300
BODY_LENGTH = 20000

type FieldErrors = dict[str, list[ValidationError]]


def _add(errors: FieldErrors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _required_text(errors: FieldErrors, field: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        _add(errors, field, _("This field is required."), "required")
    elif len(value) > limit:
        _add(
            errors,
            field,
            _("Keep it to %(limit)d characters at most.") % {"limit": limit},
            "max_length",
        )
    return value


def _next_position(items: models.QuerySet[Any]) -> int:
    return (items.aggregate(top=Max("position"))["top"] or 0) + 1


# Modules


@dataclass(frozen=True)
class ModuleFields:
    title: str
    description: str = ""
    pass_mark: int = 80
    assigned_to_everyone: bool = False
    teams: Sequence[Team] = ()
    roles: Sequence[str] = ()


def _clean_module(by: Membership, fields: ModuleFields) -> ModuleFields:
    errors: FieldErrors = {}
    title = _required_text(errors, "title", fields.title, TITLE_LENGTH)
    if not 1 <= fields.pass_mark <= 100:
        _add(errors, "pass_mark", _("The pass mark is a percentage from 1 to 100."), "range")
    if any(team.organisation_id != by.organisation_id for team in fields.teams):
        _add(errors, "teams", _("Choose teams of your own organisation."), "invalid")
    unknown = set(fields.roles) - set(Role.values)
    if unknown:
        _add(errors, "roles", _("Choose roles from the list."), "invalid")
    if errors:
        raise ValidationError(errors)
    return ModuleFields(
        title=title,
        description=fields.description.strip(),
        pass_mark=fields.pass_mark,
        assigned_to_everyone=fields.assigned_to_everyone,
        teams=list(fields.teams),
        roles=sorted(set(fields.roles)),
    )


def _module_state(module: Module) -> dict[str, Any]:
    return {
        "title": module.title,
        "description": module.description,
        "pass_mark": module.pass_mark,
        "assigned_to_everyone": module.assigned_to_everyone,
        "teams": sorted(module.assigned_teams.values_list("name", flat=True)),
        "roles": list(module.assigned_roles),
    }


def create_module(*, by: Membership, fields: ModuleFields, now: datetime | None = None) -> Module:
    check_capability(by, Capability.MANAGE_CONTENT)
    cleaned = _clean_module(by, fields)
    with transaction.atomic():
        module = Module.objects.create(
            organisation=by.organisation,
            title=cleaned.title,
            description=cleaned.description,
            pass_mark=cleaned.pass_mark,
            assigned_to_everyone=cleaned.assigned_to_everyone,
            assigned_roles=list(cleaned.roles),
            position=_next_position(Module.objects.filter(organisation=by.organisation)),
            created_at=now or timezone.now(),
        )
        module.assigned_teams.set(cleaned.teams)
        record_member_action(
            by, AuditAction.TRAINING_MODULE_CREATED, module, after=_module_state(module)
        )
    return module


def update_module(*, by: Membership, module: Module, fields: ModuleFields) -> Module:
    """Save the module; a starter module whose text changes keeps the new text as its own."""
    check_capability(by, Capability.MANAGE_CONTENT)
    cleaned = _clean_module(by, fields)
    with transaction.atomic():
        before = _module_state(module)
        if (cleaned.title, cleaned.description) != (
            module.shown_title,
            module.shown_description,
        ):
            module.customised = True
        module.title = cleaned.title
        module.description = cleaned.description
        module.pass_mark = cleaned.pass_mark
        module.assigned_to_everyone = cleaned.assigned_to_everyone
        module.assigned_roles = list(cleaned.roles)
        module.save()
        module.assigned_teams.set(cleaned.teams)
        record_member_action(
            by,
            AuditAction.TRAINING_MODULE_UPDATED,
            module,
            before=before,
            after=_module_state(module),
        )
    return module


def delete_module(*, by: Membership, module: Module) -> None:
    check_capability(by, Capability.MANAGE_CONTENT)
    with transaction.atomic():
        record_member_action(
            by, AuditAction.TRAINING_MODULE_DELETED, module, before=_module_state(module)
        )
        module.delete()


def _move(
    by: Membership, item: Module | Lesson | Question, siblings: models.QuerySet[Any], *, up: bool
) -> None:
    """Swap the item with its neighbour; positions are renumbered so ties cannot stick."""
    check_capability(by, Capability.MANAGE_CONTENT)
    with transaction.atomic():
        ordered = list(siblings.select_for_update().order_by("position", "pk"))
        index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, sibling in enumerate(ordered, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        record_member_action(
            by,
            AuditAction.TRAINING_ORDER_CHANGED,
            item,
            after={"order": [str(sibling) for sibling in ordered]},
        )


def move_module(*, by: Membership, module: Module, up: bool) -> None:
    _move(by, module, Module.objects.filter(organisation_id=module.organisation_id), up=up)


def move_lesson(*, by: Membership, lesson: Lesson, up: bool) -> None:
    _move(by, lesson, Lesson.objects.filter(module_id=lesson.module_id), up=up)


def move_question(*, by: Membership, question: Question, up: bool) -> None:
    _move(by, question, Question.objects.filter(module_id=question.module_id), up=up)


# Lessons


def _clean_lesson(title: str, body: str) -> tuple[str, str]:
    errors: FieldErrors = {}
    title = _required_text(errors, "title", title, TITLE_LENGTH)
    body = _required_text(errors, "body", body, BODY_LENGTH)
    if errors:
        raise ValidationError(errors)
    return title, body


def create_lesson(*, by: Membership, module: Module, title: str, body: str) -> Lesson:
    check_capability(by, Capability.MANAGE_CONTENT)
    title, body = _clean_lesson(title, body)
    with transaction.atomic():
        lesson = Lesson.objects.create(
            module=module, title=title, body=body, position=_next_position(module.lessons.all())
        )
        record_member_action(
            by, AuditAction.TRAINING_LESSON_CREATED, lesson, after={"title": title, "body": body}
        )
    return lesson


def update_lesson(*, by: Membership, lesson: Lesson, title: str, body: str) -> Lesson:
    check_capability(by, Capability.MANAGE_CONTENT)
    title, body = _clean_lesson(title, body)
    with transaction.atomic():
        before = {"title": lesson.title, "body": lesson.body}
        if (title, body) != (lesson.shown_title, lesson.shown_body.strip()):
            lesson.customised = True
        lesson.title, lesson.body = title, body
        lesson.save()
        record_member_action(
            by,
            AuditAction.TRAINING_LESSON_UPDATED,
            lesson,
            before=before,
            after={"title": title, "body": body},
        )
    return lesson


def delete_lesson(*, by: Membership, lesson: Lesson) -> None:
    check_capability(by, Capability.MANAGE_CONTENT)
    with transaction.atomic():
        record_member_action(
            by, AuditAction.TRAINING_LESSON_DELETED, lesson, before={"title": lesson.title}
        )
        lesson.delete()


# Questions


type ChoiceInput = tuple[str, bool]


def _clean_question(text: str, choices: Iterable[ChoiceInput]) -> tuple[str, list[ChoiceInput]]:
    errors: FieldErrors = {}
    text = _required_text(errors, "text", text, QUESTION_LENGTH)
    cleaned = [(choice.strip(), correct) for choice, correct in choices]
    if any(correct and not choice for choice, correct in cleaned):
        _add(errors, "choices", _("A choice marked correct needs its text."), "empty_correct")
    cleaned = [(choice, correct) for choice, correct in cleaned if choice]
    if len(cleaned) < 2:
        _add(errors, "choices", _("Give at least two choices."), "too_few_choices")
    elif not any(correct for _choice, correct in cleaned):
        _add(errors, "choices", _("Mark at least one choice as correct."), "no_correct_choice")
    if any(len(choice) > CHOICE_LENGTH for choice, _correct in cleaned):
        _add(
            errors,
            "choices",
            _("Keep each choice to %(limit)d characters at most.") % {"limit": CHOICE_LENGTH},
            "max_length",
        )
    if len({choice for choice, _correct in cleaned}) != len(cleaned):
        _add(errors, "choices", _("Give each choice only once."), "duplicate_choice")
    if errors:
        raise ValidationError(errors)
    return text, cleaned


def _question_state(question: Question) -> dict[str, Any]:
    return {
        "text": question.text,
        "choices": [
            {"text": choice.text, "correct": choice.is_correct} for choice in question.choices.all()
        ],
    }


def _shown_choices(question: Question) -> list[ChoiceInput]:
    return [(choice.shown_text, choice.is_correct) for choice in question.choices.all()]


def create_question(
    *, by: Membership, module: Module, text: str, choices: Iterable[ChoiceInput]
) -> Question:
    check_capability(by, Capability.MANAGE_CONTENT)
    text, cleaned = _clean_question(text, choices)
    with transaction.atomic():
        question = Question.objects.create(
            module=module, text=text, position=_next_position(module.questions.all())
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=choice, is_correct=correct, position=position)
            for position, (choice, correct) in enumerate(cleaned, start=1)
        )
        record_member_action(
            by, AuditAction.TRAINING_QUESTION_CREATED, question, after=_question_state(question)
        )
    return question


def update_question(
    *, by: Membership, question: Question, text: str, choices: Iterable[ChoiceInput]
) -> Question:
    check_capability(by, Capability.MANAGE_CONTENT)
    text, cleaned = _clean_question(text, choices)
    if text == question.shown_text and cleaned == _shown_choices(question):
        return question
    with transaction.atomic():
        before = _question_state(question)
        question.text = text
        question.customised = True
        question.save()
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=question, text=choice, is_correct=correct, position=position)
            for position, (choice, correct) in enumerate(cleaned, start=1)
        )
        record_member_action(
            by,
            AuditAction.TRAINING_QUESTION_UPDATED,
            question,
            before=before,
            after=_question_state(question),
        )
    return question


def delete_question(*, by: Membership, question: Question) -> None:
    check_capability(by, Capability.MANAGE_CONTENT)
    with transaction.atomic():
        record_member_action(
            by, AuditAction.TRAINING_QUESTION_DELETED, question, before=_question_state(question)
        )
        question.delete()


# Starter modules


def _add_starter(by: Membership, starter: StarterModule, position: int) -> Module:
    # The stored text is a fallback in the organisation's language; members read the
    # starter text in their own language until someone edits it.
    with translation.override(by.organisation.default_language):
        module = Module.objects.create(
            organisation=by.organisation,
            starter_key=starter.key,
            title=str(starter.title),
            description=str(starter.description),
            position=position,
        )
        for number, lesson in enumerate(starter.lessons, start=1):
            Lesson.objects.create(
                module=module,
                starter_key=lesson.key,
                title=str(lesson.title),
                body=str(lesson.body),
                position=number,
            )
        for number, item in enumerate(starter.questions, start=1):
            question = Question.objects.create(
                module=module, starter_key=item.key, text=str(item.text), position=number
            )
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    starter_key=choice.key,
                    text=str(choice.text),
                    is_correct=choice.correct,
                    position=place,
                )
                for place, choice in enumerate(item.choices, start=1)
            )
    return module


def add_starter_modules(*, by: Membership) -> list[Module]:
    """Add the starter modules the organisation does not have yet; never twice."""
    check_capability(by, Capability.MANAGE_CONTENT)
    added: list[Module] = []
    existing = set(
        Module.objects.filter(organisation=by.organisation)
        .exclude(starter_key="")
        .values_list("starter_key", flat=True)
    )
    for starter in STARTER_MODULES:
        if starter.key in existing:
            continue
        try:
            with transaction.atomic():
                position = _next_position(Module.objects.filter(organisation=by.organisation))
                module = _add_starter(by, starter, position)
                record_member_action(
                    by,
                    AuditAction.TRAINING_STARTERS_ADDED,
                    module,
                    after={"starter": starter.key, "title": module.title},
                )
        except IntegrityError:
            continue  # someone else added it at the same moment
        added.append(module)
    return added


# Unlocking activity types


def set_unlock_requirements(*, by: Membership, requirements: Mapping[str, Module | None]) -> None:
    """Which module each activity type needs; None: the type needs none."""
    check_capability(by, Capability.MANAGE_CONTENT)
    errors: FieldErrors = {}
    for kind, module in requirements.items():
        if kind not in ActivityKind.values:
            _add(errors, kind, _("Unknown activity type."), "invalid")
        elif module is not None and module.organisation_id != by.organisation_id:
            _add(errors, kind, _("Choose a module of your own organisation."), "invalid")
        elif module is not None and not module.questions.exists():
            _add(
                errors,
                kind,
                _("This module has no quiz yet, so nobody could pass it. Add questions first."),
                "no_quiz",
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = selectors.unlock_requirements(organisation=by.organisation)
        for kind, module in requirements.items():
            if module is None:
                UnlockRequirement.objects.filter(organisation=by.organisation, kind=kind).delete()
            else:
                UnlockRequirement.objects.update_or_create(
                    organisation=by.organisation, kind=kind, defaults={"module": module}
                )
        after = selectors.unlock_requirements(organisation=by.organisation)
        if before != after:
            record_member_action(
                by,
                AuditAction.TRAINING_UNLOCKS_CHANGED,
                by.organisation,
                before=before,
                after=after,
            )


# Taking a module


def mark_lesson_read(
    *, member: Membership, lesson: Lesson, now: datetime | None = None
) -> LessonRead:
    if lesson.module.organisation_id != member.organisation_id:
        raise ValidationError(_("This lesson belongs to another organisation."), code="invalid")
    read, _created = LessonRead.objects.get_or_create(
        member=member, lesson=lesson, defaults={"read_at": now or timezone.now()}
    )
    return read


@dataclass(frozen=True)
class QuizResult:
    attempt: QuizAttempt
    correct: int
    total: int
    unlocked: list[str]


def submit_quiz(
    *,
    member: Membership,
    module: Module,
    answers: Mapping[int, Iterable[int]],
    now: datetime | None = None,
) -> QuizResult:
    """Grade the answers: a question counts only when exactly its correct choices are picked."""
    if module.organisation_id != member.organisation_id:
        raise ValidationError(_("This module belongs to another organisation."), code="invalid")
    questions = list(module.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This module has no quiz yet."), code="no_questions")
    graded: dict[str, Any] = {}
    correct_count = 0
    for question in questions:
        choice_ids = {choice.pk for choice in question.choices.all()}
        chosen = set(answers.get(question.pk, ())) & choice_ids
        correct = {choice.pk for choice in question.choices.all() if choice.is_correct}
        is_right = chosen == correct
        correct_count += is_right
        graded[str(question.pk)] = {"chosen": sorted(chosen), "correct": is_right}
    score = round(100 * correct_count / len(questions))
    # Compared unrounded: 2 of 3 right is below a pass mark of 67.
    passed = correct_count * 100 >= module.pass_mark * len(questions)
    attempt = QuizAttempt.objects.create(
        member=member,
        module=module,
        score=score,
        pass_mark=module.pass_mark,
        passed=passed,
        answers=graded,
        created_at=now or timezone.now(),
    )
    unlocked = selectors.unlocks_of(module=module) if passed else []
    return QuizResult(
        attempt=attempt, correct=correct_count, total=len(questions), unlocked=unlocked
    )
