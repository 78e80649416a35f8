"""The redirect's reader thread keeps SQLite's write-ahead log from growing without end.

Under a steady load the click writer never stops for long, so a passive checkpoint
never catches up with it, and the log would only grow. The writer here is a process of
its own, as the redirect's event loop is to the reader thread's connection; the test
database lives in memory, without a log, so this runs on a database file.
"""

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chorus.links import store
from chorus.testing.sqlite_file import default_database_on_file

# A batch of 30 clicks every millisecond or so, retried when a checkpoint holds it off,
# as the click sink writes them (chorus/links/clicksink.py).
WRITER = """
import sqlite3, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
db = sqlite3.connect(path, isolation_level=None, timeout=0)
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA wal_autocheckpoint=0")
rows = ",".join(["(randomblob(120))"] * 30)
batches, end = 0, time.monotonic() + seconds
while time.monotonic() < end:
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO clicks VALUES " + rows)
        db.execute("COMMIT")
        batches += 1
        time.sleep(0.001)
    except sqlite3.OperationalError:
        if db.in_transaction:
            db.execute("ROLLBACK")
        time.sleep(0.0002)
print(batches)
"""


@pytest.fixture
def database_file(tmp_path: Path, db: None) -> Iterator[Path]:
    """Django's default connection, in this thread, on a database file in WAL mode."""
    path = tmp_path / "clicks.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE clicks (data BLOB)")
    with default_database_on_file(path):
        yield path


def test_a_steady_writer_does_not_grow_the_log_past_a_few_megabytes(database_file, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_SECONDS", 0.0)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database_file), "4"], stdout=subprocess.PIPE, text=True
    )
    while writer.poll() is None:
        store._checkpoint_if_due()
        time.sleep(0.05)
    batches = int(writer.communicate()[0])

    # Each batch adds a page or two to the log: several times the restart threshold went by.
    assert batches > 2 * store.RESTART_LOG_FRAMES
    largest = Path(f"{database_file}-wal").stat().st_size
    assert largest < 2 * store.RESTART_LOG_FRAMES * 4096
    with sqlite3.connect(database_file) as reader:
        assert reader.execute("SELECT count(*) FROM clicks").fetchone()[0] == 30 * batches
