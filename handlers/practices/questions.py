"""A question to a practice's author and the author's answer, both relayed through the bot."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.practices import finding, questions
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.practices.ui import PracticeCb, Practices
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NO_TEXT, TYPED
from handlers.shared.texts import esc

ASK = (
    f"Напишите вопрос автору практики одним сообщением (до {questions.MAX_TEXT} символов). Автор увидит вашу "
    "школу, но не ваше имя и аккаунт; ответ придёт сюда же. /cancel — отмена."
)
ANSWER = f"Напишите ответ одним сообщением (до {questions.MAX_TEXT} символов). /cancel — отмена."
SENT = "✅ Передано через бота."
UNREACHABLE = "Не удалось передать: собеседник остановил бота или удалил свои данные."


async def ask_start(
    query: CallbackQuery, callback_data: PracticeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    practice = await finding.visible(session, identity.user, callback_data.practice_id)
    if practice.author_id == identity.user.id:
        raise InvalidInput("Это ваша собственная практика.")
    await state.set_state(Practices.question)
    await state.update_data(practice_id=practice.id)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, f"<b>{esc(practice.title)}</b>\n\n{ASK}")


async def got_question(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    practice_id = (await state.get_data()).get("practice_id", 0)
    delivered = await questions.ask(session, identity.user, practice_id, message.text, clock())
    await state.clear()
    await message.answer(SENT if delivered else UNREACHABLE)


async def answer_start(
    query: CallbackQuery, callback_data: PracticeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    question = await questions.for_author(session, identity.user, callback_data.value)
    await state.set_state(Practices.answer)
    await state.update_data(question_id=question.id)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, f"Вопрос: {esc(question.text)}\n\n{ANSWER}")


async def got_answer(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    question_id = (await state.get_data()).get("question_id", 0)
    delivered = await questions.answer(session, identity.user, question_id, message.text, clock())
    await state.clear()
    await message.answer(SENT if delivered else UNREACHABLE)


async def need_text(message: Message) -> None:
    await message.answer("Через бота можно передать только текст. Напишите словами или /cancel.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.callback_query.register(ask_start, PracticeCb.filter(F.action == "ask"))
    router.message.register(got_question, StateFilter(Practices.question), TYPED)
    router.callback_query.register(answer_start, PracticeCb.filter(F.action == "answer"))
    router.message.register(got_answer, StateFilter(Practices.answer), TYPED)
    router.message.register(need_text, StateFilter(Practices.question, Practices.answer), NO_TEXT, flags=READ_ONLY)
    return router
