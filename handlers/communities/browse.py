"""/communities for everyone registered: the list open to the teacher, a card, joining and leaving,
the member list, and a leader's or methodist's adding and removing members. Every press re-checks
the community and the person's rights in the services."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.communities import catalog, common, people
from bot.services.shared import roles
from bot.services.shared.roles import Identity
from handlers.communities import browse_ui as kit
from handlers.communities.callbacks import CommCb
from handlers.communities.kick import remove_from_groups
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered


async def communities_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    found = await catalog.listing(session, identity.user, 0)
    await message.answer(kit.listing_text(found), reply_markup=kit.listing_kb(found, roles.is_methodist(identity)))


async def show_list(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    found = await catalog.listing(session, identity.user, callback_data.page)
    await ui.show(query, kit.listing_text(found), kit.listing_kb(found, roles.is_methodist(identity)))


async def render_card(
    query: CallbackQuery, session: AsyncSession, identity: Identity, community_id: int, notice: str = ""
) -> None:
    c = await catalog.card(session, identity, community_id)
    await ui.show(
        query,
        kit.card_text(c.rights, c.scope_name, c.members, c.leaders, c.joined, notice),
        kit.card_kb(c.rights, c.joined),
    )


async def open_card(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    await render_card(query, session, identity, callback_data.id)


async def join(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    source = "offer" if callback_data.value == "offer" else "self"
    joined = await catalog.join(session, await common.require_user(identity), callback_data.id, clock(), source)
    await render_card(query, session, identity, callback_data.id, "✅ Вы вступили в сообщество." if joined else "")


async def leave(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    left = await catalog.leave(session, await common.require_user(identity), callback_data.id, clock())
    chat_id = (await common.get(session, callback_data.id)).chat_id
    await render_card(query, session, identity, callback_data.id, "Вы вышли из сообщества." if left else "")
    if left and chat_id is not None:
        await remove_from_groups(query.bot, [chat_id], identity.telegram_id)


async def members(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    found = await catalog.require_member_view(session, identity, callback_data.id)
    persons, page, pages = await people.members(session, found.community.id, callback_data.page)
    await ui.show(
        query,
        kit.members_text(found.community, persons, page, pages),
        kit.members_kb(found.community, persons, page, pages, found),
    )


async def show_candidates(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, *, for_leader: bool
) -> None:
    """A page of the people a manager may add to the community, or appoint its leader."""
    community, persons, page, pages = await people.candidates(
        session, identity, callback_data.id, callback_data.page, for_leader=for_leader
    )
    title, pick, again = (
        ("Назначить руководителя", "leadpick", "lead") if for_leader else ("Добавить участника", "addpick", "add")
    )
    await ui.show(
        query, kit.people_text(community, title, persons), kit.people_kb(community, persons, page, pages, pick, again)
    )


async def add_list(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    await show_candidates(query, callback_data, session, identity, for_leader=False)


async def add_pick(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    added = await people.add_member(session, identity, callback_data.id, callback_data.user, clock())
    notice = "✅ Участник добавлен, ему придёт сообщение." if added else "Этот педагог уже в сообществе."
    await render_card(query, session, identity, callback_data.id, notice)


async def remove(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    only_lead = callback_data.action == "unlead"
    removed = await people.remove_member(
        session, identity, callback_data.id, callback_data.user, clock(), only_lead=only_lead
    )
    if removed is None:
        notice = "Ничего не изменилось: этот педагог уже не в сообществе."
    else:
        notice = "Руководитель снят." if only_lead else "Участник исключён."
    chat_id = (await common.get(session, callback_data.id)).chat_id
    await render_card(query, session, identity, callback_data.id, notice)
    if removed is not None and not only_lead and chat_id is not None:
        await remove_from_groups(query.bot, [chat_id], removed)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(communities_command, Command("communities"))
    router.callback_query.register(show_list, CommCb.filter(F.action == "list"), flags=READ_ONLY)
    router.callback_query.register(open_card, CommCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(join, CommCb.filter(F.action == "join"))
    router.callback_query.register(leave, CommCb.filter(F.action == "leave"))
    router.callback_query.register(members, CommCb.filter(F.action == "members"), flags=READ_ONLY)
    router.callback_query.register(add_list, CommCb.filter(F.action == "add"), flags=READ_ONLY)
    router.callback_query.register(add_pick, CommCb.filter(F.action == "addpick"))
    router.callback_query.register(remove, CommCb.filter(F.action.in_({"remove", "unlead"})))
    return router
