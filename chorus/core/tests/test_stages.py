"""Items through prepare, act and finish in order; on threads of their own where they may."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from chorus.core.stages import BEHIND, run_in_stages
from chorus.orgs.models import Organisation
from chorus.testing.markers import stages_threaded

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Journal:
    """What each stage saw, in which thread; ``finish`` writes an organisation per item."""

    prepared: list[int] = field(default_factory=list)
    acted: list[int] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)
    threads: dict[str, set[int]] = field(default_factory=dict)

    def _saw(self, stage: str) -> None:
        self.threads.setdefault(stage, set()).add(threading.get_ident())

    def prepare(self, item: int) -> int:
        self._saw("prepare")
        self.prepared.append(item)
        return item * 10

    def act(self, prepared: int) -> int:
        self._saw("act")
        self.acted.append(prepared // 10)
        return prepared + 1

    def finish(self, acted: int) -> None:
        self._saw("finish")
        item = (acted - 1) // 10
        Organisation.objects.create(name=f"Item {item}", slug=f"item-{item}")
        self.finished.append(item)


def stored() -> list[int]:
    slugs = Organisation.objects.filter(slug__startswith="item-").values_list("slug", flat=True)
    return sorted(int(slug.removeprefix("item-")) for slug in slugs)


def run(journal: Journal, items: list[int], **overrides) -> None:
    stages = {"prepare": journal.prepare, "act": journal.act, "finish": journal.finish}
    run_in_stages(items, **{**stages, **overrides})


def test_every_item_goes_through_every_stage_in_order() -> None:
    journal = Journal()

    run(journal, list(range(7)))

    assert journal.prepared == journal.acted == journal.finished == list(range(7))
    assert stored() == list(range(7))
    assert journal.threads["act"] == {threading.get_ident()}


def test_an_item_prepare_leaves_out_is_neither_acted_on_nor_finished() -> None:
    journal = Journal()

    run(journal, [1, 2, 3, 4], prepare=lambda item: None if item % 2 else journal.prepare(item))

    assert journal.acted == journal.finished == [2, 4]


def test_no_items() -> None:
    journal = Journal()

    run(journal, [])

    assert journal.prepared == journal.acted == journal.finished == []


@stages_threaded
def test_prepare_and_finish_run_on_threads_of_their_own() -> None:
    journal = Journal()
    prepared_on: dict[int, int] = {}

    def prepare(item: int) -> int:
        prepared_on[item] = threading.get_ident()
        return journal.prepare(item)

    run(journal, list(range(5)), prepare=prepare)

    caller = threading.get_ident()
    assert journal.threads["act"] == {caller}
    # The caller has nothing to act on before the first item: it prepares that one itself.
    assert prepared_on[0] == caller
    preparing = {prepared_on[item] for item in range(1, 5)}
    assert len(preparing) == 1
    assert caller not in preparing | journal.threads["finish"]
    assert preparing.isdisjoint(journal.threads["finish"])


@stages_threaded
def test_a_single_item_goes_through_without_threads() -> None:
    journal = Journal()

    run(journal, [1, 2], prepare=lambda item: journal.prepare(item) if item == 2 else None)

    assert journal.prepared == journal.acted == journal.finished == [2]
    assert stored() == [2]
    caller = threading.get_ident()
    assert all(threads == {caller} for threads in journal.threads.values())


@stages_threaded
def test_the_next_item_is_prepared_while_the_caller_acts() -> None:
    journal = Journal()
    second_prepared = threading.Event()

    def prepare(item: int) -> int:
        if item == 2:
            second_prepared.set()
        return journal.prepare(item)

    def act(prepared: int) -> int:
        if prepared == 10:
            # Without a thread preparing ahead, item 2 is prepared only after this returns.
            assert second_prepared.wait(timeout=10), "item 2 was not prepared meanwhile"
        return journal.act(prepared)

    run(journal, [1, 2, 3], prepare=prepare, act=act)

    assert journal.finished == [1, 2, 3]


def test_everything_runs_in_the_caller_inside_its_transaction() -> None:
    journal = Journal()

    with transaction.atomic():
        run(journal, [1, 2, 3])
        # Written in the caller's transaction: visible before it commits.
        assert stored() == [1, 2, 3]

    caller = threading.get_ident()
    assert all(threads == {caller} for threads in journal.threads.values())


def test_a_failure_to_act_is_raised_after_what_was_acted_on_is_finished() -> None:
    journal = Journal()

    def act(prepared: int) -> int:
        if prepared == 30:
            raise ValueError("the network broke")
        return journal.act(prepared)

    with pytest.raises(ValueError, match="the network broke"):
        run(journal, [1, 2, 3, 4, 5], act=act)

    assert journal.finished == [1, 2]
    assert stored() == [1, 2]
    assert 5 not in journal.prepared


def preparing_fails_on(journal: Journal, failing: int) -> Callable[[int], int]:
    def prepare(item: int) -> int:
        if item == failing:
            raise ValueError("cannot claim")
        return journal.prepare(item)

    return prepare


def test_a_failure_to_prepare_is_raised_after_the_items_before_are_finished() -> None:
    journal = Journal()

    with pytest.raises(ValueError, match="cannot claim"):
        run(journal, [1, 2, 3, 4], prepare=preparing_fails_on(journal, 3))

    # What was prepared before the failure still goes through.
    assert journal.prepared == journal.acted == journal.finished == [1, 2]
    assert stored() == [1, 2]


def test_a_failure_to_prepare_the_first_item_is_raised_before_anything_else() -> None:
    journal = Journal()

    with pytest.raises(ValueError, match="cannot claim"):
        run(journal, [1, 2, 3], prepare=preparing_fails_on(journal, 1))

    assert journal.prepared == journal.acted == journal.finished == []


def test_a_failure_to_finish_stops_the_run_and_is_raised() -> None:
    journal = Journal()

    def finish(acted: int) -> None:
        if acted == 21:
            raise ValueError("cannot record")
        journal.finish(acted)

    with pytest.raises(ValueError, match="cannot record"):
        run(journal, list(range(1, 20)), finish=finish)

    assert journal.finished == [1]
    # On threads the caller may be ahead of the finishing by as many items as wait for it,
    # and be acting on one more; it takes no further one.
    assert journal.acted[:2] == [1, 2]
    assert len(journal.acted) <= 2 + BEHIND + 1
    assert 19 not in journal.prepared
