"""/check and the «Проверить себя» button: a teacher checks the self-assessment of an area with the
task bank, one question at a time in one message; the result shows both side by side. From the list
and the result the teacher may ask for a lesson review instead (the methodist's side: review.py)."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.objective_check import attempts, bank, review_requests
from bot.services.shared.roles import Identity
from handlers.objective_check import review_ui
from handlers.objective_check import ui as ui_oc
from handlers.objective_check.ui import CheckAnswerCb, CheckCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered


async def _picker(session: AsyncSession, identity: Identity) -> tuple[str, object]:
    _, zones = await attempts.self_assessment(session, identity.user.id)
    running = await attempts.running(session, identity.user.id)
    areas = list((await bank.current(session))["areas"])
    waiting = review_ui.open_line(await review_requests.open_request(session, identity.user.id), identity.user.timezone)
    return ui_oc.pick(zones, running, waiting), ui_oc.pick_kb(areas, zones, running)


async def check(message: Message, session: AsyncSession, identity: Identity) -> None:
    text, markup = await _picker(session, identity)
    await message.answer(text, reply_markup=markup)


async def pick(query: CallbackQuery, session: AsyncSession, identity: Identity) -> None:
    """From the diagnosis result: the list comes as a new message, the result stays readable."""
    text, markup = await _picker(session, identity)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def start(
    query: CallbackQuery, callback_data: CheckCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    q = await attempts.start(session, identity.user, callback_data.area, clock())
    attempts.show_in(q.check, query.message.message_id if query.message is not None else None)
    await ui.show(query, ui_oc.question(q), ui_oc.question_kb(q))


async def answer(
    query: CallbackQuery, callback_data: CheckAnswerCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    message_id = query.message.message_id if query.message is not None else None
    step = await attempts.answer(session, identity.user, callback_data.index, callback_data.option, message_id, clock())
    if isinstance(step, attempts.Question):
        await ui.show(query, ui_oc.question(step), ui_oc.question_kb(step))
        return
    rows = await attempts.side_by_side(session, identity.user.id, step)
    await ui.show(query, ui_oc.result(step, rows), ui_oc.result_kb(step))


async def ask_review(
    query: CallbackQuery, callback_data: CheckCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    """A lesson review instead of the check: of the area just checked, or (from the list) of the
    areas in severe deficit. A new message, so the result or the list stays readable."""
    user = identity.user
    areas = [callback_data.area] if callback_data.area else await review_requests.severe_areas(session, user.id)
    result = await review_requests.ask(session, user, areas, clock())
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, review_ui.asked(result, user.timezone))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(check, Command("check"), flags=READ_ONLY)
    router.callback_query.register(pick, CheckCb.filter(F.action == "pick"), flags=READ_ONLY)
    router.callback_query.register(start, CheckCb.filter(F.action == "start"))
    router.callback_query.register(answer, CheckAnswerCb.filter())
    router.callback_query.register(ask_review, CheckCb.filter(F.action == "review"))
    return router
