"""Both sides of a pair: the mentee's /mentor, answering a proposed step, messages relayed
between mentor and mentee (neither learns the other's account), final reviews once a pair has
ended, and the reply to anything but text in a mentoring dialog."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services.mentoring import dashboard, interactions, pairing
from bot.services.shared.roles import Identity
from handlers.mentoring import relay_ui as kit
from handlers.mentoring.ui import (
    MentorCb,
    Mentoring,
    ProposalCb,
    RelayCb,
    ReviewCb,
    saved,
    start_dialog,
)
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NO_TEXT, TYPED


async def mentor_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    found = await dashboard.my_mentors(session, identity.user)
    await message.answer(kit.my_mentors(found), reply_markup=kit.my_mentors_kb(found))


async def answer_proposal(
    query: CallbackQuery, callback_data: ProposalCb, session: AsyncSession, identity: Identity
) -> None:
    proposal, _ = await interactions.answer_proposal(
        session, identity.user, callback_data.proposal_id, callback_data.accept
    )
    await ui.show(query, kit.proposal_answered(proposal.title, callback_data.accept))


async def relay_start(
    query: CallbackQuery,
    callback_data: RelayCb | MentorCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
) -> None:
    _, peer = await interactions.relay_peer(session, identity.user, callback_data.pair_id)
    await state.set_state(Mentoring.relay)
    await state.set_data({"pair_id": callback_data.pair_id})
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, kit.ask_relay(peer))


async def got_relay(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    relayed = await interactions.relay(
        session, identity.user, (await saved(state))["pair_id"], message.text, message.message_id
    )
    await state.clear()
    await message.answer(kit.RELAY_SENT if relayed.reachable else kit.RELAY_FAILED)


async def review_start(
    query: CallbackQuery, callback_data: ReviewCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await pairing.review_pair(session, identity.user, callback_data.pair_id)
    await start_dialog(query, state, Mentoring.review, kit.ASK_REVIEW, pair_id=callback_data.pair_id)


async def got_review(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await pairing.save_review(session, identity.user, (await saved(state))["pair_id"], message.text)
    await state.clear()
    await message.answer(kit.REVIEW_SAVED)


async def relay_not_text(message: Message) -> None:
    await message.answer(kit.RELAY_TEXT_ONLY)


async def need_text(message: Message) -> None:
    await message.answer(kit.NEED_TEXT)


def setup() -> Router:
    router = Router(name=__name__)
    members = GatedRouter(name=f"{__name__}.members", who=Registered())
    members.message.register(mentor_command, Command("mentor"))
    members.callback_query.register(answer_proposal, ProposalCb.filter())
    members.callback_query.register(relay_start, MentorCb.filter(F.action == "write"))
    members.callback_query.register(relay_start, RelayCb.filter())
    members.message.register(got_relay, StateFilter(Mentoring.relay), TYPED)
    members.callback_query.register(review_start, ReviewCb.filter())
    members.message.register(got_review, StateFilter(Mentoring.review), TYPED)
    # Open to all: the methodist's /pairs steps are Mentoring states too, and an admin need not be registered.
    router.message.register(relay_not_text, StateFilter(Mentoring.relay), NO_TEXT, flags=READ_ONLY)
    router.message.register(
        need_text, StateFilter(*[s for s in Mentoring.__all_states__ if s != Mentoring.relay]), NO_TEXT, flags=READ_ONLY
    )
    router.include_router(members)
    return router
