"""Batches, a transaction each: read, compute in order, write; overlapping on PostgreSQL."""

import threading
import time
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction

from chorus.core.batches import run_in_transactions
from chorus.orgs.models import Organisation
from chorus.testing.markers import postgresql_only

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = postgresql_only("batches overlap on PostgreSQL only")


@dataclass
class Journal:
    """What the callbacks saw; each batch writes an organisation named after it."""

    computed: list[int] = field(default_factory=list)
    compute_threads: set[int] = field(default_factory=set)
    read_threads: set[int] = field(default_factory=set)
    read: dict[int, threading.Event] = field(default_factory=dict)

    def on_read(self, batch: int) -> int:
        assert connection.in_atomic_block
        self.read_threads.add(threading.get_ident())
        self.read.setdefault(batch, threading.Event()).set()
        return batch * 10

    def on_compute(self, batch: int, reads: int) -> None:
        assert reads == batch * 10
        self.compute_threads.add(threading.get_ident())
        self.computed.append(batch)

    def on_write(self, batch: int, reads: int) -> None:
        Organisation.objects.create(name=f"Batch {batch}", slug=f"batch-{batch}")


def written() -> set[str]:
    slugs = Organisation.objects.filter(slug__startswith="batch-").values_list("slug", flat=True)
    return set(slugs)


def run(journal: Journal, batches: list[int], **overrides) -> None:
    callbacks = {
        "read": journal.on_read,
        "compute": journal.on_compute,
        "write": journal.on_write,
        **overrides,
    }
    run_in_transactions(batches, **callbacks)


def test_every_batch_is_read_computed_in_order_in_the_calling_thread_and_written() -> None:
    journal = Journal()

    run(journal, list(range(7)))

    assert journal.computed == list(range(7))
    assert journal.compute_threads == {threading.get_ident()}
    assert written() == {f"batch-{n}" for n in range(7)}


@on_postgresql
def test_on_postgresql_the_next_batch_is_read_while_one_is_computed() -> None:
    journal = Journal()

    def compute_once_the_next_is_read(batch: int, reads: int) -> None:
        if batch + 1 < 4:
            # Batch 0's transaction is still open here: it writes after this returns.
            read_next = journal.read.setdefault(batch + 1, threading.Event())
            assert read_next.wait(timeout=10), f"batch {batch + 1} was not read meanwhile"
        journal.on_compute(batch, reads)

    run(journal, [0, 1, 2, 3], compute=compute_once_the_next_is_read)

    assert journal.computed == [0, 1, 2, 3]
    assert threading.get_ident() not in journal.read_threads
    assert written() == {"batch-0", "batch-1", "batch-2", "batch-3"}


def test_inside_the_callers_transaction_everything_is_part_of_it() -> None:
    journal = Journal()

    with pytest.raises(RuntimeError), transaction.atomic():
        run(journal, [0, 1, 2])
        assert journal.read_threads == {threading.get_ident()}
        assert written() == {"batch-0", "batch-1", "batch-2"}
        raise RuntimeError("the caller rolls back")

    assert written() == set()


def test_a_failed_write_rolls_its_batch_back_and_is_raised() -> None:
    journal = Journal()

    def write_but_not_batch_two(batch: int, reads: int) -> None:
        journal.on_write(batch, reads)
        if batch == 2:
            raise ValueError("the database refused batch 2")

    with pytest.raises(ValueError, match="refused batch 2"):
        run(journal, list(range(6)), write=write_but_not_batch_two)

    assert "batch-2" not in written()
    assert {"batch-0", "batch-1"} <= written()


def test_a_failed_computation_stops_the_work_and_writes_nothing_it_did_not_compute() -> None:
    journal = Journal()

    def compute_but_not_batch_three(batch: int, reads: int) -> None:
        if batch == 3:
            raise ArithmeticError("no plan for batch 3")
        journal.on_compute(batch, reads)

    with pytest.raises(ArithmeticError, match="batch 3"):
        run(journal, list(range(8)), compute=compute_but_not_batch_three)

    # As one after another: what was computed before the failure is written, nothing after.
    assert journal.computed == [0, 1, 2]
    assert written() == {"batch-0", "batch-1", "batch-2"}


def test_a_failed_read_is_raised_and_later_batches_are_not_written() -> None:
    journal = Journal()

    def read_but_not_batch_four(batch: int) -> int:
        if batch == 4:
            raise LookupError("batch 4 is gone")
        return journal.on_read(batch)

    with pytest.raises(LookupError, match="batch 4"):
        run(journal, list(range(9)), read=read_but_not_batch_four)

    # Batches read in order, so batch 3 was read, computed and written before batch 4 failed.
    assert journal.computed[:3] == [0, 1, 2]
    assert set(journal.computed) <= {0, 1, 2, 3}
    assert written() == {f"batch-{n}" for n in journal.computed}


def test_no_batches_do_nothing() -> None:
    journal = Journal()

    run(journal, [])

    assert journal.computed == []
    assert written() == set()


@on_postgresql
def test_batches_locking_the_same_row_wait_for_each_other_in_order() -> None:
    journal = Journal()
    shared = Organisation.objects.create(name="Shared", slug="shared")

    def read_under_lock(batch: int) -> int:
        with connection.cursor() as cursor:
            # A deadlock would end in an error here rather than hang the suite.
            cursor.execute("SET LOCAL lock_timeout = '10s'")
        if batch == 0:
            # Left alone, the next batch's thread would take the lock first.
            time.sleep(0.5)
        Organisation.objects.select_for_update().get(pk=shared.pk)
        return journal.on_read(batch)

    def write_in_turn(batch: int, reads: int) -> None:
        journal.on_write(batch, reads)
        Organisation.objects.filter(pk=shared.pk).update(
            name=f"{Organisation.objects.get(pk=shared.pk).name} {batch}"
        )

    run(journal, [0, 1, 2, 3], read=read_under_lock, write=write_in_turn)

    assert journal.computed == [0, 1, 2, 3]
    assert Organisation.objects.get(pk=shared.pk).name == "Shared 0 1 2 3"
