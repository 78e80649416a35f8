"""Writing batches of clicks from the redirect's event loop, over a driver connection.

Measured on two cores (bench/redirect.py): handing each batch to a writer thread cost
a quarter of the redirect's throughput in interpreter-lock traffic between the thread
and the event loop, so batches are written from the loop itself:

- SQLite: a plain ``sqlite3`` connection. An INSERT of a batch and its COMMIT take well
  under a millisecond in WAL mode; while another process holds the write lock the sink
  does not wait inside SQLite (which would stall the loop) but retries after short
  asynchronous sleeps.
- PostgreSQL: an asynchronous psycopg connection; the loop serves other requests while
  the batch is on its way.

Django's ORM refuses to run on an event loop, and would add its own cost per batch;
the connection settings are Django's own.
"""

import asyncio
import sqlite3
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any, Protocol

from django.db import connections

from chorus.links.models import Click
from chorus.links.store import ClickRow

COLUMNS = (
    "link_id",
    "time",
    "visitor_key",
    "referrer_host",
    "country",
    "device",
    "is_bot",
    "is_member",
    "network_key",
    "clicker_member_id",
    "not_counted_reason",
)
# How long a batch may wait for SQLite's write lock before its visitors get "try again".
BUSY_LIMIT_SECONDS = 10.0
# Another process's write transaction takes about a millisecond: look again soon.
BUSY_FIRST_WAIT = 0.0002
BUSY_LONGEST_WAIT = 0.002


class ClickSink(Protocol):
    async def write(self, rows: Sequence[ClickRow]) -> None:
        """Store the rows in one transaction; return once it is committed."""

    def close(self) -> None: ...


def _insert_sql(marker: str) -> str:
    quote = connections["default"].ops.quote_name
    table = quote(Click._meta.db_table)
    columns = ", ".join(quote(name) for name in COLUMNS)
    values = ", ".join([marker] * len(COLUMNS))
    return f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 (names only)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _sqlite_time(moment: datetime) -> str:
    # How Django stores an aware time on SQLite: naive UTC, in str()'s format. Slicing off
    # the offset of a UTC time is a third cheaper than replacing its zone first.
    if moment.tzinfo is UTC:
        return moment.isoformat(" ")[:-6]
    return str(moment.astimezone(UTC).replace(tzinfo=None))


def _multi_row_sql(marker: str, rows: int) -> str:
    single = _insert_sql(marker)
    row = single[single.index("VALUES ") + len("VALUES ") :]
    return single[: single.index("VALUES ") + len("VALUES ")] + ", ".join([row] * rows)


# A batch is one statement (binding its rows at once costs far less than a statement per
# row); the driver keeps the prepared statement of each batch size it has seen.
MAX_ROWS_PER_STATEMENT = 256


def _pieces(params: Sequence[Sequence[object]]) -> Iterator[tuple[int, list[object]]]:
    """The rows as (rows, flat parameters) statements of at most MAX_ROWS_PER_STATEMENT."""
    for start in range(0, len(params), MAX_ROWS_PER_STATEMENT):
        piece = params[start : start + MAX_ROWS_PER_STATEMENT]
        yield len(piece), list(chain.from_iterable(piece))


class SqliteClickSink:
    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self._statements: dict[int, str] = {}
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            # No busy timeout: waiting happens in write(), off SQLite's sleeping handler.
            self._connection = sqlite3.connect(
                **self.params,
                timeout=0,
                isolation_level=None,
                cached_statements=MAX_ROWS_PER_STATEMENT + 16,
            )
            # Durable once written to the WAL: survives any crash of the process.
            self._connection.execute("PRAGMA synchronous=NORMAL")
            # The reader thread checkpoints (store.cache_version), off the event loop.
            self._connection.execute("PRAGMA wal_autocheckpoint=0")
        return self._connection

    async def write(self, rows: Sequence[ClickRow]) -> None:
        params = [
            (
                row.link_id,
                _sqlite_time(row.time),
                row.visitor_key,
                row.referrer_host,
                row.country,
                row.device,
                row.is_bot,
                row.is_member,
                row.network_key,
                row.clicker_member_id,
                "",
            )
            for row in rows
        ]
        deadline = time.monotonic() + BUSY_LIMIT_SECONDS
        delay = BUSY_FIRST_WAIT
        while True:
            try:
                self._write_now(params)
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() > deadline:
                    self.close()
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, BUSY_LONGEST_WAIT)

    def _write_now(self, params: Sequence[Sequence[object]]) -> None:
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            for rows, values in _pieces(params):
                connection.execute(self._statement(rows), values)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def _statement(self, rows: int) -> str:
        statement = self._statements.get(rows)
        if statement is None:
            statement = self._statements[rows] = _multi_row_sql("?", rows)
        return statement

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class PostgresClickSink:
    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.sql = _insert_sql("%s")
        self._connection: Any = None

    async def _connect(self) -> Any:
        if self._connection is None or self._connection.closed:
            import psycopg

            self._connection = await psycopg.AsyncConnection.connect(**self.params)
        return self._connection

    async def write(self, rows: Sequence[ClickRow]) -> None:
        params = [(*row, "") for row in rows]
        try:
            connection = await self._connect()
            async with connection.transaction(), connection.cursor() as cursor:
                await cursor.executemany(self.sql, params)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.closed:
            # Closing only drops the socket; nothing is waiting on it any more.
            connection.pgconn.finish()


def default_sink() -> ClickSink:
    """A sink on the database Django is configured with."""
    database = connections["default"]
    params = dict(database.get_connection_params())
    if database.vendor == "sqlite":
        params.pop("detect_types", None)
        params.pop("timeout", None)
        return SqliteClickSink(params)
    if database.vendor == "postgresql":
        params.pop("cursor_factory", None)
        params["autocommit"] = True
        return PostgresClickSink(params)
    raise NotImplementedError(f"Clicks cannot be written to {database.vendor}")
