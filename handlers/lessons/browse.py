"""/lessons for every registered person: open lessons to come (own deficits first), a lesson's
card, booking and cancelling a place; the host's lessons, who comes, held or cancelled."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.lessons import booking, hosting
from bot.services.shared.roles import Identity
from handlers.lessons import browse_ui as kit
from handlers.lessons.ui import LessonCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.texts import esc


async def lessons_command(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await state.clear()
    found = await booking.upcoming(session, identity.user, clock(), 0)
    await message.answer(kit.listing(found, identity.user.timezone), reply_markup=kit.listing_kb(found))


async def list_page(
    query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    found = await booking.upcoming(session, identity.user, clock(), callback_data.page)
    await ui.show(query, kit.listing(found, identity.user.timezone), kit.listing_kb(found))


async def open_card(query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity) -> None:
    c = await booking.card(session, identity.user, callback_data.lesson_id)
    await ui.show(query, kit.card(c, identity.user.timezone), kit.card_kb(c))


async def book(
    query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    visit = await booking.book(session, identity.user, callback_data.lesson_id, clock())
    lesson = await booking.visible(session, identity.user, callback_data.lesson_id)
    await ui.show(query, kit.booked(lesson, identity.user.timezone, visit.step_id is not None))


async def unbook(
    query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    lesson = await booking.cancel_booking(session, identity.user, callback_data.lesson_id, clock())
    await ui.show(query, f"Запись на урок «{esc(lesson.topic)}» отменена.")


async def mine(query: CallbackQuery, session: AsyncSession, identity: Identity) -> None:
    hosted = await hosting.mine(session, identity.user)
    await ui.show(query, kit.mine(hosted, identity.user.timezone), kit.mine_kb(hosted))


async def visitors(query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity) -> None:
    lesson, found = await hosting.visitors(session, identity.user, callback_data.lesson_id)
    await ui.show(query, kit.visitors(lesson, found), kit.back_kb(lesson.id))


async def held(
    query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    lesson = await hosting.mark_held(session, identity.user, callback_data.lesson_id, clock())
    await ui.show(query, f"✅ Урок «{esc(lesson.topic)}» отмечен проведённым. Гости получат карточку наблюдения.")


async def cancel_ask(query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity) -> None:
    await hosting.owned(session, identity.user, callback_data.lesson_id)
    await ui.show(query, kit.CANCEL_ASK, kit.cancel_kb(callback_data.lesson_id))


async def cancel(query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity) -> None:
    lesson = await hosting.cancel(session, identity.user, callback_data.lesson_id)
    await ui.show(query, f"❌ Урок «{esc(lesson.topic)}» отменён, гости получат уведомление.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(lessons_command, Command("lessons"))
    router.callback_query.register(list_page, LessonCb.filter(F.action == "list"), flags=READ_ONLY)
    router.callback_query.register(open_card, LessonCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(book, LessonCb.filter(F.action == "book"))
    router.callback_query.register(unbook, LessonCb.filter(F.action == "unbook"))
    router.callback_query.register(mine, LessonCb.filter(F.action == "mine"), flags=READ_ONLY)
    router.callback_query.register(visitors, LessonCb.filter(F.action == "visitors"), flags=READ_ONLY)
    router.callback_query.register(held, LessonCb.filter(F.action == "held"))
    router.callback_query.register(cancel_ask, LessonCb.filter(F.action == "cancel_ask"), flags=READ_ONLY)
    router.callback_query.register(cancel, LessonCb.filter(F.action == "cancel"))
    return router
