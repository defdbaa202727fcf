"""Periodic jobs (APScheduler 3, in-memory job store): outbox delivery and lapsing seat offers.

Never one job per reminder: reminders are outbox rows, and one interval job drains them."""

import asyncio
import logging
from datetime import timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery.worker import DeliveryConfig, DeliveryWorker
from bot.metrics import OUTBOX_DEPTH
from bot.services import mentoring, routes, signups
from models import OutboxMessage, OutboxStatus, ProcessedUpdate, utcnow

log = logging.getLogger(__name__)
SHUTDOWN_WAIT_S = 10.0


def delivery_config(settings: Settings) -> DeliveryConfig:
    return DeliveryConfig(
        rate_per_s=settings.send_rate_per_s, per_chat_interval_s=settings.per_chat_interval_s,
        quiet_hours=settings.quiet_hours, batch=settings.delivery_batch,
        lease=timedelta(seconds=settings.delivery_lease_s), max_attempts=settings.delivery_max_attempts,
    )


class Jobs:
    def __init__(self, bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings,
                 policy: signups.SignupPolicy) -> None:
        self.worker = DeliveryWorker(bot, sessionmaker, delivery_config(settings))
        self.sessionmaker, self.policy = sessionmaker, policy
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        self.scheduler.add_job(self.deliver, "interval", seconds=settings.delivery_interval_s, id="deliver", **common)
        self.scheduler.add_job(self.expire_offers, "interval", seconds=30, id="expire_offers", **common)
        self.scheduler.add_job(self.housekeeping, "interval", seconds=60, id="housekeeping", **common)
        self.scheduler.add_job(self.route_nudges, "interval", minutes=15, id="route_nudges", **common)
        self.scheduler.add_job(self.mentoring_cadence, "interval", minutes=60, id="mentoring_cadence", **common)

    async def deliver(self) -> None:
        try:
            await self.worker.run_once()
        except Exception:
            log.exception("delivery run failed; it will run again")

    async def expire_offers(self) -> None:
        try:
            async with self.sessionmaker() as session, session.begin():
                await signups.expire_offers(session, self.policy)
        except Exception:
            log.exception("expiring offers failed; it will run again")

    async def route_nudges(self) -> None:
        try:
            async with self.sessionmaker() as session, session.begin():
                await routes.enqueue_nudges(session, utcnow())
        except Exception:
            log.exception("route nudges failed; they will run again")

    async def mentoring_cadence(self) -> None:
        try:
            async with self.sessionmaker() as session, session.begin():
                await mentoring.enqueue_checkin_reminders_and_escalations(session, utcnow())
        except Exception:
            log.exception("mentoring reminders failed; they will run again")

    async def housekeeping(self) -> None:
        """Outbox depth for /metrics; forget webhook update ids older than Telegram ever retries."""
        try:
            async with self.sessionmaker() as session, session.begin():
                depth = await session.execute(
                    select(OutboxMessage.status, func.count()).where(
                        OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.sending]))
                    .group_by(OutboxMessage.status))
                counts = dict(depth.all())
                for status in (OutboxStatus.pending, OutboxStatus.sending):
                    OUTBOX_DEPTH.labels(status.value).set(counts.get(status, 0))
                await session.execute(delete(ProcessedUpdate).where(
                    ProcessedUpdate.seen_at < utcnow() - timedelta(days=2)))
        except Exception:
            log.exception("housekeeping failed; it will run again")

    async def start(self) -> None:
        # async on purpose: aiogram runs sync startup hooks in a thread, where there is no loop.
        self.scheduler.start()

    async def shutdown(self) -> None:
        """Stop scheduling, let the current delivery batch finish (bounded), keep nothing claimed."""
        self.scheduler.shutdown(wait=False)
        self.worker.stop()
        try:
            await asyncio.wait_for(self.worker.idle.wait(), SHUTDOWN_WAIT_S)
        except asyncio.TimeoutError:
            log.warning("delivery did not finish in %ss; its claims will expire and be retaken", SHUTDOWN_WAIT_S)
