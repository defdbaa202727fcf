"""/courses, the teacher's side: the list, and the dialog that records a completed course or one in
progress (title, provider, hours, dates, form, ФР ДПП, the ИОМ step or area, the certificate).
Each answer is checked as it comes; a bad one gets the reason and the same question again."""

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import courses
from bot.services.route.common import today
from bot.services.shared import roles
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.courses import ui
from handlers.courses.files import certificate
from handlers.courses.ui import CourseDialog, CourseFormCb, CourseFrdppCb, CourseLinkCb, CoursesCb
from handlers.shared import ui as shared_ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED, Has


async def screen(session: AsyncSession, identity: Identity, page: int = 0, notice: str = ""):
    listing = await courses.my_courses(session, identity.user, page)
    return ui.overview(listing, notice), ui.overview_kb(listing, roles.is_methodist(identity))


async def courses_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    if (await state.get_state() or "").startswith(CourseDialog.__name__):
        await state.clear()
    text, markup = await screen(session, identity)
    await message.answer(text, reply_markup=markup)


async def view(query: CallbackQuery, callback_data: CoursesCb, session: AsyncSession, identity: Identity) -> None:
    await shared_ui.show(query, *await screen(session, identity, max(callback_data.page, 0)))


async def add(query: CallbackQuery, callback_data: CoursesCb, state: FSMContext) -> None:
    await state.set_state(CourseDialog.title)
    await state.set_data({"completed": callback_data.action == "add_done"})
    await shared_ui.show(query, ui.ASK_TITLE)


async def got_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=courses.parse_title(message.text))
    await state.set_state(CourseDialog.provider)
    await message.answer(ui.ASK_PROVIDER)


async def got_provider(message: Message, state: FSMContext) -> None:
    await state.update_data(provider=courses.parse_provider(message.text))
    await state.set_state(CourseDialog.hours)
    await message.answer(ui.ASK_HOURS)


async def got_hours(message: Message, state: FSMContext) -> None:
    await state.update_data(hours=courses.parse_hours(message.text))
    await state.set_state(CourseDialog.start)
    await message.answer(ui.ASK_START)


async def got_start(message: Message, state: FSMContext, identity: Identity, clock: Clock) -> None:
    start = courses.parse_date(message.text)
    courses.check_start(start, today(identity.user, clock()))
    await state.update_data(start=start.isoformat())
    await state.set_state(CourseDialog.end)
    completed = (await state.get_data()).get("completed", True)
    await message.answer(ui.ASK_END_DONE if completed else ui.ASK_END_NOW)


async def got_end(message: Message, state: FSMContext, identity: Identity, clock: Clock) -> None:
    end, data = courses.parse_date(message.text), await state.get_data()
    completed = data.get("completed", True)
    courses.check_dates(date.fromisoformat(data["start"]), end, today(identity.user, clock()), completed=completed)
    await state.update_data(end=end.isoformat())
    await state.set_state(CourseDialog.form)
    await message.answer(ui.ASK_FORM, reply_markup=ui.form_kb())


async def got_form(query: CallbackQuery, callback_data: CourseFormCb, state: FSMContext) -> None:
    if callback_data.form not in ui.FORMS:
        raise InvalidInput("Выберите форму обучения кнопкой.")
    await state.update_data(form=callback_data.form)
    await state.set_state(CourseDialog.frdpp)
    await shared_ui.show(query, ui.ASK_FRDPP, ui.frdpp_kb())


async def got_frdpp(
    query: CallbackQuery, callback_data: CourseFrdppCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await state.update_data(frdpp=callback_data.listed, frdpp_number=None)
    if callback_data.listed:
        await state.set_state(CourseDialog.frdpp_number)
        await shared_ui.show(query, ui.ASK_FRDPP_NUMBER)
        return
    await _ask_link(query, state, session, identity)


async def got_frdpp_number(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.update_data(frdpp_number=courses.parse_frdpp_number(message.text))
    await state.set_state(CourseDialog.link)
    steps = await courses.route_steps_for_courses(session, identity.user)
    await message.answer(ui.ASK_LINK, reply_markup=ui.link_kb(steps))


async def _ask_link(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.set_state(CourseDialog.link)
    steps = await courses.route_steps_for_courses(session, identity.user)
    await shared_ui.show(query, ui.ASK_LINK, ui.link_kb(steps))


async def got_link(
    query: CallbackQuery,
    callback_data: CourseLinkCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    area = callback_data.area or None
    await courses.check_link(session, identity.user, area, callback_data.step_id or None)
    await state.update_data(area=area, step_id=callback_data.step_id or None)
    if (await state.get_data()).get("completed", True):
        await state.set_state(CourseDialog.certificate)
        await shared_ui.show(query, ui.ASK_CERTIFICATE)
        return
    await courses.save(session, identity.user, _draft(await state.get_data(), None, None), clock())
    await state.clear()
    await shared_ui.show(query, *await screen(session, identity, notice=ui.SAVED_NOW))


async def got_certificate(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    file_id, kind = certificate(message)
    await courses.save(session, identity.user, _draft(await state.get_data(), file_id, kind), clock())
    await state.clear()
    text, markup = await screen(session, identity, notice=ui.SAVED_PENDING)
    await message.answer(text, reply_markup=markup)


def _draft(data: dict, file_id: str | None, kind: str | None) -> courses.CourseDraft:
    try:
        return courses.CourseDraft(
            completed=bool(data["completed"]),
            title=data["title"],
            provider=data["provider"],
            hours=int(data["hours"]),
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            form=data["form"],
            frdpp=bool(data["frdpp"]),
            frdpp_number=data.get("frdpp_number"),
            area=data.get("area"),
            step_id=data.get("step_id"),
            file_id=file_id,
            file_kind=kind,
        )
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("Запись курса прервалась. Начните заново: /courses.") from None


async def need_certificate(message: Message) -> None:
    await message.answer(ui.ASK_CERTIFICATE)


async def need_text(message: Message) -> None:
    await message.answer(ui.NEED_TEXT)


async def need_button(message: Message) -> None:
    await message.answer(ui.NEED_BUTTON)


TEXT_STATES = (
    CourseDialog.title,
    CourseDialog.provider,
    CourseDialog.hours,
    CourseDialog.start,
    CourseDialog.end,
    CourseDialog.frdpp_number,
)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(courses_command, Command("courses"))
    router.callback_query.register(view, CoursesCb.filter(F.action == "list"), flags=READ_ONLY)
    router.callback_query.register(add, CoursesCb.filter(F.action.in_({"add_done", "add_now"})))
    router.message.register(got_title, StateFilter(CourseDialog.title), TYPED)
    router.message.register(got_provider, StateFilter(CourseDialog.provider), TYPED)
    router.message.register(got_hours, StateFilter(CourseDialog.hours), TYPED)
    router.message.register(got_start, StateFilter(CourseDialog.start), TYPED)
    router.message.register(got_end, StateFilter(CourseDialog.end), TYPED)
    router.callback_query.register(got_form, StateFilter(CourseDialog.form), CourseFormCb.filter())
    router.callback_query.register(got_frdpp, StateFilter(CourseDialog.frdpp), CourseFrdppCb.filter())
    router.message.register(got_frdpp_number, StateFilter(CourseDialog.frdpp_number), TYPED)
    router.callback_query.register(got_link, StateFilter(CourseDialog.link), CourseLinkCb.filter())
    router.message.register(got_certificate, StateFilter(CourseDialog.certificate), Has("photo", "document"))
    router.message.register(need_certificate, StateFilter(CourseDialog.certificate), NOT_COMMAND, flags=READ_ONLY)
    router.message.register(need_text, StateFilter(*TEXT_STATES), NOT_COMMAND, flags=READ_ONLY)
    router.message.register(
        need_button,
        StateFilter(CourseDialog.form, CourseDialog.frdpp, CourseDialog.link),
        NOT_COMMAND,
        flags=READ_ONLY,
    )
    return router
