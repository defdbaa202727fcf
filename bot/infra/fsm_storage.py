"""FSM storage in the bot's own database, so a restart resumes a half-finished dialog.

Inside an update it writes through that update's session (bot.infra.db.current_session), so the
dialog state commits or rolls back together with whatever the handler changed, like any other
write of the update. aiogram reads the state of every update before our session exists; a
process-local cache, refreshed only after a commit, answers those reads without a transaction of
their own. One process per database is assumed; several instances should keep dialog state in
Redis (REDIS_URL), which skips this class entirely.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.infra.db import current_session, dialect_insert, read_only
from models import FsmRecord, utcnow

CACHE_LIMIT = 50_000
_MISSING = object()


def _key(key: StorageKey) -> str:
    return f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id or 0}:{key.destiny}"


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        # key -> (state, data) as committed; absent means "ask the database".
        self._cache: dict[str, tuple[str | None, dict]] = {}

    @asynccontextmanager
    async def _session(self, writing: bool) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        async with self._sessionmaker() as own:
            if writing:
                async with own.begin():
                    yield own
            else:
                read_only(own)  # a read outside an update takes no lock
                yield own

    async def _load(self, key: StorageKey) -> tuple[str | None, dict]:
        cached = self._cache.get(_key(key), _MISSING)
        if cached is not _MISSING:
            return cached
        async with self._session(writing=False) as session:
            record = await session.get(FsmRecord, _key(key), populate_existing=True)
        value = (record.state, dict(record.data or {})) if record else (None, {})
        self._remember(_key(key), value)
        return value

    def _remember(self, key: str, value: tuple[str | None, dict]) -> None:
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = value

    async def _write(self, key: StorageKey, **values: Any) -> None:
        state, data = await self._load(key)
        new = (values.get("state", state), values.get("data", data))
        async with self._session(writing=True) as session:
            insert = dialect_insert(session, FsmRecord)
            row = {
                "key": _key(key),
                "telegram_id": key.user_id,
                "state": new[0],
                "data": new[1],
                "updated_at": utcnow(),
            }
            await session.execute(
                insert.values(**row).on_conflict_do_update(
                    index_elements=[FsmRecord.key],
                    set_={"state": new[0], "data": new[1], "updated_at": row["updated_at"]},
                )
            )
            self._after_commit(session, _key(key), new)

    def _after_commit(self, session: AsyncSession, key: str, value: tuple[str | None, dict]) -> None:
        """The cache learns the new value only if the transaction commits; a rollback forgets it."""
        sync = session.sync_session
        pending = sync.info.setdefault("fsm_pending", {})
        if not pending:

            def committed(_session) -> None:
                for k, v in sync.info.pop("fsm_pending", {}).items():
                    self._remember(k, v)

            def rolled_back(_session) -> None:
                for k in sync.info.pop("fsm_pending", {}):
                    self._cache.pop(k, None)

            event.listen(sync, "after_commit", committed, once=True)
            event.listen(sync, "after_rollback", rolled_back, once=True)
        pending[key] = value
        self._cache.pop(key, None)  # until the commit, nobody reads a value that may not stand

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._load(key))[1])

    async def close(self) -> None:
        self._cache.clear()
