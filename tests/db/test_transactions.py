"""The transaction rule (bot/middlewares/db.py): an update's writes commit once, before the first
request to Telegram that follows them or when the handler returns; afterwards, and throughout a
handler flagged db="read", the session only reads and takes no lock (SQLite's write lock included)."""

import asyncio
from datetime import datetime, timezone

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.filters import Command
from aiogram.types import Chat, Message, Update
from aiogram.types import User as TgUser
from sqlalchemy import func, select, text
from sqlalchemy.exc import InvalidRequestError

from bot.infra.db import is_sqlite, read_only
from bot.middlewares.db import READ_ONLY, DbSessionMiddleware, commit_before_replies, install_transaction_middleware
from models import AuditEntry
from tests.support.fake_telegram import RecordingSession


def _note(action: str) -> AuditEntry:
    return AuditEntry(actor_telegram_id=7, action=action, target=None, details={})


async def _notes(sessionmaker) -> list[str]:
    async with sessionmaker() as session:
        read_only(session)  # a plain session would queue for the write lock the handler holds
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _dispatcher(sessionmaker, seen: list) -> Dispatcher:
    router = Router()

    @router.message(Command("look"), flags=READ_ONLY)
    async def look(message: Message, session) -> None:
        seen.append(await session.scalar(select(func.count()).select_from(AuditEntry)))
        await message.answer("seen")

    @router.message(Command("sneak"), flags=READ_ONLY)
    async def sneak(message: Message, session) -> None:
        session.add(_note("sneak"))
        await session.flush()

    @router.message(Command("save"))
    async def save(message: Message, session) -> None:
        session.add(_note("save"))
        await session.flush()
        seen.append(await _notes(sessionmaker))  # another session, at the moment the reply goes out
        await message.answer("saved")
        seen.append(await session.scalar(select(func.count()).select_from(AuditEntry)))  # reads still work

    @router.message(Command("twice"))
    async def twice(message: Message, session) -> None:
        session.add(_note("first"))
        await message.answer("first saved")
        session.add(_note("second"))  # a second commit in one update: refused
        await session.flush()

    @router.message(Command("show_then_save"))
    async def show_then_save(message: Message, session) -> None:
        await message.answer("here is the text")  # nothing written yet: nothing committed
        session.add(_note("after the first message"))
        await message.answer("saved")

    dp = Dispatcher()
    dp.update.outer_middleware(DbSessionMiddleware(sessionmaker))
    dp.include_router(router)
    install_transaction_middleware(dp)
    return dp


async def _send(dp: Dispatcher, bot: Bot, text_: str, update_id: int = 1):
    tg = TgUser(id=7, is_bot=False, first_name="Тест")
    message = Message(
        message_id=update_id, date=datetime.now(timezone.utc), chat=Chat(id=7, type="private"), from_user=tg, text=text_
    )
    return await dp.feed_update(bot, Update(update_id=update_id, message=message))


@pytest.fixture
def bot() -> Bot:
    return commit_before_replies(Bot("123456:TEST-token", session=RecordingSession()))


async def test_the_reply_goes_out_after_the_commit_and_reads_go_on(sessionmaker, bot):
    seen: list = []
    dp = _dispatcher(sessionmaker, seen)
    await _send(dp, bot, "/save")
    assert seen == [[], 1]  # not visible before the reply; the reply went out after the commit
    assert await _notes(sessionmaker) == ["save"]
    await _send(dp, bot, "/show_then_save", 2)  # writes after a message that claimed nothing: one commit
    assert await _notes(sessionmaker) == ["save", "after the first message"]


async def test_a_second_commit_in_one_update_and_a_write_in_a_read_handler_are_refused(sessionmaker, bot):
    dp = _dispatcher(sessionmaker, [])
    with pytest.raises(InvalidRequestError):
        await _send(dp, bot, "/twice")
    assert await _notes(sessionmaker) == ["first"]
    with pytest.raises(InvalidRequestError):
        await _send(dp, bot, "/sneak", 2)
    assert await _notes(sessionmaker) == ["first"]


async def test_read_only_session_refuses_writes_outside_updates_too(sessionmaker):
    async with sessionmaker() as session:
        read_only(session)
        session.add(_note("x"))
        with pytest.raises(InvalidRequestError):
            await session.flush()


async def test_a_read_handler_does_not_wait_for_a_writer_but_a_writer_does(db_url, sessionmaker, bot):
    if not is_sqlite(db_url):
        pytest.skip("SQLite's database-wide write lock")
    seen: list = []
    dp = _dispatcher(sessionmaker, seen)
    async with sessionmaker() as holder, holder.begin():  # BEGIN IMMEDIATE: holds the write lock
        await holder.execute(text("UPDATE audit_log SET action = action"))
        await asyncio.wait_for(_send(dp, bot, "/look"), 5)  # a busy wait would take up to 15 s
        writer = asyncio.create_task(_send(dp, bot, "/save", 2))
        await asyncio.sleep(0.5)
        assert not writer.done()  # queued behind the lock
    await asyncio.wait_for(writer, 15)
    assert seen[0] == 0 and await _notes(sessionmaker) == ["save"]
