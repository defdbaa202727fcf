"""Broadcast benchmark: 3,000 recipients through the real services and outbox worker against the
fake Bot API (30 msg/s, 5% of recipients blocked, a 429 storm injected half-way).

Copies all carry the same message_id, which the fake API uses as its delivery key, so deliveries
per chat are counted here from the successful copyMessage answers the sender received.

Run: .venv/bin/python -m pytest -q -s tests/bench/test_broadcast_bench.py"""

import asyncio
from collections import Counter

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, insert, select

from bot.delivery.worker import DeliveryConfig, DeliveryWorker
from bot.infra.db import create_engine, create_sessionmaker
from bot.services import broadcasts
from bot.services.broadcasts import report as broadcast_report
from bot.services.shared import roles
from models import (
    Broadcast,
    BroadcastStatus,
    Organization,
    OrgKind,
    OutboxMessage,
    OutboxStatus,
    Position,
    Role,
    User,
    utcnow,
)
from tests.bench.support import api_stats, fake_api, migrated_sqlite, report, start_storm

COUNT, LIMIT, RATE, STORM_S = 3000, 30, 29.5, 2.0
FIRST_CHAT, METHODIST = 20_000, 1
BLOCKED = {FIRST_CHAT + i for i in range(0, COUNT, 20)}  # every 20th: 5%


class CountingSession(AiohttpSession):
    """Counts successful copyMessage answers per chat: what actually reached each recipient."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.copies: Counter[int] = Counter()

    async def make_request(self, bot, method, timeout=None):
        result = await super().make_request(bot, method, timeout)
        if type(method).__name__ == "CopyMessage":
            self.copies[int(method.chat_id)] += 1
        return result


async def seed(sessionmaker) -> int:
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        org = Organization(kind=OrgKind.school, name="Школа", timezone="Europe/Moscow")
        session.add(org)
        await session.flush()
        await session.execute(
            insert(User),
            [
                {
                    "telegram_id": FIRST_CHAT + i,
                    "full_name": "Педагог",
                    "position": Position.teacher,
                    "subjects": [],
                    "organization_id": org.id,
                    "timezone": "Europe/Moscow",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(COUNT)
            ],
        )
        await roles.grant(session, None, Role.methodist, METHODIST, org.id)
    async with sessionmaker() as session, session.begin():
        identity = await roles.load_identity(session, METHODIST, [])
        broadcast = await broadcasts.create(session, identity, METHODIST, 77, "Бенчмарк")
        started = await broadcasts.start(session, identity, broadcast.id, utcnow())
        assert started.recipients == COUNT
        return broadcast.id


async def run(url: str, base: str) -> tuple[CountingSession, int, dict]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    broadcast_id = await seed(sessionmaker)
    session = CountingSession(api=TelegramAPIServer.from_base(base))
    worker = DeliveryWorker(
        Bot("123456:BENCH-token", session=session), sessionmaker, DeliveryConfig(rate_per_s=RATE, quiet_hours="")
    )

    async def storm_half_way() -> None:
        while sum(session.copies.values()) < COUNT // 2:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(start_storm, base, STORM_S)

    async def progress_ticks() -> None:  # what the periodic job does meanwhile, on the same database
        while True:
            async with sessionmaker() as s, s.begin():
                await broadcast_report.tick(s, utcnow())
            await asyncio.sleep(2)

    storm, ticks = asyncio.create_task(storm_half_way()), asyncio.create_task(progress_ticks())
    try:
        while await worker.run_once():
            pass
    finally:
        ticks.cancel()
        storm.cancel()
    async with sessionmaker() as s, s.begin():
        await broadcast_report.tick(s, utcnow())
    async with sessionmaker() as s:
        broadcast = await s.get(Broadcast, broadcast_id)
        p = await broadcast_report.progress(s, broadcast, utcnow())
        inactive = await s.scalar(
            select(func.count()).select_from(User).where(User.telegram_id.in_(BLOCKED), User.is_active.is_(False))
        )
        statuses = dict(
            (await s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all()
        )
        outcome = {
            "status": broadcast.status,
            "sent": p.sent,
            "blocked": p.blocked,
            "failed": p.failed,
            "inactive": inactive,
            "rows": statuses,
        }
    await session.close()
    await engine.dispose()
    return session, broadcast_id, outcome


def test_broadcast_rate(tmp_path):
    url = migrated_sqlite(tmp_path)
    with fake_api(limit=LIMIT, blocked=BLOCKED) as base:
        session, _, outcome = asyncio.run(run(url, base))
        stats = api_stats(base)
    reachable = COUNT - len(BLOCKED)
    # Blocked recipients' requests also pass the API's limit (answered 403), so they count as sent.
    accepted = stats["delivered"] + stats["forbidden"]
    rate = (accepted - 1) / (stats["span_s"] - STORM_S)
    lost = reachable - len(session.copies)
    duplicates = sum(n - 1 for n in session.copies.values() if n > 1)
    report(
        "broadcast_rate_ratio",
        rate / LIMIT,
        0.95,
        limit_per_s=LIMIT,
        achieved_per_s=round(rate, 2),
        span_s=round(stats["span_s"], 1),
        storm_s=STORM_S,
        too_many=stats["too_many"],
        note="rate over the sending span minus the injected 429 storm's duration",
    )
    report("lost", lost, 0, "==", recipients=COUNT, blocked=len(BLOCKED))
    report("duplicates", duplicates, 0, "==")
    report(
        "blocked_marked_inactive",
        outcome["inactive"],
        len(BLOCKED),
        "==",
        report_blocked=outcome["blocked"],
        report_failed=outcome["failed"],
    )
    assert rate / LIMIT >= 0.95 and lost == 0 and duplicates == 0
    assert outcome["inactive"] == len(BLOCKED) == outcome["blocked"] and outcome["failed"] == 0
    assert outcome["sent"] == reachable == stats["delivered"] and outcome["status"] == BroadcastStatus.done
    assert outcome["rows"] == {OutboxStatus.sent: reachable, OutboxStatus.blocked: len(BLOCKED)}
