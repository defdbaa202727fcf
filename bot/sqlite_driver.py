"""aiosqlite, one thread hop per statement.

aiosqlite runs every sqlite3 call on the connection's own thread; each call is a round trip
through a queue and back into the event loop (~0.1–0.2 ms on a busy 2-core machine, far more than
the query itself). SQLAlchemy's stock adapter spends four of them on one SELECT (open cursor,
execute, fetchall, close) and two more on BEGIN and on the pool's reset-on-return ROLLBACK. This
adapter keeps aiosqlite as the driver and only changes how its thread is used:

- a statement runs in one hop: cursor, execute, fetch all rows, close — on the worker thread;
- ``BEGIN IMMEDIATE`` is not a hop of its own: ``begin_on_first_statement`` defers it into the
  first statement's hop, so an update that never touches the database costs nothing;
- COMMIT / ROLLBACK are skipped when the worker reported that no transaction is open (sqlite3
  would do nothing there anyway).

Plugged in through create_engine's documented ``module=`` argument (an alternate DBAPI module for
the stock ``sqlite+aiosqlite`` dialect), so SQL compilation, pooling and type handling stay
SQLAlchemy's own.
"""

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

    def close(self) -> None:  # the real cursor was closed on the worker thread
        pass


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
        return _Outcome.__new__(_Outcome)

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
        begin, connection.pending_begin = connection.pending_begin, None
        try:
            outcome = await_(self._connection._execute(
                _run, self._connection._conn, begin, operation, parameters, many))
        except Exception as error:
            connection.in_transaction = True  # unknown after a failure: let ROLLBACK run
            connection._handle_exception(error)
        connection.in_transaction = outcome.in_transaction
        self._cursor = outcome
        self._rows = deque(outcome.rows)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("pending_begin", "in_transaction")
    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None
        self.in_transaction = False

    def begin_on_first_statement(self, statement: str) -> None:
        self.pending_begin = statement

    def commit(self) -> None:
        self._finish("commit")

    def rollback(self) -> None:
        self._finish("rollback")

    def _finish(self, method: str) -> None:
        self.pending_begin = None  # a transaction that never ran a statement has nothing to end
        if not self.in_transaction or not self._connection._connection:
            return
        self.in_transaction = False
        try:
            await_(self._connection._execute(getattr(self._connection._conn, method)))
        except Exception as error:
            self._handle_exception(error)


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *args: Any, **kwargs: Any) -> OneHopConnection:
        connection = self.aiosqlite.connect(*args, **kwargs)
        connection._thread.daemon = True  # as SQLAlchemy's adapter: never block interpreter exit
        return OneHopConnection(self, await_(connection))


def one_hop_dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
