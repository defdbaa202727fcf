"""Admin tools: appoint methodists to a scope and take the role back."""

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services.shared import orgs, outbox, roles, validation
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.shared import keyboards, texts, ui
from handlers.shared.access import Admin, GatedRouter
from handlers.shared.callbacks import MethodistsCb, OrgPickCb, RevokeCb
from handlers.shared.commands import publish_menu
from handlers.shared.org_picker import render_level
from handlers.shared.states import Grant
from models import Role

GRANT_USAGE = (
    "Использование: <code>/grant номер</code>, где номер — числовой идентификатор человека в Telegram, "
    "например <code>/grant 123456789</code>; затем выберите зону ответственности методиста.\n"
    "Свой номер человек может узнать, например, у @userinfobot."
)


NOT_NOTIFIED = (
    "Уведомление не отправлено: этот человек ещё не зарегистрирован в боте (возможно, ни разу его не "
    "запускал). Попросите его открыть бота и отправить /help — там будут его команды методиста."
)


def person(telegram_id: int, name: str | None) -> str:
    """Who a grant is for: the name once the person has registered, the Telegram id always."""
    return f"{texts.esc(name)} (ID {telegram_id})" if name else f"Пользователь с ID {telegram_id}"


async def grant_start(
    message: Message, command: CommandObject, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    target = validation.ascii_number(command.args, 15)
    if not target:
        await message.answer(GRANT_USAGE)
        return
    await state.set_state(Grant.scope)
    await state.set_data({"target": target})
    text, markup = await render_level(session, identity, "grant", 0, 0)
    await message.answer(f"Зона ответственности методиста {target}.\n{text}", reply_markup=markup)


async def grant_scope(
    query: CallbackQuery,
    callback_data: OrgPickCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
) -> None:
    target = (await state.get_data()).get("target")
    if not isinstance(target, int):
        raise InvalidInput(texts.STALE_BUTTON)
    org = await orgs.get(session, callback_data.org_id)
    created = await roles.grant(session, identity, Role.methodist, target, org.id)
    await state.clear()
    verdict = "назначен методистом" if created else "уже был методистом"
    target_identity = await roles.load_identity(session, target, [])
    who = person(target, target_identity.user.full_name if target_identity.user else None)
    if target_identity.user is None:
        # Telegram lets a bot write only to people who started it; the bot knows only registered ones.
        await ui.show(query, f"{who} {verdict}: {texts.esc(org.name)}." + (f"\n{NOT_NOTIFIED}" if created else ""))
        return
    if created:
        # Keyed by this press: a redelivered update tells once, a second press grants nothing new.
        await _tell(
            session,
            bot,
            target_identity,
            f"role_grant:{query.id}",
            f"Вам выдана роль методиста: {texts.esc(org.name)}. Команды — /help.",
        )
    await ui.show(query, f"{who} {verdict}: {texts.esc(org.name)}.")


async def _methodists_page(session: AsyncSession, identity: Identity, page: int):
    grants, page, pages = await roles.list_grants(session, Role.methodist, page)
    if not grants:
        return "Методистов пока нет. Назначить: /grant и номер человека в Telegram", None
    lines = [f"<b>Методисты</b> (стр. {page + 1} из {pages})" if pages > 1 else "<b>Методисты</b>"]
    named = [(grant, await orgs.display_name(session, grant.scope_org_id)) for grant in grants]
    names = await roles.holder_names(session, [grant.telegram_id for grant in grants])
    lines += [f"• {person(g.telegram_id, names.get(g.telegram_id))} — {texts.esc(scope)}" for g, scope in named]
    return "\n".join(lines), keyboards.revoke_buttons(named, page, pages)


async def list_methodists(message: Message, session: AsyncSession, identity: Identity) -> None:
    text, markup = await _methodists_page(session, identity, 0)
    await message.answer(text, reply_markup=markup)


async def methodists_page(
    query: CallbackQuery, callback_data: MethodistsCb, session: AsyncSession, identity: Identity
) -> None:
    await ui.show(query, *await _methodists_page(session, identity, callback_data.page))


async def revoke(
    query: CallbackQuery, callback_data: RevokeCb, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    grant = await roles.revoke_grant(session, identity, callback_data.grant_id, Role.methodist)
    scope = texts.esc(await orgs.display_name(session, grant.scope_org_id))
    remaining = await roles.load_identity(session, grant.telegram_id, [])
    if remaining.user is not None:
        await _tell(session, bot, remaining, f"role_revoke:{grant.id}", f"С вас снята роль методиста: {scope}.")
    who = person(grant.telegram_id, remaining.user.full_name if remaining.user else None)
    await ui.show(query, f"Роль методиста снята: {who} — {scope}.")


async def _tell(session: AsyncSession, bot: Bot, person: Identity, key: str, text: str) -> None:
    """The notice goes through the outbox (pacing, a blocked bot marks the person inactive), urgent:
    the person usually waits for the new role. The menu is per-chat configuration, not a message:
    set directly, best effort, since the role change itself already stands. Called before the
    handler's own reply: the update's writes all come before its first request to Telegram."""
    await outbox.enqueue(
        session,
        key=key,
        chat_id=person.telegram_id,
        purpose="role_change",
        text=text,
        urgent=True,
        timezone=person.user.timezone,
    )
    try:
        await publish_menu(bot, person.telegram_id, person.roles)
    except TelegramAPIError:
        pass


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Admin())
    router.message.register(grant_start, Command("grant"))
    router.callback_query.register(
        grant_scope, StateFilter(Grant.scope), OrgPickCb.filter((F.action == "choose") & (F.purpose == "grant"))
    )
    router.message.register(list_methodists, Command("methodists"), flags=READ_ONLY)
    router.callback_query.register(methodists_page, MethodistsCb.filter(), flags=READ_ONLY)
    router.callback_query.register(revoke, RevokeCb.filter())
    return router
