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
from bot.middlewares.db import READ_ONLY
from bot.services import roles
from bot.services.mentoring import access, pairing, rules, suggestions
from bot.services.roles import Identity
from handlers import mentoring_pairs_ui as kit
from handlers import ui
from handlers.commands import publish_menu
from handlers.filters import TYPED
from handlers.mentoring_ui import (
    MenteeTypeCb, Mentoring, PairCb, PairsCb, PickCb, SuggestCb, saved, start_dialog,
)
from models import PairStatus, utcnow

router = Router(name=__name__)


@router.message(Command("pairs"))
async def pairs_command(message: Message, state: FSMContext, identity: Identity) -> None:
    roles.require_methodist(identity)
    await state.clear()
    await message.answer(kit.PAIRS_MENU, reply_markup=kit.pairs_menu_kb())


@router.callback_query(PairsCb.filter())
async def pairs_view(query: CallbackQuery, callback_data: PairsCb, state: FSMContext, session: AsyncSession,
                     identity: Identity) -> None:
    roles.require_methodist(identity)
    await state.clear()  # navigating the menu leaves a half-typed search or goal
    view, page = callback_data.view, callback_data.page
    if view == "young":
        found = await suggestions.young_specialists(session, identity, utcnow(), page)
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


@router.message(Mentoring.search, TYPED)
async def got_search(message: Message, session: AsyncSession, identity: Identity) -> None:
    found = await suggestions.search_teachers(session, identity, message.text)
    await message.answer(kit.search_results(found), reply_markup=kit.search_kb(found))


@router.callback_query(MenteeTypeCb.filter())
async def choose_type(query: CallbackQuery, callback_data: MenteeTypeCb, state: FSMContext, session: AsyncSession,
                      identity: Identity) -> None:
    await access.mentee_in_scope(session, identity, callback_data.mentee_id)
    await state.clear()
    await ui.show(query, kit.ASK_TYPE, kit.type_kb(callback_data.mentee_id))


@router.callback_query(SuggestCb.filter(), flags=READ_ONLY)
async def suggest(query: CallbackQuery, callback_data: SuggestCb, session: AsyncSession, identity: Identity,
                  settings: Settings) -> None:
    found = await suggestions.suggestions(session, identity, callback_data.mentee_id,
                                          rules.parse_type(callback_data.kind), utcnow(), callback_data.page,
                                          settings.mentor_capacity)
    await ui.show(query, kit.suggestions(found), kit.suggestions_kb(found))


@router.callback_query(PickCb.filter())
async def pick(query: CallbackQuery, callback_data: PickCb, state: FSMContext, session: AsyncSession,
               identity: Identity, settings: Settings) -> None:
    kind = rules.parse_type(callback_data.kind)
    mentee, mentor = await pairing.prepare_pair(session, identity, callback_data.mentee_id,
                                                callback_data.mentor_id, kind, utcnow(), settings.mentor_capacity)
    await state.set_state(Mentoring.goal)
    await state.set_data({"mentee_id": mentee.id, "mentor_id": mentor.id, "kind": kind.value})
    await ui.show(query, kit.ask_goal(mentee, mentor, kind))


@router.message(Mentoring.goal, TYPED)
async def got_goal(message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot,
                   settings: Settings) -> None:
    data = await saved(state)
    pair = await pairing.create_pair(session, identity, data["mentee_id"], data["mentor_id"],
                                     rules.parse_type(data.get("kind", "")), message.text, utcnow(),
                                     settings.mentor_capacity)
    await state.clear()
    row = await pairing.pair_row(session, identity, pair.id)
    await message.answer(kit.pair_card(row, "✅ Пара создана. Наставник и подопечный получат сообщения."),
                         reply_markup=kit.pair_card_kb(pair.id, pair.status))
    # the new mentor's command menu gains /mentees; a blocked chat must not undo the pair
    with suppress(TelegramBadRequest, TelegramForbiddenError):
        mentor_identity = await roles.load_identity(session, row.mentor.telegram_id, settings.admin_ids)
        await publish_menu(bot, row.mentor.telegram_id, mentor_identity.roles)


@router.callback_query(PairCb.filter(F.action.in_({"card", "months", "cadence"})))
async def pair_card(query: CallbackQuery, callback_data: PairCb, session: AsyncSession, identity: Identity) -> None:
    notice = ""
    if callback_data.action == "months":
        await pairing.update_terms(session, identity, callback_data.pair_id, utcnow(), months=callback_data.value)
        notice = "Срок изменён."
    elif callback_data.action == "cadence":
        await pairing.update_terms(session, identity, callback_data.pair_id, utcnow(),
                                   cadence_days=callback_data.value)
        notice = "Частота встреч изменена."
    row = await pairing.pair_row(session, identity, callback_data.pair_id)
    await ui.show(query, kit.pair_card(row, notice), kit.pair_card_kb(row.pair.id, row.pair.status))


@router.callback_query(PairCb.filter(F.action.in_({"start", "end_date"})))
async def ask_pair_date(query: CallbackQuery, callback_data: PairCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    await pairing.active_pair_for_methodist(session, identity, callback_data.pair_id)
    await start_dialog(query, state, Mentoring.start if callback_data.action == "start" else Mentoring.end_date,
                       kit.ASK_DATE, pair_id=callback_data.pair_id)


@router.message(StateFilter(Mentoring.start, Mentoring.end_date), TYPED)
async def got_pair_date(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    pair_id = (await saved(state))["pair_id"]
    field = "start_text" if await state.get_state() == Mentoring.start.state else "end_text"
    await pairing.update_terms(session, identity, pair_id, utcnow(), **{field: message.text})
    await state.clear()
    row = await pairing.pair_row(session, identity, pair_id)
    await message.answer(kit.pair_card(row, "Даты изменены."), reply_markup=kit.pair_card_kb(pair_id, row.pair.status))


@router.callback_query(PairCb.filter(F.action == "end_ask"), flags=READ_ONLY)
async def end_ask(query: CallbackQuery, callback_data: PairCb, session: AsyncSession, identity: Identity) -> None:
    await pairing.active_pair_for_methodist(session, identity, callback_data.pair_id)
    row = await pairing.pair_row(session, identity, callback_data.pair_id)
    await ui.show(query, kit.end_question(row), kit.end_kb(row.pair.id))


@router.callback_query(PairCb.filter(F.action == "end"))
async def end_pair(query: CallbackQuery, callback_data: PairCb, session: AsyncSession, identity: Identity) -> None:
    await pairing.end_pair(session, identity, callback_data.pair_id, utcnow())
    row = await pairing.pair_row(session, identity, callback_data.pair_id)
    await ui.show(query, kit.pair_card(row, "Наставничество завершено, обоим отправлена просьба об отзыве."),
                  kit.pair_card_kb(row.pair.id, row.pair.status))
