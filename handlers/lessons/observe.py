"""The visitor's observation card: each item of the lesson's areas rated 0–3 with buttons, then
what to take into one's own practice and an optional question for the host."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.lessons import inputs, observation
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.lessons.ui import LessonCb, Lessons, ObsCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc

STALE = "Эта кнопка устарела: ответьте на последний вопрос карточки."
ASK_TAKEAWAY = f"Что вы возьмёте в свою практику? Напишите коротко (до {inputs.MAX_TEXT} символов). /cancel — отмена."
ASK_QUESTION = "Есть вопрос автору урока? Напишите его или нажмите «Без вопроса»."
SENT = "✅ Карточка наблюдения отправлена автору урока. Шаг ИОМ о посещении отмечен выполненным."


def _question(lesson_id: int, index: int, items: list[tuple[str, str]]) -> tuple[str, object]:
    code, text = items[index]
    kb = KeyboardBuilder()
    for value in observation.SCALE:
        kb.button(text=str(value), callback_data=ObsCb(lesson_id=lesson_id, index=index, value=value))
    prompt = (
        f"📝 <b>Карточка наблюдения</b> — пункт {index + 1} из {len(items)}\n\n{code} {esc(text)}\n\n"
        "Как это было видно на уроке? 0 — не видно, 3 — показано ярко."
    )
    return prompt, kb.adjust(4).as_markup()


async def start(
    query: CallbackQuery,
    callback_data: LessonCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    lesson = await observation.open_card(session, identity.user, callback_data.lesson_id, clock())
    items = await observation.items_of(session, lesson)
    await state.set_state(Lessons.rating)
    await state.set_data({"lesson_id": lesson.id, "ratings": {}, "index": 0})
    text, markup = _question(lesson.id, 0, items)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def rate(
    query: CallbackQuery,
    callback_data: ObsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if data.get("lesson_id") != callback_data.lesson_id or data.get("index") != callback_data.index:
        raise InvalidInput(STALE)
    if callback_data.value not in observation.SCALE:
        raise InvalidInput("Оцените пункт кнопками 0–3.")
    lesson = await observation.open_card(session, identity.user, callback_data.lesson_id, clock())
    items = await observation.items_of(session, lesson)
    ratings = {**data.get("ratings", {}), items[callback_data.index][0]: callback_data.value}
    index = callback_data.index + 1
    await state.update_data(ratings=ratings, index=index)
    if index < len(items):
        await ui.show(query, *_question(lesson.id, index, items))
        return
    await state.set_state(Lessons.takeaway)
    await ui.show(query, ASK_TAKEAWAY)


async def got_takeaway(message: Message, state: FSMContext) -> None:
    await state.update_data(takeaway=inputs.parse_note(message.text, "Что возьмёте в свою практику"))
    await state.set_state(Lessons.question)
    data = await state.get_data()
    kb = KeyboardBuilder().button(text="Без вопроса", callback_data=ObsCb(lesson_id=data["lesson_id"], index=-1))
    await message.answer(ASK_QUESTION, reply_markup=kb.as_markup())


async def _finish(state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock, question: str | None):
    data = await state.get_data()
    await observation.save(
        session,
        identity.user,
        data.get("lesson_id", 0),
        data.get("ratings", {}),
        data.get("takeaway"),
        question,
        clock(),
    )
    await state.clear()


async def got_question(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _finish(state, session, identity, clock, inputs.parse_note(message.text, "Вопрос автору урока"))
    await message.answer(SENT)


async def no_question(
    query: CallbackQuery,
    callback_data: ObsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    if (await state.get_data()).get("lesson_id") != callback_data.lesson_id:
        raise InvalidInput(STALE)
    await _finish(state, session, identity, clock, None)
    await ui.show(query, SENT)


async def need_text(message: Message) -> None:
    await message.answer("Пожалуйста, ответьте текстом. /cancel — отмена.")


async def use_buttons(message: Message) -> None:
    await message.answer("Оцените пункт кнопками 0–3 в сообщении выше. /cancel — отмена.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.callback_query.register(start, LessonCb.filter(F.action == "observe"))
    router.callback_query.register(rate, StateFilter(Lessons.rating), ObsCb.filter(F.index >= 0))
    router.message.register(got_takeaway, StateFilter(Lessons.takeaway), TYPED)
    router.message.register(got_question, StateFilter(Lessons.question), TYPED)
    router.callback_query.register(no_question, StateFilter(Lessons.question), ObsCb.filter(F.index == -1))
    router.message.register(need_text, StateFilter(Lessons.takeaway, Lessons.question), NOT_COMMAND, flags=READ_ONLY)
    router.message.register(use_buttons, StateFilter(Lessons.rating), NOT_COMMAND, flags=READ_ONLY)
    return router
