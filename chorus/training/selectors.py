"""Reads for training: modules, each member's progress, and what passing a module unlocks."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from chorus.campaigns.models import ActivityKind
from chorus.orgs.models import Membership, Organisation, Team
from chorus.training.models import (
    Lesson,
    LessonRead,
    Module,
    Question,
    QuizAttempt,
    UnlockRequirement,
)


def modules_of(*, organisation: Organisation) -> QuerySet[Module]:
    # A grouped query ignores the model's ordering, so it is given again.
    return (
        Module.objects.filter(organisation=organisation)
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            question_count=Count("questions", distinct=True),
        )
        .order_by("position", "pk")
    )


def lessons_of(*, module: Module) -> list[Lesson]:
    return list(module.lessons.all())


def questions_of(*, module: Module) -> list[Question]:
    return list(module.questions.prefetch_related("choices"))


def is_assigned(*, module: Module, member: Membership, team_ids: Iterable[int]) -> bool:
    if module.assigned_to_everyone or member.role in module.assigned_roles:
        return True
    return bool(set(team_ids) & {team.pk for team in module.assigned_teams.all()})


def assignment_filter(module: Module) -> Q:
    """The members a module is assigned to, as a filter on memberships."""
    if module.assigned_to_everyone:
        return Q()
    return Q(role__in=module.assigned_roles) | Q(teams__in=module.assigned_teams.values("pk"))


def has_assignment(module: Module) -> bool:
    return (
        module.assigned_to_everyone or bool(module.assigned_roles) or module.assigned_teams.exists()
    )


def passed_module_ids(*, member: Membership) -> set[int]:
    return set(
        QuizAttempt.objects.filter(member=member, passed=True).values_list("module_id", flat=True)
    )


# Unlocking activity types


def locked_kinds(*, member: Membership) -> dict[str, Module]:
    """The activity types the member may not do yet, with the module that unlocks each."""
    requirements = UnlockRequirement.objects.filter(
        organisation_id=member.organisation_id
    ).select_related("module")
    passed = QuizAttempt.objects.filter(member=member, module=OuterRef("module"), passed=True)
    return {
        requirement.kind: requirement.module
        for requirement in requirements.annotate(passed=Exists(passed))
        if not requirement.passed
    }


def locked_message(module: Module) -> str:
    return _("Complete the module “%(module)s” to unlock this.") % {"module": module.shown_title}


def check_kind_unlocked(*, member: Membership, kind: str) -> None:
    """Refuse an activity type the member has not unlocked yet, naming the module."""
    module = locked_kinds(member=member).get(kind)
    if module is not None:
        raise ValidationError(locked_message(module), code="locked")


def unlocks_of(*, module: Module) -> list[str]:
    """The labels of the activity types passing this module unlocks."""
    kinds = module.unlocks.values_list("kind", flat=True)
    return [str(ActivityKind(kind).label) for kind in kinds]


def unlock_requirements(*, organisation: Organisation) -> dict[str, int]:
    return dict(
        UnlockRequirement.objects.filter(organisation=organisation).values_list("kind", "module_id")
    )


# Progress


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    assigned: bool
    lessons_read: int
    lessons_total: int
    passed_attempt: QuizAttempt | None
    failed_attempts: int

    @property
    def status(self) -> str:
        if self.passed_attempt is not None:
            return Status.PASSED
        if self.lessons_read or self.failed_attempts:
            return Status.IN_PROGRESS
        return Status.NOT_STARTED


def _read_counts(member: Membership) -> dict[int, int]:
    rows = (
        LessonRead.objects.filter(member=member)
        .values("lesson__module_id")
        .annotate(count=Count("pk"))
        .values_list("lesson__module_id", "count")
    )
    return dict(rows)


def member_training(*, member: Membership) -> list[ModuleProgress]:
    """Every module of the organisation with the member's progress, assigned ones first."""
    modules = list(modules_of(organisation=member.organisation).prefetch_related("assigned_teams"))
    team_ids = list(member.teams.values_list("pk", flat=True))
    reads = _read_counts(member)
    passed: dict[int, QuizAttempt] = {}
    failed: dict[int, int] = {}
    # Newest first, so the first passing attempt seen is the latest one.
    for attempt in QuizAttempt.objects.filter(member=member):
        if attempt.passed:
            passed.setdefault(attempt.module_id, attempt)
        else:
            failed[attempt.module_id] = failed.get(attempt.module_id, 0) + 1
    progress = [
        ModuleProgress(
            module=module,
            assigned=is_assigned(module=module, member=member, team_ids=team_ids),
            lessons_read=reads.get(module.pk, 0),
            lessons_total=module.lesson_count,  # type: ignore[attr-defined]
            passed_attempt=passed.get(module.pk),
            failed_attempts=failed.get(module.pk, 0),
        )
        for module in modules
    ]
    return sorted(progress, key=lambda item: not item.assigned)


def module_progress(*, module: Module, member: Membership) -> ModuleProgress:
    attempts = list(QuizAttempt.objects.filter(member=member, module=module))
    return ModuleProgress(
        module=module,
        assigned=is_assigned(
            module=module, member=member, team_ids=member.teams.values_list("pk", flat=True)
        ),
        lessons_read=LessonRead.objects.filter(member=member, lesson__module=module).count(),
        lessons_total=module.lessons.count(),
        passed_attempt=next((a for a in attempts if a.passed), None),
        failed_attempts=sum(1 for a in attempts if not a.passed),
    )


def read_lesson_ids(*, member: Membership, module: Module) -> set[int]:
    return set(
        LessonRead.objects.filter(member=member, lesson__module=module).values_list(
            "lesson_id", flat=True
        )
    )


def attempts_of(*, member: Membership, module: Module) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(member=member, module=module)


def assigned_members(*, module: Module, team: Team | None = None) -> QuerySet[Membership]:
    """The active members a module is assigned to, each with their progress on it."""
    members = Membership.objects.filter(
        organisation_id=module.organisation_id, is_active=True
    ).filter(assignment_filter(module))
    if not has_assignment(module):
        members = members.none()
    if team is not None:
        members = members.filter(teams=team)
    ids = members.values("pk")
    passed = QuizAttempt.objects.filter(member=OuterRef("pk"), module=module, passed=True)
    reads = (
        LessonRead.objects.filter(member=OuterRef("pk"), lesson__module=module)
        .values("member")
        .annotate(count=Count("pk"))
        .values("count")
    )
    attempts = (
        QuizAttempt.objects.filter(member=OuterRef("pk"), module=module)
        .values("member")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Membership.objects.filter(pk__in=ids)
        .select_related("user")
        .annotate(
            passed_at=Subquery(passed.order_by("-created_at").values("created_at")[:1]),
            passed_score=Subquery(passed.order_by("-created_at").values("score")[:1]),
            read_count=Coalesce(Subquery(reads, output_field=IntegerField()), Value(0)),
            attempt_count=Coalesce(Subquery(attempts, output_field=IntegerField()), Value(0)),
        )
        .order_by("user__full_name", "user__email", "pk")
    )


def progress_status(row: Membership) -> str:
    if row.passed_at is not None:  # type: ignore[attr-defined]
        return Status.PASSED
    if row.read_count or row.attempt_count:  # type: ignore[attr-defined]
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def progress_counts(*, module: Module, team: Team | None = None) -> dict[str, int]:
    counts = {Status.PASSED: 0, Status.IN_PROGRESS: 0, Status.NOT_STARTED: 0}
    for row in assigned_members(module=module, team=team):
        counts[progress_status(row)] += 1
    counts["assigned"] = sum(counts.values())
    return counts
