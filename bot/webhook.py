"""The webhook web app: Telegram's endpoint (secret token checked), /healthz and /metrics."""

import logging

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.infra.metrics import exposition
from bot.version import __version__, commit

log = logging.getLogger(__name__)


def build_web_app(
    settings: Settings, bot: Bot, dp: Dispatcher, sessionmaker: async_sessionmaker[AsyncSession]
) -> web.Application:
    app = web.Application()
    # Shutdown hooks run in the order added: the dispatcher's (let handlers finish, stop the jobs)
    # must come before the request handler's, which closes the bot's HTTP session.
    setup_application(app, dp, bot=bot)
    # Answer Telegram at once and handle in the background (bounded by InFlightMiddleware); a
    # request without the right X-Telegram-Bot-Api-Secret-Token header gets 401.
    SimpleRequestHandler(
        dp,
        bot,
        handle_in_background=True,
        secret_token=settings.webhook_secret.get_secret_value(),
    ).register(app, path=settings.webhook_path)

    build = {"version": __version__, "commit": commit()}

    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with sessionmaker() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:  # report, don't crash: the orchestrator decides what to do
            log.warning("health check failed: %s", exc)
            return web.json_response({"ok": False, "database": "unreachable", **build}, status=503)
        return web.json_response({"ok": True, **build})

    async def metrics(_request: web.Request) -> web.Response:
        body, content_type = exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
