"""Small helpers every handler module uses to talk back safely."""

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the pressed message in place; fall back to a new message when it can't be edited
    (too old, or deleted). Pressing the same button twice is not an error."""
    await query.answer()
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
