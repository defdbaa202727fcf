"""The outbox worker against the recording fake Bot API and a real database."""

import asyncio
from dataclasses import replace
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from bot.delivery.worker import DeliveryConfig, DeliveryWorker
from bot.services.shared import outbox
from handlers.mentoring.ui import RelayCb
from models import Organization, OrgKind, OutboxMessage, OutboxStatus, Position, User, utcnow
from tests.support.factories import FAST
from tests.support.factories import delivery_worker as make_worker
from tests.support.fake_telegram import RecordingSession


async def enqueue(sessionmaker, key, chat_id, **kwargs) -> bool:
    async with sessionmaker() as session, session.begin():
        return await outbox.enqueue(session, key=key, chat_id=chat_id, purpose="test", text=f"hi {key}", **kwargs)


async def statuses(sessionmaker) -> dict[str, OutboxStatus]:
    async with sessionmaker() as session:
        return {m.idempotency_key: m.status for m in await session.scalars(select(OutboxMessage))}


async def test_sends_due_messages_once_and_keeps_future_ones(sessionmaker):
    assert await enqueue(sessionmaker, "a", 1)
    assert not await enqueue(sessionmaker, "a", 1)  # same key: ignored
    await enqueue(sessionmaker, "later", 2, due_at=utcnow() + timedelta(hours=1))
    worker, api = make_worker(sessionmaker)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert [r.chat_id for r in api.sent()] == [1]
    assert await statuses(sessionmaker) == {"a": OutboxStatus.sent, "later": OutboxStatus.pending}


async def test_blocked_recipient_is_marked_inactive_and_never_retried(sessionmaker):
    async with sessionmaker() as session, session.begin():
        org = Organization(kind=OrgKind.school, name="Школа", timezone="Europe/Moscow")
        session.add(org)
        await session.flush()
        session.add(
            User(
                telegram_id=5,
                full_name="Блокирующий",
                position=Position.teacher,
                subjects=[],
                organization_id=org.id,
                timezone="Europe/Moscow",
            )
        )
    await enqueue(sessionmaker, "b1", 5)
    await enqueue(sessionmaker, "gone", 6)
    worker, api = make_worker(sessionmaker)
    api.fail(
        "SendMessage",
        5,
        TelegramForbiddenError(SendMessage(chat_id=5, text=""), "Forbidden: bot was blocked by the user"),
    )
    api.fail("SendMessage", 6, TelegramBadRequest(SendMessage(chat_id=6, text=""), "Bad Request: chat not found"))
    await worker.run_once()
    assert await statuses(sessionmaker) == {"b1": OutboxStatus.blocked, "gone": OutboxStatus.blocked}
    async with sessionmaker() as session:
        assert (await session.scalar(select(User))).is_active is False
    await enqueue(sessionmaker, "b2", 5)
    api.failures.clear()
    await worker.run_once()
    assert (await statuses(sessionmaker))["b2"] == OutboxStatus.blocked
    assert api.sent() == []


async def test_429_pauses_and_loses_nothing(sessionmaker):
    for i in range(5):
        await enqueue(sessionmaker, f"m{i}", 100 + i)
    worker, api = make_worker(sessionmaker)
    calls = {"n": 0}
    original = api.make_request

    async def flaky(bot, method, timeout=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise TelegramRetryAfter(method, "Too Many Requests: retry after 1", retry_after=1)
        return await original(bot, method, timeout)

    api.make_request = flaky
    started = asyncio.get_running_loop().time()
    await worker.run_once()
    assert asyncio.get_running_loop().time() - started >= 0.9
    assert sorted(r.chat_id for r in api.sent()) == [100, 101, 102, 103, 104]
    assert set((await statuses(sessionmaker)).values()) == {OutboxStatus.sent}


async def test_other_errors_retry_with_backoff_then_fail_visibly(sessionmaker):
    await enqueue(sessionmaker, "x", 9)
    now = [utcnow()]
    worker, api = make_worker(sessionmaker, clock=lambda: now[0])
    api.fail("SendMessage", 9, RuntimeError("boom"))
    await worker.run_once()
    async with sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage))
    assert (row.status, row.attempts) == (OutboxStatus.pending, 1) and row.due_at > now[0]
    now[0] = row.due_at + timedelta(seconds=1)
    await worker.run_once()
    async with sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage))
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.failed, 2, "boom")


async def test_quiet_hours_hold_non_urgent_but_not_an_imminent_reminder(sessionmaker):
    # 20:00 UTC = 23:00 in Moscow: quiet until 05:00 UTC.
    night = utcnow().replace(hour=20, minute=0, second=0, microsecond=0)
    await enqueue(sessionmaker, "news", 1, due_at=night)
    await enqueue(sessionmaker, "urgent", 2, due_at=night, urgent=True)
    await enqueue(sessionmaker, "reminder-early", 3, due_at=night, quiet_exempt_before=night + timedelta(hours=2))
    await enqueue(sessionmaker, "reminder-late", 4, due_at=night, quiet_exempt_before=night + timedelta(hours=20))
    config = DeliveryConfig(rate_per_s=500, per_chat_interval_s=0, quiet_hours="21:00-08:00", flush_every_s=0.05)
    worker, api = make_worker(sessionmaker, config, clock=lambda: night)
    await worker.run_once()
    assert sorted(r.chat_id for r in api.sent()) == [2, 3]
    async with sessionmaker() as session:
        held = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "news"))
    assert held.status == OutboxStatus.pending and held.due_at == night.replace(hour=5) + timedelta(days=1)


async def test_expired_lease_is_claimed_again(sessionmaker):
    await enqueue(sessionmaker, "crashed", 1)
    async with sessionmaker() as session, session.begin():
        row = await session.scalar(select(OutboxMessage))
        row.status, row.lease_until = OutboxStatus.sending, utcnow() - timedelta(seconds=1)
    worker, api = make_worker(sessionmaker)
    await worker.run_once()
    assert len(api.sent()) == 1


async def test_two_workers_never_send_the_same_row(sessionmaker):
    for i in range(60):
        await enqueue(sessionmaker, f"k{i}", 1000 + i)
    config = DeliveryConfig(rate_per_s=2000, per_chat_interval_s=0, quiet_hours="", batch=10, flush_every_s=0.05)
    (w1, api1), (w2, api2) = make_worker(sessionmaker, config), make_worker(sessionmaker, config)
    await asyncio.gather(w1.run_once(), w2.run_once())
    chats = [r.chat_id for r in api1.sent() + api2.sent()]
    assert sorted(chats) == list(range(1000, 1060))


async def test_bulk_enqueue_and_copy_messages(sessionmaker):
    rows = [
        {
            "key": f"broadcast:1:{i}",
            "chat_id": 300 + i,
            "purpose": "broadcast",
            "batch": "broadcast:1",
            "payload": {
                "copy": {"from_chat_id": 42, "message_id": 7},
                "buttons": [[{"text": "Записаться", "callback_data": "evcard:5"}]],
            },
        }
        for i in range(3)
    ]
    async with sessionmaker() as session, session.begin():
        assert await outbox.enqueue_many(session, rows) == 3
        assert await outbox.enqueue_many(session, rows) == 0  # a restart re-enqueueing sends nobody twice
    worker, api = make_worker(sessionmaker)
    await worker.run_once()
    copies = api.sent("CopyMessage")
    assert sorted(c.chat_id for c in copies) == [300, 301, 302]
    assert copies[0].from_chat_id == 42 and copies[0].reply_markup.inline_keyboard[0][0].text == "Записаться"


async def test_a_429_pause_longer_than_the_lease_sends_nothing_twice(sessionmaker):
    """Rows waiting out a long 429 pause keep their lease: neither this worker's next claim nor
    another instance takes them over while they wait."""
    for i in range(6):
        await enqueue(sessionmaker, f"p{i}", 300 + i)
    config = DeliveryConfig(
        rate_per_s=500, per_chat_interval_s=0, quiet_hours="", batch=2, flush_every_s=0.05, lease=timedelta(seconds=1)
    )
    (w1, api1), (w2, api2) = make_worker(sessionmaker, config), make_worker(sessionmaker, config)
    storms = {"left": 3}
    original = api1.make_request

    async def storm(bot, method, timeout=None):
        if method.chat_id == 300 and storms["left"]:  # one recipient is rate limited for ~3 s
            storms["left"] -= 1
            raise TelegramRetryAfter(method, "Too Many Requests: retry after 1", retry_after=1)
        return await original(bot, method, timeout)

    api1.make_request = storm

    async def second_instance() -> None:
        for _ in range(12):  # keeps polling while the first one waits out 3 s of pauses
            await asyncio.sleep(0.3)
            await w2.run_once()

    await asyncio.gather(w1.run_once(), second_instance())
    chats = sorted(r.chat_id for r in api1.sent() + api2.sent())
    assert chats == list(range(300, 306))
    assert set((await statuses(sessionmaker)).values()) == {OutboxStatus.sent}


async def test_a_reminder_due_during_a_broadcast_goes_out_with_the_next_batch(sessionmaker):
    earlier = utcnow() - timedelta(minutes=5)
    rows = [
        {
            "key": f"broadcast:9:{i}",
            "chat_id": 500 + i,
            "purpose": "broadcast",
            "batch": "broadcast:9",
            "payload": {"text": "Объявление"},
            "due_at": earlier,
        }
        for i in range(12)
    ]
    async with sessionmaker() as session, session.begin():
        await outbox.enqueue_many(session, rows)
    await enqueue(sessionmaker, "reminder", 999)  # due now: later than every broadcast row
    config = DeliveryConfig(rate_per_s=500, per_chat_interval_s=0, quiet_hours="", batch=4, flush_every_s=0.05)
    worker, api = make_worker(sessionmaker, config)
    await worker.run_once()
    order = [r.chat_id for r in api.sent()]
    assert len(order) == 13 and 999 in order[:4]  # in the first batch of four, not after all twelve


async def test_edit_rows_edit_in_place_and_only_the_newest_of_a_series_waits(sessionmaker):
    async with sessionmaker() as session, session.begin():
        for version in ("1", "2", "3"):
            await outbox.enqueue_latest(
                session,
                series="progress:7",
                version=version,
                chat_id=70,
                purpose="test",
                text=f"шаг {version}",
                edit_message_id=555,
                urgent=True,
                buttons=[[outbox.button("Ответить", "relay_reply", pair_id=9)]],
            )
        await outbox.enqueue_latest(
            session,
            series="progress:77",
            version="1",
            chat_id=71,
            purpose="test",
            text="другая серия",
            edit_message_id=556,
        )
    assert await statuses(sessionmaker) == {
        "progress:7:1": OutboxStatus.cancelled,
        "progress:7:2": OutboxStatus.cancelled,
        "progress:7:3": OutboxStatus.pending,
        "progress:77:1": OutboxStatus.pending,
    }
    worker, api = make_worker(sessionmaker)
    api.fail(
        "EditMessageText",
        71,
        TelegramBadRequest(
            EditMessageText(chat_id=71, message_id=556, text=""), "Bad Request: message is not modified"
        ),
    )
    await worker.run_once()
    (edit,) = api.sent("EditMessageText")
    assert (edit.chat_id, edit.message_id, edit.text) == (70, 555, "шаг 3")
    assert edit.reply_markup.inline_keyboard[0][0].callback_data == RelayCb(pair_id=9).pack()
    assert api.sent("SendMessage") == []
    # "Not modified": the screen already shows it, which is what the row asked for.
    assert (await statuses(sessionmaker))["progress:77:1"] == OutboxStatus.sent


async def test_a_worker_without_the_button_registry_fails_the_row_visibly(sessionmaker):
    async with sessionmaker() as session, session.begin():
        await outbox.enqueue(
            session,
            key="neutral",
            chat_id=72,
            purpose="test",
            text="hi",
            buttons=[[outbox.button("Открыть", "route_step", step_id=1)]],
        )
    worker = DeliveryWorker(
        Bot("123456:TEST-delivery", session=RecordingSession()), sessionmaker, replace(FAST, max_attempts=1)
    )
    await worker.run_once()
    async with sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.failed and "route_step" in row.last_error
