"""Engine, sessionmaker, and the read-only mode of a session.

SQLite follows SQLAlchemy's documented recipe ("Enabling Non-Legacy SQLite Transactional Modes",
the `begin` event variant, which works on every supported Python): the driver's own transaction
handling is switched off on connect and the `begin` event emits the BEGIN itself. We emit
``BEGIN IMMEDIATE``: a transaction takes SQLite's write lock at its first statement, so writers
queue on the busy timeout instead of failing with "database is locked" when a read turns into a
write. WAL lets readers go on meanwhile.

A session in read-only mode (``read_only``) takes its connections from a read-only engine: an
autocommit connection that takes no lock (on SQLite the BEGIN is left out). Update handlers
flagged ``db="read"`` run in it, and so does an update once its writes are committed; a write
there raises (see bot/middlewares/db.py for the rule).
"""

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

# The session of the update being handled (bot/middlewares/db.py sets it): the FSM storage writes
# through it, and a request to Telegram commits it first.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Our own execution option (SQLAlchemy passes unknown keys through to events): no BEGIN on SQLite.
READ_ONLY = "growthbot_read_only"
WROTE = "growthbot_wrote"
READ_ONLY_ENGINE = "growthbot_read_only_engine"
WRITE_REFUSED = (
    "a write in a read-only session: a db='read' handler, or a write after the update's writes were committed"
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs) -> AsyncEngine:
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_reset_on_return=None, **kwargs
    )
    _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        if not connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only_options(dialect_name: str) -> dict[str, Any]:
    """PostgreSQL: the documented AUTOCOMMIT isolation level. SQLite: SQLAlchemy documents that
    AUTOCOMMIT does not combine with the recipe above, and needs nothing: with the BEGIN left out,
    the driver is in autocommit already."""
    if dialect_name == "sqlite":
        return {READ_ONLY: True}
    return {READ_ONLY: True, "isolation_level": "AUTOCOMMIT"}


def read_only(session: AsyncSession) -> None:
    """From the session's next transaction on, connections come from the read-only engine: an
    autocommit connection that takes no lock, checked out only when a statement needs it. Nothing
    may be written there (each statement would commit on its own), so a write raises. Call it
    between transactions; `writable` ends the mode."""
    sync = session.sync_session
    if sync.in_transaction():
        raise InvalidRequestError("read_only() is for a session without an open transaction")
    sync.info[READ_ONLY] = sync.info.get(READ_ONLY_ENGINE) or sync.bind.execution_options(
        **read_only_options(sync.bind.dialect.name)
    )


def writable(session: AsyncSession) -> None:
    """The session's next transaction writes (on SQLite: BEGIN IMMEDIATE). Call it between transactions."""
    session.sync_session.info.pop(READ_ONLY, None)


def is_read_only(session: AsyncSession) -> bool:
    return _read_only(session.sync_session)


def take_written(session: AsyncSession) -> bool:
    """Whether the session wrote, or holds changes to flush, since the last call."""
    sync = session.sync_session
    return bool(sync.info.pop(WROTE, False) or sync.new or sync.dirty or sync.deleted)


def _read_only(sync_session) -> bool:
    return sync_session.info.get(READ_ONLY) is not None


class ModalSession(Session):
    """A Session that takes its connections from the read-only engine while in read-only mode.
    get_bind is Session's documented hook for choosing an engine ("Custom Vertical Partitioning")."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        engine = self.info.get(READ_ONLY)
        return engine if engine is not None else super().get_bind(*args, **kwargs)


def _wrote(sync_session) -> None:
    if _read_only(sync_session):
        raise InvalidRequestError(WRITE_REFUSED)
    sync_session.info[WROTE] = True


def _on_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _wrote(state.session)


def _on_flush(sync_session, _context, _instances) -> None:
    if sync_session.new or sync_session.dirty or sync_session.deleted:
        _wrote(sync_session)


def dialect_insert(session: AsyncSession | AsyncConnection, entity: Any) -> Any:
    """INSERT with the ON CONFLICT clauses of this session's database. Each dialect module loads
    on first use: a SQLite deployment never imports PostgreSQL's (~2 MB of resident memory)."""
    dialect = session.bind.dialect if isinstance(session, AsyncSession) else session.dialect
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(entity)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    if not event.contains(ModalSession, "do_orm_execute", _on_statement):  # writes are noticed, and refused
        event.listen(ModalSession, "do_orm_execute", _on_statement)  # in read-only mode
        event.listen(ModalSession, "before_flush", _on_flush)
    read_only_engine = engine.sync_engine.execution_options(**read_only_options(engine.dialect.name))
    return async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=ModalSession, info={READ_ONLY_ENGINE: read_only_engine}
    )
