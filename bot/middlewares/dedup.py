from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.dialects import postgresql, sqlite

from models import ProcessedUpdate, utcnow


class DedupMiddleware(BaseMiddleware):
    """Webhook only: Telegram re-sends an update it got no 2xx for. The marker row is written in
    the update's own transaction, so a handler that fails leaves the update retryable."""

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session = data["session"]
        insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
        result = await session.execute(
            insert(ProcessedUpdate).values(bot_id=data["bot"].id, update_id=event.update_id, seen_at=utcnow())
            .on_conflict_do_nothing(index_elements=["bot_id", "update_id"]))
        if not result.rowcount:
            return None  # seen before
        return await handler(event, data)
