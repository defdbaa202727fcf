"""The mentor's /mentees: the mentees' progress, a mentee's card with the competency chart,
comments on the ИОМ and its steps, approval, proposed steps and check-ins."""

import asyncio
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import chart
from bot.services import route as routes
from bot.services.mentoring import access, dashboard, interactions, rules
from bot.services.shared.roles import Identity
from bot.services.shared.validation import clean_text
from handlers.courses.ui import course_line
from handlers.diagnosis import ui as diagnosis_ui
from handlers.mentoring import dashboard_ui as kit
from handlers.mentoring.ui import MenteeOpenCb, MentorCb, Mentoring, saved, start_dialog
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import TYPED


async def _card(session: AsyncSession, identity: Identity, pair_id: int, notice: str = "", *, clock: Clock):
    user = identity.user
    card = await dashboard.mentee_card(session, user, pair_id, clock())
    today = routes.today(card.summary.mentee, clock())
    text = kit.mentee_card(card, user.timezone, today, notice)
    text += "\n\n" + await course_line(session, card.summary.mentee, clock())  # issue 16: courses of ПК
    return text, kit.mentee_card_kb(card), card.summary.mentee


async def mentees_command(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    await state.clear()
    found = await dashboard.my_mentees(session, user, clock())
    if not found.items:
        await message.answer(kit.NO_MENTEES)
        return
    await message.answer(kit.mentees(found, user.timezone), reply_markup=kit.mentees_kb(found))


async def mentees_page(
    query: CallbackQuery,
    callback_data: MentorCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    user = identity.user
    await state.clear()
    found = await dashboard.my_mentees(session, user, clock(), callback_data.page)
    await ui.show(query, kit.mentees(found, user.timezone) if found.items else kit.NO_MENTEES, kit.mentees_kb(found))


async def mentee_card(
    query: CallbackQuery,
    callback_data: MentorCb | MenteeOpenCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
    clock: Clock,
) -> None:
    """Opening a mentee: the competency chart first (when there is a diagnosis), then the card."""
    await state.clear()
    user = identity.user
    text, markup, mentee = await _card(session, identity, callback_data.pair_id, clock=clock)
    result = await dashboard.mentee_result(session, user, callback_data.pair_id)
    await ui.answer(query)
    if result is not None and len(result.areas) >= 3:  # a radar needs three axes
        png = await asyncio.to_thread(lambda: chart.radar(**diagnosis_ui.chart_input(result, user.timezone)))
        await bot.send_photo(
            query.from_user.id, BufferedInputFile(png, filename="profile.png"), caption=kit.chart_caption(mentee)
        )
    await bot.send_message(query.from_user.id, text, reply_markup=markup)


async def mentee_card_in_place(
    query: CallbackQuery,
    callback_data: MentorCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    await state.clear()
    await ui.show(query, *(await _card(session, identity, callback_data.pair_id, clock=clock))[:2])


async def pick_step(query: CallbackQuery, callback_data: MentorCb, session: AsyncSession, identity: Identity) -> None:
    steps = await interactions.route_steps(session, identity.user, callback_data.pair_id)
    await ui.show(query, kit.ASK_STEP, kit.steps_kb(callback_data.pair_id, steps, callback_data.page))


async def comment_start(
    query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    steps = await interactions.route_steps(session, identity.user, callback_data.pair_id)
    step_id = callback_data.step_id if callback_data.action == "cmt_step" else 0
    step = next((s for s in steps if s.id == step_id), None)
    if step_id and step is None:
        await ui.show(query, kit.STEP_GONE, kit.steps_kb(callback_data.pair_id, steps, 0))
        return
    await start_dialog(
        query, state, Mentoring.comment, kit.ask_comment(step), pair_id=callback_data.pair_id, step_id=step_id
    )


async def got_comment(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    data = await saved(state)
    await interactions.comment(session, identity.user, data["pair_id"], data["step_id"] or None, message.text)
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.COMMENT_SENT, clock=clock)
    await message.answer(text, reply_markup=markup)


async def approve(
    query: CallbackQuery, callback_data: MentorCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await interactions.approve_route(session, identity.user, callback_data.pair_id, clock())
    await ui.show(
        query, *(await _card(session, identity, callback_data.pair_id, "✅ ИОМ согласован.", clock=clock))[:2]
    )


async def propose_start(
    query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await interactions.route_steps(session, identity.user, callback_data.pair_id)
    await start_dialog(query, state, Mentoring.proposal_title, kit.ASK_PROPOSAL, pair_id=callback_data.pair_id)


async def got_proposal_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=routes.parse_title(message.text))
    await state.set_state(Mentoring.proposal_deadline)
    await message.answer(kit.ASK_PROPOSAL_DATE)


async def got_proposal_deadline(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user, data = identity.user, await saved(state)
    deadline = await interactions.proposal_deadline(session, user, data["pair_id"], message.text, clock())
    await interactions.propose_step(session, user, data["pair_id"], data.get("title"), deadline)
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.PROPOSAL_SENT, clock=clock)
    await message.answer(text, reply_markup=markup)


async def checkin_start(
    query: CallbackQuery, callback_data: MentorCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await access.mentor_pair(session, identity.user, callback_data.pair_id)
    await start_dialog(query, state, Mentoring.checkin_date, kit.ASK_CHECKIN_DATE, pair_id=callback_data.pair_id)


async def got_checkin_date(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    pair_id = (await saved(state))["pair_id"]
    held_on = await interactions.checkin_day(session, identity.user, pair_id, message.text, clock())
    await state.update_data(held_on=held_on.isoformat())
    await state.set_state(Mentoring.checkin_discussed)
    await message.answer(kit.ASK_DISCUSSED)


async def got_discussed(message: Message, state: FSMContext) -> None:
    await state.update_data(discussed=clean_text(message.text, rules.MAX_TEXT, "Что обсуждали"))
    await state.set_state(Mentoring.checkin_next)
    await message.answer(kit.ASK_NEXT)


async def got_next_steps(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    data = await saved(state)
    held_on = date.fromisoformat(data.get("held_on") or date.min.isoformat())  # date.min: refused as too early
    await interactions.log_checkin(
        session, identity.user, data["pair_id"], held_on, data.get("discussed"), message.text, clock()
    )
    await state.clear()
    text, markup, _ = await _card(session, identity, data["pair_id"], kit.CHECKIN_SAVED, clock=clock)
    await message.answer(text, reply_markup=markup)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(mentees_command, Command("mentees"))
    router.callback_query.register(mentees_page, MentorCb.filter(F.action == "list"))
    router.callback_query.register(mentee_card, MenteeOpenCb.filter())
    router.callback_query.register(mentee_card, MentorCb.filter(F.action == "card"))
    router.callback_query.register(mentee_card_in_place, MentorCb.filter(F.action == "view"))
    router.callback_query.register(pick_step, MentorCb.filter(F.action == "steps"), flags=READ_ONLY)
    router.callback_query.register(comment_start, MentorCb.filter(F.action.in_({"cmt_route", "cmt_step"})))
    router.message.register(got_comment, StateFilter(Mentoring.comment), TYPED)
    router.callback_query.register(approve, MentorCb.filter(F.action == "approve"))
    router.callback_query.register(propose_start, MentorCb.filter(F.action == "propose"))
    router.message.register(got_proposal_title, StateFilter(Mentoring.proposal_title), TYPED)
    router.message.register(got_proposal_deadline, StateFilter(Mentoring.proposal_deadline), TYPED)
    router.callback_query.register(checkin_start, MentorCb.filter(F.action == "checkin"))
    router.message.register(got_checkin_date, StateFilter(Mentoring.checkin_date), TYPED)
    router.message.register(got_discussed, StateFilter(Mentoring.checkin_discussed), TYPED)
    router.message.register(got_next_steps, StateFilter(Mentoring.checkin_next), TYPED)
    return router
