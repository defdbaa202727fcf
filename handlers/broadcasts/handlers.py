"""/broadcast: compose (the methodist's own message) or announce an event, send now or later, live
progress, stop. The audience screens are in `audience`. Every press re-checks the role, the author
and the broadcast's status in the service."""

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import broadcasts
from bot.services.broadcasts import quiet
from bot.services.broadcasts import report as broadcast_report
from bot.services.broadcasts.announce import (
    announceable_event,
    announcement_buttons,
    announcement_text,
    create_announcement,
)
from bot.services.events.inputs import parse_moment
from bot.services.shared import timefmt
from bot.services.shared.errors import DomainError, InvalidInput
from bot.services.shared.roles import Identity
from handlers.broadcasts import texts as btexts
from handlers.broadcasts import ui as bui
from handlers.broadcasts.audience import render_screen
from handlers.broadcasts.callbacks import BcCb, BroadcastAnnounceCb, BroadcastFlow
from handlers.shared import outbox_buttons, ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import NOT_COMMAND, TYPED
from models import BroadcastStatus


def _zone(identity: Identity, settings: Settings) -> str:
    return timefmt.reader_zone(identity.user, settings.default_timezone)


async def broadcast_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.set_state(BroadcastFlow.compose)
    await state.set_data({})
    await message.answer(btexts.COMPOSE, reply_markup=bui.recent_kb(await broadcasts.recent(session, identity)))


async def compose(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot, clock: Clock
) -> None:
    if message.media_group_id:
        raise InvalidInput(btexts.NO_ALBUMS)
    if not (message.text or message.photo or message.document):
        raise InvalidInput(btexts.NEED_CONTENT)
    fallback = "[фото]" if message.photo else "[документ]"
    preview = broadcasts.preview_of(message.text or message.caption, fallback)
    draft_id = (await state.get_data()).get("id")
    if draft_id:
        b = await broadcasts.replace_source(
            session, identity, int(draft_id), message.chat.id, message.message_id, preview
        )
    else:
        b = await broadcasts.create(session, identity, message.chat.id, message.message_id, preview)
    await state.clear()
    await message.answer(btexts.PREVIEW_HEAD)
    await bot.copy_message(
        message.chat.id, message.chat.id, message.message_id, reply_markup=outbox_buttons.markup(b.buttons)
    )
    text, markup = await render_screen(session, identity, b, BcCb(action="aud", id=b.id), clock())
    await message.answer(text, reply_markup=markup)


async def schedule(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    bot: Bot,
    clock: Clock,
) -> None:
    zone, now = _zone(identity, settings), clock()
    when = parse_moment(message.text, zone, now)
    data = await state.get_data()
    b = await broadcasts.schedule(session, identity, int(data.get("id", 0)), when, now)
    prompt = data.get("prompt")  # the "when?" message becomes the live progress card
    if prompt:
        await broadcasts.attach_progress(session, identity, b.id, message.chat.id, int(prompt))
    await state.clear()
    p = await broadcast_report.progress(session, b, now, quiet.hours(settings.quiet_hours))
    text = broadcast_report.progress_text(b, p, zone)
    if prompt:
        try:
            await bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=int(prompt), reply_markup=bui.progress_kb(b)
            )
            return
        except TelegramBadRequest:
            pass  # deleted meanwhile: the answer below still confirms it
    await message.answer(text, reply_markup=bui.progress_kb(b))


async def announce(
    query: CallbackQuery,
    callback_data: BroadcastAnnounceCb,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
    clock: Clock,
) -> None:
    """The bot sends the announcement to the methodist, then creates the draft that copies that
    message: the update's writes come after that first message and commit once, before the next."""
    event = await announceable_event(session, identity, callback_data.event_id, clock())
    await ui.answer(query)
    sent = await bot.send_message(
        query.from_user.id, announcement_text(event), reply_markup=outbox_buttons.markup(announcement_buttons(event.id))
    )
    b = await create_announcement(session, identity, event, sent.chat.id, sent.message_id)
    text, markup = await render_screen(session, identity, b, BcCb(action="aud", id=b.id), clock())
    await bot.send_message(query.from_user.id, text, reply_markup=markup)


async def send_now(
    query: CallbackQuery,
    callback_data: BcCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    """The live progress message is sent first, saying nothing is done yet: the broadcast is then
    started with that message attached, and the update's writes commit once, before the replies."""
    b = await broadcasts.get(session, identity, callback_data.id, BroadcastStatus.draft)  # a second tap stops here
    card = await query.bot.send_message(query.from_user.id, btexts.starting(b))
    now = clock()
    try:
        b = await broadcasts.start(session, identity, b.id, now)
    except DomainError:  # nothing started (the audience emptied meanwhile): no progress to show
        with suppress(TelegramBadRequest):
            await query.bot.delete_message(card.chat.id, card.message_id)
        raise
    await broadcasts.attach_progress(session, identity, b.id, card.chat.id, card.message_id)
    p = await broadcast_report.progress(session, b, now, quiet.hours(settings.quiet_hours))
    await ui.show(query, btexts.started(b))
    await query.bot.edit_message_text(
        broadcast_report.progress_text(b, p, _zone(identity, settings)),
        chat_id=card.chat.id,
        message_id=card.message_id,
        reply_markup=bui.progress_kb(b),
    )


async def ask_text(
    query: CallbackQuery,
    callback_data: BcCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
) -> None:
    b = await broadcasts.get(session, identity, callback_data.id, BroadcastStatus.draft)
    await state.set_state(BroadcastFlow.when if callback_data.action == "when" else BroadcastFlow.compose)
    prompt = query.message.message_id if isinstance(query.message, Message) else None
    await state.set_data({"id": b.id, "prompt": prompt})
    await ui.show(
        query, btexts.ask_when(_zone(identity, settings)) if callback_data.action == "when" else btexts.RECOMPOSE
    )


async def drop(
    query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    b = await broadcasts.get(session, identity, callback_data.id, BroadcastStatus.draft)
    await broadcasts.cancel(session, identity, b.id, clock())
    await ui.show(query, f"Черновик рассылки №{b.id} удалён.")


async def stop_ask(query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity) -> None:
    b = await broadcasts.get(session, identity, callback_data.id, BroadcastStatus.scheduled, BroadcastStatus.sending)
    await ui.answer(query)
    # A new message: the progress message itself keeps being edited by the progress job.
    await query.bot.send_message(query.from_user.id, btexts.stop_question(b), reply_markup=bui.stop_kb(b))


async def stop(
    query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    withdrawn = await broadcasts.cancel(session, identity, callback_data.id, clock())
    b = await broadcasts.get(session, identity, callback_data.id)
    await ui.show(query, btexts.stopped(b, withdrawn))


async def stop_no(query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity) -> None:
    b = await broadcasts.get(session, identity, callback_data.id)
    await ui.show(query, f"Хорошо, рассылка №{b.id} продолжается.")


async def status(
    query: CallbackQuery,
    callback_data: BcCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    b = await broadcasts.get(session, identity, callback_data.id)
    p = await broadcast_report.progress(session, b, clock(), quiet.hours(settings.quiet_hours))
    await ui.show(query, broadcast_report.progress_text(b, p, _zone(identity, settings)), bui.progress_kb(b))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(broadcast_command, Command("broadcast"))
    router.message.register(compose, StateFilter(BroadcastFlow.compose), NOT_COMMAND)
    router.message.register(schedule, StateFilter(BroadcastFlow.when), TYPED)
    router.callback_query.register(announce, BroadcastAnnounceCb.filter())
    router.callback_query.register(send_now, BcCb.filter(F.action == "now"))
    router.callback_query.register(ask_text, BcCb.filter(F.action.in_(("when", "retext"))))
    router.callback_query.register(drop, BcCb.filter(F.action == "drop"))
    router.callback_query.register(stop_ask, BcCb.filter(F.action == "stop"), flags=READ_ONLY)
    router.callback_query.register(stop, BcCb.filter(F.action == "stopyes"))
    router.callback_query.register(stop_no, BcCb.filter(F.action == "stopno"), flags=READ_ONLY)
    router.callback_query.register(status, BcCb.filter(F.action == "status"), flags=READ_ONLY)
    return router
