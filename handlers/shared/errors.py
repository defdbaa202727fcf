"""Turns exceptions into something the user can read. Domain errors carry their own message;
anything else is logged with the update id and answered with a short apology."""

import logging

from aiogram import Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.infra.clock import Clock
from bot.services.onboarding import users
from bot.services.shared.errors import DomainError
from handlers.shared import texts, ui

log = logging.getLogger(__name__)


async def _reply(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await ui.alert(update.callback_query, text)
    elif update.message is not None:
        await update.message.answer(text)


async def domain_error(event: ErrorEvent) -> None:
    await _reply(event.update, event.exception.user_message)


async def user_blocked_bot(event: ErrorEvent, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    from_user = event.update.event.from_user if hasattr(event.update.event, "from_user") else None
    if from_user is not None:
        async with sessionmaker() as session, session.begin():
            await users.set_reachable(session, from_user.id, False, clock())


async def unexpected_error(event: ErrorEvent) -> None:
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    try:
        await _reply(event.update, texts.UNEXPECTED_ERROR)
    except Exception:  # the apology itself may fail (e.g. network); the log above is what matters
        log.warning("could not apologise for update %s", event.update.update_id)


def setup() -> Router:
    router = Router(name=__name__)
    router.errors.register(domain_error, ExceptionTypeFilter(DomainError))
    router.errors.register(user_blocked_bot, ExceptionTypeFilter(TelegramForbiddenError))
    router.errors.register(unexpected_error)
    return router
