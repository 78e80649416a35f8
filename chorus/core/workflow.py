"""Explicit state machines: each workflow lists its transitions in one place.

A transition is applied with one conditional UPDATE (``WHERE state = <expected>``),
so two requests or workers racing on the same object cannot both move it.
"""

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _


class TransitionNotAllowed(ValidationError):
    pass


@dataclass(frozen=True, kw_only=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    # Any extra rule lives in the service that applies the transition.
    capability: str | None = None


@dataclass(frozen=True)
class StateMachine:
    transitions: tuple[Transition, ...]
    by_name: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {t.name: t for t in self.transitions})

    def get(self, name: str) -> Transition:
        return self.by_name[name]

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def can(self, name: str, state: str) -> bool:
        return state in self.by_name[name].sources

    def targets_from(self, state: str) -> set[str]:
        return {t.target for t in self.available(state)}

    def check(self, name: str, state: str) -> Transition:
        transition = self.by_name[name]
        if state not in transition.sources:
            raise TransitionNotAllowed(
                _("This cannot be done while it is %(state)s.") % {"state": state},
                code="transition_not_allowed",
            )
        return transition

    def apply(self, obj: models.Model, name: str, **updates: Any) -> Transition:
        """Move ``obj`` (which has a ``state`` field) along ``name`` if nobody moved it first."""
        self.apply_many([obj], name, **updates)
        return self.get(name)

    def apply_many(self, objs: Sequence[models.Model], name: str, **updates: Any) -> None:
        """``apply`` to objects all in one state, in one statement: all move, or none do.

        Several objects are for the caller to lock in its transaction. An update may be an
        expression (``F("count") + 1``); the objects keep their old value of it.
        """
        if not objs:
            return
        current: str = objs[0].state  # type: ignore[attr-defined]
        transition = self.check(name, current)
        if any(obj.state != current for obj in objs):  # type: ignore[attr-defined]
            raise ValueError("apply_many moves objects that are all in one state")
        # A savepoint undoes a partial move; one object moves whole or not at all anyway.
        with transaction.atomic() if len(objs) > 1 else nullcontext():
            changed = (
                type(objs[0])
                ._default_manager.filter(pk__in=[obj.pk for obj in objs], state=current)
                .update(state=transition.target, **updates)
            )
            if changed != len(objs):
                raise TransitionNotAllowed(
                    _("Someone else changed this at the same time. Reload and try again."),
                    code="concurrent_change",
                )
        values = {key: value for key, value in updates.items() if not _is_expression(value)}
        for obj in objs:
            obj.state = transition.target  # type: ignore[attr-defined]
            for name_, value in values.items():
                setattr(obj, name_, value)


def _is_expression(value: Any) -> bool:
    return hasattr(value, "resolve_expression")


def states(*names: str) -> frozenset[str]:
    return frozenset(names)


def sources_of(machine: StateMachine, target: str) -> Iterable[str]:
    return {s for t in machine.transitions if t.target == target for s in t.sources}
