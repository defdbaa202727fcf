from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.db import dialect_insert
from models import ProcessedUpdate, utcnow


class DedupMiddleware(BaseMiddleware):
    """Webhook only: Telegram re-sends an update whose 200 never reached it (a crash or a network
    cut before the answer). The marker row commits in a short transaction of its own, before the
    handler: the webhook answers 200 before handling (handle_in_background), so the handler's
    outcome never makes Telegram resend anyway, and an update that only reads takes no write lock
    for its whole handler."""

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        engine = data["sessionmaker"].kw["bind"]
        async with engine.begin() as connection:  # Core: an ORM session would double the cost
            result = await connection.execute(
                dialect_insert(connection, ProcessedUpdate).values(bot_id=data["bot"].id, update_id=event.update_id, seen_at=utcnow())
                .on_conflict_do_nothing(index_elements=["bot_id", "update_id"]))
        if not result.rowcount:
            return None  # seen before
        return await handler(event, data)
