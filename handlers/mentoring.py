"""Mentoring: the methodist's /pairs (young specialists, suggestions, pair terms, ending), the
mentor's /mentees (summary, card, comments, approval, proposed steps, check-ins), the mentee's
/mentor, and messages relayed between the two sides. Every id in a button is re-checked by
bot.services.mentoring; the FSM only remembers ids, which are checked again on the final step."""

import asyncio
from datetime import date

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.render import chart
from bot.services import roles, routes, users
from bot.services.mentoring import access, dashboard, interactions, pairing, rules, suggestions
from bot.services.errors import NotRegistered
from bot.services.roles import Identity
from handlers import diagnosis_ui, ui
from handlers import mentoring_ui as kit
from handlers.commands import publish_menu
from handlers.mentoring_ui import (
    MenteeOpenCb, MenteeTypeCb, MentorCb, Mentoring, PairCb, PairsCb, PickCb, ProposalCb, RelayCb, ReviewCb, SuggestCb,
)
from models import PairStatus, User, utcnow

router = Router(name=__name__)
TYPED = F.text & ~F.text.startswith("/")


async def _saved(state: FSMContext) -> dict:
    """The dialog's remembered ids (0 when missing: the services then refuse them like forged ones)."""
    data = await state.get_data()
    return {**data, **{key: int(data.get(key) or 0) for key in ("pair_id", "step_id", "mentee_id", "mentor_id")}}


def _user(identity: Identity) -> User:
    if identity.user is None:
        raise NotRegistered()
    return identity.user


# --- the methodist --------------------------------------------------------------------------


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


@router.callback_query(SuggestCb.filter())
async def suggest(query: CallbackQuery, callback_data: SuggestCb, session: AsyncSession, identity: Identity) -> None:
    found = await suggestions.suggestions(session, identity, callback_data.mentee_id,
                                          rules.parse_type(callback_data.kind), utcnow(), callback_data.page)
    await ui.show(query, kit.suggestions(found), kit.suggestions_kb(found))


@router.callback_query(PickCb.filter())
async def pick(query: CallbackQuery, callback_data: PickCb, state: FSMContext, session: AsyncSession,
               identity: Identity) -> None:
    kind = rules.parse_type(callback_data.kind)
    mentee, mentor = await pairing.prepare_pair(session, identity, callback_data.mentee_id,
                                                callback_data.mentor_id, kind, utcnow())
    await state.set_state(Mentoring.goal)
    await state.set_data({"mentee_id": mentee.id, "mentor_id": mentor.id, "kind": kind.value})
    await ui.show(query, kit.ask_goal(mentee, mentor, kind))


@router.message(Mentoring.goal, TYPED)
async def got_goal(message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot,
                   settings: Settings) -> None:
    data = await _saved(state)
    pair = await pairing.create_pair(session, identity, data["mentee_id"], data["mentor_id"],
                                     rules.parse_type(data.get("kind", "")), message.text, utcnow())
    await state.clear()
    row = await pairing.pair_row(session, identity, pair.id)
    await message.answer(kit.pair_card(row, "✅ Пара создана. Наставник и подопечный получат сообщения."),
                         reply_markup=kit.pair_card_kb(pair.id, pair.status))
    try:  # the new mentor's command menu gains /mentees; a blocked chat must not undo the pair
        mentor_identity = await roles.load_identity(session, row.mentor.telegram_id, settings.admin_ids)
        await publish_menu(bot, row.mentor.telegram_id, mentor_identity.roles)
    except (TelegramBadRequest, TelegramForbiddenError):
        pass


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
    await state.set_state(Mentoring.start if callback_data.action == "start" else Mentoring.end_date)
    await state.set_data({"pair_id": callback_data.pair_id})
    await ui.show(query, kit.ASK_DATE)


@router.message(StateFilter(Mentoring.start, Mentoring.end_date), TYPED)
async def got_pair_date(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    pair_id = (await _saved(state))["pair_id"]
    field = "start_text" if await state.get_state() == Mentoring.start.state else "end_text"
    await pairing.update_terms(session, identity, pair_id, utcnow(), **{field: message.text})
    await state.clear()
    row = await pairing.pair_row(session, identity, pair_id)
    await message.answer(kit.pair_card(row, "Даты изменены."), reply_markup=kit.pair_card_kb(pair_id, row.pair.status))


@router.callback_query(PairCb.filter(F.action == "end_ask"))
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


@router.callback_query(ReviewCb.filter())
async def review_start(query: CallbackQuery, callback_data: ReviewCb, state: FSMContext, session: AsyncSession,
                       identity: Identity) -> None:
    await pairing.review_pair(session, _user(identity), callback_data.pair_id)
    await state.set_state(Mentoring.review)
    await state.set_data({"pair_id": callback_data.pair_id})
    await ui.show(query, kit.ASK_REVIEW)


@router.message(Mentoring.review, TYPED)
async def got_review(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await pairing.save_review(session, _user(identity), (await _saved(state))["pair_id"], message.text)
    await state.clear()
    await message.answer(kit.REVIEW_SAVED)


# --- the mentor -----------------------------------------------------------------------------


async def _card(session: AsyncSession, identity: Identity, pair_id: int, notice: str = ""):
    user = _user(identity)
    card = await dashboard.mentee_card(session, user, pair_id, utcnow())
    today = routes.today(card.summary.mentee, utcnow())
    return kit.mentee_card(card, user.timezone, today, notice), kit.mentee_card_kb(card), card.summary.mentee


@router.message(Command("mentees"))
async def mentees_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    user = _user(identity)
    await state.clear()
    found = await dashboard.my_mentees(session, user, utcnow())
    if not found.items:
        await message.answer(kit.NO_MENTEES)
        return
    await message.answer(kit.mentees(found, user.timezone), reply_markup=kit.mentees_kb(found))


@router.callback_query(MentorCb.filter(F.action == "list"))
async def mentees_page(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                       identity: Identity) -> None:
    user = _user(identity)
    await state.clear()
    found = await dashboard.my_mentees(session, user, utcnow(), callback_data.page)
    await ui.show(query, kit.mentees(found, user.timezone) if found.items else kit.NO_MENTEES,
                  kit.mentees_kb(found))


@router.callback_query(MentorCb.filter(F.action == "card"))
@router.callback_query(MenteeOpenCb.filter())
async def mentee_card(query: CallbackQuery, callback_data: MentorCb | MenteeOpenCb, state: FSMContext,
                      session: AsyncSession, identity: Identity, bot: Bot) -> None:
    """Opening a mentee: the competency chart first (when there is a diagnosis), then the card."""
    await state.clear()
    user = _user(identity)
    text, markup, mentee = await _card(session, identity, callback_data.pair_id)
    result = await dashboard.mentee_result(session, user, callback_data.pair_id)
    await query.answer()
    if result is not None and len(result.areas) >= 3:  # a radar needs three axes
        png = await asyncio.to_thread(lambda: chart.radar(**diagnosis_ui.chart_input(result, user.timezone)))
        await bot.send_photo(query.from_user.id, BufferedInputFile(png, filename="profile.png"),
                             caption=kit.chart_caption(mentee))
    await bot.send_message(query.from_user.id, text, reply_markup=markup)


@router.callback_query(MentorCb.filter(F.action == "view"))
async def mentee_card_in_place(query: CallbackQuery, callback_data: MentorCb, state: FSMContext,
                               session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    await ui.show(query, *(await _card(session, identity, callback_data.pair_id))[:2])


@router.callback_query(MentorCb.filter(F.action == "steps"))
async def pick_step(query: CallbackQuery, callback_data: MentorCb, session: AsyncSession, identity: Identity) -> None:
    steps = await interactions.route_steps(session, _user(identity), callback_data.pair_id)
    await ui.show(query, kit.ASK_STEP, kit.steps_kb(callback_data.pair_id, steps, callback_data.page))


@router.callback_query(MentorCb.filter(F.action.in_({"cmt_route", "cmt_step"})))
async def comment_start(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    steps = await interactions.route_steps(session, _user(identity), callback_data.pair_id)
    step_id = callback_data.step_id if callback_data.action == "cmt_step" else 0
    step = next((s for s in steps if s.id == step_id), None)
    if step_id and step is None:
        await ui.show(query, kit.STEP_GONE, kit.steps_kb(callback_data.pair_id, steps, 0))
        return
    await state.set_state(Mentoring.comment)
    await state.set_data({"pair_id": callback_data.pair_id, "step_id": step_id})
    await ui.show(query, kit.ask_comment(step))


@router.message(Mentoring.comment, TYPED)
async def got_comment(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    data = await _saved(state)
    await interactions.comment(session, _user(identity), data["pair_id"], data["step_id"] or None,
                               message.text)
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.COMMENT_SENT)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MentorCb.filter(F.action == "approve"))
async def approve(query: CallbackQuery, callback_data: MentorCb, session: AsyncSession, identity: Identity) -> None:
    await interactions.approve_route(session, _user(identity), callback_data.pair_id, utcnow())
    await ui.show(query, *(await _card(session, identity, callback_data.pair_id, "✅ ИОМ согласован."))[:2])


@router.callback_query(MentorCb.filter(F.action == "propose"))
async def propose_start(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    await interactions.route_steps(session, _user(identity), callback_data.pair_id)
    await state.set_state(Mentoring.proposal_title)
    await state.set_data({"pair_id": callback_data.pair_id})
    await ui.show(query, kit.ASK_PROPOSAL)


@router.message(Mentoring.proposal_title, TYPED)
async def got_proposal_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=routes.parse_title(message.text))
    await state.set_state(Mentoring.proposal_deadline)
    await message.answer(kit.ASK_PROPOSAL_DATE)


@router.message(Mentoring.proposal_deadline, TYPED)
async def got_proposal_deadline(message: Message, state: FSMContext, session: AsyncSession,
                                identity: Identity) -> None:
    user, data = _user(identity), await _saved(state)
    deadline = await interactions.proposal_deadline(session, user, data["pair_id"], message.text, utcnow())
    await interactions.propose_step(session, user, data["pair_id"], data.get("title"), deadline)
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.PROPOSAL_SENT)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MentorCb.filter(F.action == "checkin"))
async def checkin_start(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    await access.mentor_pair(session, _user(identity), callback_data.pair_id)
    await state.set_state(Mentoring.checkin_date)
    await state.set_data({"pair_id": callback_data.pair_id})
    await ui.show(query, kit.ASK_CHECKIN_DATE)


@router.message(Mentoring.checkin_date, TYPED)
async def got_checkin_date(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    pair_id = (await _saved(state))["pair_id"]
    held_on = await interactions.checkin_day(session, _user(identity), pair_id, message.text, utcnow())
    await state.update_data(held_on=held_on.isoformat())
    await state.set_state(Mentoring.checkin_discussed)
    await message.answer(kit.ASK_DISCUSSED)


@router.message(Mentoring.checkin_discussed, TYPED)
async def got_discussed(message: Message, state: FSMContext) -> None:
    await state.update_data(discussed=rules.clean_text(message.text, rules.MAX_TEXT, "Что обсуждали"))
    await state.set_state(Mentoring.checkin_next)
    await message.answer(kit.ASK_NEXT)


@router.message(Mentoring.checkin_next, TYPED)
async def got_next_steps(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    data = await _saved(state)
    held_on = date.fromisoformat(data.get("held_on") or date.min.isoformat())  # date.min: refused as too early
    await interactions.log_checkin(session, _user(identity), data["pair_id"], held_on, data.get("discussed"),
                                   message.text, utcnow())
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.CHECKIN_SAVED)
    await message.answer(text, reply_markup=markup)


# --- the mentee, proposals and the relay ----------------------------------------------------


@router.message(Command("mentor"))
async def mentor_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    found = await dashboard.my_mentors(session, _user(identity))
    await message.answer(kit.my_mentors(found), reply_markup=kit.my_mentors_kb(found))


@router.callback_query(ProposalCb.filter())
async def answer_proposal(query: CallbackQuery, callback_data: ProposalCb, session: AsyncSession,
                          identity: Identity) -> None:
    proposal, _ = await interactions.answer_proposal(session, _user(identity), callback_data.proposal_id,
                                                     callback_data.accept)
    await ui.show(query, kit.proposal_answered(proposal.title, callback_data.accept))


@router.callback_query(RelayCb.filter())
@router.callback_query(MentorCb.filter(F.action == "write"))
async def relay_start(query: CallbackQuery, callback_data: RelayCb | MentorCb, state: FSMContext,
                      session: AsyncSession, identity: Identity) -> None:
    _, peer = await interactions.relay_peer(session, _user(identity), callback_data.pair_id)
    await state.set_state(Mentoring.relay)
    await state.set_data({"pair_id": callback_data.pair_id})
    await query.answer()
    await query.bot.send_message(query.from_user.id, kit.ask_relay(peer))


@router.message(Mentoring.relay, TYPED)
async def got_relay(message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot) -> None:
    relayed = await interactions.relay(session, _user(identity), (await _saved(state))["pair_id"], message.text)
    await state.clear()
    try:
        await bot.send_message(relayed.recipient.telegram_id, relayed.text, reply_markup=kit.reply_kb(relayed.pair_id))
    except TelegramForbiddenError:
        await users.set_reachable(session, relayed.recipient.telegram_id, False)
        await message.answer(kit.RELAY_FAILED)
        return
    except TelegramBadRequest:
        await message.answer(kit.RELAY_FAILED)
        return
    await message.answer(kit.RELAY_SENT)


@router.message(Mentoring.relay, ~F.text)
async def relay_not_text(message: Message) -> None:
    await message.answer(kit.RELAY_TEXT_ONLY)


@router.message(StateFilter(*[s for s in Mentoring.__all_states__ if s != Mentoring.relay]), ~F.text)
async def need_text(message: Message) -> None:
    await message.answer(kit.NEED_TEXT)
