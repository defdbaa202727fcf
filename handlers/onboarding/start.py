"""/start: greeting, invite deep links and the 152-ФЗ consent. Declining stores nothing."""

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.services.onboarding import invites, users
from bot.services.shared.errors import DomainError
from bot.services.shared.roles import Identity
from handlers.onboarding.registration import prompt_for
from handlers.shared import keyboards, texts, ui
from handlers.shared.callbacks import ConsentCb
from handlers.shared.commands import publish_menu
from handlers.shared.states import Registration
from models import Role

INVITE_PREFIX = "inv_"


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
    clock: Clock,
) -> None:
    payload = (command.args or "").strip()
    code = payload[len(INVITE_PREFIX) :] if payload.startswith(INVITE_PREFIX) else ""
    if identity.user is not None:
        await _greet_registered(message, session, identity, bot, code, clock=clock)
        return
    current = await state.get_state()
    if current is not None and current.startswith(Registration.__name__):
        text, markup = await prompt_for(current, await state.get_data(), session, identity)
        await message.answer(f"{texts.RESUME}\n\n{text}", reply_markup=markup)
        return
    note, warning = "", ""
    if code:
        try:
            invite = await invites.find_valid(session, code, clock())
            note = f"Вас пригласили в организацию: <b>{texts.esc(await invites.describe_org(session, invite))}</b>.\n\n"
        except DomainError as exc:  # first, before the long welcome, or nobody reads it
            warning, code = f"⚠️ {exc.user_message} Организацию вы выберете сами при регистрации.\n\n", ""
    await message.answer(warning + texts.WELCOME + note + texts.CONSENT, reply_markup=keyboards.consent(code))


async def _greet_registered(
    message: Message, session: AsyncSession, identity: Identity, bot: Bot, code: str, clock: Clock
) -> None:
    user = identity.user
    if not user.is_active:
        await users.set_reachable(session, identity.telegram_id, True, clock())
    if code:
        try:
            invite = await invites.redeem(session, code, identity.telegram_id, clock())
            if invite.role == Role.mentor:
                await message.answer("Вам выдана роль наставника.")
                await publish_menu(bot, message.chat.id, identity.roles | {Role.mentor})
            else:
                await message.answer("Вы уже зарегистрированы, повторно по приглашению входить не нужно.")
        except DomainError as exc:
            await message.answer(exc.user_message)
    await message.answer(texts.welcome_back(user))


async def consent(
    query: CallbackQuery,
    callback_data: ConsentCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    if identity.user is not None:
        await ui.show(query, texts.welcome_back(identity.user))
        return
    if not callback_data.agree:
        await state.clear()
        await ui.show(query, texts.CONSENT_DECLINED)
        return
    if await state.get_state() is not None and (await state.get_state()).startswith(Registration.__name__):
        # A double tap on "agree": the dialog is already running, just show where it stands.
        text, markup = await prompt_for(await state.get_state(), await state.get_data(), session, identity)
        await ui.show(query, text, markup)
        return
    await state.set_state(Registration.full_name)
    await state.set_data({"consent_at": clock().isoformat(), "invite": callback_data.invite})
    await ui.show(query, texts.ASK_NAME)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.callback_query.register(consent, ConsentCb.filter())
    return router
