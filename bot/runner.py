"""Running the bot: long polling (default) or webhook. Both share one setup and one shutdown."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_bot, create_dispatcher, outbox_callback_packer, publish_default_menu
from bot.config import Settings
from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.gc_tuning import freeze_startup_heap
from bot.infra.startup_checks import check_redis, reach_telegram
from bot.scheduler import Jobs
from bot.version import describe

log = logging.getLogger(__name__)
HANDLER_SHUTDOWN_WAIT_S = 10.0


@dataclass
class Running:
    bot: Bot
    dp: Dispatcher
    sessionmaker: async_sessionmaker[AsyncSession]


async def _let_handlers_finish(in_flight) -> None:
    """No new updates are taken any more; give the ones being handled time to finish."""
    await asyncio.sleep(0)  # updates accepted but not started yet get to run up to the in-flight count
    if not await in_flight.wait_idle(HANDLER_SHUTDOWN_WAIT_S):
        log.warning("%d updates still running after %ss; stopping anyway", in_flight.count, HANDLER_SHUTDOWN_WAIT_S)


@asynccontextmanager
async def running_bot(settings: Settings, *, webhook: bool) -> AsyncIterator[Running]:
    """The database is already migrated and seeded (`python -m bot run` does it in a child process)."""
    if settings.redis_url:
        await check_redis(settings.redis_url)
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    bot = create_bot(settings)
    dp = create_dispatcher(settings, sessionmaker, dedupe_updates=webhook, record_metrics=webhook)
    jobs = Jobs(bot, sessionmaker, settings, dp["signup_policy"], dp["clock"], outbox_callback_packer())
    dp.startup.register(jobs.start)
    # Handlers first, then the delivery batch: a handler may still enqueue a message.
    dp.shutdown.register(_let_handlers_finish)
    dp.shutdown.register(jobs.shutdown)
    try:
        me = await reach_telegram(bot, settings.telegram_proxy)
        log.info("starting as @%s, version %s", me.username, describe())
        await publish_default_menu(bot)
        freeze_startup_heap()
        yield Running(bot, dp, sessionmaker)
    finally:
        await dp.storage.close()
        await bot.session.close()
        await engine.dispose()


async def run_polling(settings: Settings) -> None:
    async with running_bot(settings, webhook=False) as app:
        await app.bot.delete_webhook(drop_pending_updates=False)
        await app.dp.start_polling(
            app.bot,
            allowed_updates=app.dp.resolve_used_update_types(),
            polling_timeout=settings.polling_timeout_s,
            handle_signals=True,
            close_bot_session=False,
        )


async def run_webhook(settings: Settings) -> None:
    from aiohttp import web

    from bot.webhook import build_web_app

    async with running_bot(settings, webhook=True) as app:
        web_app = build_web_app(settings, app.bot, app.dp, app.sessionmaker)
        runner = web.AppRunner(web_app, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=app.dp.resolve_used_update_types(),
            drop_pending_updates=False,
        )
        log.info(
            "webhook set to %s; listening on %s:%s%s",
            settings.webhook_url,
            settings.webhook_host,
            settings.webhook_port,
            settings.webhook_path,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        log.info("stopping: no new updates, finishing the ones in flight")
        await runner.cleanup()  # closes the listener, then runs the dispatcher's shutdown hooks
