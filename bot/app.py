"""Wiring: the Bot, the Dispatcher with its middlewares and routers. Tests call these too."""

from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageText,
    GetUpdates,
    SendDocument,
    SendMessage,
)
from aiogram.methods.base import Response
from aiogram.types import BotCommandScopeAllPrivateChats, BotCommandScopeDefault
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.infra import metrics
from bot.infra.clock import Clock, system_clock
from bot.infra.fsm_storage import DatabaseStorage
from bot.middlewares import (
    DbSessionMiddleware,
    DedupMiddleware,
    IdentityMiddleware,
    InFlightMiddleware,
    PrivateChatsOnly,
    ThrottlingMiddleware,
    commit_before_replies,
    install_transaction_middleware,
)
from bot.services.events.seats import SignupPolicy
from bot.services.shared.identity_cache import IdentityCache

# aiogram checks every Bot API answer against `Response[T]`, T being the method's result type.
# pydantic caches a parametrized model only weakly: once the garbage collector frees it, the next
# answer builds its schema again (~7 ms of CPU for Response[Message], more for getUpdates'
# list[Update]). Holding the ones nearly every update and poll uses keeps them built.
_RESPONSE_MODELS: list[type] = []
_EVERY_UPDATE = (SendMessage, EditMessageText, AnswerCallbackQuery, DeleteMessage, SendDocument, GetUpdates)


def hold_response_models() -> None:
    if not _RESPONSE_MODELS:
        _RESPONSE_MODELS.extend(Response[method.__returning__] for method in _EVERY_UPDATE)


def create_bot(settings: Settings, session: AiohttpSession | None = None) -> Bot:
    hold_response_models()
    if session is None:
        # TELEGRAM_PROXY: school networks often filter Telegram; aiogram hands the proxy (HTTP or
        # SOCKS) to aiohttp-socks.
        session = AiohttpSession(proxy=settings.telegram_proxy) if settings.telegram_proxy else AiohttpSession()
        if settings.telegram_api_base:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    bot = Bot(settings.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return commit_before_replies(bot)


def signup_policy(settings: Settings) -> SignupPolicy:
    return SignupPolicy(
        offer_claim=timedelta(hours=settings.offer_claim_hours), reminder_offsets_h=tuple(settings.reminder_offsets_h)
    )


def create_storage(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> BaseStorage:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        return RedisStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
    return DatabaseStorage(sessionmaker)


def create_isolation(storage: BaseStorage) -> BaseEventIsolation:
    """One update at a time per user: a double tap must not race itself through a dialog step."""
    redis, key_builder = getattr(storage, "redis", None), getattr(storage, "key_builder", None)
    if redis is not None and key_builder is not None:  # RedisStorage: the lock is shared by all instances
        from bot.infra.redis_isolation import RenewedRedisIsolation

        return RenewedRedisIsolation(redis, key_builder)
    return SimpleEventIsolation()


def create_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: BaseStorage | None = None,
    *,
    dedupe_updates: bool = False,
    record_metrics: bool = False,
    clock: Clock = system_clock,
) -> Dispatcher:
    from handlers import get_routers  # the only place the bot package reaches into handlers

    storage = storage or create_storage(settings, sessionmaker)
    isolation = create_isolation(storage)
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        settings=settings,
        sessionmaker=sessionmaker,
        signup_policy=signup_policy(settings),
        clock=clock,
    )
    dp["in_flight"] = InFlightMiddleware(settings.max_concurrent_updates)
    # In-flight counting goes before aiogram's own outer middlewares: the FSM one may read the
    # database, and an update waiting there must already count when shutdown asks "anyone busy?".
    builtin = list(dp.update.outer_middleware)
    for middleware in builtin:
        dp.update.outer_middleware.unregister(middleware)
    dp.update.outer_middleware(dp["in_flight"])
    for middleware in builtin:
        dp.update.outer_middleware(middleware)
    if record_metrics:  # webhook mode: /metrics serves them
        metrics.enable()
        dp.update.outer_middleware(metrics.MetricsMiddleware())
    dp.update.outer_middleware(ThrottlingMiddleware(settings.throttle_rate, settings.throttle_window_s))
    dp.update.outer_middleware(PrivateChatsOnly())
    if dedupe_updates:
        dp.update.outer_middleware(DedupMiddleware())
    dp.update.outer_middleware(DbSessionMiddleware(sessionmaker))
    # Several instances (REDIS_URL) share no memory: there every update reads its identity afresh.
    identities = None if settings.redis_url else IdentityCache.of(sessionmaker.kw["bind"])
    dp.update.outer_middleware(IdentityMiddleware(settings.admin_ids, identities))
    dp.include_routers(*get_routers())
    install_transaction_middleware(dp)
    return dp


def outbox_callback_packer() -> Callable[[dict], str]:
    """Packs the neutral buttons services put into outbox messages with the handlers' CallbackData."""
    from handlers.shared.outbox_buttons import pack

    return pack


async def publish_default_menu(bot: Bot) -> None:
    from handlers.shared.commands import commands_for

    # The menu is for private chats only: personal commands do nothing in a group (PrivateChatsOnly),
    # so a group shows no menu. Earlier versions set the default scope, which groups inherit: clear it.
    await bot.delete_my_commands(scope=BotCommandScopeDefault())
    await bot.set_my_commands(commands_for(set()), scope=BotCommandScopeAllPrivateChats())
