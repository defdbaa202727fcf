"""Handler integration harness: the real dispatcher and database, a recording fake Bot API."""

import itertools
import logging
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_dispatcher
from bot.config import Settings
from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.seed import seed
from bot.middlewares.db import commit_before_replies
from models import ContentVersion
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
            Bot(TOKEN, session=self.api, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        )
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)
        self.errors = ErrorCatcher()

    async def start(self) -> None:
        logging.getLogger().addHandler(self.errors)
        self.restart()
        async with self.sessionmaker() as session, session.begin():
            if not await session.scalar(select(ContentVersion.id).limit(1)):  # not from a seeded template
                await seed(session, demo=True)

    def restart(self) -> None:
        """A new dispatcher over the same database: what a process restart leaves behind."""
        storage = self._storage_factory() if self._storage_factory else None
        self.dp = create_dispatcher(self.settings, self.sessionmaker, storage)

    async def stop(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        await self.dp.storage.close()
        self.assert_no_errors()

    def assert_no_errors(self) -> None:
        """Nothing was logged at ERROR: an update that failed (say, a callback answered twice) is
        apologised for and logged, which the user-facing assertions alone would not notice. Nor was
        a press answered twice (Telegram keeps only the first answer; the second is lost)."""
        assert not self.api.double_answers, f"callback queries answered twice: {self.api.double_answers}"
        assert not self.errors.records, [
            r.getMessage() + f" {r.exc_info[1]!r}" if r.exc_info else r.getMessage() for r in self.errors.records
        ][:3]

    def user(self, telegram_id: int, first_name: str = "Тест") -> "FakeUser":
        return FakeUser(self, User(id=telegram_id, is_bot=False, first_name=first_name, language_code="ru"))

    async def feed(self, update: Update) -> None:
        await self.dp.feed_update(self.bot, update)

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def next_message_id(self) -> int:
        return next(self._message_ids)


class ErrorCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class FakeUser:
    def __init__(self, harness: Harness, tg_user: User) -> None:
        self.h = harness
        self.tg = tg_user
        self.id = tg_user.id
        self.chat = Chat(id=tg_user.id, type="private")

    async def send(self, text: str) -> list[str]:
        """Send a text message; returns the texts the bot showed this user in response."""
        mark = len(self.h.api.requests)
        message = Message(
            message_id=self.h.next_message_id(),
            date=datetime.now(timezone.utc),
            chat=self.chat,
            from_user=self.tg,
            text=text,
        )
        await self.h.feed(Update(update_id=self.h.next_update_id(), message=message))
        return self._texts_since(mark)

    async def click(
        self, data: str | CallbackData, message_id: int | None = None, *, too_old: bool = False
    ) -> list[str]:
        """Press a button with this callback_data (even a stale or forged one) on the message
        `message_id`. By default: the latest message that has this button, else the latest message
        the bot showed this user, else an old message sent before the test began (Telegram only
        delivers presses on messages the bot sent). A double tap is two clicks on one message_id.
        `too_old`: the press waited longer than Telegram takes an answer for (the bot was down)."""
        mark = len(self.h.api.requests)
        packed = data.pack() if isinstance(data, CallbackData) else data
        if message_id is None:
            latest = self.h.api.last_keyboard(self.id)
            message_id = (
                self.h.api.holding(self.id, packed) or (latest[0] if latest else None) or self.h.api.remember(self.id)
            )
        shown = self.h.api.shown(self.id, message_id)
        message = Message(
            message_id=message_id,
            date=datetime.now(timezone.utc),
            chat=self.chat,
            from_user=BOT_USER,
            text=shown.content if shown else "…",
        )
        query = CallbackQuery(
            id=str(self.h.next_update_id()), from_user=self.tg, chat_instance="ci", data=packed, message=message
        )
        if too_old:
            self.h.api.too_old.add(query.id)
        await self.h.feed(Update(update_id=self.h.next_update_id(), callback_query=query))
        return self._texts_since(mark) + self._alerts_since(mark)

    async def press(self, label: str) -> list[str]:
        """Press the button whose label contains `label` on the latest keyboard shown to this user."""
        for text, data in self.buttons():
            if label in text:
                return await self.click(data, self.h.api.last_keyboard(self.id)[0])
        raise AssertionError(f"no button {label!r} in {[t for t, _ in self.buttons()]}")

    def screen(self, message_id: int | None = None) -> str | None:
        """What a message (by default the latest one) shows now, after every edit that took."""
        if message_id is None:
            latest = self.h.api.last_keyboard(self.id)
            message_id = latest[0] if latest else None
        shown = self.h.api.shown(self.id, message_id) if message_id is not None else None
        return shown.content if shown else None

    def buttons(self) -> list[tuple[str, str]]:
        markup = self.last_markup()
        if markup is None:
            return []
        return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row if b.callback_data]

    def last_markup(self) -> InlineKeyboardMarkup | None:
        latest = self.h.api.last_keyboard(self.id)
        return latest[1] if latest else None

    def _texts_since(self, mark: int) -> list[str]:
        return [
            r.text
            for r in self.h.api.requests[mark:]
            if type(r).__name__ in ("SendMessage", "EditMessageText") and r.chat_id == self.id
        ]

    def _alerts_since(self, mark: int) -> list[str]:
        return [r.text for r in self.h.api.requests[mark:] if type(r).__name__ == "AnswerCallbackQuery" and r.text]


@asynccontextmanager
async def harness_on(path: Path):
    """A harness over an SQLite file of its own: for tests that open one per hypothesis example."""
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    harness = Harness(url, create_sessionmaker(engine))
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
        await engine.dispose()
