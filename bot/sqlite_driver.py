"""aiosqlite, one thread hop per statement.

aiosqlite runs every sqlite3 call on the connection's own thread; each call is a round trip
through a queue and back into the event loop (~0.1–0.2 ms on a busy 2-core machine, far more than
the query itself). SQLAlchemy's stock adapter spends four of them on one SELECT (open cursor,
execute, fetchall, close) and two more on BEGIN and on the pool's reset-on-return ROLLBACK. This
adapter keeps aiosqlite as the driver and only changes how its thread is used:

- a statement runs in one hop: cursor, execute, fetch all rows, close — on the worker thread;
- a transaction takes SQLite's write lock (``BEGIN IMMEDIATE``) only at its first write — an
  INSERT/UPDATE/DELETE, or a SELECT ... FOR UPDATE (``lock_on_next_statement``, set by an engine
  event, since SQLite renders no FOR UPDATE) — and sends it in that statement's hop. Reads before
  it run in autocommit, each on the latest committed data, like PostgreSQL's READ COMMITTED; the
  services already lock (FOR UPDATE) or update conditionally wherever a read decides a write,
  because PostgreSQL needs it. So an update that only reads (/help, a list, a card) never waits
  for a writer and never makes one wait, and a writer holds the lock from its first write only;
- COMMIT / ROLLBACK are skipped when the worker reported that no transaction is open (sqlite3
  would do nothing there anyway);
- writers of this process queue for SQLite's write lock on an asyncio lock, first come first
  served, instead of inside SQLite's busy handler, which polls with sleeps growing to 100 ms: with
  200 updates at once that polling alone pushed the median wait to 0.7 s. The busy timeout still
  covers other processes (a CLI command, a backup); waiting here is bounded the same way.

Plugged in through create_engine's documented ``module=`` argument (an alternate DBAPI module for
the stock ``sqlite+aiosqlite`` dialect), so SQL compilation, pooling and type handling stay
SQLAlchemy's own.
"""

import asyncio
import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor, AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_


class _Outcome:
    """What the worker thread brings back from a statement: the cursor's metadata and its rows."""

    __slots__ = ("description", "rowcount", "lastrowid", "rows", "in_transaction")

    def __init__(self, cursor: sqlite3.Cursor, rows: list, in_transaction: bool) -> None:
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self.rows = rows
        self.in_transaction = in_transaction


def _run(conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool) -> _Outcome:
    """Runs on aiosqlite's thread: the deferred BEGIN, the statement and its whole result."""
    if begin is not None:
        conn.execute(begin)
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return _Outcome(cursor, rows, conn.in_transaction)
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False

    def _make_new_cursor(self, connection: aiosqlite.Connection) -> Any:
        return None  # nothing to open: the statement's hop opens and closes its own cursor

    def _aenter_cursor(self, cursor: Any) -> Any:
        return None  # replaced by the statement's _Outcome

    def close(self) -> None:
        self._rows.clear()

    @property
    def description(self) -> Any:
        return getattr(self._cursor, "description", None)

    @property
    def rowcount(self) -> int:
        return getattr(self._cursor, "rowcount", -1)

    @property
    def lastrowid(self) -> int | None:
        return getattr(self._cursor, "lastrowid", None)

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        connection: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        begin = connection.begin_for(operation)
        if begin is not None:
            connection.take_write_lock()
        try:
            outcome = await_(self._connection._execute(
                _run, self._connection._conn, begin, operation, parameters, many))
        except Exception as error:
            connection.in_transaction = True  # unknown after a failure: let ROLLBACK run
            connection._handle_exception(error)
        connection.in_transaction = outcome.in_transaction
        self._cursor = outcome
        self._rows = deque(outcome.rows)


_READS = ("SELECT", "PRAGMA")


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("pending_begin", "in_transaction", "holds_write_lock", "lock_on_next_statement")
    _cursor_cls = OneHopCursor
    dbapi: "OneHopDBAPI"

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None
        self.in_transaction = False
        self.holds_write_lock = False
        self.lock_on_next_statement = False

    def begin_on_first_write(self, statement: str) -> None:
        """BEGIN IMMEDIATE (the only kind this project issues) goes with the first write."""
        self.pending_begin = statement

    def begin_for(self, operation: str) -> str | None:
        """The BEGIN to send before this statement, if it is the transaction's first write."""
        lock, self.lock_on_next_statement = self.lock_on_next_statement, False
        if self.pending_begin is None or (not lock and operation.lstrip()[:6].upper() in _READS):
            return None
        begin, self.pending_begin = self.pending_begin, None
        return begin

    def take_write_lock(self) -> None:
        try:
            await_(asyncio.wait_for(self.dbapi.write_lock.acquire(), self.dbapi.lock_timeout_s))
        except TimeoutError:
            raise self.dbapi.OperationalError("database is locked") from None
        self.holds_write_lock = True

    def release_write_lock(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            self.dbapi.write_lock.release()

    def commit(self) -> None:
        self._finish("commit")

    def rollback(self) -> None:
        self._finish("rollback")

    def _finish(self, method: str) -> None:
        self.pending_begin = None  # a transaction that never wrote has nothing to end
        self.lock_on_next_statement = False
        try:
            if not self.in_transaction or not self._connection._connection:
                return
            self.in_transaction = False
            await_(self._connection._execute(getattr(self._connection._conn, method)))
        except Exception as error:
            self._handle_exception(error)
        finally:
            self.release_write_lock()

    def close(self) -> None:
        self.release_write_lock()
        super().close()

    def terminate(self) -> None:
        self.release_write_lock()
        super().terminate()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """One per engine, i.e. per database file: the write lock is that file's."""

    def __init__(self, lock_timeout_s: float) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.write_lock = asyncio.Lock()
        self.lock_timeout_s = lock_timeout_s

    def connect(self, *args: Any, **kwargs: Any) -> OneHopConnection:
        connection = self.aiosqlite.connect(*args, **kwargs)
        connection._thread.daemon = True  # as SQLAlchemy's adapter: never block interpreter exit
        return OneHopConnection(self, await_(connection))


def one_hop_dbapi(lock_timeout_s: float) -> OneHopDBAPI:
    return OneHopDBAPI(lock_timeout_s)
