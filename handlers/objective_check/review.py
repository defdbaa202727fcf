"""/review_requests: a methodist's list of the lesson-review requests of teachers in their scope, a
request's card (the self-assessment and check it is about) and «Разбор проведён», after which the
teacher is told. The request id in a button is user input: the service re-checks the scope."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.objective_check import review_queue
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import reader_zone
from handlers.objective_check import review_ui
from handlers.objective_check.review_ui import ReviewReqCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.texts import esc


async def _listing(session: AsyncSession, identity: Identity, zone: str, page: int = 0, notice: str = ""):
    found = await review_queue.open_requests(session, identity, page)
    return review_ui.listing(found, zone, notice), review_ui.listing_kb(found)


async def requests_command(message: Message, session: AsyncSession, identity: Identity, settings: Settings) -> None:
    text, markup = await _listing(session, identity, reader_zone(identity.user, settings.default_timezone))
    await message.answer(text, reply_markup=markup)


async def list_page(
    query: CallbackQuery, callback_data: ReviewReqCb, session: AsyncSession, identity: Identity, settings: Settings
) -> None:
    zone = reader_zone(identity.user, settings.default_timezone)
    await ui.show(query, *await _listing(session, identity, zone, callback_data.page))


async def open_request(
    query: CallbackQuery, callback_data: ReviewReqCb, session: AsyncSession, identity: Identity, settings: Settings
) -> None:
    found = await review_queue.card(session, identity, callback_data.request_id)
    zone = reader_zone(identity.user, settings.default_timezone)
    await ui.show(query, review_ui.card(found, zone), review_ui.card_kb(found.request))


async def handled(
    query: CallbackQuery,
    callback_data: ReviewReqCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    teacher, changed = await review_queue.handle(session, identity, callback_data.request_id, clock())
    name = esc(teacher.full_name or "—")
    notice = (
        f"Запрос педагога {name} отмечен: разбор проведён, педагогу сообщено."
        if changed
        else f"Запрос педагога {name} уже отмечен выполненным."
    )
    zone = reader_zone(identity.user, settings.default_timezone)
    await ui.show(query, *await _listing(session, identity, zone, notice=notice))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(requests_command, Command("review_requests"), flags=READ_ONLY)
    router.callback_query.register(list_page, ReviewReqCb.filter(F.action == "list"), flags=READ_ONLY)
    router.callback_query.register(open_request, ReviewReqCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(handled, ReviewReqCb.filter(F.action == "done"))
    return router
