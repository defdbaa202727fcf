import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra.db import dialect_insert
from models import ProcessedUpdate, utcnow

MAX_BATCH = 500  # markers per INSERT: 1,500 bound parameters, far below either database's limit


class DedupMiddleware(BaseMiddleware):
    """Webhook only: Telegram re-sends an update whose 200 never reached it (a crash or a network
    cut before the answer). Each update's marker row is committed before its handler runs, so a
    re-sent update finds it even after a restart. The webhook answers 200 before handling
    (handle_in_background), so the handler's outcome never makes Telegram resend anyway.

    Markers are group-committed: the updates that arrive while one batch is being written go into
    the next, one INSERT and one commit for all of them. A lone update is written at once; under
    load the marker costs a fraction of a round trip instead of a transaction of its own."""

    def __init__(self) -> None:
        self._waiting: list[tuple[int, int, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if not await self._first_sighting(data["sessionmaker"].kw["bind"], data["bot"].id, event.update_id):
            return None  # seen before
        return await handler(event, data)

    async def _first_sighting(self, engine: AsyncEngine, bot_id: int, update_id: int) -> bool:
        marked = asyncio.get_running_loop().create_future()
        self._waiting.append((bot_id, update_id, marked))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(engine))
        return await marked

    async def _write_batches(self, engine: AsyncEngine) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                new = await _insert_markers(engine, {(bot_id, update_id) for bot_id, update_id, _ in batch})
            except Exception as exc:  # every update of the batch fails as its own marker would have
                for *_, marked in batch:
                    if not marked.done():
                        marked.set_exception(exc)
                continue
            for bot_id, update_id, marked in batch:
                first = (bot_id, update_id) in new
                new.discard((bot_id, update_id))  # the same update twice in one batch: only once
                if not marked.done():
                    marked.set_result(first)


async def _insert_markers(engine: AsyncEngine, keys: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Insert what is not there yet; returns the keys this call inserted."""
    now = utcnow()
    async with engine.begin() as connection:  # Core: an ORM session would double the cost
        inserted = await connection.execute(
            dialect_insert(connection, ProcessedUpdate)
            .values([{"bot_id": bot_id, "update_id": update_id, "seen_at": now} for bot_id, update_id in keys])
            .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
            .returning(ProcessedUpdate.bot_id, ProcessedUpdate.update_id)
        )
        return {tuple(row) for row in inserted.all()}
