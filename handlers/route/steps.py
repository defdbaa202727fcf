"""What a teacher does to a planned step of the ИОМ: mark it done (a reflection, then an optional
file as evidence), postpone it, replace it with another activity, or remove it."""

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import route as routes
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.route import overview_ui as oui
from handlers.route import ui as rui
from handlers.route.handlers import overview_screen, step_screen
from handlers.route.ui import ReplaceCb, RouteDialog, SkipFileCb, StepCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED, Has
from models import User

# --- done: reflection, then an optional file ------------------------------------------------


async def _step_dialog(session: AsyncSession, user: User, step_id: int, state: FSMContext, dialog: State):
    """A planned step of the teacher's own route, and the dialog about it begun."""
    route, step = await routes.owned_step(session, user, step_id, planned=True)
    await state.set_state(dialog)
    await state.set_data({"step_id": step.id})
    return route, step


async def done_start(
    query: CallbackQuery, callback_data: StepCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await _step_dialog(session, identity.user, callback_data.step_id, state, RouteDialog.reflection)
    await ui.show(query, rui.ASK_REFLECTION)


async def got_reflection(message: Message, state: FSMContext) -> None:
    await state.update_data(reflection=routes.parse_reflection(message.text))
    await state.set_state(RouteDialog.evidence)
    await message.answer(rui.ASK_FILE, reply_markup=rui.skip_kb((await state.get_data())["step_id"]))


async def got_file(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    if message.photo:
        file_id, kind = message.photo[-1].file_id, routes.evidence_kind(photo=True)
    else:
        doc = message.document
        file_id, kind = doc.file_id, routes.evidence_kind(photo=False, mime_type=doc.mime_type, file_name=doc.file_name)
    data = await state.get_data()
    reflection = data.get("reflection") or (routes.parse_reflection(message.caption) if message.caption else None)
    await _finish(message.chat.id, message.bot, state, session, identity.user, reflection, file_id, kind, clock=clock)


async def skip_file(
    query: CallbackQuery,
    callback_data: SkipFileCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if await state.get_state() != RouteDialog.evidence.state or data.get("step_id") != callback_data.step_id:
        raise InvalidInput("Эта кнопка устарела. Откройте шаг заново в /route.")
    # Answered after the work: marking the step done may still be refused, and that is the answer.
    await _finish(
        query.from_user.id, query.bot, state, session, identity.user, data.get("reflection"), None, None, clock=clock
    )
    await ui.answer(query)


async def _finish(
    chat_id: int,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    reflection: str | None,
    file_id: str | None,
    kind: str | None,
    clock: Clock,
) -> None:
    step_id = int((await state.get_data()).get("step_id", 0))
    route, _ = await routes.mark_done(
        session, user, step_id, clock(), reflection=reflection, file_id=file_id, file_kind=kind
    )
    await state.clear()
    percent = routes.progress(await routes.steps_of(session, route.id))
    text, markup = await overview_screen(session, user, notice=oui.done_notice(percent, route), clock=clock)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def not_a_file(message: Message) -> None:
    await message.answer(rui.ASK_FILE)


# --- postpone, replace, remove --------------------------------------------------------------


async def postpone_start(
    query: CallbackQuery, callback_data: StepCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    route, _ = await _step_dialog(session, identity.user, callback_data.step_id, state, RouteDialog.postpone)
    await ui.show(
        query, f"{rui.ASK_DATE}\nМаршрут рассчитан до {route.period_end:%d.%m.%Y}: срок — не позже этой даты."
    )


async def got_date(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    step = await routes.postpone(session, user, int((await state.get_data()).get("step_id", 0)), message.text, clock())
    await state.clear()
    text, markup = await step_screen(session, user, step.id, notice=f"Новый срок: {step.deadline:%d.%m.%Y}.")
    await message.answer(text, reply_markup=markup)


async def replace(query: CallbackQuery, callback_data: ReplaceCb, session: AsyncSession, identity: Identity) -> None:
    user = identity.user
    if callback_data.activity_id == 0:
        page = await routes.replacements(session, user, callback_data.step_id, callback_data.page)
        await ui.show(query, rui.replacements(page), rui.replacements_kb(page))
        return
    step = await routes.replace(session, user, callback_data.step_id, callback_data.activity_id)
    await ui.show(query, *await step_screen(session, user, step.id, notice="Шаг заменён."))


async def remove_ask(query: CallbackQuery, callback_data: StepCb, session: AsyncSession, identity: Identity) -> None:
    _, step = await routes.owned_step(session, identity.user, callback_data.step_id, planned=True)
    await ui.show(query, rui.remove_question(step), rui.remove_kb(step.id))


async def remove(
    query: CallbackQuery, callback_data: StepCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    await routes.remove(session, user, callback_data.step_id)
    await ui.show(query, *await overview_screen(session, user, notice="Шаг убран из маршрута.", clock=clock))


async def need_text(message: Message) -> None:
    await message.answer(rui.NEED_TEXT)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.callback_query.register(done_start, StepCb.filter(F.action == "done"))
    router.message.register(got_reflection, StateFilter(RouteDialog.reflection), TYPED)
    router.message.register(
        got_file, StateFilter(RouteDialog.reflection, RouteDialog.evidence), Has("photo", "document")
    )
    router.callback_query.register(skip_file, SkipFileCb.filter())
    router.message.register(not_a_file, StateFilter(RouteDialog.evidence), NOT_COMMAND, flags=READ_ONLY)
    router.callback_query.register(postpone_start, StepCb.filter(F.action == "postpone"))
    router.message.register(got_date, StateFilter(RouteDialog.postpone), TYPED)
    router.callback_query.register(replace, ReplaceCb.filter())
    router.callback_query.register(remove_ask, StepCb.filter(F.action == "remove_ask"), flags=READ_ONLY)
    router.callback_query.register(remove, StepCb.filter(F.action == "remove"))
    router.message.register(
        need_text, StateFilter(RouteDialog.reflection, RouteDialog.postpone), NOT_COMMAND, flags=READ_ONLY
    )
    return router
