"""Items through three stages in order: ``prepare``, ``act``, ``finish``.

For work whose middle waits on something else (a network call) while its stages
either side are database work. The caller's thread acts on one item at a time; a
thread of its own prepares the next item meanwhile, and another finishes the item
before, each with its own database connection. The database work then overlaps
the wait instead of adding to it, and the middle still happens one item at a time,
in order, as it would without the threads.

Each stage takes the items in their order. ``prepare`` runs at most ``AHEAD`` items
in front of ``act``, and ``act`` at most ``BEHIND`` in front of ``finish``. A stage
that raises ends the run, and its failure is raised in the caller once every thread
has ended: after a failure to prepare, what was prepared is still acted on and
finished; after a failure to act, what was acted on is finished and nothing more is
prepared; after a failure to finish, nothing more is acted on.
"""

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

from django.db import connection, connections

# Prepared items waiting for the caller: one is enough to keep the caller busy.
AHEAD = 1
# Items the caller acted on, waiting to be finished; beyond that the caller waits.
BEHIND = 2
# While the stages' threads run, a thread keeps the interpreter this long (seconds) at
# most, unless it waits on I/O first. Every stage waits on I/O often (a query, a
# socket), so threads still take turns there; but the caller's bursts of work between
# two network calls are no longer cut every 5 ms (Python's default) to let a database
# thread in. Measured with bench/publish_bluesky.py: 0.5 ms made publishing slower
# than the default, 50 ms faster.
SWITCH_INTERVAL = 0.05
# While the caller acts, a stage's thread pauses this long (seconds) before each query.
# The sqlite3 and psycopg drivers let go of the interpreter for every statement, but a
# thread that runs queries one after another takes it back before the caller, woken by
# its network answer, can: each such wake-up starts the caller's wait for the switch
# interval again, so the caller waited for the whole batch. bench/give_way.py shows it:
# a thread woken every 10 ms waited a median of 40-65 ms beside one alternating 0.2 ms
# of Python with a query, and 0.06-0.08 ms when that one paused 0.1 ms before each.
GIVE_WAY = 0.0001


class _End:
    """Marks the end of a queue's items."""


_END = _End()


def run_in_stages[I, P, A](
    items: Iterable[I],
    *,
    prepare: Callable[[I], P | None],
    act: Callable[[P], A],
    finish: Callable[[A], None],
) -> None:
    """``finish(act(prepare(item)))`` for each item, in order; ``prepare`` returning
    None leaves that item out.

    The caller prepares the first item itself: the caller has nothing to act on until
    then, and a thread would first have to open a connection of its own. A run with
    no item after it needs no threads at all.

    Without threads inside the caller's transaction (everything belongs to it) and on
    an in-memory SQLite database (its connections cannot wait for each other's locks).
    """
    if connection.in_atomic_block or _in_memory_database():
        for item in items:
            prepared = prepare(item)
            if prepared is not None:
                finish(act(prepared))
        return
    remaining = iter(items)
    first = _first_prepared(remaining, prepare)
    if first is None:
        return
    following = next(remaining, _END)
    if isinstance(following, _End):
        finish(act(first))
        return
    rest = chain([following], remaining)
    _Staged(rest, prepare=prepare, finish=finish).run(act, first=first)


def _first_prepared[I, P](items: Iterator[I], prepare: Callable[[I], P | None]) -> P | None:
    """The first item ``prepare`` does not leave out, prepared; the items up to it are
    taken from ``items``."""
    for item in items:
        prepared = prepare(item)
        if prepared is not None:
            return prepared
    return None


@contextmanager
def _switching_at_io() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _in_memory_database() -> bool:
    # A shared-cache database's connections lock whole tables instead of waiting.
    return connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]


class _Staged[I, P, A]:
    def __init__(
        self,
        items: Iterable[I],
        *,
        prepare: Callable[[I], P | None],
        finish: Callable[[A], None],
    ) -> None:
        self.items = items
        self.prepare, self.finish = prepare, finish
        self.prepared: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self.acted: queue.Queue[Any] = queue.Queue(maxsize=BEHIND)
        self.no_more_preparing = threading.Event()
        self.no_more_acting = threading.Event()
        self.acting_over = threading.Event()
        self.errors: list[BaseException] = []

    def run(self, act: Callable[[P], A], *, first: P) -> None:
        # The prepare thread's first item waits behind it (AHEAD is one).
        self.prepared.put(first)
        threads = [
            threading.Thread(
                target=self._giving_way, args=(self._preparing,), name="stage-prepare"
            ),
            threading.Thread(target=self._giving_way, args=(self._finishing,), name="stage-finish"),
        ]
        with _switching_at_io():
            self._run(threads, act)

    def _run(self, threads: list[threading.Thread], act: Callable[[P], A]) -> None:
        for thread in threads:
            thread.start()
        ended = False
        try:
            while True:
                prepared = self.prepared.get()
                ended = prepared is _END
                if ended or self.no_more_acting.is_set():
                    break
                self.acted.put(act(prepared))
        finally:
            self.acting_over.set()
            self.no_more_preparing.set()
            self.acted.put(_END)
            if not ended:
                self._drain_prepared()
            for thread in threads:
                thread.join()
        # A thread's failure ended the run early; the caller's own is raised as it is.
        if self.errors:
            raise self.errors[0]

    def _drain_prepared(self) -> None:
        """Let a stopped ``prepare`` thread put what it holds and see the stop."""
        while self.prepared.get() is not _END:
            pass

    def _giving_way(self, stage: Callable[[], None]) -> None:
        """Run a stage's thread, pausing before each of its queries while the caller acts
        (see ``GIVE_WAY``)."""
        with connection.execute_wrapper(self._give_way):
            stage()

    def _give_way(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.acting_over.is_set():
            time.sleep(GIVE_WAY)
        return execute(sql, params, many, context)

    def _preparing(self) -> None:
        try:
            for item in self.items:
                if self.no_more_preparing.is_set():
                    break
                prepared = self.prepare(item)
                if prepared is not None:
                    self.prepared.put(prepared)
        except BaseException as error:
            # What was prepared before is still acted on and finished.
            self.errors.append(error)
        finally:
            self.prepared.put(_END)
            # This thread's own connection: nothing else would close it.
            connections.close_all()

    def _finishing(self) -> None:
        failed = False
        try:
            while (acted := self.acted.get()) is not _END:
                if failed:
                    continue  # taken off the queue only, so that the caller never waits on it
                try:
                    self.finish(acted)
                except BaseException as error:
                    self.errors.append(error)
                    self.no_more_acting.set()
                    self.no_more_preparing.set()
                    failed = True
        finally:
            connections.close_all()
