"""A question to a practice's author and the author's answer, both relayed through the bot."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
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


async def _prompt(query: CallbackQuery, state: FSMContext, dialog: State, text: str, **data: int) -> None:
    """One side of the relay begins: the dialog waits for the text, the prompt comes as a new message."""
    await state.set_state(dialog)
    await state.update_data(**data)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, text)


async def _relay(message: Message, state: FSMContext, key: str, send) -> None:
    """The typed text goes to the other side through the bot (`send(id, text)`), and the dialog ends."""
    delivered = await send((await state.get_data()).get(key, 0), message.text)
    await state.clear()
    await message.answer(SENT if delivered else UNREACHABLE)


async def ask_start(
    query: CallbackQuery, callback_data: PracticeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    practice = await finding.visible(session, identity.user, callback_data.practice_id)
    if practice.author_id == identity.user.id:
        raise InvalidInput("Это ваша собственная практика.")
    await _prompt(query, state, Practices.question, f"<b>{esc(practice.title)}</b>\n\n{ASK}", practice_id=practice.id)


async def got_question(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _relay(
        message,
        state,
        "practice_id",
        lambda practice_id, text: questions.ask(session, identity.user, practice_id, text, clock()),
    )


async def answer_start(
    query: CallbackQuery, callback_data: PracticeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    question = await questions.for_author(session, identity.user, callback_data.value)
    await _prompt(query, state, Practices.answer, f"Вопрос: {esc(question.text)}\n\n{ANSWER}", question_id=question.id)


async def got_answer(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _relay(
        message,
        state,
        "question_id",
        lambda question_id, text: questions.answer(session, identity.user, question_id, text, clock()),
    )


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
