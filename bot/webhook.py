"""The webhook web app: Telegram's endpoint (secret token checked, body checked), /healthz and
/metrics."""

import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.infra.metrics import exposition
from bot.version import __version__, commit

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_web_app(
    settings: Settings, bot: Bot, dp: Dispatcher, sessionmaker: async_sessionmaker[AsyncSession]
) -> web.Application:
    # Answer Telegram at once and handle in the background (bounded by InFlightMiddleware); a
    # request without the right X-Telegram-Bot-Api-Secret-Token header gets 401.
    updates = SimpleRequestHandler(
        dp,
        bot,
        handle_in_background=True,
        secret_token=settings.webhook_secret.get_secret_value(),
    )
    app = web.Application(middlewares=[malformed_updates_refused(settings.webhook_path, updates, bot)])
    # Shutdown hooks run in the order added: the dispatcher's (let handlers finish, stop the jobs)
    # must come before the request handler's, which closes the bot's HTTP session.
    setup_application(app, dp, bot=bot)
    updates.register(app, path=settings.webhook_path)

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


def malformed_updates_refused(path: str, updates: SimpleRequestHandler, bot: Bot) -> Middleware:
    """A request with the right secret whose body is not an Update (not JSON, empty, a list, a
    wrong type) gets 400 and one log line, before aiogram would answer 200 and fail in the
    background. Requests without the secret go on to aiogram, which answers 401."""

    @web.middleware
    async def refuse_malformed(request: web.Request, handler: Handler) -> web.StreamResponse:
        if (
            request.method == "POST"
            and request.path == path
            and updates.verify_secret(request.headers.get(SECRET_HEADER, ""), bot)
        ):
            problem = await _malformed(request, bot)
            if problem is not None:
                log.warning("webhook: refused a request that is not an update (%s)", problem)
                return web.Response(status=400, text="Bad Request: not a Telegram update")
        return await handler(request)

    return refuse_malformed


async def _malformed(request: web.Request, bot: Bot) -> str | None:
    """What is wrong with the body, in a few words; None if it is an Update. (aiohttp keeps the
    body read here, so aiogram reads it again.)"""
    try:
        body = await request.json(loads=bot.session.json_loads)
    except ValueError as exc:  # not JSON, an empty body, not UTF-8
        return f"not JSON: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    if not isinstance(body, dict):
        return f"JSON {type(body).__name__}, not an object"
    try:
        Update.model_validate(body, context={"bot": bot})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{exc.error_count()} invalid field(s), first {where}: {first['msg']}"
    return None
