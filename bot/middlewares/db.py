from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import current_session


class DbSessionMiddleware(BaseMiddleware):
    """One session per update; two service calls in a handler share its transaction. It commits
    when the handler returns, and earlier if the handler talks to Telegram first (see
    CommitBeforeReply); an exception rolls back whatever was not committed yet."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        async with self._sessionmaker() as session:  # closing rolls back anything uncommitted
            token = current_session.set(session)
            data["session"] = session
            try:
                result = await handler(event, data)
                if session.in_transaction():  # not when everything was committed before a reply
                    await session.commit()
                return result
            finally:
                current_session.reset(token)


class CommitBeforeReply(BaseRequestMiddleware):
    """A Bot API request made while an update is handled first commits that update's work: the
    user reads "saved" only once it is, and no lock (SQLite's write lock, a row's FOR UPDATE) is
    held across a network round trip to Telegram. What the handler writes afterwards goes into a
    new transaction, committed when it returns."""

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


def commit_before_replies(bot: Bot) -> Bot:
    bot.session.middleware(CommitBeforeReply())
    return bot
