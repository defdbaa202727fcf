"""Webhook update de-duplication: markers are group-committed, yet every update is handled once,
including a repeat inside one batch and a repeat after a restart."""

import asyncio
from datetime import datetime, timezone

from aiogram.types import Chat, Message, Update
from aiogram.types import User as TgUser
from sqlalchemy import func, select

from bot.middlewares.dedup import MAX_BATCH, DedupMiddleware
from models import ProcessedUpdate
from tests.support.harness import Harness


def update(update_id: int) -> Update:
    tg = TgUser(id=5, is_bot=False, first_name="Тест")
    return Update(
        update_id=update_id,
        message=Message(
            message_id=update_id,
            date=datetime.now(timezone.utc),
            chat=Chat(id=5, type="private"),
            from_user=tg,
            text="x",
        ),
    )


async def test_each_update_is_handled_once_across_batches_and_restarts(db_url, sessionmaker):
    harness = Harness(db_url, sessionmaker)
    handled: list[int] = []

    async def handler(event: Update, _data: dict) -> None:
        handled.append(event.update_id)

    async def deliver(middleware: DedupMiddleware, *update_ids: int) -> None:
        data = {"sessionmaker": sessionmaker, "bot": harness.bot}
        await asyncio.gather(*(middleware(handler, update(i), data) for i in update_ids))

    first = DedupMiddleware()
    burst = MAX_BATCH * 2 + 100  # one burst: three batches, with repeats inside and across them
    await deliver(first, *range(1, burst + 1), 7, 7, burst, MAX_BATCH + 1)
    await deliver(first, 5, burst + 1)  # a resend while running
    await deliver(DedupMiddleware(), 6, burst + 1, burst + 2)  # a resend after a restart: no memory
    assert sorted(handled) == list(range(1, burst + 3))
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == burst + 2
