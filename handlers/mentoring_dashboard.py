"""The mentor's /mentees: the mentees' progress, a mentee's card with the competency chart,
comments on the ИОМ and its steps, approval, proposed steps and check-ins."""

import asyncio
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.render import chart
from bot.services import routes
from bot.services.mentoring import access, dashboard, interactions, rules
from bot.services.roles import Identity
from handlers import diagnosis_ui, ui
from handlers import mentoring_dashboard_ui as kit
from handlers.filters import TYPED
from handlers.mentoring_ui import MenteeOpenCb, MentorCb, Mentoring, registered, saved, start_dialog
from models import utcnow

router = Router(name=__name__)


async def _card(session: AsyncSession, identity: Identity, pair_id: int, notice: str = ""):
    user = registered(identity)
    card = await dashboard.mentee_card(session, user, pair_id, utcnow())
    today = routes.today(card.summary.mentee, utcnow())
    return kit.mentee_card(card, user.timezone, today, notice), kit.mentee_card_kb(card), card.summary.mentee


@router.message(Command("mentees"))
async def mentees_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    user = registered(identity)
    await state.clear()
    found = await dashboard.my_mentees(session, user, utcnow())
    if not found.items:
        await message.answer(kit.NO_MENTEES)
        return
    await message.answer(kit.mentees(found, user.timezone), reply_markup=kit.mentees_kb(found))


@router.callback_query(MentorCb.filter(F.action == "list"))
async def mentees_page(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                       identity: Identity) -> None:
    user = registered(identity)
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
    user = registered(identity)
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


@router.callback_query(MentorCb.filter(F.action == "steps"), flags=READ_ONLY)
async def pick_step(query: CallbackQuery, callback_data: MentorCb, session: AsyncSession, identity: Identity) -> None:
    steps = await interactions.route_steps(session, registered(identity), callback_data.pair_id)
    await ui.show(query, kit.ASK_STEP, kit.steps_kb(callback_data.pair_id, steps, callback_data.page))


@router.callback_query(MentorCb.filter(F.action.in_({"cmt_route", "cmt_step"})))
async def comment_start(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    steps = await interactions.route_steps(session, registered(identity), callback_data.pair_id)
    step_id = callback_data.step_id if callback_data.action == "cmt_step" else 0
    step = next((s for s in steps if s.id == step_id), None)
    if step_id and step is None:
        await ui.show(query, kit.STEP_GONE, kit.steps_kb(callback_data.pair_id, steps, 0))
        return
    await start_dialog(query, state, Mentoring.comment, kit.ask_comment(step), pair_id=callback_data.pair_id,
                       step_id=step_id)


@router.message(Mentoring.comment, TYPED)
async def got_comment(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    data = await saved(state)
    await interactions.comment(session, registered(identity), data["pair_id"], data["step_id"] or None,
                               message.text)
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.COMMENT_SENT)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MentorCb.filter(F.action == "approve"))
async def approve(query: CallbackQuery, callback_data: MentorCb, session: AsyncSession, identity: Identity) -> None:
    await interactions.approve_route(session, registered(identity), callback_data.pair_id, utcnow())
    await ui.show(query, *(await _card(session, identity, callback_data.pair_id, "✅ ИОМ согласован."))[:2])


@router.callback_query(MentorCb.filter(F.action == "propose"))
async def propose_start(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    await interactions.route_steps(session, registered(identity), callback_data.pair_id)
    await start_dialog(query, state, Mentoring.proposal_title, kit.ASK_PROPOSAL, pair_id=callback_data.pair_id)


@router.message(Mentoring.proposal_title, TYPED)
async def got_proposal_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=routes.parse_title(message.text))
    await state.set_state(Mentoring.proposal_deadline)
    await message.answer(kit.ASK_PROPOSAL_DATE)


@router.message(Mentoring.proposal_deadline, TYPED)
async def got_proposal_deadline(message: Message, state: FSMContext, session: AsyncSession,
                                identity: Identity) -> None:
    user, data = registered(identity), await saved(state)
    deadline = await interactions.proposal_deadline(session, user, data["pair_id"], message.text, utcnow())
    await interactions.propose_step(session, user, data["pair_id"], data.get("title"), deadline)
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.PROPOSAL_SENT)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MentorCb.filter(F.action == "checkin"))
async def checkin_start(query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    await access.mentor_pair(session, registered(identity), callback_data.pair_id)
    await start_dialog(query, state, Mentoring.checkin_date, kit.ASK_CHECKIN_DATE, pair_id=callback_data.pair_id)


@router.message(Mentoring.checkin_date, TYPED)
async def got_checkin_date(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    pair_id = (await saved(state))["pair_id"]
    held_on = await interactions.checkin_day(session, registered(identity), pair_id, message.text, utcnow())
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
    data = await saved(state)
    held_on = date.fromisoformat(data.get("held_on") or date.min.isoformat())  # date.min: refused as too early
    await interactions.log_checkin(session, registered(identity), data["pair_id"], held_on, data.get("discussed"),
                                   message.text, utcnow())
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.CHECKIN_SAVED)
    await message.answer(text, reply_markup=markup)
