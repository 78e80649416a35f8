"""Work done in batches, one transaction each: read, compute, write.

On PostgreSQL the transactions run on threads of their own, each with its own
connection, so that while the calling thread computes one batch the database
writes the batch before it and reads the batch after it: the database's time
and Python's overlap instead of adding up. Computing stays in the calling thread
and in the batches' order, so a seeded random source gives the same results.

A batch's transaction is open from its read to its write, so locks taken in the
read hold until its results are written. Batches read one after another, in order,
so those that lock the same rows wait for each other as they would one after another.
"""

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, connections, transaction

# Transactions open at once: one writing while the next reads is all the overlap there is.
LANES = 3


class _Stopped(Exception):
    """Another batch failed: this one, not computed yet, rolls back and the work stops."""


def run_in_transactions[B, R](
    batches: Sequence[B],
    *,
    read: Callable[[B], R],
    compute: Callable[[B, R], None],
    write: Callable[[B, R], None],
) -> None:
    """For each batch, in one transaction: ``read`` it, ``compute`` it, ``write`` it.

    Runs them one after another when they cannot overlap: on SQLite (one writer at a
    time), or inside the caller's transaction (then everything belongs to it).
    """
    if not _may_overlap(len(batches)):
        for batch in batches:
            with transaction.atomic():
                reads = read(batch)
                compute(batch, reads)
                write(batch, reads)
        return
    _Overlapping(batches, read=read, write=write).run(compute)


def _may_overlap(count: int) -> bool:
    return count > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block


class _Overlapping[B, R]:
    def __init__(
        self, batches: Sequence[B], *, read: Callable[[B], R], write: Callable[[B, R], None]
    ) -> None:
        self.batches = batches
        self.read, self.write = read, write
        # Lane to caller: (True, what was read) or (False, why the batch cannot go on).
        self.reads: list[queue.SimpleQueue[tuple[bool, Any]]] = [
            queue.SimpleQueue() for _ in batches
        ]
        # Batches take their locks in order: a batch reads only once the one before has
        # read. Otherwise a later batch could lock a row an earlier one still needs, and
        # wait for the caller, who waits for the earlier batch: a deadlock.
        self.read_done = [threading.Event() for _ in batches]
        self.computed = [threading.Event() for _ in batches]
        # Set only once the batch's computation finished: what a stopped lane still writes.
        self.complete = [False] * len(batches)
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def run(self, compute: Callable[[B, R], None]) -> None:
        lanes = [
            threading.Thread(target=self._lane, args=(first,), name=f"batch-lane-{first}")
            for first in range(min(LANES, len(self.batches)))
        ]
        for lane in lanes:
            lane.start()
        try:
            for index, batch in enumerate(self.batches):
                ok, value = self.reads[index].get()
                if not ok:
                    raise value
                compute(batch, value)
                self.complete[index] = True
                self.computed[index].set()
        except BaseException:
            self._stop_all()
            raise
        finally:
            for lane in lanes:
                lane.join()
            # A lane's failure is the cause of whatever stopped the caller, if anything did.
            if self.errors:
                raise self.errors[0]

    def _stop_all(self) -> None:
        """The caller computes no more: batches waiting for it roll back."""
        self.stop.set()
        for event in [*self.read_done, *self.computed]:
            event.set()

    def _lane(self, first: int) -> None:
        indexes = range(first, len(self.batches), LANES)
        try:
            for position, index in enumerate(indexes):
                try:
                    self._batch(index)
                except BaseException as error:
                    if not isinstance(error, _Stopped):
                        self.errors.append(error)
                        # No new batches; those under way finish once the caller sees this.
                        self.stop.set()
                    # The caller, and later batches, may be waiting for any of this lane's.
                    for rest in indexes[position:]:
                        self.reads[rest].put((False, error))
                        self.read_done[rest].set()
                    return
        finally:
            # This thread's own connection: nothing else would close it.
            connections.close_all()

    def _batch(self, index: int) -> None:
        if index:
            self.read_done[index - 1].wait()
        if self.stop.is_set():
            raise _Stopped
        batch = self.batches[index]
        with transaction.atomic():
            try:
                reads = self.read(batch)
            finally:
                self.read_done[index].set()
            self.reads[index].put((True, reads))
            self.computed[index].wait()
            if not self.complete[index]:
                raise _Stopped
            self.write(batch, reads)
