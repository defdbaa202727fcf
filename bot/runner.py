"""Long polling: build everything from settings, seed, then poll until stopped."""

import logging

from aiogram.exceptions import TelegramUnauthorizedError

from bot.app import create_bot, create_dispatcher, publish_default_menu
from bot.cli import StartupError
from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from bot.scheduler import Jobs
from bot.seed import seed

log = logging.getLogger(__name__)


HANDLER_SHUTDOWN_WAIT_S = 10.0


async def _let_handlers_finish(in_flight) -> None:
    """Polling has stopped taking updates; give the ones being handled time to finish."""
    if not await in_flight.wait_idle(HANDLER_SHUTDOWN_WAIT_S):
        log.warning("%d updates still running after %ss; stopping anyway", in_flight.count, HANDLER_SHUTDOWN_WAIT_S)


async def run_polling(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        await seed(session)
    bot = create_bot(settings)
    dp = create_dispatcher(settings, sessionmaker)
    jobs = Jobs(bot, sessionmaker, settings, dp["signup_policy"])
    dp.startup.register(jobs.start)
    dp.shutdown.register(jobs.shutdown)
    dp.shutdown.register(_let_handlers_finish)
    try:
        try:
            me = await bot.me()
        except TelegramUnauthorizedError:
            raise StartupError("Telegram rejected BOT_TOKEN: check it with @BotFather") from None
        log.info("starting as @%s", me.username)
        await publish_default_menu(bot)
        await dp.start_polling(
            bot, allowed_updates=dp.resolve_used_update_types(), polling_timeout=settings.polling_timeout_s,
            handle_signals=True, close_bot_session=True,
        )
    finally:
        await dp.storage.close()
        await engine.dispose()
