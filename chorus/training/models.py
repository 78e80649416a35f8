"""Training: modules of short lessons with a quiz, who must take them, and what passing unlocks.

A starter module keeps a ``starter_key`` naming its text in code; until the organisation
edits an object (``customised``), each member reads that text in their own language.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.campaigns.models import ActivityKind
from chorus.orgs.models import Membership, Organisation, Team
from chorus.training import starter

DEFAULT_PASS_MARK = 80


class StarterText(models.Model):
    """An object whose words may be a starter text, shown in each reader's language."""

    starter_key = models.CharField(max_length=60, blank=True, editable=False)
    customised = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True

    def shown(self, field: str) -> str:
        return starter.text(self.starter_key, field, getattr(self, field), self.customised)


class Module(StarterText):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_modules"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=DEFAULT_PASS_MARK)
    position = models.PositiveIntegerField(default=0)
    assigned_to_everyone = models.BooleanField(_("everyone"), default=False)
    assigned_teams = models.ManyToManyField(Team, blank=True, related_name="training_modules")
    assigned_roles = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "starter_key"],
                condition=~Q(starter_key=""),
                name="training_starter_module_once_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        return self.shown("title")

    @property
    def shown_description(self) -> str:
        return self.shown("description")


class Lesson(StarterText):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        return self.shown("title")

    @property
    def shown_body(self) -> str:
        return self.shown("body")


class Question(StarterText):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        return self.shown("text")


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveIntegerField(default=0)
    # Choices are replaced when their question is edited, so they need no flag of their own.
    starter_key = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        return starter.text(self.starter_key, "text", self.text, False)


class LessonRead(models.Model):
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="lessons_read")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "lesson"], name="lesson_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} read {self.lesson}"


class QuizAttempt(models.Model):
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="quiz_attempts")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    score = models.PositiveSmallIntegerField()
    pass_mark = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "module", "passed"])]

    def __str__(self) -> str:
        return f"{self.member}: {self.module} ({self.score}%)"


class UnlockRequirement(models.Model):
    """An activity type a member may do only once they passed the module."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_unlocks"
    )
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="unlocks")

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="one_unlock_requirement_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} needs {self.module}"
