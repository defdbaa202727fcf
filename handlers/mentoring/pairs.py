"""The methodist's /pairs: young specialists without a mentor, the teacher search, suggested
mentors, creating a pair, its terms and ending it. Every id in a button is re-checked by the
mentoring services; the FSM only remembers ids, which are checked again on the final step."""

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import events
from bot.services.mentoring import access, pairing, rules, suggestions
from bot.services.shared import roles
from bot.services.shared.roles import Identity
from handlers.mentoring import pairs_ui as kit
from handlers.mentoring.ui import (
    MenteeTypeCb,
    Mentoring,
    PairCb,
    PairsCb,
    PickCb,
    SuggestCb,
    saved,
    start_dialog,
)
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.commands import publish_menu
from handlers.shared.filters import TYPED
from models import PairStatus


async def pairs_command(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(kit.PAIRS_MENU, reply_markup=kit.pairs_menu_kb())


async def pairs_view(
    query: CallbackQuery,
    callback_data: PairsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    await state.clear()  # navigating the menu leaves a half-typed search or goal
    view, page = callback_data.view, callback_data.page
    if view == "young":
        found = await suggestions.young_specialists(session, identity, clock(), page)
        await ui.show(query, kit.young_list(found), kit.young_kb(found))
    elif view == "search":
        await state.set_state(Mentoring.search)
        await ui.show(query, kit.ASK_SEARCH)
    elif view in (PairStatus.active.value, PairStatus.ended.value):
        status = PairStatus(view)
        found = await pairing.pairs_in_scope(session, identity, status, page)
        await ui.show(query, kit.pair_list(found, status), kit.pair_list_kb(found, status))
    else:
        await ui.show(query, kit.PAIRS_MENU, kit.pairs_menu_kb())


async def got_search(message: Message, session: AsyncSession, identity: Identity) -> None:
    found = await suggestions.search_teachers(session, identity, message.text)
    await message.answer(kit.search_results(found), reply_markup=kit.search_kb(found))


async def choose_type(
    query: CallbackQuery, callback_data: MenteeTypeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await access.mentee_in_scope(session, identity, callback_data.mentee_id)
    await state.clear()
    await ui.show(query, kit.ASK_TYPE, kit.type_kb(callback_data.mentee_id))


async def suggest(
    query: CallbackQuery,
    callback_data: SuggestCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    found = await suggestions.suggestions(
        session,
        identity,
        callback_data.mentee_id,
        rules.parse_type(callback_data.kind),
        clock(),
        callback_data.page,
        settings.mentor_capacity,
    )
    await ui.show(query, kit.suggestions(found), kit.suggestions_kb(found))


async def pick(
    query: CallbackQuery,
    callback_data: PickCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    kind = rules.parse_type(callback_data.kind)
    mentee, mentor = await pairing.prepare_pair(
        session, identity, callback_data.mentee_id, callback_data.mentor_id, kind, clock(), settings.mentor_capacity
    )
    await state.set_state(Mentoring.goal)
    await state.set_data({"mentee_id": mentee.id, "mentor_id": mentor.id, "kind": kind.value})
    await ui.show(query, kit.ask_goal(mentee, mentor, kind))


async def got_goal(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
    settings: Settings,
    clock: Clock,
) -> None:
    data = await saved(state)
    pair = await pairing.create_pair(
        session,
        identity,
        data["mentee_id"],
        data["mentor_id"],
        rules.parse_type(data.get("kind", "")),
        message.text,
        clock(),
        settings.mentor_capacity,
    )
    await state.clear()
    row = await pairing.pair_row(session, identity, pair.id)
    zone = await events.author_zone(session, identity)
    await message.answer(
        kit.pair_card(row, zone, "✅ Пара создана. Наставник и подопечный получат сообщения."),
        reply_markup=kit.pair_card_kb(pair.id, pair.status),
    )
    # the new mentor's command menu gains /mentees; a blocked chat must not undo the pair
    with suppress(TelegramBadRequest, TelegramForbiddenError):
        mentor_identity = await roles.load_identity(session, row.mentor.telegram_id, settings.admin_ids)
        await publish_menu(bot, row.mentor.telegram_id, mentor_identity.roles)


async def pair_card(
    query: CallbackQuery, callback_data: PairCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    notice = ""
    if callback_data.action == "months":
        await pairing.update_terms(session, identity, callback_data.pair_id, clock(), months=callback_data.value)
        notice = "Срок изменён."
    elif callback_data.action == "cadence":
        await pairing.update_terms(session, identity, callback_data.pair_id, clock(), cadence_days=callback_data.value)
        notice = "Частота встреч изменена."
    row = await pairing.pair_row(session, identity, callback_data.pair_id)
    zone = await events.author_zone(session, identity)
    await ui.show(query, kit.pair_card(row, zone, notice), kit.pair_card_kb(row.pair.id, row.pair.status))


async def ask_pair_date(
    query: CallbackQuery, callback_data: PairCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await pairing.active_pair_for_methodist(session, identity, callback_data.pair_id)
    await start_dialog(
        query,
        state,
        Mentoring.start if callback_data.action == "start" else Mentoring.end_date,
        kit.ASK_DATE,
        pair_id=callback_data.pair_id,
    )


async def got_pair_date(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    pair_id = (await saved(state))["pair_id"]
    field = "start_text" if await state.get_state() == Mentoring.start.state else "end_text"
    await pairing.update_terms(session, identity, pair_id, clock(), **{field: message.text})
    await state.clear()
    row = await pairing.pair_row(session, identity, pair_id)
    zone = await events.author_zone(session, identity)
    await message.answer(
        kit.pair_card(row, zone, "Даты изменены."), reply_markup=kit.pair_card_kb(pair_id, row.pair.status)
    )


async def end_ask(query: CallbackQuery, callback_data: PairCb, session: AsyncSession, identity: Identity) -> None:
    await pairing.active_pair_for_methodist(session, identity, callback_data.pair_id)
    row = await pairing.pair_row(session, identity, callback_data.pair_id)
    await ui.show(query, kit.end_question(row), kit.end_kb(row.pair.id))


async def end_pair(
    query: CallbackQuery, callback_data: PairCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await pairing.end_pair(session, identity, callback_data.pair_id, clock())
    row = await pairing.pair_row(session, identity, callback_data.pair_id)
    zone = await events.author_zone(session, identity)
    await ui.show(
        query,
        kit.pair_card(row, zone, "Наставничество завершено, обоим отправлена просьба об отзыве."),
        kit.pair_card_kb(row.pair.id, row.pair.status),
    )


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(pairs_command, Command("pairs"))
    router.callback_query.register(pairs_view, PairsCb.filter())
    router.message.register(got_search, StateFilter(Mentoring.search), TYPED)
    router.callback_query.register(choose_type, MenteeTypeCb.filter())
    router.callback_query.register(suggest, SuggestCb.filter(), flags=READ_ONLY)
    router.callback_query.register(pick, PickCb.filter())
    router.message.register(got_goal, StateFilter(Mentoring.goal), TYPED)
    router.callback_query.register(pair_card, PairCb.filter(F.action.in_({"card", "months", "cadence"})))
    router.callback_query.register(ask_pair_date, PairCb.filter(F.action.in_({"start", "end_date"})))
    router.message.register(got_pair_date, StateFilter(Mentoring.start, Mentoring.end_date), TYPED)
    router.callback_query.register(end_ask, PairCb.filter(F.action == "end_ask"), flags=READ_ONLY)
    router.callback_query.register(end_pair, PairCb.filter(F.action == "end"))
    return router
