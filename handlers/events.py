"""The teacher's side of events: /events, /my_events, the event card, sign-up and cancellation,
waitlist offers, the .ics file and feedback after the event."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.render import ics
from bot.services import event_catalog, feedback, signups
from bot.services.errors import NotRegistered
from bot.services.event_catalog import View
from bot.services.roles import Identity
from handlers import events_ui as ui_ev
from handlers import texts, ui
from handlers.events_ui import EventCb, EventListCb, FeedbackCb, FeedbackComment, FeedbackSkipCb, OfferCb
from handlers.filters import IS_COMMAND, TYPED
from models import User

router = Router(name=__name__)


def _user(identity: Identity) -> User:
    if identity.user is None:
        raise NotRegistered()
    return identity.user


async def _send_list(message: Message, session: AsyncSession, identity: Identity, view: View) -> None:
    user = _user(identity)
    page = await event_catalog.list_events(session, user, view)
    await message.answer(ui_ev.event_list(page, user.timezone), reply_markup=ui_ev.event_list_kb(page, user.timezone))


# Another command closes the comment prompt and runs as usual: otherwise whatever the teacher types
# next, anywhere, would be saved as a comment on the event. Registered first, so /events and
# /my_events (which only read) find the prompt already closed.
router.message(FeedbackComment.comment, IS_COMMAND)(ui.leave_dialog_for_command)


@router.message(Command("events"), flags=READ_ONLY)
async def events_command(message: Message, session: AsyncSession, identity: Identity) -> None:
    await _send_list(message, session, identity, View.recommended)


@router.message(Command("my_events"), flags=READ_ONLY)
async def my_events_command(message: Message, session: AsyncSession, identity: Identity) -> None:
    await _send_list(message, session, identity, View.mine)


@router.callback_query(EventListCb.filter(), flags=READ_ONLY)
async def list_page(
    query: CallbackQuery, callback_data: EventListCb, session: AsyncSession, identity: Identity
) -> None:
    user = _user(identity)
    view = event_catalog.parse_view(callback_data.view)
    page = await event_catalog.list_events(session, user, view, callback_data.page)
    await ui.show(query, ui_ev.event_list(page, user.timezone), ui_ev.event_list_kb(page, user.timezone))


@router.callback_query(EventCb.filter(F.action == "open"), flags=READ_ONLY)
async def open_card(query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity) -> None:
    user = _user(identity)
    card = await event_catalog.card(session, user, callback_data.event_id)
    await ui.show(query, ui_ev.card(card, user.timezone), ui_ev.card_kb(card, callback_data.view, callback_data.page))


@router.callback_query(EventCb.filter(F.action == "join"))
async def join(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity,
    signup_policy: signups.SignupPolicy,
) -> None:
    user = _user(identity)
    card = await event_catalog.join(session, user, callback_data.event_id, signup_policy)
    await ui.show(query, ui_ev.card(card, user.timezone, notice=ui_ev.joined(card)),
                  ui_ev.card_kb(card, callback_data.view, callback_data.page))


@router.callback_query(EventCb.filter(F.action == "leave_ask"), flags=READ_ONLY)
async def leave_ask(query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity) -> None:
    event = await event_catalog.visible_event(session, _user(identity), callback_data.event_id)
    await ui.show(query, ui_ev.leave_question(event),
                  ui_ev.leave_confirm_kb(event.id, callback_data.view, callback_data.page))


@router.callback_query(EventCb.filter(F.action == "leave"))
async def leave(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity,
    signup_policy: signups.SignupPolicy,
) -> None:
    user = _user(identity)
    card = await event_catalog.leave(session, user, callback_data.event_id, signup_policy)
    await ui.show(query, ui_ev.card(card, user.timezone, notice="Запись отменена."),
                  ui_ev.card_kb(card, callback_data.view, callback_data.page))


@router.callback_query(EventCb.filter(F.action == "ics"), flags=READ_ONLY)
async def calendar_file(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, identity: Identity
) -> None:
    event = await event_catalog.calendar_event(session, _user(identity), callback_data.event_id)
    await query.answer()
    await query.bot.send_document(
        query.from_user.id, BufferedInputFile(ics.event_ics(event), filename=ics.filename(event)),
        caption=f"Откройте файл, чтобы добавить «{texts.esc(event.title)}» в календарь.",
    )


@router.callback_query(OfferCb.filter())
async def answer_offer(
    query: CallbackQuery, callback_data: OfferCb, session: AsyncSession, identity: Identity,
    signup_policy: signups.SignupPolicy,
) -> None:
    user = _user(identity)
    registration, event = await signups.answer_offer(
        session, user, callback_data.reg_id, callback_data.accept, signup_policy)
    await ui.show(query, ui_ev.offer_answered(registration, event, user.timezone), ui_ev.open_event_kb(event.id))


@router.callback_query(FeedbackCb.filter())
async def rate(
    query: CallbackQuery, callback_data: FeedbackCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    row = await feedback.save_rating(session, _user(identity), callback_data.event_id, callback_data.rating)
    await state.set_state(FeedbackComment.comment)
    await state.set_data({"event_id": row.event_id})
    await ui.show(query, ui_ev.rating_saved(row.rating), ui_ev.skip_comment_kb(row.event_id))


@router.callback_query(FeedbackSkipCb.filter())
async def skip_comment(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() == FeedbackComment.comment.state:
        await state.clear()
    await ui.show(query, ui_ev.FEEDBACK_DONE)


@router.message(FeedbackComment.comment, TYPED)
async def comment(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    event_id = int((await state.get_data()).get("event_id", 0))
    await feedback.save_comment(session, _user(identity), event_id, message.text)
    await state.clear()
    await message.answer(ui_ev.COMMENT_SAVED)


@router.message(FeedbackComment.comment, ~F.text, flags=READ_ONLY)
async def comment_not_text(message: Message) -> None:
    await message.answer(ui_ev.NEED_COMMENT_TEXT)
