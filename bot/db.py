"""Engine and sessionmaker. SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE."""

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.sqlite_driver import one_hop_dbapi

# The session of the update being handled; the FSM storage joins its transaction through this.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)

SQLITE_BUSY_TIMEOUT_MS = 15_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs) -> AsyncEngine:
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, module=one_hop_dbapi(SQLITE_BUSY_TIMEOUT_MS / 1000),
                                 connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from the driver so BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        # A deferred transaction that later writes fails at once with "database is locked";
        # taking the write lock up front makes writers queue instead. The driver sends it with
        # the transaction's first write (see bot/sqlite_driver.py): reads before it take no lock.
        connection.connection.dbapi_connection.begin_on_first_write("BEGIN IMMEDIATE")

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _on_statement(connection, _cursor, _statement, _parameters, context, _executemany) -> None:
        # SQLite renders no FOR UPDATE; the driver must still see that this read decides a write.
        statement = getattr(getattr(context, "compiled", None), "statement", None)
        if getattr(statement, "_for_update_arg", None) is not None:
            connection.connection.dbapi_connection.lock_on_next_statement = True


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
    return async_sessionmaker(engine, expire_on_commit=False)
