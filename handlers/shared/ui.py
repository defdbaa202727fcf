"""Small helpers every handler module uses to talk back safely."""

import logging

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

log = logging.getLogger(__name__)


async def answer(query: CallbackQuery, text: str | None = None, *, show_alert: bool = False) -> bool:
    """Answer a press; False if Telegram refused because the press is too old (about 15 s: a button
    pressed while the bot restarted). That refusal must not stop the work the press asked for: the
    screen still updates, the file is still sent. Any other refusal is a bug and raises."""
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramBadRequest as exc:
        if "query is too old" not in exc.message:
            raise
        log.info("callback query %s too old to answer; carrying on", query.id)
        return False
    return True


async def alert(query: CallbackQuery, text: str) -> None:
    """A refusal or a notice as the press's answer; in the chat when the press is too old to answer
    (or, by a bug, was answered already), so that it still reaches the person."""
    if not await answer(query, text[:200], show_alert=True) and query.message is not None:
        await query.bot.send_message(query.message.chat.id, text)


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the pressed message in place; fall back to a new message when it can't be edited
    (too old, or deleted). Pressing the same button twice is not an error."""
    await answer(query)
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
    if message is not None:
        await query.bot.send_message(message.chat.id, text, reply_markup=markup)


async def leave_dialog_for_command(message: Message, state: FSMContext) -> None:
    """Registered for a prompt that must not outlive another command: the command closes the
    prompt and then runs as usual (SkipHandler hands the update on to the next handler)."""
    await state.clear()
    raise SkipHandler()
