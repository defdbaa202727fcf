"""/courses, one record of the teacher: its card, finishing a course in progress (end date and
certificate), a new certificate for a returned record, removal."""

from datetime import date

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import courses
from bot.services.route.common import today
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.courses import ui
from handlers.courses.files import certificate
from handlers.courses.record import screen
from handlers.courses.ui import CourseCb, CourseDialog
from handlers.shared import ui as shared_ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED, Has
from handlers.shared.texts import esc


async def open_record(query: CallbackQuery, callback_data: CourseCb, session: AsyncSession, identity: Identity) -> None:
    record = await courses.owned(session, identity.user, callback_data.record_id)
    await shared_ui.show(query, ui.card(record), ui.card_kb(record))


async def finish_start(
    query: CallbackQuery, callback_data: CourseCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    record = await courses.owned(session, identity.user, callback_data.record_id)
    if record.status.value != "in_progress":
        raise InvalidInput("Этот курс уже отмечен завершённым.")
    await state.set_state(CourseDialog.finish_end)
    await state.set_data({"record_id": record.id})
    await shared_ui.show(query, ui.ASK_FINISH_END)


async def got_finish_end(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    data = await state.get_data()
    record = await courses.owned(session, identity.user, int(data.get("record_id", 0)))
    end = courses.parse_date(message.text)
    courses.check_dates(record.start_date, end, today(identity.user, clock()), completed=True)
    await state.update_data(end=end.isoformat())
    await state.set_state(CourseDialog.finish_file)
    await message.answer(ui.ASK_CERTIFICATE)


async def got_finish_file(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    file_id, kind = certificate(message)
    data = await state.get_data()
    if not data.get("end"):
        raise InvalidInput("Запись прервалась. Откройте курс заново в /courses.")
    end = date.fromisoformat(data["end"])
    await courses.finish(session, identity.user, int(data.get("record_id", 0)), end, file_id, kind, clock())
    await state.clear()
    text, markup = await screen(session, identity, notice=ui.SAVED_PENDING)
    await message.answer(text, reply_markup=markup)


async def resubmit_start(
    query: CallbackQuery, callback_data: CourseCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    record = await courses.owned(session, identity.user, callback_data.record_id)
    if record.status.value != "returned":
        raise InvalidInput("Эта запись не возвращена на доработку.")
    await state.set_state(CourseDialog.resubmit_file)
    await state.set_data({"record_id": record.id})
    await shared_ui.show(query, ui.ASK_RESUBMIT)


async def got_resubmit_file(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    file_id, kind = certificate(message)
    await courses.resubmit(session, identity.user, int((await state.get_data()).get("record_id", 0)), file_id, kind)
    await state.clear()
    text, markup = await screen(session, identity, notice=ui.SAVED_PENDING)
    await message.answer(text, reply_markup=markup)


async def remove_ask(query: CallbackQuery, callback_data: CourseCb, session: AsyncSession, identity: Identity) -> None:
    record = await courses.owned(session, identity.user, callback_data.record_id)
    await shared_ui.show(query, f"Удалить запись о курсе «{esc(record.title)}»?", ui.remove_kb(record.id))


async def remove(query: CallbackQuery, callback_data: CourseCb, session: AsyncSession, identity: Identity) -> None:
    await courses.remove(session, identity.user, callback_data.record_id)
    await shared_ui.show(query, *await screen(session, identity, notice="Запись удалена."))


async def need_certificate(message: Message) -> None:
    await message.answer(ui.ASK_CERTIFICATE)


async def need_text(message: Message) -> None:
    await message.answer(ui.NEED_TEXT)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.callback_query.register(open_record, CourseCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(finish_start, CourseCb.filter(F.action == "finish"))
    router.message.register(got_finish_end, StateFilter(CourseDialog.finish_end), TYPED)
    router.message.register(need_text, StateFilter(CourseDialog.finish_end), NOT_COMMAND, flags=READ_ONLY)
    files = StateFilter(CourseDialog.finish_file, CourseDialog.resubmit_file)
    router.message.register(got_finish_file, StateFilter(CourseDialog.finish_file), Has("photo", "document"))
    router.message.register(got_resubmit_file, StateFilter(CourseDialog.resubmit_file), Has("photo", "document"))
    router.message.register(need_certificate, files, NOT_COMMAND, flags=READ_ONLY)
    router.callback_query.register(resubmit_start, CourseCb.filter(F.action == "resubmit"))
    router.callback_query.register(remove_ask, CourseCb.filter(F.action == "remove_ask"), flags=READ_ONLY)
    router.callback_query.register(remove, CourseCb.filter(F.action == "remove"))
    return router
