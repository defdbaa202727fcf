"""Personal features live in private chats only. Every screen of the bot shows or asks for personal
data (a name, an organization, a route, a file with everything stored), so a command or a button
pressed in a group, a supergroup or a channel never reaches a handler: a command addressed to the
bot gets one short pointer to the private chat, a button an alert saying the same, and anything
else silence. An update with nobody behind it (a channel post, an anonymous group admin, another
bot) is dropped too: there is no person to act for.

Membership updates pass untouched: `my_chat_member` (a person blocks or unblocks the bot),
`chat_member`, and `chat_join_request`, the one feature that belongs to groups."""

import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update, User
from aiogram.types.update import UpdateTypeLookupError

log = logging.getLogger(__name__)

GROUP_UPDATES = frozenset({"chat_join_request", "my_chat_member", "chat_member"})
GO_PRIVATE = "Команды и кнопки бота работают только в личном чате с ним: там ваши данные не увидят другие."


class PrivateChatsOnly(BaseMiddleware):
    """An outer middleware on `update`, after aiogram's own (which find `event_chat` and
    `event_from_user`) and before any database work."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update) or _event_type(event) in GROUP_UPDATES:
            return await handler(event, data)
        chat: Chat | None = data.get("event_chat")
        person: User | None = data.get("event_from_user")
        if person is None or person.is_bot:
            log.debug("update %s has no person behind it; ignored", event.update_id)
            return None
        if chat is not None and chat.type == ChatType.PRIVATE:
            return await handler(event, data)
        await _point_to_private_chat(event, data["bot"])
        return None


def _event_type(update: Update) -> str | None:
    """None for an update of a kind this aiogram does not know (nobody behind it: dropped)."""
    try:
        return update.event_type
    except UpdateTypeLookupError:
        return None


async def _point_to_private_chat(update: Update, bot: Bot) -> None:
    try:
        await _point(update, bot)
    except TelegramAPIError as exc:  # the group may not let the bot write: nothing is lost
        log.info("could not point update %s to the private chat: %s", update.update_id, exc)


async def _point(update: Update, bot: Bot) -> None:
    me = await bot.me()
    link = f"https://t.me/{me.username}"
    if isinstance(update.callback_query, CallbackQuery):
        await update.callback_query.answer(f"{GO_PRIVATE} Откройте {link}", show_alert=True)
        return
    message = update.message
    if not isinstance(message, Message) or not message.text or not message.text.startswith("/"):
        return  # the group's own conversation is none of the bot's business
    command, _, mention = message.text.split(maxsplit=1)[0].partition("@")
    if mention and mention.lower() != (me.username or "").lower():
        return  # a command for another bot
    await message.reply(f"{GO_PRIVATE}\nОткройте {link} и отправьте там {escape(command)}.")
