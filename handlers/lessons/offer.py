"""The dialog in which a teacher offers an open lesson: date and time, class, subject, topic, areas
in focus, places for visitors, preview."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.lessons import hosting, inputs
from bot.services.practices.inputs import AREAS, parse_areas, parse_subject
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.lessons import offer_ui as kit
from handlers.lessons.ui import LessonCb, Lessons, OfferCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED
from models import LessonStatus


async def offer_command(message: Message, state: FSMContext, identity: Identity) -> None:
    await state.clear()
    await state.set_state(Lessons.when)
    await message.answer(kit.ask_when(identity.user.timezone))


async def offer_button(query: CallbackQuery, state: FSMContext, identity: Identity) -> None:
    await state.clear()
    await state.set_state(Lessons.when)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, kit.ask_when(identity.user.timezone))


async def got_when(message: Message, state: FSMContext, identity: Identity, clock: Clock) -> None:
    inputs.parse_when(message.text, identity.user.timezone, clock())
    await state.update_data(when=" ".join(message.text.split()))
    await state.set_state(Lessons.class_name)
    await message.answer(kit.ASK_CLASS)


async def got_class(message: Message, state: FSMContext, identity: Identity) -> None:
    await state.update_data(class_name=inputs.parse_class(message.text))
    await state.set_state(Lessons.subject)
    await message.answer(kit.ASK_SUBJECT, reply_markup=kit.subject_kb(list(identity.user.subjects or [])))


async def got_subject(message: Message, state: FSMContext) -> None:
    await state.update_data(subject=parse_subject(message.text))
    await state.set_state(Lessons.topic)
    await message.answer(kit.ASK_TOPIC)


async def subject_button(query: CallbackQuery, callback_data: OfferCb, state: FSMContext, identity: Identity) -> None:
    subjects = list(identity.user.subjects or [])
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(subjects):
        raise InvalidInput("Напишите предмет текстом.")
    await state.update_data(subject=parse_subject(subjects[index]))
    await state.set_state(Lessons.topic)
    await ui.show(query, kit.ASK_TOPIC)


async def got_topic(message: Message, state: FSMContext) -> None:
    await state.update_data(topic=inputs.parse_topic(message.text))
    await state.set_state(Lessons.areas)
    await message.answer(kit.ASK_AREAS, reply_markup=kit.areas_kb([]))


async def toggle_area(query: CallbackQuery, callback_data: OfferCb, state: FSMContext) -> None:
    if callback_data.value not in AREAS:
        raise InvalidInput("Выберите кнопкой из списка.")
    chosen = sorted(set((await state.get_data()).get("areas", [])) ^ {callback_data.value})
    await state.update_data(areas=chosen)
    await ui.show(query, kit.ASK_AREAS, kit.areas_kb(chosen))


async def areas_done(query: CallbackQuery, state: FSMContext) -> None:
    parse_areas((await state.get_data()).get("areas"))
    await state.set_state(Lessons.places)
    await ui.show(query, kit.ASK_PLACES)


async def got_places(message: Message, state: FSMContext) -> None:
    await state.update_data(capacity=inputs.parse_places(message.text))
    await state.set_state(Lessons.confirm)
    await message.answer(kit.preview(await state.get_data()), reply_markup=kit.preview_kb())


async def send(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock):
    lesson = await hosting.offer(session, identity.user, await state.get_data(), clock())
    await state.clear()
    await ui.show(query, kit.SENT_FOR_APPROVAL if lesson.status == LessonStatus.pending else kit.SENT)


async def use_buttons(message: Message) -> None:
    await message.answer(kit.USE_BUTTONS)


async def need_text(message: Message) -> None:
    await message.answer(kit.NEED_TEXT)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(offer_command, Command("offer_lesson"))
    router.callback_query.register(offer_button, LessonCb.filter(F.action == "offer"))
    router.message.register(got_when, StateFilter(Lessons.when), TYPED)
    router.message.register(got_class, StateFilter(Lessons.class_name), TYPED)
    router.message.register(got_subject, StateFilter(Lessons.subject), TYPED)
    router.callback_query.register(subject_button, StateFilter(Lessons.subject), OfferCb.filter(F.action == "subject"))
    router.message.register(got_topic, StateFilter(Lessons.topic), TYPED)
    router.callback_query.register(toggle_area, StateFilter(Lessons.areas), OfferCb.filter(F.action == "area"))
    router.callback_query.register(areas_done, StateFilter(Lessons.areas), OfferCb.filter(F.action == "areas_done"))
    router.message.register(got_places, StateFilter(Lessons.places), TYPED)
    router.callback_query.register(send, StateFilter(Lessons.confirm), OfferCb.filter(F.action == "send"))
    router.message.register(use_buttons, StateFilter(Lessons.areas, Lessons.confirm), NOT_COMMAND, flags=READ_ONLY)
    typed = (Lessons.when, Lessons.class_name, Lessons.subject, Lessons.topic, Lessons.places)
    router.message.register(need_text, StateFilter(*typed), NOT_COMMAND, flags=READ_ONLY)
    return router
