"""/route: the teacher's ИОМ — build it from the diagnosis, see it, open a step, add an own step and
download it as a PDF. What is done to a planned step (done, postpone, replace, remove) is in
handlers/route/steps.py."""

from aiogram import F, Router
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
from handlers.route.ui import RebuildCb, ResultsRouteCb, RouteBuildCb, RouteCb, RouteDialog, StepCb
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED
from models import Route, User


async def overview_screen(session: AsyncSession, user: User, page: int = 0, notice: str = "", *, clock: Clock):
    ov = await routes.overview(session, user, clock())
    return oui.overview(ov, user.timezone, page, notice), oui.overview_kb(ov, page)


async def step_screen(session: AsyncSession, user: User, step_id: int, notice: str = ""):
    view = await routes.step_view(session, user, step_id)
    return rui.step_card(view, user.timezone, notice), rui.step_kb(view)


async def route_command(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    if (await state.get_state() or "").startswith(RouteDialog.__name__):
        await state.clear()
    text, markup = await overview_screen(session, user, clock=clock)
    await message.answer(text, reply_markup=markup)


async def view(
    query: CallbackQuery, callback_data: RouteCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await ui.show(query, *await overview_screen(session, identity.user, max(callback_data.page, 0), clock=clock))


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
    await ui.show(query, *await step_screen(session, identity.user, callback_data.step_id))


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
    text, markup = await overview_screen(session, user, notice=f"Шаг «{texts.esc(step.title)}» добавлен.", clock=clock)
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
    router.callback_query.register(own_start, RouteCb.filter(F.action == "own"))
    router.message.register(got_own_title, StateFilter(RouteDialog.own_title), TYPED)
    router.message.register(got_own_deadline, StateFilter(RouteDialog.own_deadline), TYPED)
    router.message.register(
        need_text, StateFilter(RouteDialog.own_title, RouteDialog.own_deadline), NOT_COMMAND, flags=READ_ONLY
    )
    return router
