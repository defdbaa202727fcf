"""The teacher's side of events: /events, /my_events, the event card, sign-up and cancellation,
waitlist offers, the .ics file and feedback after the event."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import ics
from bot.services.events import catalog as event_catalog
from bot.services.events import feedback, seats, waitlist
from bot.services.events.catalog import View
from bot.services.shared.roles import Identity
from handlers.events import teacher_ui as ui_ev
from handlers.events.callbacks import (
    AnnounceJoinCb,
    EventCb,
    EventListCb,
    FeedbackCb,
    FeedbackComment,
    FeedbackSkipCb,
    OfferCb,
)
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import IS_COMMAND, NO_TEXT, TYPED


async def _send_list(message: Message, session: AsyncSession, identity: Identity, view: View, clock: Clock) -> None:
    user = identity.user
    page = await event_catalog.list_events(session, user, view, now=clock())
    await message.answer(ui_ev.event_list(page, user.timezone), reply_markup=ui_ev.event_list_kb(page, user.timezone))


async def events_command(message: Message, session: AsyncSession, identity: Identity, clock: Clock) -> None:
    await _send_list(message, session, identity, View.recommended, clock=clock)


async def my_events_command(message: Message, session: AsyncSession, identity: Identity, clock: Clock) -> None:
    await _send_list(message, session, identity, View.mine, clock=clock)


async def list_page(
    query: CallbackQuery, callback_data: EventListCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    view = event_catalog.parse_view(callback_data.view)
    page = await event_catalog.list_events(session, user, view, callback_data.page, now=clock())
    await ui.show(query, ui_ev.event_list(page, user.timezone), ui_ev.event_list_kb(page, user.timezone))


async def open_card(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    card = await event_catalog.card(session, user, callback_data.event_id, clock())
    await ui.show(query, ui_ev.card(card, user.timezone), ui_ev.card_kb(card, callback_data.view, callback_data.page))


async def join(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    identity: Identity,
    signup_policy: seats.SignupPolicy,
    clock: Clock,
) -> None:
    user = identity.user
    card = await event_catalog.join(session, user, callback_data.event_id, signup_policy, clock())
    await ui.show(
        query,
        ui_ev.card(card, user.timezone, notice=ui_ev.joined(card, signup_policy.reminders_ahead(card.event, clock()))),
        ui_ev.card_kb(card, callback_data.view, callback_data.page),
    )


async def join_from_announcement(
    query: CallbackQuery,
    callback_data: AnnounceJoinCb,
    session: AsyncSession,
    identity: Identity,
    signup_policy: seats.SignupPolicy,
    clock: Clock,
) -> None:
    """One tap under an announcement signs up; the card comes as a new message below it, so the
    announcement (which other people got too) stays as it was."""
    user, now = identity.user, clock()
    before = await event_catalog.card(session, user, callback_data.event_id, now)
    if before.registration is not None:
        card, notice = before, "Вы уже записаны на это мероприятие."
    else:
        card = await event_catalog.join(session, user, callback_data.event_id, signup_policy, now)
        notice = ui_ev.joined(card, signup_policy.reminders_ahead(card.event, now))
    await ui.answer(query)
    await query.bot.send_message(
        query.from_user.id, ui_ev.card(card, user.timezone, notice=notice), reply_markup=ui_ev.card_kb(card, "all", 0)
    )


async def leave_ask(query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity) -> None:
    event = await event_catalog.visible_event(session, identity.user, callback_data.event_id)
    await ui.show(
        query, ui_ev.leave_question(event), ui_ev.leave_confirm_kb(event.id, callback_data.view, callback_data.page)
    )


async def leave(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    identity: Identity,
    signup_policy: seats.SignupPolicy,
    clock: Clock,
) -> None:
    user = identity.user
    card = await event_catalog.leave(session, user, callback_data.event_id, signup_policy, clock())
    await ui.show(
        query,
        ui_ev.card(card, user.timezone, notice="Запись отменена."),
        ui_ev.card_kb(card, callback_data.view, callback_data.page),
    )


async def calendar_file(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    event = await event_catalog.calendar_event(session, identity.user, callback_data.event_id)
    await ui.answer(query)
    await query.bot.send_document(
        query.from_user.id,
        BufferedInputFile(ics.event_ics(event, clock()), filename=ics.filename(event)),
        caption=f"Откройте файл, чтобы добавить «{texts.esc(event.title)}» в календарь.",
    )


async def answer_offer(
    query: CallbackQuery,
    callback_data: OfferCb,
    session: AsyncSession,
    identity: Identity,
    signup_policy: seats.SignupPolicy,
    clock: Clock,
) -> None:
    user = identity.user
    registration, event = await waitlist.answer_offer(
        session, user, callback_data.reg_id, callback_data.accept, signup_policy, clock()
    )
    ahead = signup_policy.reminders_ahead(event, clock())
    await ui.show(query, ui_ev.offer_answered(registration, event, user.timezone, ahead), ui_ev.open_event_kb(event.id))


async def rate(
    query: CallbackQuery,
    callback_data: FeedbackCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    row = await feedback.save_rating(session, identity.user, callback_data.event_id, callback_data.rating, clock())
    await state.set_state(FeedbackComment.comment)
    await state.set_data({"event_id": row.event_id})
    await ui.show(query, ui_ev.rating_saved(row.rating), ui_ev.skip_comment_kb(row.event_id))


async def skip_comment(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() == FeedbackComment.comment.state:
        await state.clear()
    await ui.show(query, ui_ev.FEEDBACK_DONE)


async def comment(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    event_id = int((await state.get_data()).get("event_id", 0))
    await feedback.save_comment(session, identity.user, event_id, message.text)
    await state.clear()
    await message.answer(ui_ev.COMMENT_SAVED)


async def comment_not_text(message: Message) -> None:
    await message.answer(ui_ev.NEED_COMMENT_TEXT)


def setup() -> Router:
    router = Router(name=__name__)
    members = GatedRouter(name=f"{__name__}.members", who=Registered())
    # Another command closes the comment prompt and runs as usual: otherwise whatever the teacher types
    # next, anywhere, would be saved as a comment on the event. Registered first, so /events and
    # /my_events (which only read) find the prompt already closed.
    members.message.register(ui.leave_dialog_for_command, StateFilter(FeedbackComment.comment), IS_COMMAND)
    members.message.register(events_command, Command("events"), flags=READ_ONLY)
    members.message.register(my_events_command, Command("my_events"), flags=READ_ONLY)
    members.callback_query.register(list_page, EventListCb.filter(), flags=READ_ONLY)
    members.callback_query.register(open_card, EventCb.filter(F.action == "open"), flags=READ_ONLY)
    members.callback_query.register(join, EventCb.filter(F.action == "join"))
    members.callback_query.register(join_from_announcement, AnnounceJoinCb.filter())
    members.callback_query.register(leave_ask, EventCb.filter(F.action == "leave_ask"), flags=READ_ONLY)
    members.callback_query.register(leave, EventCb.filter(F.action == "leave"))
    members.callback_query.register(calendar_file, EventCb.filter(F.action == "ics"), flags=READ_ONLY)
    members.callback_query.register(answer_offer, OfferCb.filter())
    members.callback_query.register(rate, FeedbackCb.filter())
    members.message.register(comment, StateFilter(FeedbackComment.comment), TYPED)
    members.message.register(comment_not_text, StateFilter(FeedbackComment.comment), NO_TEXT, flags=READ_ONLY)
    router.callback_query.register(skip_comment, FeedbackSkipCb.filter())  # open: it only closes a prompt
    router.include_router(members)
    return router
