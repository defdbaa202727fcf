"""/help, /cancel and the last-resort handlers for stale buttons and unrecognised messages."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.onboarding import users
from bot.services.shared.roles import Identity
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.commands import help_text
from handlers.shared.states import Registration

NOT_YET = "Вы ещё не зарегистрированы. Отправьте /start, чтобы начать."


async def help_command(message: Message, identity: Identity) -> None:
    await message.answer(help_text(identity.roles, registered=identity.user is not None))


async def cancel(message: Message, state: FSMContext) -> None:
    current = await state.get_state()
    if current is None:
        await message.answer(texts.NOTHING_TO_CANCEL)
        return
    await state.clear()
    in_registration = current.startswith(Registration.__name__)
    await message.answer(texts.REGISTRATION_CANCELLED if in_registration else texts.CANCELLED)


async def stale_button(query: CallbackQuery) -> None:
    """Buttons from old messages, from a finished dialog, or forged data all end up here."""
    await ui.alert(query, texts.STALE_BUTTON)


async def unknown_message(message: Message, identity: Identity) -> None:
    if identity.user is None:
        await message.answer("Чтобы начать, отправьте /start.")
        return
    await message.answer(texts.UNKNOWN_COMMAND)


async def membership_changed(event: ChatMemberUpdated, session: AsyncSession, clock: Clock) -> None:
    """Blocking the bot marks the user unreachable; unblocking makes them reachable again."""
    if event.chat.type != "private":
        return
    blocked = event.new_chat_member.status in ("kicked", "left")
    await users.set_reachable(session, event.from_user.id, not blocked, clock())


def setup() -> Router:
    router = Router(name=__name__)
    members = GatedRouter(name=f"{__name__}.members", who=Registered(staff=True, refusal=NOT_YET))
    members.message.register(help_command, Command("help"), flags=READ_ONLY)
    router.message.register(cancel, Command("cancel"))
    router.my_chat_member.register(membership_changed)
    router.include_router(members)
    return router


def setup_fallback() -> Router:
    """The last router: whatever no feature took."""
    router = Router(name=f"{__name__}.fallback")
    router.callback_query.register(stale_button, flags=READ_ONLY)
    router.message.register(unknown_message, flags=READ_ONLY)
    return router
