"""/route: the teacher's ИОМ — build it from the diagnosis, follow the steps (done with reflection
and evidence, postpone, replace, remove, add an own step) and download it as a PDF."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import pdf
from bot.services import route as routes
from bot.services.objective_check import route_zones
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.objective_check import embeds as check_embeds
from handlers.route import overview_ui as oui
from handlers.route import ui as rui
from handlers.route.ui import (
    RebuildCb,
    ReplaceCb,
    ResultsRouteCb,
    RouteBuildCb,
    RouteCb,
    RouteDialog,
    SkipFileCb,
    StepCb,
)
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED, Has
from models import Route, User


async def _overview(session: AsyncSession, user: User, page: int = 0, notice: str = "", *, clock: Clock):
    ov = await routes.overview(session, user, clock())
    return oui.overview(ov, user.timezone, page, notice), oui.overview_kb(ov, page)


async def _card(session: AsyncSession, user: User, step_id: int, notice: str = ""):
    view = await routes.step_view(session, user, step_id)
    return rui.step_card(view, user.timezone, notice), rui.step_kb(view)


async def route_command(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    if (await state.get_state() or "").startswith(RouteDialog.__name__):
        await state.clear()
    text, markup = await _overview(session, user, clock=clock)
    await message.answer(text, reply_markup=markup)


async def view(
    query: CallbackQuery, callback_data: RouteCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await ui.show(query, *await _overview(session, identity.user, max(callback_data.page, 0), clock=clock))


async def build(
    query: CallbackQuery,
    callback_data: RouteBuildCb | ResultsRouteCb,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    user = identity.user
    route = await routes.start_build(session, user, callback_data.attempt_id, clock())
    reply = _below if isinstance(callback_data, ResultsRouteCb) else ui.show
    if route is None:
        await reply(query, rui.REBUILD_ASK, rui.rebuild_kb(callback_data.attempt_id))
        return
    await _show_built(query, session, user, route, clock=clock, reply=reply)


async def _below(query: CallbackQuery, text: str, markup) -> None:
    """A new message under the pressed one, which stays as it is (the diagnosis results)."""
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def rebuild(
    query: CallbackQuery, callback_data: RebuildCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    route = await routes.rebuild(session, user, callback_data.attempt_id, clock())
    await _show_built(query, session, user, route, clock=clock)


async def _show_built(
    query: CallbackQuery, session: AsyncSession, user: User, route: Route, clock: Clock, reply=ui.show
) -> None:
    ov = await routes.overview(session, user, clock())
    followed = (
        await route_zones.followed(session, user.id, route.attempt_id, route.created_at) if route.attempt_id else []
    )
    notice = oui.built(route, len(ov.steps)) + check_embeds.route_line(followed)
    await reply(query, oui.overview(ov, user.timezone, notice=notice), oui.overview_kb(ov))


async def download(query: CallbackQuery, session: AsyncSession, identity: Identity, clock: Clock) -> None:
    report = await routes.report(session, identity.user)
    await ui.answer(query)
    document = BufferedInputFile(pdf.iom(report, clock()), filename="IOM.pdf")
    await query.bot.send_document(query.from_user.id, document, caption="Ваш ИОМ по шаблону методической службы.")


async def open_step(query: CallbackQuery, callback_data: StepCb, session: AsyncSession, identity: Identity) -> None:
    await ui.show(query, *await _card(session, identity.user, callback_data.step_id))


# --- done: reflection, then an optional file ------------------------------------------------


async def done_start(
    query: CallbackQuery, callback_data: StepCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    _, step = await routes.owned_step(session, identity.user, callback_data.step_id, planned=True)
    await state.set_state(RouteDialog.reflection)
    await state.set_data({"step_id": step.id})
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
    text, markup = await _overview(session, user, notice=oui.done_notice(percent, route), clock=clock)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def not_a_file(message: Message) -> None:
    await message.answer(rui.ASK_FILE)


# --- postpone, replace, remove --------------------------------------------------------------


async def postpone_start(
    query: CallbackQuery, callback_data: StepCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    route, step = await routes.owned_step(session, identity.user, callback_data.step_id, planned=True)
    await state.set_state(RouteDialog.postpone)
    await state.set_data({"step_id": step.id})
    await ui.show(
        query, f"{rui.ASK_DATE}\nМаршрут рассчитан до {route.period_end:%d.%m.%Y}: срок — не позже этой даты."
    )


async def got_date(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    step = await routes.postpone(session, user, int((await state.get_data()).get("step_id", 0)), message.text, clock())
    await state.clear()
    text, markup = await _card(session, user, step.id, notice=f"Новый срок: {step.deadline:%d.%m.%Y}.")
    await message.answer(text, reply_markup=markup)


async def replace(query: CallbackQuery, callback_data: ReplaceCb, session: AsyncSession, identity: Identity) -> None:
    user = identity.user
    if callback_data.activity_id == 0:
        page = await routes.replacements(session, user, callback_data.step_id, callback_data.page)
        await ui.show(query, rui.replacements(page), rui.replacements_kb(page))
        return
    step = await routes.replace(session, user, callback_data.step_id, callback_data.activity_id)
    await ui.show(query, *await _card(session, user, step.id, notice="Шаг заменён."))


async def remove_ask(query: CallbackQuery, callback_data: StepCb, session: AsyncSession, identity: Identity) -> None:
    _, step = await routes.owned_step(session, identity.user, callback_data.step_id, planned=True)
    await ui.show(query, rui.remove_question(step), rui.remove_kb(step.id))


async def remove(
    query: CallbackQuery, callback_data: StepCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    await routes.remove(session, user, callback_data.step_id)
    await ui.show(query, *await _overview(session, user, notice="Шаг убран из маршрута.", clock=clock))


# --- an own step ----------------------------------------------------------------------------


async def own_start(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    if await routes.current(session, identity.user) is None:
        raise InvalidInput("Сначала постройте ИОМ: /route.")
    await state.set_state(RouteDialog.own_title)
    await state.set_data({})
    await ui.show(query, rui.ASK_OWN_TITLE)


async def got_own_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=routes.parse_title(message.text))
    await state.set_state(RouteDialog.own_deadline)
    await message.answer(rui.ASK_OWN_DATE)


async def got_own_deadline(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    deadline = routes.parse_deadline(message.text, user, clock())
    step = await routes.add_own(session, user, (await state.get_data()).get("title", ""), deadline)
    await state.clear()
    text, markup = await _overview(session, user, notice=f"Шаг «{texts.esc(step.title)}» добавлен.", clock=clock)
    await message.answer(text, reply_markup=markup)


async def need_text(message: Message) -> None:
    await message.answer(rui.NEED_TEXT)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(route_command, Command("route"))
    router.callback_query.register(view, RouteCb.filter(F.action == "view"), flags=READ_ONLY)
    router.callback_query.register(build, RouteBuildCb.filter())
    router.callback_query.register(build, ResultsRouteCb.filter())
    router.callback_query.register(rebuild, RebuildCb.filter())
    router.callback_query.register(download, RouteCb.filter(F.action == "pdf"), flags=READ_ONLY)
    router.callback_query.register(open_step, StepCb.filter(F.action == "open"), flags=READ_ONLY)
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
    router.callback_query.register(own_start, RouteCb.filter(F.action == "own"))
    router.message.register(got_own_title, StateFilter(RouteDialog.own_title), TYPED)
    router.message.register(got_own_deadline, StateFilter(RouteDialog.own_deadline), TYPED)
    router.message.register(
        need_text,
        StateFilter(RouteDialog.reflection, RouteDialog.postpone, RouteDialog.own_title, RouteDialog.own_deadline),
        NOT_COMMAND,
        flags=READ_ONLY,
    )
    return router
