"""Handler integration harness: the real dispatcher and database, a recording fake Bot API."""

import itertools
from datetime import datetime, timezone

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_dispatcher
from bot.config import Settings
from bot.middlewares.db import commit_before_replies
from bot.seed import seed
from tests.support.fake_telegram import BOT_USER, RecordingSession

ADMIN_ID = 900001
TOKEN = "123456:TEST-token-for-handlers"


class Harness:
    def __init__(
        self, db_url: str, sessionmaker: async_sessionmaker[AsyncSession], storage_factory=None, **settings
    ) -> None:
        defaults = {"bot_token": TOKEN, "database_url": db_url, "admin_ids": [ADMIN_ID], "throttle_rate": 1000}
        self.settings = Settings(_env_file=None, **{**defaults, **settings})
        self.sessionmaker = sessionmaker
        self._storage_factory = storage_factory
        self.api = RecordingSession()
        self.bot = commit_before_replies(
            Bot(TOKEN, session=self.api, default=DefaultBotProperties(parse_mode=ParseMode.HTML)))
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)

    async def start(self) -> None:
        self.restart()
        async with self.sessionmaker() as session, session.begin():
            await seed(session)

    def restart(self) -> None:
        """A new dispatcher over the same database: what a process restart leaves behind."""
        storage = self._storage_factory() if self._storage_factory else None
        self.dp = create_dispatcher(self.settings, self.sessionmaker, storage)

    async def stop(self) -> None:
        await self.dp.storage.close()

    def user(self, telegram_id: int, first_name: str = "Тест") -> "FakeUser":
        return FakeUser(self, User(id=telegram_id, is_bot=False, first_name=first_name, language_code="ru"))

    async def feed(self, update: Update) -> None:
        await self.dp.feed_update(self.bot, update)

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def next_message_id(self) -> int:
        return next(self._message_ids)


class FakeUser:
    def __init__(self, harness: Harness, tg_user: User) -> None:
        self.h = harness
        self.tg = tg_user
        self.id = tg_user.id
        self.chat = Chat(id=tg_user.id, type="private")

    async def send(self, text: str) -> list[str]:
        """Send a text message; returns the texts the bot showed this user in response."""
        mark = len(self.h.api.requests)
        message = Message(message_id=self.h.next_message_id(), date=datetime.now(timezone.utc),
                          chat=self.chat, from_user=self.tg, text=text)
        await self.h.feed(Update(update_id=self.h.next_update_id(), message=message))
        return self._texts_since(mark)

    async def click(self, data: str | CallbackData, message_id: int = 1) -> list[str]:
        """Press a button with this callback_data (from any message, even a stale or forged one)."""
        mark = len(self.h.api.requests)
        packed = data.pack() if isinstance(data, CallbackData) else data
        message = Message(message_id=message_id, date=datetime.now(timezone.utc), chat=self.chat,
                          from_user=BOT_USER, text="…")
        query = CallbackQuery(id=str(self.h.next_update_id()), from_user=self.tg, chat_instance="ci",
                              data=packed, message=message)
        await self.h.feed(Update(update_id=self.h.next_update_id(), callback_query=query))
        return self._texts_since(mark) + self._alerts_since(mark)

    async def press(self, label: str) -> list[str]:
        """Press the button whose label contains `label` on the latest keyboard shown to this user."""
        for text, data in self.buttons():
            if label in text:
                return await self.click(data)
        raise AssertionError(f"no button {label!r} in {[t for t, _ in self.buttons()]}")

    def buttons(self) -> list[tuple[str, str]]:
        markup = self.last_markup()
        if markup is None:
            return []
        return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row if b.callback_data]

    def last_markup(self) -> InlineKeyboardMarkup | None:
        for request in reversed(self.h.api.requests):
            if getattr(request, "chat_id", None) == self.id and type(request).__name__ in (
                "SendMessage", "EditMessageText", "EditMessageReplyMarkup"
            ):
                return request.reply_markup
        return None

    def _texts_since(self, mark: int) -> list[str]:
        return [r.text for r in self.h.api.requests[mark:]
                if type(r).__name__ in ("SendMessage", "EditMessageText") and r.chat_id == self.id]

    def _alerts_since(self, mark: int) -> list[str]:
        return [r.text for r in self.h.api.requests[mark:] if type(r).__name__ == "AnswerCallbackQuery" and r.text]
