"""Periodic jobs (APScheduler 3, in-memory job store): outbox delivery and lapsing seat offers.

Never one job per reminder: reminders are outbox rows, and one interval job drains them."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery.quiet import parse_quiet_hours
from bot.delivery.worker import CallbackPacker, DeliveryConfig, DeliveryWorker, refuse_to_pack
from bot.infra import metrics
from bot.infra.clock import Clock
from bot.services import route as routes
from bot.services.broadcasts import report as broadcast_report
from bot.services.events import seats, waitlist
from bot.services.mentoring import cadence
from bot.services.shared import outbox
from models import OutboxMessage, OutboxStatus, ProcessedUpdate

log = logging.getLogger(__name__)
SHUTDOWN_WAIT_S = 10.0
FIRST_RUN_DELAY_S = 5
BROADCAST_PROGRESS_S = 3  # progress messages are edited at most this often
OUTBOX_RETENTION_S = 3600


def delivery_config(settings: Settings) -> DeliveryConfig:
    return DeliveryConfig(
        rate_per_s=settings.send_rate_per_s,
        per_chat_interval_s=settings.per_chat_interval_s,
        quiet_hours=settings.quiet_hours,
        batch=settings.delivery_batch,
        lease=timedelta(seconds=settings.delivery_lease_s),
        max_attempts=settings.delivery_max_attempts,
    )


class RunningJobs:
    """How many runs of our jobs are under way, so shutdown can wait for them."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = asyncio.Event()
        self.idle.set()

    def __enter__(self) -> None:
        self.count += 1
        self.idle.clear()

    def __exit__(self, *_exc: object) -> None:
        self.count -= 1
        if self.count == 0:
            self.idle.set()


class Jobs:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        policy: seats.SignupPolicy,
        clock: Clock,
        pack_callback: CallbackPacker = refuse_to_pack,
    ) -> None:
        # pack_callback: the handlers' CallbackData registry for outbox buttons (bot.app wires it)
        self.worker = DeliveryWorker(bot, sessionmaker, delivery_config(settings), clock, pack_callback=pack_callback)
        self.bot, self.sessionmaker, self.policy, self.admin_ids = bot, sessionmaker, policy, settings.admin_ids
        self.clock = clock
        self.quiet = parse_quiet_hours(settings.quiet_hours)
        self.retention = timedelta(days=settings.outbox_retention_days)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.running = RunningJobs()
        every = {
            self.deliver: settings.delivery_interval_s,
            self.expire_offers: 30,
            self.housekeeping: 60,
            self.route_nudges: settings.route_nudges_interval_s,
            self.mentoring_cadence: settings.mentoring_interval_s,
            self.broadcast_progress: BROADCAST_PROGRESS_S,
            self.outbox_retention: OUTBOX_RETENTION_S,
        }
        # An interval job first fires one interval after start; a bot restarted more often than
        # hourly would then never compute the hourly work. Every job runs soon after start instead,
        # each a fraction of a second after the previous one: jobs fired in the same instant would
        # each hold a pooled connection (with SQLite, an aiosqlite thread and its page cache, kept
        # by the pool afterwards) only to queue on the one write lock. The whole-second intervals
        # keep these phases apart on later runs too.
        first = clock() + timedelta(seconds=FIRST_RUN_DELAY_S)
        for n, (job, seconds) in enumerate(every.items()):
            self.scheduler.add_job(
                job,
                "interval",
                seconds=seconds,
                id=job.__name__,
                next_run_time=first + timedelta(seconds=n / len(every)),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )

    async def _guarded(self, what: str, work: Callable[[AsyncSession], Awaitable[object]]) -> None:
        """One transaction per run; a failure is logged and the next run simply tries again."""
        try:
            with self.running:
                async with self.sessionmaker() as session, session.begin():
                    await work(session)
        except Exception:
            log.exception("%s failed; it will run again", what)

    async def deliver(self) -> None:
        try:
            with self.running:
                await self.worker.run_once()
        except Exception:
            log.exception("delivery run failed; it will run again")

    async def expire_offers(self) -> None:
        await self._guarded("expiring seat offers", lambda s: waitlist.expire_offers(s, self.policy, self.clock()))

    async def route_nudges(self) -> None:
        await self._guarded("route nudges", lambda s: routes.enqueue_nudges(s, self.clock()))

    async def mentoring_cadence(self) -> None:
        await self._guarded(
            "mentoring reminders", lambda s: cadence.enqueue_checkin_reminders_and_escalations(s, self.clock())
        )

    async def broadcast_progress(self) -> None:
        """Start scheduled broadcasts, finish done ones, queue the edits of live progress messages."""
        await self._guarded(
            "broadcast progress", lambda s: broadcast_report.tick(s, self.clock(), self.admin_ids, self.quiet)
        )

    async def housekeeping(self) -> None:
        """Outbox depth for /metrics; forget webhook update ids older than Telegram ever retries."""
        await self._guarded("housekeeping", lambda s: _housekeeping(s, self.clock()))

    async def outbox_retention(self) -> None:
        """Blank the texts of outbox messages finished more than OUTBOX_RETENTION_DAYS ago."""
        await self._guarded("outbox retention", lambda s: outbox.forget_sent_payloads(s, self.clock() - self.retention))

    async def start(self) -> None:
        # async on purpose: aiogram runs sync startup hooks in a thread, where there is no loop.
        self.scheduler.start()

    async def shutdown(self) -> None:
        """Start no new run, let the runs under way finish (bounded: the delivery batch claims
        nothing new), then stop the scheduler. APScheduler's shutdown cancels the jobs still
        running, which would cut a run inside its transaction and log the cancellation as an error."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        self.worker.stop()
        try:
            await asyncio.wait_for(self.running.idle.wait(), SHUTDOWN_WAIT_S)
        except asyncio.TimeoutError:
            log.warning(
                "%d periodic jobs still running after %ss; they stop now and are redone on the next start "
                "(delivery claims expire and are retaken)",
                self.running.count,
                SHUTDOWN_WAIT_S,
            )
        self.scheduler.shutdown(wait=False)


async def _housekeeping(session: AsyncSession, now: datetime) -> None:
    depth = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.sending]))
        .group_by(OutboxMessage.status)
    )
    counts = dict(depth.all())
    for status in (OutboxStatus.pending, OutboxStatus.sending):
        metrics.set_outbox_depth(status.value, counts.get(status, 0))
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.seen_at < now - timedelta(days=2)))
