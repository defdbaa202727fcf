"""/events_admin: the methodist's events in scope and one event's card with its actions: cancel,
registrants and their XLSX export, attendance, closing (feedback requests go out) and the feedback
summary. Field edits live in handlers.events.edit, sharing the /new_event steps (handlers.events.dialog).
Every button carries an event id, i.e. user input: the services re-check scope and status."""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import xlsx
from bot.services import events
from bot.services.events import draft as event_draft
from bot.services.shared import orgs
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import local
from handlers.events import manage_ui as kit
from handlers.events.callbacks import EventAdminCb, EventEdit
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.texts import POSITION_LABELS
from models import EventStatus


def on(action: str):
    return EventAdminCb.filter(F.action == action)


async def render_list(session: AsyncSession, identity: Identity, page: int, clock: Clock):
    paged = await events.list_page(session, identity, page, clock())
    counts = await events.counts_for(session, [event.id for event in paged.items])
    return kit.event_list(paged, counts, await events.author_zone(session, identity))


async def render_card(session: AsyncSession, identity: Identity, event_id: int, clock: Clock):
    event = await events.get_for_methodist(session, identity, event_id)
    counts = (await events.counts_for(session, [event.id]))[event.id]
    zone = await events.author_zone(session, identity, event.scope_org_id)
    started = clock() >= event.starts_at
    text = kit.card(
        event,
        event_draft.draft_from_event(event),
        await orgs.display_name(session, event.scope_org_id),
        counts,
        zone,
        started,
    )
    return text, kit.card_menu(event, started)


async def render_attendance(session: AsyncSession, identity: Identity, event_id: int, page: int, clock: Clock):
    event, paged = await events.registrants(session, identity, event_id, page, only_registered=True)
    events.require_status(event, EventStatus.published, EventStatus.closed)
    events.require_started(event, clock(), "Отмечать посещение")
    return kit.attendance(event, paged)


async def _leave_edit(state: FSMContext) -> None:
    """Going back to the list or a card abandons a field edit, but never a half-made draft."""
    if await state.get_state() == EventEdit.value.state:
        await state.clear()


async def events_admin(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _leave_edit(state)
    text, markup = await render_list(session, identity, 0, clock=clock)
    await message.answer(text, reply_markup=markup)


async def show_list(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await ui.show(query, *await render_list(session, identity, callback_data.page, clock=clock))


async def show_card(
    query: CallbackQuery,
    callback_data: EventAdminCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    await _leave_edit(state)
    await ui.show(query, *await render_card(session, identity, callback_data.event_id, clock=clock))


async def edit_menu(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity
) -> None:
    event = await events.get_for_methodist(session, identity, callback_data.event_id)
    events.require_status(event, EventStatus.published)
    await ui.show(query, f"Что изменить в «{kit.cut(event.title, 200)}»?", kit.event_fields(event.id))


async def cancel_ask(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity
) -> None:
    event = await events.get_for_methodist(session, identity, callback_data.event_id)
    events.require_status(event, EventStatus.published)
    counts = (await events.counts_for(session, [event.id]))[event.id]
    people = counts.registered + counts.waitlisted + counts.offered
    await ui.show(
        query,
        f"Отменить «{kit.cut(event.title, 200)}»? Уведомление получат все записавшиеся и "
        f"ожидающие места ({people}). Это действие нельзя отменить.",
        kit.confirm(event.id, "cancel_yes", "Да, отменить мероприятие"),
    )


async def cancel_do(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    told = await events.cancel(session, identity, callback_data.event_id)
    text, markup = await render_card(session, identity, callback_data.event_id, clock=clock)
    await ui.show(query, f"Мероприятие отменено. Уведомлений участникам: {told}.\n\n{text}", markup)


async def show_registrants(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity
) -> None:
    event, paged = await events.registrants(session, identity, callback_data.event_id, callback_data.page)
    await ui.show(query, *kit.registrants(event, paged, events.REGISTRANTS_PAGE))


async def export(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    event, everyone = await events.registrants(session, identity, callback_data.event_id)
    zone = await events.author_zone(session, identity, event.scope_org_id)
    rows = [
        xlsx.RegistrantRow(
            full_name=item.user.full_name or "(данные удалены)",
            organization=item.organization,
            position=POSITION_LABELS.get(item.user.position, ""),
            status=kit.REG_STATUS[item.registration.status],
            attendance={True: "присутствовал(а)", False: "отсутствовал(а)"}.get(item.registration.attended, ""),
            registered_at=local(item.registration.created_at, zone).replace(tzinfo=None),
        )
        for item in everyone.items
    ]
    document = BufferedInputFile(xlsx.registrants(rows, event.title), filename=f"event_{event.id}_registrants.xlsx")
    await ui.answer(query)
    await bot.send_document(
        query.from_user.id, document, caption=f"Записавшиеся: {kit.cut(event.title, 200)} ({len(rows)} чел.)"
    )


async def show_attendance(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await ui.show(
        query, *await render_attendance(session, identity, callback_data.event_id, callback_data.page, clock=clock)
    )


async def mark_attendance(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    one = None if callback_data.action == "att_all" else callback_data.arg
    await events.set_attendance(
        session, identity, callback_data.event_id, one, callback_data.action != "att_off", clock()
    )
    await ui.show(
        query, *await render_attendance(session, identity, callback_data.event_id, callback_data.page, clock=clock)
    )


async def close_ask(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    event = await events.get_for_methodist(session, identity, callback_data.event_id)
    events.require_status(event, EventStatus.published)
    events.require_started(event, clock(), "Завершить мероприятие")
    attended = (await events.counts_for(session, [event.id]))[event.id].attended
    await ui.show(
        query,
        f"Завершить «{kit.cut(event.title, 200)}»? Отмеченные присутствующими ({attended}) "
        "получат просьбу оценить мероприятие. Сначала отметьте посещаемость.",
        kit.confirm(event.id, "close_yes", "Да, завершить"),
    )


async def close_do(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    asked = await events.close(session, identity, callback_data.event_id, clock())
    text, markup = await render_card(session, identity, callback_data.event_id, clock=clock)
    await ui.show(query, f"Мероприятие завершено. Просьб оценить отправлено: {asked}.\n\n{text}", markup)


async def show_feedback(
    query: CallbackQuery, callback_data: EventAdminCb, session: AsyncSession, identity: Identity
) -> None:
    event, summary = await events.feedback_summary(session, identity, callback_data.event_id, callback_data.page)
    await ui.show(query, *kit.feedback(event, summary))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(events_admin, Command("events_admin"))
    router.callback_query.register(show_list, on("list"), flags=READ_ONLY)
    router.callback_query.register(show_card, on("card"))
    router.callback_query.register(edit_menu, on("edit"), flags=READ_ONLY)
    router.callback_query.register(cancel_ask, on("cancel"), flags=READ_ONLY)
    router.callback_query.register(cancel_do, on("cancel_yes"))
    router.callback_query.register(show_registrants, on("regs"), flags=READ_ONLY)
    router.callback_query.register(export, on("xlsx"), flags=READ_ONLY)
    router.callback_query.register(show_attendance, on("att"), flags=READ_ONLY)
    router.callback_query.register(mark_attendance, EventAdminCb.filter(F.action.in_({"att_on", "att_off", "att_all"})))
    router.callback_query.register(close_ask, on("close"), flags=READ_ONLY)
    router.callback_query.register(close_do, on("close_yes"))
    router.callback_query.register(show_feedback, on("fb"), flags=READ_ONLY)
    return router
