from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import current_session


class DbSessionMiddleware(BaseMiddleware):
    """One session and one transaction per update: two service calls in a handler are atomic."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        async with self._sessionmaker() as session, session.begin():
            token = current_session.set(session)
            data["session"] = session
            try:
                return await handler(event, data)
            finally:
                current_session.reset(token)
