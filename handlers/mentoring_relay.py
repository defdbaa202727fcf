"""Both sides of a pair: the mentee's /mentor, answering a proposed step, messages relayed
between mentor and mentee (neither learns the other's account), final reviews once a pair has
ended, and the reply to anything but text in a mentoring dialog."""

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares.db import READ_ONLY
from bot.services import users
from bot.services.mentoring import dashboard, interactions, pairing
from bot.services.roles import Identity
from handlers import mentoring_relay_ui as kit
from handlers import ui
from handlers.filters import TYPED
from handlers.mentoring_ui import (
    MentorCb, Mentoring, ProposalCb, RelayCb, ReviewCb, registered, saved, start_dialog,
)

router = Router(name=__name__)


@router.message(Command("mentor"))
async def mentor_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    found = await dashboard.my_mentors(session, registered(identity))
    await message.answer(kit.my_mentors(found), reply_markup=kit.my_mentors_kb(found))


@router.callback_query(ProposalCb.filter())
async def answer_proposal(query: CallbackQuery, callback_data: ProposalCb, session: AsyncSession,
                          identity: Identity) -> None:
    proposal, _ = await interactions.answer_proposal(session, registered(identity), callback_data.proposal_id,
                                                     callback_data.accept)
    await ui.show(query, kit.proposal_answered(proposal.title, callback_data.accept))


@router.callback_query(RelayCb.filter())
@router.callback_query(MentorCb.filter(F.action == "write"))
async def relay_start(query: CallbackQuery, callback_data: RelayCb | MentorCb, state: FSMContext,
                      session: AsyncSession, identity: Identity) -> None:
    _, peer = await interactions.relay_peer(session, registered(identity), callback_data.pair_id)
    await state.set_state(Mentoring.relay)
    await state.set_data({"pair_id": callback_data.pair_id})
    await query.answer()
    await query.bot.send_message(query.from_user.id, kit.ask_relay(peer))


@router.message(Mentoring.relay, TYPED)
async def got_relay(message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot,
                    sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    relayed = await interactions.relay(session, registered(identity), (await saved(state))["pair_id"], message.text)
    await state.clear()
    try:
        await bot.send_message(relayed.recipient.telegram_id, relayed.text, reply_markup=kit.reply_kb(relayed.pair_id))
    except TelegramForbiddenError:
        # Telegram's answer, not part of the update's writes (committed before the send): recorded
        # on its own, as the error handler records a sender who blocked the bot.
        async with sessionmaker() as own, own.begin():
            await users.set_reachable(own, relayed.recipient.telegram_id, False)
        await message.answer(kit.RELAY_FAILED)
        return
    except TelegramBadRequest:
        await message.answer(kit.RELAY_FAILED)
        return
    await message.answer(kit.RELAY_SENT)


@router.callback_query(ReviewCb.filter())
async def review_start(query: CallbackQuery, callback_data: ReviewCb, state: FSMContext, session: AsyncSession,
                       identity: Identity) -> None:
    await pairing.review_pair(session, registered(identity), callback_data.pair_id)
    await start_dialog(query, state, Mentoring.review, kit.ASK_REVIEW, pair_id=callback_data.pair_id)


@router.message(Mentoring.review, TYPED)
async def got_review(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await pairing.save_review(session, registered(identity), (await saved(state))["pair_id"], message.text)
    await state.clear()
    await message.answer(kit.REVIEW_SAVED)


@router.message(Mentoring.relay, ~F.text, flags=READ_ONLY)
async def relay_not_text(message: Message) -> None:
    await message.answer(kit.RELAY_TEXT_ONLY)


@router.message(StateFilter(*[s for s in Mentoring.__all_states__ if s != Mentoring.relay]), ~F.text, flags=READ_ONLY)
async def need_text(message: Message) -> None:
    await message.answer(kit.NEED_TEXT)
