"""FSM storage in the bot's own database, so a restart resumes a half-finished dialog.

Inside an update it writes through that update's session, so the dialog state commits or rolls
back together with whatever the handler changed. Outside one it opens a short session itself.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import current_session
from models import FsmRecord, utcnow


def _key(key: StorageKey) -> str:
    return f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id or 0}:{key.destiny}"


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        async with self._sessionmaker() as own, own.begin():
            yield own

    async def _write(self, key: StorageKey, **values: Any) -> None:
        async with self._session() as session:
            insert = (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(FsmRecord)
            row = {"key": _key(key), "telegram_id": key.user_id, "state": None, "data": {},
                   "updated_at": utcnow(), **values}
            await session.execute(
                insert.values(**row).on_conflict_do_update(
                    index_elements=[FsmRecord.key], set_={**values, "updated_at": row["updated_at"]}
                )
            )

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        async with self._session() as session:
            return await session.get(FsmRecord, _key(key), populate_existing=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return dict(record.data) if record and record.data else {}

    async def close(self) -> None:
        return None
