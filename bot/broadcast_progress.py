"""The Telegram side of broadcast progress: run the service tick and edit the progress messages.

Call `refresh(bot, sessionmaker, settings.admin_ids, clock())` from a periodic job every few seconds."""

import logging
from collections.abc import Iterable
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import broadcast_report
from bot.services.broadcast_report import ProgressUpdate

log = logging.getLogger(__name__)


def stop_callback(broadcast_id: int) -> str:
    """Must match handlers.broadcast_ui.BcCb(action="stop", id=...) packing."""
    return f"bc:stop:{broadcast_id}::0:0"


def progress_markup(broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="⏹ Остановить рассылку", callback_data=stop_callback(broadcast_id))]])


async def refresh(bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], admin_ids: Iterable[int],
                  now: datetime) -> list[ProgressUpdate]:
    async with sessionmaker() as session, session.begin():
        updates = await broadcast_report.tick(session, now, admin_ids)
    for update in updates:
        await show(bot, update)
    return updates


async def show(bot: Bot, update: ProgressUpdate) -> None:
    """Best effort: a deleted or too old progress message must not stop the others."""
    markup = None if update.final else progress_markup(update.broadcast_id)
    try:
        await bot.edit_message_text(text=update.text, chat_id=update.chat_id, message_id=update.message_id,
                                    reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            log.info("progress message of broadcast %s not edited: %s", update.broadcast_id, exc.message)
    except TelegramAPIError as exc:
        log.warning("progress message of broadcast %s not edited: %s", update.broadcast_id, exc)
    if update.notify:
        try:  # an edit makes no sound: the report also comes as a new message
            await bot.send_message(update.chat_id, update.text)
        except TelegramAPIError as exc:
            log.warning("report of broadcast %s not sent: %s", update.broadcast_id, exc)
