"""Admin tools: appoint methodists to a scope and take the role back."""

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services import orgs, roles
from bot.services.errors import InvalidInput
from bot.services.roles import Identity
from handlers import keyboards, texts, ui
from handlers.callbacks import MethodistsCb, OrgPickCb, RevokeCb
from handlers.commands import publish_menu
from handlers.org_picker import check_access, render_level
from handlers.states import Grant
from models import Role

router = Router(name=__name__)
GRANT_USAGE = (
    "Использование: <code>/grant TELEGRAM_ID</code> — затем выберите зону ответственности методиста.\n"
    "Telegram ID человек может узнать, например, у @userinfobot."
)


@router.message(Command("grant"))
async def grant_start(
    message: Message, command: CommandObject, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    roles.require_admin(identity)
    raw = (command.args or "").strip()
    if not raw.isdigit() or not 0 < int(raw) < 10**15:
        await message.answer(GRANT_USAGE)
        return
    await state.set_state(Grant.scope)
    await state.set_data({"target": int(raw)})
    text, markup = await render_level(session, identity, "grant", 0, 0)
    await message.answer(f"Зона ответственности методиста {raw}.\n{text}", reply_markup=markup)


@router.callback_query(OrgPickCb.filter((F.action == "choose") & (F.purpose == "grant")))
async def grant_scope(
    query: CallbackQuery, callback_data: OrgPickCb, state: FSMContext, session: AsyncSession,
    identity: Identity, bot: Bot,
) -> None:
    await check_access("grant", state, session, identity, callback_data.org_id)
    target = (await state.get_data()).get("target")
    if not isinstance(target, int):
        raise InvalidInput(texts.STALE_BUTTON)
    org = await orgs.get(session, callback_data.org_id)
    created = await roles.grant(session, identity, Role.methodist, target, org.id)
    await state.clear()
    verdict = "назначен методистом" if created else "уже был методистом"
    await ui.show(query, f"Пользователь {target} {verdict}: {texts.esc(org.name)}.")
    target_identity = await roles.load_identity(session, target, [])
    if created and target_identity.user is not None:
        await _tell(bot, target, f"Вам выдана роль методиста: {texts.esc(org.name)}. Команды — /help.",
                    target_identity.roles)


async def _methodists_page(session: AsyncSession, identity: Identity, page: int):
    roles.require_admin(identity)
    grants, page, pages = await roles.list_grants(session, Role.methodist, page)
    if not grants:
        return "Методистов пока нет. Назначить: /grant TELEGRAM_ID", None
    lines = [f"<b>Методисты</b> (стр. {page + 1} из {pages})" if pages > 1 else "<b>Методисты</b>"]
    named = [(grant, await orgs.display_name(session, grant.scope_org_id)) for grant in grants]
    lines += [f"• {grant.telegram_id} — {texts.esc(scope)}" for grant, scope in named]
    return "\n".join(lines), keyboards.revoke_buttons(named, page, pages)


@router.message(Command("methodists"), flags=READ_ONLY)
async def list_methodists(message: Message, session: AsyncSession, identity: Identity) -> None:
    text, markup = await _methodists_page(session, identity, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MethodistsCb.filter(), flags=READ_ONLY)
async def methodists_page(query: CallbackQuery, callback_data: MethodistsCb, session: AsyncSession,
                          identity: Identity) -> None:
    await ui.show(query, *await _methodists_page(session, identity, callback_data.page))


@router.callback_query(RevokeCb.filter())
async def revoke(
    query: CallbackQuery, callback_data: RevokeCb, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    grant = await roles.revoke_grant(session, identity, callback_data.grant_id, Role.methodist)
    scope = texts.esc(await orgs.display_name(session, grant.scope_org_id))
    await ui.show(query, f"Роль методиста снята с {grant.telegram_id}: {scope}.")
    remaining = await roles.load_identity(session, grant.telegram_id, [])
    if remaining.user is not None:
        await _tell(bot, grant.telegram_id, f"С вас снята роль методиста: {scope}.", remaining.roles)


async def _tell(bot: Bot, telegram_id: int, text: str, new_roles: set[Role]) -> None:
    """Best effort: the person may have blocked the bot; the grant itself already stands."""
    try:
        await publish_menu(bot, telegram_id, new_roles)
        await bot.send_message(telegram_id, text)
    except TelegramAPIError:
        pass
