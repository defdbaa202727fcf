"""The update's session and when it commits (the rule, see docs): one session per update; its
writes commit once, just before the first request to Telegram that follows them or when the
handler returns; nothing else commits it. After that commit the session only reads (a write
raises), so a handler writes first and replies last.

- DbSessionMiddleware (outer, on `update`) opens the session read-only: identity and filters
  read before the handler is known, and take no lock.
- TransactionMiddleware (inner, on every event type) sees the chosen handler: unless it is
  flagged ``flags={"db": "read"}`` it ends the read-only phase, so the handler's first statement
  opens the write transaction (on SQLite: BEGIN IMMEDIATE, the write lock).
- CommitBeforeReply (a Bot API request middleware) commits before a request goes out: the user
  reads "saved" only once it is, and no lock is held across a round trip to Telegram.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.flags import get_flag
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.infra.db import current_session, read_only, take_written, writable

READ = "read"
READ_ONLY = {"db": READ}  # handler flags: it never writes (lists, cards, /help); see TransactionMiddleware


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._sessionmaker() as session:  # closing rolls back anything uncommitted
            read_only(session)
            token = current_session.set(session)
            data["session"] = session
            try:
                result = await handler(event, data)
                await session.commit()
                return result
            finally:
                current_session.reset(token)


class TransactionMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if get_flag(data, "db") != READ:
            session = data["session"]
            await session.commit()  # ends the read-only phase: the handler's first statement begins writing
            writable(session)
        return await handler(event, data)


def install_transaction_middleware(dp: Dispatcher) -> None:
    """Inner middlewares see the handler (and its flags); registered on every event type."""
    middleware = TransactionMiddleware()
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.middleware(middleware)


class CommitBeforeReply(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        session = current_session.get()
        if session is not None and session.in_transaction():
            wrote = take_written(session)
            await session.commit()  # also when nothing was written: no lock nor connection waits on Telegram
            if wrote:
                read_only(session)  # the update's writes are in; a write now would be a second commit
        return await make_request(bot, method)


def commit_before_replies(bot: Bot) -> Bot:
    bot.session.middleware(CommitBeforeReply())
    return bot
