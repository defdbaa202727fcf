"""Removing a person from the linked groups of communities they no longer belong to."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

log = logging.getLogger(__name__)


async def remove_from_groups(bot: Bot, chat_ids: list[int], telegram_id: int) -> None:
    """Out of the community, out of its group: a ban lifted at once removes without barring a return."""
    for chat_id in chat_ids:
        try:
            await bot.ban_chat_member(chat_id, telegram_id)
            await bot.unban_chat_member(chat_id, telegram_id, only_if_banned=True)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:  # not in the group, or the bot lost its rights
            log.info("could not remove %s from group %s: %s", telegram_id, chat_id, exc)
