"""/courses, the methodist's side: the queue of records from their scope, the certificate, approve
(completes the ИОМ step) or return with a reason. The teacher hears of both through the outbox."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import courses
from bot.services.courses import summary
from bot.services.shared import orgs
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import MOSCOW, local
from handlers.courses import review_ui as rui
from handlers.courses.review_ui import ReviewCb, ReviewDialog
from handlers.courses.ui import CoursesCb
from handlers.shared import ui as shared_ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import NOT_COMMAND, TYPED
from handlers.shared.texts import esc


async def _queue(session: AsyncSession, identity: Identity, page: int = 0, notice: str = ""):
    listing = await courses.pending(session, identity, page)
    return rui.queue(listing, notice), rui.queue_kb(listing)


async def queue(query: CallbackQuery, callback_data: CoursesCb, session: AsyncSession, identity: Identity) -> None:
    await shared_ui.show(query, *await _queue(session, identity, max(callback_data.page, 0)))


async def stale(
    query: CallbackQuery, callback_data: CoursesCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    zone = identity.user.timezone if identity.user else MOSCOW
    listing = await summary.stale(session, identity, local(clock(), zone).date(), max(callback_data.page, 0))
    await shared_ui.show(query, rui.stale(listing), rui.stale_kb(listing))


async def open_record(query: CallbackQuery, callback_data: ReviewCb, session: AsyncSession, identity: Identity) -> None:
    record, teacher = await courses.for_review(session, identity, callback_data.record_id)
    organization = await orgs.display_name(session, teacher.organization_id)
    await shared_ui.show(query, rui.review_card(record, teacher, organization), rui.review_kb(record))


async def send_certificate(
    query: CallbackQuery, callback_data: ReviewCb, session: AsyncSession, identity: Identity
) -> None:
    record, teacher = await courses.for_review(session, identity, callback_data.record_id)
    await shared_ui.answer(query)
    caption = f"Удостоверение: {esc(teacher.full_name or '—')}, «{esc(record.title)}»"[:1000]
    if record.certificate_kind == "photo":
        await query.bot.send_photo(query.from_user.id, record.certificate_file_id, caption=caption)
    else:
        await query.bot.send_document(query.from_user.id, record.certificate_file_id, caption=caption)


async def approve(
    query: CallbackQuery, callback_data: ReviewCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    record, step = await courses.approve(session, identity, callback_data.record_id, clock())
    notice = f"Курс «{esc(record.title)}» подтверждён."
    if step is not None:
        notice += f" Шаг ИОМ «{esc(step.title)}» отмечен выполненным."
    await shared_ui.show(query, *await _queue(session, identity, notice=notice))


async def return_start(
    query: CallbackQuery, callback_data: ReviewCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    record, _ = await courses.for_review(session, identity, callback_data.record_id)
    await state.set_state(ReviewDialog.reason)
    await state.set_data({"record_id": record.id})
    await shared_ui.show(query, rui.ASK_REASON)


async def got_reason(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    record_id = int((await state.get_data()).get("record_id", 0))
    record = await courses.send_back(session, identity, record_id, message.text or "", clock())
    await state.clear()
    text, markup = await _queue(session, identity, notice=f"Запись «{esc(record.title)}» возвращена педагогу.")
    await message.answer(text, reply_markup=markup)


async def need_reason(message: Message) -> None:
    await message.answer(rui.ASK_REASON)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.callback_query.register(queue, CoursesCb.filter(F.action == "review"), flags=READ_ONLY)
    router.callback_query.register(stale, CoursesCb.filter(F.action == "stale"), flags=READ_ONLY)
    router.callback_query.register(open_record, ReviewCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(send_certificate, ReviewCb.filter(F.action == "cert"), flags=READ_ONLY)
    router.callback_query.register(approve, ReviewCb.filter(F.action == "approve"))
    router.callback_query.register(return_start, ReviewCb.filter(F.action == "return"))
    router.message.register(got_reason, StateFilter(ReviewDialog.reason), TYPED)
    router.message.register(need_reason, StateFilter(ReviewDialog.reason), NOT_COMMAND, flags=READ_ONLY)
    return router
