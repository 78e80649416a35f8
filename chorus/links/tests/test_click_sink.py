"""Clicks written to a SQLite database that another process writes to as well.

Several redirect processes (Granian workers) share one database file: each writes its
batches from its event loop, and waits for the others' write lock off the loop.
"""

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from chorus.links.asgi_redirect import ClickRecorder
from chorus.links.clicksink import COLUMNS, SqliteClickSink
from chorus.links.models import Click
from chorus.links.store import ClickRow

TABLE = f'"{Click._meta.db_table}"'


def click_table(path: Path) -> None:
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        columns = ", ".join(f'"{name}"' for name in COLUMNS)
        setup.execute(f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, {columns})")


def row(link_id: int) -> ClickRow:
    return ClickRow(link_id, datetime.now(UTC), "v" * 32, "", "", "mobile", False, False)


def test_a_batch_that_waited_for_another_writer_lets_it_in_before_the_next(tmp_path):
    path = tmp_path / "clicks.sqlite3"
    click_table(path)
    other_process = sqlite3.connect(path, isolation_level=None, timeout=0)
    recorder = ClickRecorder(sink=SqliteClickSink({"database": str(path)}), window=0)
    seen_by_other: list[int] = []

    async def first_redirect() -> None:
        await recorder.record(row(1))
        # Its response goes out; meanwhile the other process, which waited too, writes.
        other_process.execute("BEGIN IMMEDIATE")
        [(count,)] = other_process.execute(f"SELECT count(*) FROM {TABLE}").fetchall()  # noqa: S608
        seen_by_other.append(count)
        other_process.execute("COMMIT")

    async def scenario() -> None:
        other_process.execute("BEGIN IMMEDIATE")
        first = asyncio.create_task(first_redirect())
        await asyncio.sleep(0.01)  # the first batch waits for the write lock
        later = [asyncio.create_task(recorder.record(row(n))) for n in (2, 3, 4)]
        other_process.execute("COMMIT")
        await asyncio.gather(first, *later)

    try:
        asyncio.run(scenario())
    finally:
        recorder.close()

    # The other writer got its turn between the batch that had waited and the next one.
    assert seen_by_other == [1]
    assert recorder.batches == 2
    stored = other_process.execute(f"SELECT link_id FROM {TABLE} ORDER BY id").fetchall()  # noqa: S608
    assert stored == [(1,), (2,), (3,), (4,)]
